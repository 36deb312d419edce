#!/usr/bin/env bash
# Regenerates the real-music fixture the published layouts' parity tests tag (needs ffmpeg, lame and Debian's
# asc-music package: apt-get install asc-music; not run by the tests).
# 4.08 s from 0:40 of frontiers.mp3 by Michael Kievernagel (GPL-2+), mono, 22,050 Hz, 32 kbps: long enough for
# one 59,049-sample segment at 22,050 Hz (2.68 s) and at 16 kHz (3.69 s), so each layout is fed real music at
# its own rate through SampleCnn's decoder and resampler.
set -euo pipefail
cd "$(dirname "$0")"
ffmpeg -hide_banner -loglevel error -y -ss 40 -t 4 -i /usr/share/games/asc/music/frontiers.mp3 -ac 1 -ar 22050 /tmp/frontiers-4s.wav
lame --quiet -b 32 -m m /tmp/frontiers-4s.wav frontiers-4s-22k.mp3
