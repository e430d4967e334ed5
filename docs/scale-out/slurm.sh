#!/usr/bin/env bash
# Run one experiment spec as a Slurm job array: every array task runs one
# shard of the plan into its own folder; a dependent job merges them.
#
#   sbatch --array=0-7 docs/scale-out/slurm.sh Experiments/umap-mnist.yaml
#   # after all array tasks have finished (or: sbatch --dependency=afterok:<jobid> ...):
#   .build/release/mbench merge Figures shards/shard-*
#   .build/release/mbench run Experiments/umap-mnist.yaml   # reuses every task; writes summary and figures
#
# Shards are deterministic (every N-th task of the plan), results are bit-identical
# to a single-machine run for any thread count, and a re-submitted array task
# skips what it already finished.
#SBATCH --job-name=mbench
#SBATCH --cpus-per-task=8
#SBATCH --mem=16G
#SBATCH --time=04:00:00
#SBATCH --output=shards/slurm-%A_%a.out
set -euo pipefail
SPEC="${1:?usage: sbatch --array=0-(N-1) slurm.sh SPEC}"
: "${SLURM_ARRAY_TASK_ID:?run this with sbatch --array}"
: "${SLURM_ARRAY_TASK_COUNT:?run this with sbatch --array}"
cd "${SLURM_SUBMIT_DIR:-.}"
mkdir -p shards
SHARD=$((SLURM_ARRAY_TASK_ID + 1))
exec .build/release/mbench run "$SPEC" \
  --shard "${SHARD}/${SLURM_ARRAY_TASK_COUNT}" \
  --threads "${SLURM_CPUS_PER_TASK:-1}" \
  --output "shards/shard-${SHARD}"
