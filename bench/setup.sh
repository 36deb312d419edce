#!/usr/bin/env bash
# Installs what bench/ needs beyond the .NET SDK (Debian's PyTorch for the reference runs, ffmpeg and
# LAME for the decode comparison) and makes the fixed inputs in bench/out/.
set -euo pipefail
cd "$(dirname "$0")"
if ! /usr/bin/python3 -c "import torch, numpy" 2>/dev/null || ! command -v ffmpeg >/dev/null || ! command -v lame >/dev/null; then
  apt-get update
  apt-get install -y python3-torch python3-numpy ffmpeg lame
fi
/usr/bin/python3 -c "import torch; print('reference: torch', torch.__version__)"

# Fixed MP3 inputs: 30 s of a music-like signal, as MagnaTagATune (16 kHz mono 32 kbps) and as the
# Million Song previews (44.1 kHz stereo 128 kbps) store it.
mkdir -p out/mp3
music="aevalsrc=exprs=0.25*(sin(2*PI*(220+20*floor(t*4))*t)+0.5*sin(2*PI*(330+30*floor(t*2))*t)+0.3*sin(2*PI*1760*t)*exp(-mod(t\,0.5)*8))+0.05*(random(0)-0.5)|0.25*sin(2*PI*(110+10*floor(t*3))*t)+0.05*(random(1)-0.5):s=44100:d=30"
if [ ! -f out/mp3/mtat-like.mp3 ]; then
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "$music" -ac 1 -ar 16000 /tmp/bench-mtat.wav
  lame --quiet -b 32 -m m /tmp/bench-mtat.wav out/mp3/mtat-like.mp3
fi
if [ ! -f out/mp3/msd-like.mp3 ]; then
  ffmpeg -hide_banner -loglevel error -y -f lavfi -i "$music" /tmp/bench-msd.wav
  lame --quiet -b 128 /tmp/bench-msd.wav out/mp3/msd-like.mp3
fi
ls -l out/mp3

# The FMA peak the inference figures are compared with.
gcc -O3 -march=native -fopenmp -o out/fma-peak fma-peak.c
