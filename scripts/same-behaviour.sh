#!/usr/bin/env bash
# Behaviour unchanged by a refactor: run the same demo store, `train --seed 3 --max-epochs 3` and
# `experiment --epochs 2` with two builds of the CLI and compare metrics.csv and the experiment table
# (every column but the times).
# usage: scripts/same-behaviour.sh OLD_REV [NEW_REV=HEAD]   (about 3 minutes on 2 cores)
set -euo pipefail
old=$1; new=${2:-HEAD}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
repo=$(cd "$(dirname "$0")/.." && pwd)
for side in old new; do
  rev=${!side}
  git -C "$repo" worktree add -q --detach "$work/src-$side" "$rev"
  dotnet build "$work/src-$side/src/SampleCnn.Cli" -c Release -o "$work/bin-$side" > "$work/build-$side.log" 2>&1
done
cli_old="dotnet $work/bin-old/SampleCnn.Cli.dll"; cli_new="dotnet $work/bin-new/SampleCnn.Cli.dll"
$cli_new demo --minutes 0.4 --clips 40 --seconds 3 --out "$work/demo" > "$work/demo.log" 2>&1
for side in old new; do
  cli="dotnet $work/bin-$side/SampleCnn.Cli.dll"
  $cli train --store "$work/demo/store" --model 3^6 --run "$work/train-$side" --seed 3 --max-epochs 3 > "$work/train-$side.log" 2>&1
  $cli experiment --store "$work/demo/store" --models 3^5,frame:27 --epochs 2 --seed 2 --out "$work/exp-$side" > "$work/exp-$side.log" 2>&1
done
for side in old new; do git -C "$repo" worktree remove --force "$work/src-$side"; done
status=0
diff <(cut -d, -f1-7 "$work/train-old/metrics.csv") <(cut -d, -f1-7 "$work/train-new/metrics.csv") && echo "metrics.csv: same" || status=1
diff <(cut -d, -f1-7 "$work/exp-old/results.csv") <(cut -d, -f1-7 "$work/exp-new/results.csv") && echo "experiment table: same" || status=1
exit $status
