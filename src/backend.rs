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

/// What a WebGPU/wgpu adapter says about itself, as far as the choice needs it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AdapterProbe {
    /// An adapter exists.
    pub found: bool,
    /// Its description when it is a software renderer (see [`is_software_renderer`]).
    pub software: Option<String>,
}

/// True for the CPU implementations of Vulkan/WebGPU (lavapipe/llvmpipe, SwiftShader),
/// judged from the adapter's self-description (name, vendor, architecture).
pub fn is_software_renderer(description: &str) -> bool {
    let lower = description.to_ascii_lowercase();
    ["llvmpipe", "lavapipe", "swiftshader"]
        .iter()
        .any(|s| lower.contains(s))
}

/// What `auto` runs on, given the GPU (or why there is none) and, when the adapter is a
/// software renderer, its description: the GPU on a real card; the CPU kernel on a software
/// renderer (there it is orders of magnitude faster: BENCHMARKS.md) or without an adapter,
/// each with a notice saying why.
pub fn auto_pick(gpu: Result<SelectedDevice, String>, software: Option<String>) -> SelectedDevice {
    let notice = match (gpu, software) {
        (Ok(_), Some(name)) => format!(
            "the GPU adapter is a software renderer ({name}); the CPU kernel is faster there, \
             so training runs on the CPU (choose the GPU to use the adapter anyway)"
        ),
        (Ok(gpu), None) => return gpu,
        (Err(reason), _) => format!("no GPU adapter ({reason}); training runs on the CPU backend"),
    };
    SelectedDevice {
        notice: Some(notice),
        ..cpu()
    }
}

/// The adapter's name when it is a software renderer, or a device that reports no physical
/// card (cubecl's `DeviceIdentity`).
#[cfg(not(target_arch = "wasm32"))]
fn software_adapter(device: &Device) -> Option<String> {
    let identity = device.identity()?;
    (is_software_renderer(&identity.name) || identity.physical.is_none()).then_some(identity.name)
}

/// Picks a device natively (Vulkan/Metal through wgpu); `Auto` by [`auto_pick`].
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
    let software = gpu.as_ref().ok().and_then(software_adapter);
    let gpu = gpu.clone().map(|device| SelectedDevice {
        device,
        label: "wgpu (GPU)".into(),
        notice: None,
    });
    match choice {
        BackendChoice::Gpu => gpu.map_err(|reason| format!("no GPU adapter: {reason}")),
        _ => Ok(auto_pick(gpu, software)),
    }
}

/// Picks a device in the browser (WebGPU through wgpu) from what the adapter `probe` found;
/// `Auto` by [`auto_pick`].
///
/// # Errors
/// With [`BackendChoice::Gpu`] and no adapter, the reason.
#[cfg(target_arch = "wasm32")]
pub async fn select_web(
    choice: BackendChoice,
    probe: &AdapterProbe,
) -> Result<SelectedDevice, String> {
    if choice == BackendChoice::Cpu {
        return Ok(cpu());
    }
    let gpu = if probe.found {
        Device::wgpu_options()
            .init_async()
            .await
            .map(|device| SelectedDevice {
                device,
                label: "WebGPU".into(),
                notice: None,
            })
            .map_err(|e| format!("{e}"))
    } else {
        Err("this browser offers no WebGPU adapter".to_string())
    };
    match choice {
        BackendChoice::Gpu => gpu.map_err(|reason| format!("no GPU adapter: {reason}")),
        _ => Ok(auto_pick(gpu, probe.software.clone())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auto_takes_the_cpu_kernel_on_software_renderers_and_without_an_adapter() {
        assert!(is_software_renderer("llvmpipe (LLVM 19.1.7, 256 bits)"));
        assert!(is_software_renderer("google swiftshader"));
        assert!(!is_software_renderer("NVIDIA GeForce RTX 4090"));
        let software = auto_pick(Ok(cpu()), Some("SwiftShader".into()));
        assert!(
            software
                .notice
                .is_some_and(|n| n.contains("software renderer (SwiftShader)"))
        );
        let none = auto_pick(Err("no adapter".into()), None);
        assert_eq!(none.label, CPU_LABEL);
        assert!(none.notice.is_some_and(|n| n.contains("no adapter")));
        let real = SelectedDevice {
            label: "wgpu (GPU)".into(),
            ..cpu()
        };
        assert_eq!(auto_pick(Ok(real), None).label, "wgpu (GPU)");
    }
}
