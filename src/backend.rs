//! Choosing the compute device: wgpu (WebGPU in the browser, Vulkan/Metal natively) when an
//! adapter exists, else the CPU backend — and saying which one ran.

use burn::tensor::Device;
use serde::{Deserialize, Serialize};

/// What the user asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum BackendChoice {
    /// The GPU when there is one, else the CPU.
    #[default]
    Auto,
    /// The GPU only (an error without an adapter).
    Gpu,
    /// The CPU backend.
    Cpu,
}

impl std::str::FromStr for BackendChoice {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "auto" => Ok(BackendChoice::Auto),
            "gpu" | "wgpu" | "webgpu" | "vulkan" | "metal" => Ok(BackendChoice::Gpu),
            "cpu" | "ndarray" => Ok(BackendChoice::Cpu),
            other => Err(format!(
                "unknown backend '{other}': expected auto, gpu or cpu"
            )),
        }
    }
}

/// A ready device with the words shown to the user.
#[derive(Debug, Clone)]
pub struct SelectedDevice {
    /// The device to train on (without autodiff).
    pub device: Device,
    /// e.g. "wgpu (GPU)" or "CPU (ndarray)".
    pub label: String,
    /// Why the GPU is not used, when the choice was Auto and it is not.
    pub notice: Option<String>,
}

/// Label of the CPU backend.
pub const CPU_LABEL: &str = "CPU (ndarray)";

/// The CPU backend. burn 0.22 marks ndarray deprecated in favour of `flex`; ndarray is the
/// one known to build and run on wasm32 here, so it stays until the CPU path is reworked.
#[allow(deprecated)]
pub fn cpu() -> SelectedDevice {
    SelectedDevice {
        device: Device::ndarray(),
        label: CPU_LABEL.into(),
        notice: None,
    }
}

fn fallback(reason: String) -> SelectedDevice {
    SelectedDevice {
        notice: Some(format!(
            "no GPU adapter ({reason}); training runs on the CPU backend"
        )),
        ..cpu()
    }
}

/// The adapter's name when it is a software renderer (lavapipe/llvmpipe, SwiftShader, or any
/// device that reports no physical card): there the fused CPU LSTM kernel beats the GPU
/// path by orders of magnitude (BENCHMARKS.md), so `auto` trains on the CPU.
#[cfg(not(target_arch = "wasm32"))]
fn software_adapter(device: &Device) -> Option<String> {
    let identity = device.identity()?;
    let name = identity.name.to_ascii_lowercase();
    let software = ["llvmpipe", "lavapipe", "swiftshader", "software"]
        .iter()
        .any(|s| name.contains(s));
    (software || identity.physical.is_none()).then_some(identity.name)
}

/// Picks a device natively (Vulkan/Metal through wgpu). `Auto` takes the GPU when it is a
/// real one, and the CPU (with a notice) when the adapter is a software renderer.
///
/// # Errors
/// With [`BackendChoice::Gpu`] and no adapter, the reason.
#[cfg(not(target_arch = "wasm32"))]
pub fn select_native(choice: BackendChoice) -> Result<SelectedDevice, String> {
    if choice == BackendChoice::Cpu {
        return Ok(cpu());
    }
    // The wgpu runtime can be initialised once per process: remember the outcome.
    static GPU: std::sync::OnceLock<Result<Device, String>> = std::sync::OnceLock::new();
    let gpu = GPU.get_or_init(|| {
        // wgpu may panic deep inside when no adapter exists on some platforms: contain it.
        match std::panic::catch_unwind(|| Device::wgpu_options().init()) {
            Ok(Ok(device)) => Ok(device),
            Ok(Err(e)) => Err(format!("{e}")),
            Err(_) => Err("wgpu could not start".to_string()),
        }
    });
    let reason = match gpu {
        Ok(device) => {
            if choice == BackendChoice::Auto {
                if let Some(name) = software_adapter(device) {
                    return Ok(SelectedDevice {
                        notice: Some(format!(
                            "the GPU adapter is a software renderer ({name}); the CPU kernel \
                             is faster there, so training runs on the CPU (choose gpu to \
                             use the adapter anyway)"
                        )),
                        ..cpu()
                    });
                }
            }
            return Ok(SelectedDevice {
                device: device.clone(),
                label: "wgpu (GPU)".into(),
                notice: None,
            });
        }
        Err(reason) => reason.clone(),
    };
    match choice {
        BackendChoice::Gpu => Err(format!("no GPU adapter: {reason}")),
        _ => Ok(fallback(reason)),
    }
}

/// Picks a device in the browser (WebGPU through wgpu).
///
/// # Errors
/// With [`BackendChoice::Gpu`] and no adapter, the reason.
#[cfg(target_arch = "wasm32")]
pub async fn select_web(
    choice: BackendChoice,
    adapter_found: bool,
) -> Result<SelectedDevice, String> {
    if choice == BackendChoice::Cpu {
        return Ok(cpu());
    }
    let reason = if adapter_found {
        match Device::wgpu_options().init_async().await {
            Ok(device) => {
                return Ok(SelectedDevice {
                    device,
                    label: "WebGPU".into(),
                    notice: None,
                });
            }
            Err(e) => format!("{e}"),
        }
    } else {
        "this browser offers no WebGPU adapter".to_string()
    };
    match choice {
        BackendChoice::Gpu => Err(format!("no GPU adapter: {reason}")),
        _ => Ok(fallback(reason)),
    }
}
