#!/usr/bin/env bash
# Fault suite for `samplecnn train` (issue 13): kill -9 at KILLS random instants, then `train --resume`
# to the end; each run's metrics.csv must equal an uninterrupted run's with the same seed. The two
# wall-clock columns (seconds, segments_per_second) differ between any two runs, so the comparison is
# on the first seven columns (epoch, stage, lr, train_loss, valid_loss, valid_roc_auc, valid_pr_auc),
# as text: the losses must match bit for bit.
#
# Instants: every fourth kill waits for the n-th checkpoint write it sees (n random in 1..30) to begin
# (last.ckpt.tmp appears) and kills at once; the others kill after a random delay within the uninterrupted run's duration, so some land
# before the first checkpoint and in validation. Checkpoints are written every 0.1 s here, mid-epoch
# included.
#
# Usage: scripts/fault-train.sh [KILLS (20)] [WORK_DIR (a new temporary folder)]
# Needs: dotnet, python3 (writes the synthetic WAV clips). Prints one line per kill and a summary; exit
# status 1 if any run differs.
set -euo pipefail
kills=${1:-20}
work=${2:-$(mktemp -d -t fault-train.XXXXXX)}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work"

echo "building the CLI (Release) into $work/bin"
dotnet build "$root/src/SampleCnn.Cli" -c Release -o "$work/bin" -nologo -v q >/dev/null
cli="$work/bin/SampleCnn.Cli"

# 48 one-second clips: a low or high tone, half with noise; tags say which (4 train : 1 valid : 1 test).
python3 - "$work/audio" <<'EOF'
import math, os, random, struct, sys, wave
folder = sys.argv[1]; os.makedirs(folder, exist_ok=True)
rng = random.Random(11)
rows = ["file,tags,split"]
for i in range(48):
    high, noisy = rng.random() < 0.5, rng.random() < 0.5
    hz = 2000 + 2000 * rng.random() if high else 150 + 150 * rng.random()
    name = f"clip{i:03d}.wav"
    with wave.open(os.path.join(folder, name), "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(22050)
        w.writeframes(b"".join(struct.pack("<h", int(32767 * (0.4 * math.sin(2 * math.pi * hz * n / 22050) + (0.2 * (rng.random() - 0.5) if noisy else 0))))
                               for n in range(22050)))
    tags = ["high" if high else "low"] + (["noise"] if noisy else [])
    rows.append(f"{name},{';'.join(tags)},{['train', 'train', 'train', 'train', 'valid', 'test'][i % 6]}")
open(os.path.join(folder, "tags.csv"), "w").write("\n".join(rows) + "\n")
EOF
rm -rf "$work/store"
"$cli" prepare csv --annotations "$work/audio/tags.csv" --audio "$work/audio" --out "$work/store" >/dev/null

train=(train --store "$work/store" --model 3^5 --max-epochs 3 --seed 7 --device cpu --threads 1 --checkpoint-minutes 0.0017)
losses() { cut -d, -f1-7 "$1/metrics.csv"; }

rm -rf "$work/whole"
start=$(date +%s%N)
"$cli" "${train[@]}" --run "$work/whole" >/dev/null
duration_ms=$(( ($(date +%s%N) - start) / 1000000 ))
echo "uninterrupted run: ${duration_ms} ms, $(($(wc -l < "$work/whole/metrics.csv") - 1)) epochs"

identical=0 not_started=0 before_checkpoint=0 during_write=0 mid_epoch=0
for i in $(seq 1 "$kills"); do
    run="$work/run$i"
    rm -rf "$run"
    "$cli" "${train[@]}" --run "$run" >/dev/null 2>&1 &
    pid=$!
    if (( i % 4 == 0 )); then
        writes=$((RANDOM % 30 + 1))
        how="at checkpoint write $writes"
        for _ in $(seq 1 "$writes"); do
            while [ -e "$run/last.ckpt.tmp" ] && kill -0 "$pid" 2>/dev/null; do :; done # the previous write ends
            while [ ! -e "$run/last.ckpt.tmp" ] && kill -0 "$pid" 2>/dev/null; do :; done # the next one begins
        done
    else
        delay_ms=$(( (RANDOM * 32768 + RANDOM) % duration_ms ))
        how="after ${delay_ms} ms"
        sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    fi
    kill -9 "$pid" 2>/dev/null || how="$how (ended before the kill)"
    wait "$pid" 2>/dev/null || true
    left="checkpoint: none"
    if [ -e "$run/last.ckpt" ]; then
        position=$(head -c 4000 "$run/last.ckpt" | tr -d '\0' | grep -ao '"epoch": [0-9]*\|"batches": [0-9]*' | tr '\n' ' ' || true)
        left="checkpoint: ${position}"
        [[ $position == *batches* ]] && mid_epoch=$((mid_epoch + 1))
    else
        before_checkpoint=$((before_checkpoint + 1))
    fi
    if ls "$run"/*.tmp >/dev/null 2>&1; then during_write=$((during_write + 1)); left="$left, killed during a write ($(cd "$run" && ls *.tmp | tr '\n' ' '))"; fi
    if [ -e "$run/config.json" ]; then
        "$cli" train --store "$work/store" --run "$run" --resume >/dev/null
    else
        # Killed while starting, before the run folder held a config: there is nothing to resume; start again.
        not_started=$((not_started + 1)); left="killed before the run started"
        "$cli" "${train[@]}" --run "$run" >/dev/null
    fi
    if diff <(losses "$work/whole") <(losses "$run") >/dev/null; then identical=$((identical + 1)); verdict=identical; else verdict=DIFFERENT; fi
    echo "kill $i: $how; $left; resumed: $verdict"
done
echo "summary: $identical/$kills resumed runs identical to the uninterrupted one; $not_started killed before the run started, $((before_checkpoint - not_started)) after it started and before its first checkpoint, $mid_epoch left a mid-epoch checkpoint, $during_write killed during a file write"
[ "$identical" -eq "$kills" ]
