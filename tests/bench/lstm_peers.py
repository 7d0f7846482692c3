"""LSTM training-step benchmark (issue 6): Foresight's native paths and PyTorch, same model
(the seed-004 reference: batch 64, window 168, 6 features, LSTM 64→32, Dense 1, Adam) in one
run. The paths alternate over `--rounds` rounds (this VM's speed drifts by ±30% over
minutes; interleaving exposes every path to the same drift) and each figure is the median
over rounds. Prints one JSON line per figure, then a table with the ratios to PyTorch at the
same thread count. `--no-peers` times Foresight alone. `--gpu` adds Foresight's GPU path
(wgpu: Vulkan/Metal; the fused CubeCL kernels) and, when torch sees CUDA, PyTorch on CUDA
(cuDNN); `--stepwise` adds the GPU path without the fused kernels (slow on software adapters).

    python3 tests/bench/lstm_peers.py --foresight PATH [--torch-python PATH] [--no-peers]
                                      [--gpu] [--stepwise] [--window 168] [--steps 10]

Run by `make bench-lstm`, which builds the binary and the venv with torch.
"""
import argparse
import json
import os
import subprocess


def foresight(binary, threads, window, steps, backend="cpu", extra=()):
    out = subprocess.run(
        [binary, "bench", "--backend", backend, "--threads", str(threads), "--window",
         str(window), "--steps", str(steps), "--json", *extra],
        check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def torch_peer(python, window, steps, device="cpu"):
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lstm_torch.py")
    out = subprocess.run([python, script, "--window", str(window), "--steps", str(steps),
                          "--device", device],
                         check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def torch_has_cuda(python):
    probe = subprocess.run([python, "-c", "import torch; print(torch.cuda.is_available())"],
                           capture_output=True, text=True)
    return probe.stdout.strip() == "True"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--foresight", required=True)
    parser.add_argument("--torch-python", default=os.path.expanduser(
        "~/.cache/foresight-torch/bin/python"))
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--window", type=int, default=168)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--gpu", action="store_true")
    parser.add_argument("--stepwise", action="store_true")
    args = parser.parse_args()
    cuda = args.gpu and not args.no_peers and torch_has_cuda(args.torch_python)
    runs = {}
    for _ in range(args.rounds):
        round_rows = [foresight(args.foresight, t, args.window, args.steps) for t in (1, 2)]
        if args.gpu:
            round_rows.append(foresight(args.foresight, 0, args.window, args.steps, "gpu"))
        if args.gpu and args.stepwise:
            round_rows.append(foresight(args.foresight, 0, args.window, max(args.steps // 3, 1),
                                        "gpu", ["--stepwise"]))
        if not args.no_peers:
            round_rows += torch_peer(args.torch_python, args.window, args.steps)
        if cuda:
            round_rows += torch_peer(args.torch_python, args.window, args.steps, "cuda")
        for row in round_rows:
            runs.setdefault(row["path"], []).append(row)
    rows = []
    for path, found in runs.items():
        row = dict(found[0])
        for key in ("ms_per_step", "ms_infer_b1"):
            values = sorted(r[key] for r in found)
            row[key] = values[len(values) // 2]
        row["rounds"] = len(found)
        print(json.dumps(row), flush=True)
        rows.append(row)
    by_path = {r["path"]: r for r in rows}
    print()
    print("| path | ms per step | single-window inference ms | step time vs PyTorch "
          "(same threads; GPU: PyTorch CUDA) |")
    print("|---|---:|---:|---:|")
    for r in rows:
        if r["path"].startswith("native-wgpu"):
            peer = by_path.get("pytorch-cuda")
        else:
            threads = r["path"].rsplit("-", 1)[-1]
            peer = by_path.get(f"pytorch-cpu-{threads}")
        ratio = f"{r['ms_per_step'] / peer['ms_per_step']:.2f}×" if peer else "—"
        print(f"| {r['path']} | {r['ms_per_step']:.1f} | {r['ms_infer_b1']:.2f} | {ratio} |")


if __name__ == "__main__":
    main()
