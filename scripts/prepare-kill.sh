#!/usr/bin/env bash
# Fault run for `samplecnn prepare`: SIGKILL at KILLS random instants, each followed by a resume. Odd kills
# come at a random time within the uninterrupted run's duration (start-up included); even ones when the
# index reaches a random number of lines, up to all of them (then the kill lands in the manifest's pass),
# since a loaded machine runs slower than the timed run. Every resumed store must be byte-identical to the
# uninterrupted one: every file but .lock.
# Usage: scripts/prepare-kill.sh [KILLS=20] [CLIPS=60] [SEED=1]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kills=${1:-20}; clips=${2:-60}; RANDOM=${3:-1}
dotnet build "$root/src/SampleCnn.Cli" --nologo -v q >/dev/null
cli="$root/src/SampleCnn.Cli/bin/Debug/net10.0/SampleCnn.Cli"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A CSV collection from the test fixtures (MP3 at 16 and 44.1 kHz, Vorbis, FLAC, WAV) and one file that
# is not audio, so the index holds skipped clips too.
mkdir "$work/audio"
sources=(msd-like-44k-stereo.mp3 mtat-like-16k-mono.mp3 vorbis-mono-22k.ogg flac-mono-16k.flac pcm16-stereo-11k.wav broken.mp3)
for s in "${sources[@]:0:5}"; do cp "$root/tests/SampleCnn.Tests/Fixtures/Audio/$s" "$work/audio/"; done
printf 'not audio' > "$work/audio/broken.mp3"
{ echo "file,id,tags"; for ((i = 0; i < clips; i++)); do echo "${sources[i % 6]},clip$i,t$((i % 3));u$((i % 2))"; done; } > "$work/tags.csv"
args=(prepare csv --annotations "$work/tags.csv" --audio "$work/audio")

now_ms() { date +%s%3N; }
whole_lines() { if [ -f "$1" ]; then tr -cd '\n' < "$1" | wc -c; else echo 0; fi; }
start=$(now_ms)
"$cli" "${args[@]}" --out "$work/whole" >/dev/null
total=$(( $(now_ms) - start ))
echo "uninterrupted prepare: $clips clips in $total ms"
printf '%5s %10s %16s %16s %9s %10s\n' kill at killed indexed_at_kill manifest identical

identical=0
for ((k = 1; k <= kills; k++)); do
  store="$work/killed$k"
  delay=$(( (RANDOM * 32768 + RANDOM) % total ))
  "$cli" "${args[@]}" --out "$store" >/dev/null 2>&1 &
  pid=$!
  if ((k % 2)); then
    at="${delay}ms"
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  else
    lines=$((1 + RANDOM % clips)); at="line $lines"
    while kill -0 "$pid" 2>/dev/null && [ "$(whole_lines "$store/index.jsonl")" -lt "$lines" ]; do sleep 0.002; done
  fi
  killed=$(kill -9 "$pid" 2>/dev/null && echo yes || echo "no (had ended)")
  wait "$pid" 2>/dev/null || true
  indexed=$(whole_lines "$store/index.jsonl")
  manifest=$( [ -f "$store/manifest.json" ] && echo yes || echo no)
  "$cli" "${args[@]}" --out "$store" >/dev/null
  if diff -r --exclude=.lock "$work/whole" "$store" >/dev/null; then same=yes; identical=$((identical + 1)); else same=NO; fi
  printf '%5d %10s %16s %16s %9s %10s\n' "$k" "$at" "$killed" "$indexed/$clips" "$manifest" "$same"
done
echo "$identical of $kills killed-and-resumed stores byte-identical to the uninterrupted one"
[ "$identical" -eq "$kills" ]
