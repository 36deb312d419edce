#!/usr/bin/env bash
# Runs the GC stress test (tests/SampleCnn.Tests/Platform/GcStressTests.cs) N times, default 10: training,
# evaluation, tagging and filter ascent while another thread forces collections, compared with a quiet run.
# The race it guards against is timing-dependent, so one pass proves little; many passes make it likely.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
dotnet build SampleCnn.slnx -v q -nologo > /dev/null
log=$(mktemp -d)
failed=0
for i in $(seq 1 "$runs"); do
  if dotnet test tests/SampleCnn.Tests --no-build --filter "FullyQualifiedName~GcStressTests" > "$log/run-$i.log" 2>&1; then
    echo "run $i: passed"
  else
    echo "run $i: FAILED, see $log/run-$i.log"
    failed=$((failed + 1))
  fi
done
echo "$failed of $runs runs failed"
[ "$failed" -eq 0 ]
