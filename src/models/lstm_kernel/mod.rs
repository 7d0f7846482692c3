//! The fused LSTM layer's own kernels: the whole sequence forward and backward in one pass
//! per direction, instead of a dozen tensor operations per time step.
//!
//! - [`cpu`]: plain Rust over `f32` slices (native, and the browser's worker without a GPU).
//! - [`cube`]: CubeCL kernels for GPU backends (WebGPU, Vulkan, Metal).
//! - [`gemm`]: the bounds-checked matrix product the CPU kernel is built on.

pub mod activation;
pub mod burn_op;
pub mod cpu;
pub mod cube;
pub mod gemm;
