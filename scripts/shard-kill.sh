#!/usr/bin/env bash
# Done-means run for sharded tagging (issue 18): FILES fixture WAVs (default 240) in a manifest; 4 worker processes
# `tag --manifest --shard i/4 --parts` run at once; two of them, chosen at random, are killed with SIGKILL at random
# instants (within the single-process run's duration); those two are rerun; `merge` combines the parts. Passes when
# every manifest entry appears exactly once and every score equals a single-process `tag` of the same files (its parts
# merged to CSV the same way, scores in round-trip precision) within float32 rounding, 1e-6.
#
# The model: 3^5 trained for one epoch on 48 of the clips (prepare csv + train), as scripts/fault-train.sh does.
# Usage: scripts/shard-kill.sh [FILES (240)] [SEED (1)] [WORK_DIR (a new temporary folder)]
# Needs: dotnet, python3 (writes the WAVs). Exit status 1 if an entry is missing or repeated or a score differs by more.
set -euo pipefail
files=${1:-240}; RANDOM=${2:-1}
work=${3:-$(mktemp -d -t shard-kill.XXXXXX)}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work"

echo "building the CLI (Release) into $work/bin"
dotnet build "$root/src/SampleCnn.Cli" -c Release -o "$work/bin" -nologo -v q >/dev/null
cli="$work/bin/SampleCnn.Cli"

# FILES two-second clips in three folders: a tone (low or high) with or without noise; the first 48 train the model.
python3 - "$work/audio" "$files" <<'PY'
import math, os, random, struct, sys, wave
folder, count = sys.argv[1], int(sys.argv[2]); rng = random.Random(11)
rows, listed = ["file,tags,split"], []
for i in range(count):
    high, noisy = rng.random() < 0.5, rng.random() < 0.5
    hz = 2000 + 2000 * rng.random() if high else 150 + 150 * rng.random()
    name = f"{'abc'[i % 3]}/clip{i:04d}.wav"
    os.makedirs(os.path.join(folder, name[0]), exist_ok=True)
    with wave.open(os.path.join(folder, name), "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(22050)
        w.writeframes(b"".join(struct.pack("<h", int(32767 * (0.4 * math.sin(2 * math.pi * hz * n / 22050) + (0.2 * (rng.random() - 0.5) if noisy else 0))))
                               for n in range(2 * 22050)))
    listed.append(name)
    if i < 48: rows.append(f"{name},{';'.join(['high' if high else 'low'] + (['noise'] if noisy else []))},{['train', 'train', 'train', 'train', 'valid', 'test'][i % 6]}")
open(os.path.join(folder, "..", "train.csv"), "w").write("\n".join(rows) + "\n")
open(os.path.join(folder, "..", "manifest.txt"), "w").write("\n".join(listed) + "\n")
PY
rm -rf "$work/store" "$work/run" "$work/single" "$work/parts"
"$cli" prepare csv --annotations "$work/train.csv" --audio "$work/audio" --out "$work/store" >/dev/null
"$cli" train --store "$work/store" --model 3^5 --max-epochs 1 --seed 7 --device cpu --run "$work/run" >/dev/null
tag=(tag --manifest "$work/manifest.txt" --audio-root "$work/audio" --model "$work/run" --threads 1 --flush-files 5)

start=$(date +%s%N)
"$cli" "${tag[@]}" --parts "$work/single" >/dev/null
duration_ms=$(( ($(date +%s%N) - start) / 1000000 ))
"$cli" merge "$work/single" --manifest "$work/manifest.txt" --out "$work/single.csv" >/dev/null
echo "single process: $files files in ${duration_ms} ms"

declare -A pids
for i in 0 1 2 3; do
    "$cli" "${tag[@]}" --shard "$i/4" --parts "$work/parts" >"$work/worker$i.log" 2>&1 &
    pids[$i]=$!
done
victims=$(shuf -i 0-3 -n 2 --random-source=<(yes "$RANDOM"))
for v in $victims; do
    delay_ms=$(( (RANDOM * 32768 + RANDOM) % duration_ms ))
    ( sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
      if kill -9 "${pids[$v]}" 2>/dev/null; then echo "worker $v: killed after ${delay_ms} ms"; else echo "worker $v: ended before its kill at ${delay_ms} ms"; fi ) &
done
{ wait; } 2>/dev/null # bash's "Killed" notices: the lines above say which
for v in $victims; do
    parts=$(ls "$work/parts" | grep -c "^part-$v-of-4\.[0-9]*\.parquet$" || true)
    torn=$(ls "$work/parts" | grep -c "^part-$v-of-4\..*\.tmp$" || true)
    echo "worker $v: $parts part(s) written before the kill, $torn torn; rerun:"
    "$cli" "${tag[@]}" --shard "$v/4" --parts "$work/parts" | grep -E "^(shard|parts in)" | sed 's/^/  /'
done
status=0
"$cli" merge "$work/parts" --manifest "$work/manifest.txt" --out "$work/merged.csv" || status=$?
if [ "$status" -ne 0 ]; then echo "FAILED: merge exit $status"; exit 1; fi
# The same files, statuses and segment counts; scores within float32 rounding (1e-6): in one process a file's segments
# share batches with other neighbours than in four, and a batch's size changes the kernels' summation order.
python3 - "$work/single.csv" "$work/merged.csv" <<'PY'
import csv, sys
single, merged = (list(csv.reader(open(p))) for p in sys.argv[1:3])
assert single[0] == merged[0], "different columns"
assert [r[:4] for r in single] == [r[:4] for r in merged], "different files, statuses or segment counts"
pairs = [(a, b) for r, q in zip(single[1:], merged[1:]) for a, b in zip(r[4:], q[4:])]
worst = max(abs(float(a) - float(b)) for a, b in pairs)
same = sum(a == b for a, b in pairs)
print(f"{'PASSED' if worst <= 1e-6 else 'FAILED'}: every one of the {len(single) - 1} files once; {same} of {len(pairs)} scores bit-identical to the single-process run's, the largest difference {worst:.1e}")
sys.exit(0 if worst <= 1e-6 else 1)
PY
