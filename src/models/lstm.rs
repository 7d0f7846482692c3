//! A stacked LSTM whose layers use the two cheap structural speed-ups that matter on GPUs,
//! where kernel launches (not FLOPs) dominate small recurrent models:
//! - the input projection of **all** time steps is one matmul before the recurrent loop;
//! - the four gates share **one** recurrent matmul (`Linear(H, 4H)`), split afterwards.
//!
//! burn's stock `Lstm` issues separate matmuls per gate and per step.

use burn::config::Config;
use burn::module::{Module, Param};
use burn::nn::{Dropout, DropoutConfig, Linear, LinearConfig};
use burn::tensor::activation::{sigmoid, tanh};
use burn::tensor::{Device, Tensor};

use super::lstm_kernel::burn_op;

/// One LSTM layer with fused gates.
#[derive(Config, Debug)]
pub struct FusedLstmConfig {
    /// Features per time step coming in.
    pub d_input: usize,
    /// Hidden (and cell) state size.
    pub d_hidden: usize,
}

/// One LSTM layer: `input` projects x to the 4 gates, `recurrent` projects h to the 4 gates.
/// Gate order in the 4H axis: input, forget, cell candidate, output.
#[derive(Module, Debug)]
pub struct FusedLstm {
    /// `[d_input → 4·d_hidden]` with bias, applied to all time steps at once.
    pub input: Linear,
    /// `[d_hidden → 4·d_hidden]` without bias, applied once per time step.
    pub recurrent: Linear,
    /// Hidden size.
    pub d_hidden: usize,
}

impl FusedLstmConfig {
    /// Builds the layer on `device`. The forget-gate bias starts at 1 (Jozefowicz et al.,
    /// as Keras' `unit_forget_bias`) so that early training keeps memory.
    pub fn init(&self, device: &Device) -> FusedLstm {
        let h = self.d_hidden;
        let mut input = LinearConfig::new(self.d_input, 4 * h).init(device);
        let forget_one = Tensor::<1>::cat(
            vec![
                Tensor::zeros([h], device),
                Tensor::ones([h], device),
                Tensor::zeros([2 * h], device),
            ],
            0,
        );
        input.bias = Some(Param::from_tensor(forget_one));
        let recurrent = LinearConfig::new(h, 4 * h).with_bias(false).init(device);
        FusedLstm {
            input,
            recurrent,
            d_hidden: h,
        }
    }
}

/// What one layer gives over a sequence: every hidden state and the final (h, c).
#[derive(Debug, Clone)]
pub struct LstmOutput {
    /// Every hidden state `[batch, time, hidden]`.
    pub hidden: Tensor<3>,
    /// The last hidden state `[batch, hidden]`.
    pub h_n: Tensor<2>,
    /// The last cell state `[batch, hidden]` (an encoder hands (h, c) to its decoder).
    pub c_n: Tensor<2>,
}

impl FusedLstm {
    /// Runs the layer over a sequence. `x: [batch, time, d_input]` → `[batch, time, d_hidden]`
    /// when `all_steps`, else only the last step's hidden state `[batch, 1, d_hidden]`.
    pub fn forward(&self, x: Tensor<3>, all_steps: bool) -> Tensor<3> {
        let [batch, _, _] = x.dims();
        let out = self.forward_state(x);
        if all_steps {
            out.hidden
        } else {
            out.h_n.reshape([batch, 1, self.d_hidden])
        }
    }

    /// Runs the layer over a sequence `x: [batch, time, d_input]` and returns every hidden
    /// state and the final (h, c); gradients flow through all three.
    ///
    /// The whole sequence is one operation with its own backward pass
    /// ([`crate::models::lstm_kernel::burn_op`]): our CPU kernel, or our GPU kernels;
    /// beyond the GPU kernels' hidden-size limit (or with no time steps), the tensor
    /// operations of [`Self::forward_stepwise_state`].
    pub fn forward_state(&self, x: Tensor<3>) -> LstmOutput {
        let [batch, time, _] = x.dims();
        if time == 0 || !burn_op::runs_fused(&x.device(), self.d_hidden) {
            return self.forward_stepwise_state(x);
        }
        let h = self.d_hidden;
        let bias = match &self.input.bias {
            Some(bias) => bias.val(),
            None => Tensor::zeros([4 * h], &x.device()),
        };
        // [batch, time + 1, H]: the hidden states, then the final cell state.
        let out = burn_op::fused_lstm(
            x,
            self.input.weight.val(),
            self.recurrent.weight.val(),
            bias,
        );
        let hidden = out.clone().narrow(1, 0, time);
        LstmOutput {
            h_n: out.clone().narrow(1, time - 1, 1).reshape([batch, h]),
            c_n: out.narrow(1, time, 1).reshape([batch, h]),
            hidden,
        }
    }

    /// The same layer as burn tensor operations, one small group per time step (the path
    /// for very wide layers on GPUs, and the reference the fused operation is tested
    /// against). Same output as [`Self::forward`].
    pub fn forward_stepwise(&self, x: Tensor<3>, all_steps: bool) -> Tensor<3> {
        let [batch, _, _] = x.dims();
        let out = self.forward_stepwise_state(x);
        if all_steps {
            out.hidden
        } else {
            out.h_n.reshape([batch, 1, self.d_hidden])
        }
    }

    /// [`Self::forward_state`] as burn tensor operations per time step.
    pub fn forward_stepwise_state(&self, x: Tensor<3>) -> LstmOutput {
        let [batch, time, _] = x.dims();
        let h_size = self.d_hidden;
        let device = x.device();
        let projected = self.input.forward(x); // [batch, time, 4H]: one matmul for all steps
        let mut h = Tensor::<2>::zeros([batch, h_size], &device);
        let mut c = Tensor::<2>::zeros([batch, h_size], &device);
        let mut outputs = Vec::with_capacity(time);
        for t in 0..time {
            // [batch, 4H]
            let gates = projected
                .clone()
                .narrow(1, t, 1)
                .reshape([batch, 4 * h_size])
                + self.recurrent.forward(h);
            let gate = |k: usize| gates.clone().narrow(1, k * h_size, h_size); // [batch, H]
            let (i, f, g, o) = (gate(0), gate(1), gate(2), gate(3));
            c = sigmoid(f) * c + sigmoid(i) * tanh(g);
            h = sigmoid(o) * tanh(c.clone());
            outputs.push(h.clone());
        }
        let hidden = if outputs.is_empty() {
            Tensor::zeros([batch, 0, h_size], &device)
        } else {
            Tensor::stack(outputs, 1) // [batch, time, H]
        };
        LstmOutput {
            hidden,
            h_n: h,
            c_n: c,
        }
    }
}

/// Stacked LSTM → dense head, the seed-004 power-forecast architecture generalised to a
/// multi-step (direct) output: `Dense(horizon)` predicts all horizon steps at once, so no
/// future values of the input features are needed.
#[derive(Config, Debug)]
pub struct StackedLstmConfig {
    /// Input features per time step.
    pub d_input: usize,
    /// Hidden size per layer, first to last (seed-004: 64 → 32).
    #[config(default = "vec![64, 32]")]
    pub hidden: Vec<usize>,
    /// Dropout after each layer (seed-004: 0.2, 0.1).
    #[config(default = "vec![0.2, 0.1]")]
    pub dropout: Vec<f64>,
    /// Steps predicted at once.
    #[config(default = 1)]
    pub horizon: usize,
}

/// The model: LSTM layers (each but the last returning all steps), dropout, dense head.
#[derive(Module, Debug)]
pub struct StackedLstm {
    /// Recurrent layers.
    pub layers: Vec<FusedLstm>,
    /// Dropout after each layer.
    pub dropouts: Vec<Dropout>,
    /// `[last hidden → horizon]`.
    pub head: Linear,
}

impl StackedLstmConfig {
    /// Checks the settings before anything is allocated, so bad values become messages, not
    /// panics.
    pub fn validate(&self) -> Result<(), String> {
        if self.d_input == 0 || self.horizon == 0 {
            return Err("input features and horizon must be at least 1".into());
        }
        if self.hidden.is_empty() || self.hidden.contains(&0) {
            return Err(format!(
                "hidden sizes must be one or more positive numbers, got {:?}",
                self.hidden
            ));
        }
        if let Some(p) = self.dropout.iter().find(|p| !(0.0..1.0).contains(*p)) {
            return Err(format!("dropout must be in [0, 1), got {p}"));
        }
        Ok(())
    }

    /// Builds the model on `device` (call [`Self::validate`] first).
    pub fn init(&self, device: &Device) -> StackedLstm {
        let mut layers = Vec::new();
        let mut d_in = self.d_input;
        for &h in &self.hidden {
            layers.push(FusedLstmConfig::new(d_in, h).init(device));
            d_in = h;
        }
        let dropouts = (0..self.hidden.len())
            .map(|i| DropoutConfig::new(self.dropout.get(i).copied().unwrap_or(0.0)).init())
            .collect();
        let head = LinearConfig::new(d_in, self.horizon).init(device);
        StackedLstm {
            layers,
            dropouts,
            head,
        }
    }
}

impl StackedLstm {
    /// `x: [batch, window, features]` → `[batch, horizon]`.
    pub fn forward(&self, x: Tensor<3>) -> Tensor<2> {
        let last = self.layers.len() - 1;
        let mut h = x;
        for (i, (layer, dropout)) in self.layers.iter().zip(&self.dropouts).enumerate() {
            h = super::dropout::apply(dropout, layer.forward(h, i != last));
        }
        let [batch, _, hidden] = h.dims();
        self.head.forward(h.reshape([batch, hidden])) // [batch, horizon]
    }
}
