"""Regenerates tiny-729.pt (needs PyTorch; not run by the tests): a small TorchScript tagger that maps
[batch, 1, 729] waveforms to [batch, 3] sigmoid scores, standing in for a model scripted in PyTorch.
Also writes tiny-729.expected.txt: its scores for a fixed input, which the tests compare with ours."""
import math
import torch
from torch import nn


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(1, 4, 27, stride=27)
        self.bn = nn.BatchNorm1d(4)
        self.dense = nn.Linear(4, 3)

    def forward(self, x):
        return torch.sigmoid(self.dense(torch.relu(self.bn(self.conv(x))).amax(dim=2)))


torch.manual_seed(0)
model = Tiny().eval()
torch.jit.script(model).save("tiny-729.pt")
x = torch.tensor([[[0.5 * math.sin(2 * math.pi * 440 * n / 22050) for n in range(729)]]])
with torch.no_grad():
    print(" ".join(f"{v:.7f}" for v in model(x)[0].tolist()), file=open("tiny-729.expected.txt", "w"))
