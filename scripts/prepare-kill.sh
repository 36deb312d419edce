#!/usr/bin/env bash
# Fault run for `samplecnn prepare`: SIGKILL at KILLS random instants (uniform over the time an
# uninterrupted prepare takes, so some land during start-up and some during the manifest), each followed by
# a resume. Every resumed store must be byte-identical to the uninterrupted one: every file but .lock.
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
start=$(now_ms)
"$cli" "${args[@]}" --out "$work/whole" >/dev/null
total=$(( $(now_ms) - start ))
echo "uninterrupted prepare: $clips clips in $total ms"
printf '%5s %9s %16s %10s %10s\n' kill at_ms indexed_at_kill manifest identical

identical=0
for ((k = 1; k <= kills; k++)); do
  store="$work/killed$k"
  delay=$(( (RANDOM * 32768 + RANDOM) % total ))
  "$cli" "${args[@]}" --out "$store" >/dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  indexed=$( [ -f "$store/index.jsonl" ] && tr -cd '\n' < "$store/index.jsonl" | wc -c || echo 0)  # whole lines
  manifest=$( [ -f "$store/manifest.json" ] && echo yes || echo no)
  "$cli" "${args[@]}" --out "$store" >/dev/null
  if diff -r --exclude=.lock "$work/whole" "$store" >/dev/null; then same=yes; identical=$((identical + 1)); else same=NO; fi
  printf '%5d %9d %16s %10s %10s\n' "$k" "$delay" "$indexed/$clips" "$manifest" "$same"
done
echo "$identical of $kills killed-and-resumed stores byte-identical to the uninterrupted one"
[ "$identical" -eq "$kills" ]
