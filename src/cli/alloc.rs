//! Allocator settings for the native program. Each training step of the CPU LSTM kernel
//! allocates and frees buffers of several MB (the reference model's gate trace is 11 MB).
//! glibc serves blocks that large with `mmap` and returns them to the kernel on `free`, so
//! every step paid for page faults and for the kernel zeroing fresh pages (measured with
//! `perf record`: about 15% of a step in `clear_page`, `exc_page_fault`, `unmap_page_range`
//! and the like). Keeping such blocks in the heap makes the next step reuse them.

/// Largest `M_MMAP_THRESHOLD` glibc accepts on 64-bit (`HEAP_MAX_SIZE / 2`).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const MMAP_THRESHOLD: i32 = 32 * 1024 * 1024;
/// Free heap kept at the top before glibc trims it back to the kernel.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TRIM_THRESHOLD: i32 = 512 * 1024 * 1024;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
unsafe extern "C" {
    /// glibc's `int mallopt(int param, int value)`.
    fn mallopt(param: i32, value: i32) -> i32;
}

/// Serves the kernel's multi-MB buffers from the heap instead of fresh `mmap`s (glibc on
/// Linux; elsewhere nothing to do). Returns whether the allocator took the settings.
pub fn keep_large_blocks() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const M_TRIM_THRESHOLD: i32 = -1;
        const M_MMAP_THRESHOLD: i32 = -3;
        // SAFETY: mallopt only changes allocator parameters; glibc documents it as safe to
        // call at any time, and it is called here before any thread exists.
        unsafe {
            mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
                && mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn glibc_takes_the_settings() {
        assert!(super::keep_large_blocks());
    }
}
