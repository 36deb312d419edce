#!/usr/bin/env bash
# Tags every file of a manifest on shared storage with a Slurm job array: task i tags shard i of N
# (the manifest's files are split by a stable hash of their paths) into $SHARED/parts/ part i.
#   sbatch deploy/slurm/tag-array.sh                # all shards
#   sbatch --array=7,11 deploy/slurm/tag-array.sh   # rerun shards 7 and 11: each resumes its part
# Knobs (deploy/README.md): --array = 0..N-1 with SHARDS=N below, --cpus-per-task = --threads, --mem.
# When every task has finished: samplecnn merge (deploy/README.md).
#SBATCH --job-name=samplecnn-tag
#SBATCH --array=0-15
#SBATCH --cpus-per-task=4
#SBATCH --mem=4G
#SBATCH --time=12:00:00
#SBATCH --requeue
#SBATCH --output=samplecnn-tag-%A_%a.out
set -euo pipefail

# The shard count, stated rather than read from SLURM_ARRAY_TASK_COUNT: a rerun of a few tasks
# (sbatch --array=7) has a task count of 1, and its shards must still be sixteenths.
SHARDS=16
SHARED=${SHARED:-/shared}
if (( SLURM_ARRAY_TASK_ID >= SHARDS )); then
  echo "array task $SLURM_ARRAY_TASK_ID is past the $SHARDS shards: --array must stay within 0-$((SHARDS - 1))" >&2
  exit 2
fi

args=(tag
  --manifest "$SHARED/manifest.csv"
  --audio-root "$SHARED/audio"
  --parts "$SHARED/parts"
  --shard "$SLURM_ARRAY_TASK_ID/$SHARDS"
  --model "$SHARED/models/3-9"
  --threads "$SLURM_CPUS_PER_TASK"
  --batch-size 32)

# Either the container image, converted once for Apptainer/Singularity
# (apptainer build samplecnn.sif docker://registry.example.com/samplecnn:latest):
srun apptainer run --bind "$SHARED" "$SHARED/samplecnn.sif" "${args[@]}"
# or the published folder (the Dockerfile's dotnet publish; ffmpeg on PATH), instead of the line above:
# srun "$SHARED/samplecnn/SampleCnn.Cli" "${args[@]}"
