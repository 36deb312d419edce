#!/usr/bin/env bash
# Remakes docs/serve-page.png: serve's page in Debian's chromium (headless, through Playwright) after tagging AUDIO
# with MODEL, by the opt-in test ServePageTests.Screenshot. The README's picture is the demo's model and one of its
# clips: `samplecnn demo --out /tmp/demo4`, then `scripts/serve-page-screenshot.sh /tmp/demo4/run /tmp/demo4/audio/clip0019.wav`.
# Usage: scripts/serve-page-screenshot.sh [MODEL (the tests' tiny untrained one)] [AUDIO (an MTAT-like fixture)] [OUT (docs/serve-page.png)]
# Needs: dotnet, /usr/bin/chromium (apt-get install chromium).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${3:-$root/docs/serve-page.png}")
export SAMPLECNN_PAGE_SCREENSHOT=$out
export SAMPLECNN_PAGE_MODEL=${1:+$(realpath "$1")}
export SAMPLECNN_PAGE_AUDIO=${2:+$(realpath "$2")}
dotnet test "$root/tests/SampleCnn.Tests" --filter "FullyQualifiedName~ServePageTests.Screenshot" -nologo -v q
echo "wrote $out ($(stat -c %s "$out") bytes)"
