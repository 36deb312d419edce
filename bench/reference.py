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


class FrontEnd(nn.Module):
    """Layer 1: strided conv m/m + BN + ReLU."""

    def __init__(self, m):
        super().__init__()
        self.conv = nn.Conv1d(1, 128, m, stride=m)
        self.bn = nn.BatchNorm1d(128)

    def forward(self, x):
        return torch.relu(self.bn(self.conv(x)))


class ConvModule(nn.Module):
    """Conv m 'same' + BN + ReLU + max-pool m."""

    def __init__(self, cin, cout, m):
        super().__init__()
        self.conv = nn.Conv1d(cin, cout, m, padding="same")
        self.bn = nn.BatchNorm1d(cout)
        self.pool = nn.MaxPool1d(m)

    def forward(self, x):
        return self.pool(torch.relu(self.bn(self.conv(x))))


class ClassifierHead(nn.Module):
    """1x1 conv 512 + BN + ReLU, dropout, dense (logits)."""

    def __init__(self, cin, tags, dropout=0.5):
        super().__init__()
        self.conv = nn.Conv1d(cin, 512, 1)
        self.bn = nn.BatchNorm1d(512)
        self.dropout = nn.Dropout(dropout)
        self.dense = nn.Linear(512, tags)

    def forward(self, x):
        return self.dense(self.dropout(torch.relu(self.bn(self.conv(x))).flatten(1)))


class SampleCnn(nn.Module):
    """The m^n model with the same module names as SampleCnn's TaggingCnn, so state_dicts load both ways
    (samplecnn export --pytorch writes one; --init-from reads one)."""

    def __init__(self, m, n, tags):
        super().__init__()
        self.frontEnd = FrontEnd(m)
        channels = [128] + [module_channels(i, n) for i in range(1, n + 1)]
        self.blocks = nn.ModuleList(ConvModule(channels[i], channels[i + 1], m) for i in range(n))
        self.head = ClassifierHead(channels[-1], tags)

    def logits(self, x):
        x = self.frontEnd(x)
        for block in self.blocks:
            x = block(x)
        return self.head(x)

    def forward(self, x):
        return torch.sigmoid(self.logits(x))


def fixed_targets(batch, tags):
    """The same 0/1 targets bench/SampleCnn.Bench uses: positive where (7i + 3j) % 5 == 0."""
    return torch.tensor([[1.0 if (7 * i + 3 * j) % 5 == 0 else 0.0 for j in range(tags)] for i in range(batch)])


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
    parser.add_argument("--mode", choices=["forward", "train-step"], default="forward")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall", help="cpu: the process's CPU time (steadier under load)")
    parser.add_argument("--state-dict", help="load this state_dict (strict) before timing, e.g. one samplecnn export wrote")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    m, n = (int(v) for v in args.model.split("^"))
    model = SampleCnn(m, n, args.tags)
    if args.state_dict:
        model.load_state_dict(torch.load(args.state_dict), strict=True)
    x = torch.from_numpy(np.fromfile(args.input, dtype=np.float32)).reshape(args.batch, 1, -1)

    now = time.process_time if args.clock == "cpu" else time.perf_counter
    times = []
    if args.mode == "forward":
        model.eval()
        with torch.no_grad():
            for i in range(args.warmup + args.iters):
                start = now()
                y = model(x)
                elapsed = (now() - start) * 1000.0
                if i >= args.warmup:
                    times.append(elapsed)
    else:
        model.train()
        targets = fixed_targets(args.batch, args.tags)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=1e-7)
        for i in range(args.warmup + args.iters):
            start = now()
            optimizer.zero_grad()
            y = nn.functional.binary_cross_entropy_with_logits(model.logits(x), targets)
            y.backward()
            optimizer.step()
            elapsed = (now() - start) * 1000.0
            if i >= args.warmup:
                times.append(elapsed)
    print(json.dumps({"times_ms": times, "peak_rss_mb": peak_rss_mb(), "version": torch.__version__,
                      "threads": torch.get_num_threads(), "checksum": float(y.sum())}))


if __name__ == "__main__":
    main()
