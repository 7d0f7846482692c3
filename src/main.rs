//! Native entry point: the `foresight` command line. (The browser app is the library's
//! cdylib, started from `index.html`; see `web`.)

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use clap::Parser;
    // The CPU LSTM kernel splits the batch over threads itself; matrixmultiply's own pool on
    // top of that made every small per-step product pay for thread hand-offs (measured: the
    // reference step 155 → ~110 ms single-threaded once it stopped). A user's setting wins.
    if std::env::var_os("MATMUL_NUM_THREADS").is_none() {
        // SAFETY: first statement of `main`, before any thread exists.
        unsafe { std::env::set_var("MATMUL_NUM_THREADS", "1") };
    }
    // Training steps reuse their multi-MB buffers instead of faulting in fresh pages.
    foresight::cli::alloc::keep_large_blocks();
    match foresight::cli::main_with(foresight::cli::Cli::parse()) {
        // A reader that stopped early (`… | head`) got what it wanted.
        Ok(()) | Err(foresight::cli::CliError::OutputClosed) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}
