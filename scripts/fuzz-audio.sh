#!/usr/bin/env bash
# The full audio fuzz run: N seeded damaged files (default 2,000) through the whole reader, each also
# decoded by ffmpeg for the duration it recovers. Usage: scripts/fuzz-audio.sh [FILES] [OUT_FOLDER]
# Needs ffmpeg on PATH for the comparison (apt-get install ffmpeg). Prints the summary; the files,
# results.tsv (one line per file) and summary.txt stay in OUT_FOLDER.
set -euo pipefail
cd "$(dirname "$0")/.."
files="${1:-2000}"
out="${2:-fuzz-out}"
rm -rf "$out"
dotnet build tests/SampleCnn.Tests -v quiet -nologo
SAMPLECNN_FUZZ_FILES="$files" SAMPLECNN_FUZZ_OUT="$(realpath -m "$out")" \
  dotnet test tests/SampleCnn.Tests --no-build --filter "FullyQualifiedName~FuzzTests" --logger "console;verbosity=minimal" || status=$?
cat "$out/summary.txt"
exit "${status:-0}"
