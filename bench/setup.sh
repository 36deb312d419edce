#!/usr/bin/env bash
# Installs what bench/ needs beyond the .NET SDK: Debian's PyTorch for the reference runs.
set -euo pipefail
if ! /usr/bin/python3 -c "import torch, numpy" 2>/dev/null; then
  apt-get update
  apt-get install -y python3-torch python3-numpy
fi
/usr/bin/python3 -c "import torch; print('reference: torch', torch.__version__)"
