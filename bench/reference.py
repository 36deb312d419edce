"""PyTorch reference for bench/: the same networks as src/SampleCnn/Models, timed the same way.

Run by the C# harness (bench/SampleCnn.Bench) as a worker process; prints one JSON line.
Uses Debian's python3-torch (bench/setup.sh installs it). Nothing here is imported by the project.
"""
import argparse
import json
import time

import numpy as np
import torch
from torch import nn


def module_channels(i, n):
    """Channel plan of PAPER.md: first two modules 128, the last 512, the others 256."""
    return 512 if i == n else 128 if i <= 2 else 256


class SampleCnn(nn.Module):
    """m^n sample-level model: strided conv m/m, n x (conv m 'same' + BN + ReLU + max-pool m), 1x1 conv 512, dense."""

    def __init__(self, m, n, tags):
        super().__init__()
        layers = [nn.Conv1d(1, 128, m, stride=m), nn.BatchNorm1d(128), nn.ReLU()]
        channels = 128
        for i in range(1, n + 1):
            out = module_channels(i, n)
            layers += [nn.Conv1d(channels, out, m, padding="same"), nn.BatchNorm1d(out), nn.ReLU(), nn.MaxPool1d(m)]
            channels = out
        layers += [nn.Conv1d(channels, 512, 1), nn.BatchNorm1d(512), nn.ReLU(), nn.Dropout(0.5), nn.Flatten()]
        self.features = nn.Sequential(*layers)
        self.dense = nn.Linear(512, tags)

    def forward(self, x):
        return torch.sigmoid(self.dense(self.features(x)))


def peak_rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="3^9")
    parser.add_argument("--input", required=True, help="float32 file of shape [batch, 1, samples]")
    parser.add_argument("--batch", type=int, required=True)
    parser.add_argument("--tags", type=int, default=50)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--iters", type=int, default=10)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    m, n = (int(v) for v in args.model.split("^"))
    model = SampleCnn(m, n, args.tags).eval()
    x = torch.from_numpy(np.fromfile(args.input, dtype=np.float32)).reshape(args.batch, 1, -1)

    times = []
    with torch.no_grad():
        for i in range(args.warmup + args.iters):
            start = time.perf_counter()
            y = model(x)
            elapsed = (time.perf_counter() - start) * 1000.0
            if i >= args.warmup:
                times.append(elapsed)
    print(json.dumps({"times_ms": times, "peak_rss_mb": peak_rss_mb(), "version": torch.__version__,
                      "threads": torch.get_num_threads(), "checksum": float(y.sum())}))


if __name__ == "__main__":
    main()
