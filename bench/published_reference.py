"""PyTorch definitions of the published sample-level CNN checkpoints' layouts, for SampleCnn's parity tests.

Each network is written from the facts in ../shared/COMMUNITY_CHECKPOINTS.md (keys, shapes, padding, order of
operations), not from their code. For one layout this script builds the network with random weights and non-trivial
BatchNorm statistics, saves its state_dict as that layout's file (CLMR's Lightning form: a checkpoint dict whose
state_dict holds the encoder under `encoder.`), reads one segment of 59049 samples (raw float32, at the layout's
sample rate: the tests decode real music with SampleCnn's decoder and resampler) and prints its sigmoid scores
(CLMR: of its logits) as one JSON line.

    python3 published_reference.py won-sample OUT.pth SEGMENT.f32 [--outputs 50] [--seed 1] [--legacy]

Uses Debian's python3-torch, as bench/reference.py. Nothing here is imported by the project.
"""
import argparse
import json

import torch
from torch import nn

SAMPLES = 59049
CHANNELS = [128, 128, 128, 256, 256, 256, 256, 256, 256, 512]  # layer 1, then the nine modules


class ConvLayer(nn.Module):
    """Won et al. `sample` layer: conv (padding kernel // 2) + BN + ReLU + max-pool."""

    def __init__(self, cin, cout, kernel, stride=1, pool=3):
        super().__init__()
        self.conv = nn.Conv1d(cin, cout, kernel, stride=stride, padding=kernel // 2)
        self.bn = nn.BatchNorm1d(cout)
        self.pool = nn.MaxPool1d(pool)

    def forward(self, x):
        return self.pool(torch.relu(self.bn(self.conv(x))))


class WonSample(nn.Module):
    def __init__(self, outputs):
        super().__init__()
        self.layer1 = ConvLayer(1, 128, 3, stride=3, pool=1)
        for i in range(2, 11):
            setattr(self, f"layer{i}", ConvLayer(CHANNELS[i - 2], CHANNELS[i - 1], 3))
        self.layer11 = ConvLayer(512, 512, 1, pool=1)
        self.dropout = nn.Dropout(0.5)
        self.dense = nn.Linear(512, outputs)

    def forward(self, x):
        for i in range(1, 12):
            x = getattr(self, f"layer{i}")(x)
        return torch.sigmoid(self.dense(self.dropout(x.squeeze(-1))))


class ResidualSe(nn.Module):
    """Won et al. `se` layer: conv_1-bn_1-ReLU-conv_2-bn_2, SE C -> C, shortcut conv_3-bn_3 when the stride or
    channels change, add, ReLU, max-pool."""

    def __init__(self, cin, cout, kernel, stride=1, pool=3):
        super().__init__()
        self.conv_1 = nn.Conv1d(cin, cout, kernel, stride=stride, padding=kernel // 2)
        self.bn_1 = nn.BatchNorm1d(cout)
        self.conv_2 = nn.Conv1d(cout, cout, kernel, padding=kernel // 2)
        self.bn_2 = nn.BatchNorm1d(cout)
        self.dense1 = nn.Linear(cout, cout)
        self.dense2 = nn.Linear(cout, cout)
        self.project = stride != 1 or cin != cout
        if self.project:
            self.conv_3 = nn.Conv1d(cin, cout, kernel, stride=stride, padding=kernel // 2)
            self.bn_3 = nn.BatchNorm1d(cout)
        self.pool = nn.MaxPool1d(pool)

    def forward(self, x):
        out = self.bn_2(self.conv_2(torch.relu(self.bn_1(self.conv_1(x)))))
        gate = torch.sigmoid(self.dense2(torch.relu(self.dense1(out.mean(-1)))))
        out = out * gate.unsqueeze(-1)
        shortcut = self.bn_3(self.conv_3(x)) if self.project else x
        return self.pool(torch.relu(out + shortcut))


class WonSe(nn.Module):
    def __init__(self, outputs):
        super().__init__()
        self.layer1 = ResidualSe(1, 128, 3, stride=3, pool=1)
        for i in range(2, 11):
            setattr(self, f"layer{i}", ResidualSe(CHANNELS[i - 2], CHANNELS[i - 1], 3))
        self.layer11 = ResidualSe(512, 512, 1, pool=1)
        self.dense1 = nn.Linear(512, 512)
        self.bn = nn.BatchNorm1d(512)
        self.dropout = nn.Dropout(0.5)
        self.dense2 = nn.Linear(512, outputs)

    def forward(self, x):
        for i in range(1, 12):
            x = getattr(self, f"layer{i}")(x)
        x = self.dropout(torch.relu(self.bn(self.dense1(x.squeeze(-1)))))
        return torch.sigmoid(self.dense2(x))


class Clmr(nn.Module):
    """CLMR's SampleCNN: sequential.0 conv 3/3 unpadded + BN + ReLU; sequential.1..9 conv 3 pad 1 + BN + ReLU +
    max-pool 3; sequential.10 conv 3 pad 1 + BN + ReLU; fc to logits."""

    def __init__(self, outputs):
        super().__init__()
        layers = [nn.Sequential(nn.Conv1d(1, 128, 3, stride=3), nn.BatchNorm1d(128), nn.ReLU())]
        for i in range(1, 10):
            layers.append(nn.Sequential(nn.Conv1d(CHANNELS[i - 1], CHANNELS[i], 3, padding=1),
                                        nn.BatchNorm1d(CHANNELS[i]), nn.ReLU(), nn.MaxPool1d(3)))
        layers.append(nn.Sequential(nn.Conv1d(512, 512, 3, padding=1), nn.BatchNorm1d(512), nn.ReLU()))
        self.sequential = nn.Sequential(*layers)
        self.fc = nn.Linear(512, outputs)

    def forward(self, x):
        return self.fc(self.sequential(x).reshape(x.shape[0], -1))


LAYOUTS = {"won-sample": WonSample, "won-se": WonSe, "clmr": Clmr, "clmr-lightning": Clmr}


def randomise(model):
    """BatchNorm statistics from two passes over random clips (so they differ from 0 and 1),
    random BatchNorm scales and shifts, and a last layer scaled up."""
    for m in model.modules():
        if isinstance(m, nn.BatchNorm1d):
            m.momentum = 0.5
    model.train()
    with torch.no_grad():
        for _ in range(2):
            model(torch.randn(2, 1, SAMPLES) * 0.3)
        for m in model.modules():
            if isinstance(m, nn.BatchNorm1d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.1)
        # A larger last layer spreads the scores over (0, 1) instead of about 0.5, where differences would shrink.
        list(model.modules())[-1].weight.mul_(20)
    model.eval()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("layout", choices=sorted(LAYOUTS))
    parser.add_argument("weights")
    parser.add_argument("input")
    parser.add_argument("--outputs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--legacy", action="store_true", help="save in the format of PyTorch before 1.6 (Won et al. used 1.2)")
    args = parser.parse_args()

    torch.set_num_threads(1)
    torch.manual_seed(args.seed)  # before the layers are made, so their random weights are the same in every run
    model = LAYOUTS[args.layout](args.outputs)
    randomise(model)
    state = model.state_dict()
    if args.layout == "clmr-lightning":
        encoder = {"encoder." + k: v for k, v in state.items()}
        encoder["projector.0.weight"] = torch.randn(64, args.outputs)  # not the encoder's: SampleCnn leaves it
        state = {"epoch": 3, "global_step": 1200, "pytorch-lightning_version": "1.3.0", "state_dict": encoder,
                 "hyper_parameters": {"learning_rate": 0.0003, "projection_dim": 64}}
    torch.save(state, args.weights, _use_new_zipfile_serialization=not args.legacy)

    with open(args.input, "rb") as f:
        x = torch.frombuffer(bytearray(f.read()), dtype=torch.float32)  # little-endian, as this machine
    assert x.numel() == SAMPLES, f"{args.input}: {x.numel()} samples, not {SAMPLES}"
    with torch.no_grad():
        scores = model(x.view(1, 1, -1))
        if isinstance(model, Clmr):
            scores = torch.sigmoid(scores)
    print(json.dumps({"layout": args.layout, "scores": scores[0].tolist()}))


if __name__ == "__main__":
    main()
