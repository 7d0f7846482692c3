"""PyTorch reference figures for the fused LSTM layer (issue 6).

Writes tests/data/lstm/torch_lstm.json: for each case, the inputs, the weights in PyTorch's
layout (weight_ih [4H, D], weight_hh [4H, H], bias_ih, bias_hh; gates i, f, g, o), the
outputs of `torch.nn.LSTM` (every hidden state, final h and c) and the gradients of the loss
    L = Σ r_out ⊙ output + Σ r_h ⊙ h_n + Σ r_c ⊙ c_n
with respect to the input and every weight. Computed in float64, so the figures are exact
to far below the tolerances of the f32 kernels they check.

Run with a venv that has torch (the benchmark's venv):
    python3 -m venv ~/.cache/foresight-torch && ~/.cache/foresight-torch/bin/pip install torch
    ~/.cache/foresight-torch/bin/python tests/data/make_lstm_reference.py
"""
import json
import os

import torch

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lstm")

# name, batch, time, input, hidden sizes per layer (a stack of single-layer LSTMs, as the
# model's 64→32), weight scale (large scales saturate the gates)
CASES = [
    ("small", 3, 7, 4, [5], 0.5),
    ("stacked", 2, 11, 3, [6, 4], 0.5),
    ("long_saturated", 2, 60, 2, [3], 2.0),
]


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def main():
    torch.manual_seed(20261122)
    out = {"torch": torch.__version__, "cases": []}
    for name, batch, time, d_in, hidden, scale in CASES:
        x = (torch.rand(batch, time, d_in, dtype=torch.float64) * 2 - 1).requires_grad_()
        layers = []
        d = d_in
        for h in hidden:
            lstm = torch.nn.LSTM(d, h, batch_first=True).double()
            with torch.no_grad():
                for p in lstm.parameters():
                    p.uniform_(-scale, scale)
            layers.append(lstm)
            d = h
        seq = x
        finals = []
        for lstm in layers:
            seq, (h_n, c_n) = lstm(seq)
            finals.append((h_n, c_n))
        r_out = torch.rand_like(seq) * 2 - 1
        loss = (r_out * seq).sum()
        r_finals = []
        for h_n, c_n in finals:
            r_h = torch.rand_like(h_n) * 2 - 1
            r_c = torch.rand_like(c_n) * 2 - 1
            loss = loss + (r_h * h_n).sum() + (r_c * c_n).sum()
            r_finals.append((r_h, r_c))
        loss.backward()
        case = {
            "name": name, "batch": batch, "time": time, "input": d_in, "hidden": hidden,
            "x": flat(x), "r_out": flat(r_out), "output": flat(seq), "loss": float(loss),
            "grad_x": flat(x.grad), "layers": [],
        }
        for lstm, (h_n, c_n), (r_h, r_c) in zip(layers, finals, r_finals):
            case["layers"].append({
                "weight_ih": flat(lstm.weight_ih_l0), "weight_hh": flat(lstm.weight_hh_l0),
                "bias_ih": flat(lstm.bias_ih_l0), "bias_hh": flat(lstm.bias_hh_l0),
                "h_n": flat(h_n), "c_n": flat(c_n), "r_h": flat(r_h), "r_c": flat(r_c),
                "grad_weight_ih": flat(lstm.weight_ih_l0.grad),
                "grad_weight_hh": flat(lstm.weight_hh_l0.grad),
                "grad_bias": flat(lstm.bias_ih_l0.grad),
            })
        out["cases"].append(case)
    os.makedirs(HERE, exist_ok=True)
    with open(os.path.join(HERE, "torch_lstm.json"), "w") as f:
        json.dump(out, f)
    print("wrote", len(out["cases"]), "cases")


if __name__ == "__main__":
    main()
