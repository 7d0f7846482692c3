"""PyTorch peer for the LSTM benchmark (issue 6): the seed-004 reference model (batch 64,
window 168, 6 features, LSTM 64 → dropout 0.2 → LSTM 32 → dropout 0.1 → Dense 1, Adam,
MSE), timed per training step (forward, backward, Adam update, loss read) and for
single-window inference, with 1 and 2 threads (or on CUDA with `--device cuda`, where
PyTorch runs cuDNN's LSTM). Prints one JSON line per figure:
    {"path": "pytorch-cpu-1t", "model": "s4-reference", "ms_per_step": …, "ms_infer_b1": …}

Run by `make bench-lstm` (venv with torch made on first use), or directly:
    ~/.cache/foresight-torch/bin/python tests/bench/lstm_torch.py [--window 168] [--steps 10]
"""
import argparse
import json
import time

import torch


class Reference(torch.nn.Module):
    def __init__(self, features=6):
        super().__init__()
        self.lstm1 = torch.nn.LSTM(features, 64, batch_first=True)
        self.drop1 = torch.nn.Dropout(0.2)
        self.lstm2 = torch.nn.LSTM(64, 32, batch_first=True)
        self.drop2 = torch.nn.Dropout(0.1)
        self.head = torch.nn.Linear(32, 1)

    def forward(self, x):
        h, _ = self.lstm1(x)
        h, _ = self.lstm2(self.drop1(h))
        return self.head(self.drop2(h[:, -1, :]))


def median(values):
    values = sorted(values)
    return values[len(values) // 2]


def measure(threads, window, steps, batch=64, features=6, device="cpu"):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    model = Reference(features).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(batch, window, features, device=device)
    y = torch.rand(batch, 1, device=device)
    step_ms = []
    for step in range(steps + 1):
        start = time.perf_counter()
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step()
        loss.item()
        if step > 0:  # the first step warms up
            step_ms.append((time.perf_counter() - start) * 1e3)
    model.eval()
    one = x[:1]
    infer_ms = []
    with torch.no_grad():
        for k in range(21):
            start = time.perf_counter()
            model(one).item()
            if k > 0:
                infer_ms.append((time.perf_counter() - start) * 1e3)
    return median(step_ms), median(infer_ms)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--window", type=int, default=168)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    args = parser.parse_args()
    if args.device == "cuda":
        # loss.item() and .item() wait for the GPU, so the clock sees the whole step.
        ms_step, ms_infer = measure(1, args.window, args.steps, device="cuda")
        print(json.dumps({
            "path": "pytorch-cuda", "model": "s4-reference", "window": args.window,
            "ms_per_step": round(ms_step, 2), "ms_infer_b1": round(ms_infer, 3),
            "torch": torch.__version__, "gpu": torch.cuda.get_device_name(0),
        }), flush=True)
        return
    for threads in (1, 2):
        ms_step, ms_infer = measure(threads, args.window, args.steps)
        print(json.dumps({
            "path": f"pytorch-cpu-{threads}t", "model": "s4-reference", "window": args.window,
            "ms_per_step": round(ms_step, 2), "ms_infer_b1": round(ms_infer, 3),
            "torch": torch.__version__,
        }), flush=True)


if __name__ == "__main__":
    main()
