#!/usr/bin/env bash
# A Slurm job array that runs `geodesic-cli batch` in shards: task I of N takes every N-th pair
# starting at the I-th, writing into a results folder every node sees. Submit from the folder that
# holds pairs.csv (geodesic-cli scenes --pairs 200 --seed 1000000000 --out pairs writes a benchmark set):
#
#   sbatch --array=0-15 packaging/cluster/batch-slurm.sh pairs/pairs.csv results [interpolate options…]
#
# then, when all tasks are done (or as a dependent job):
#
#   geodesic-cli batch-report results --out report
#
# Re-submitting the same array resumes: finished pairs (result.json present) are skipped and a pair
# a killed task left half done is redone. The program comes from the .deb (apt install
# ./geodesic-explorer_*.deb on the nodes) or GEODESIC_CLI; on a GPU node it uses CUDA by itself.
#SBATCH --job-name=geodesic-batch
#SBATCH --cpus-per-task=4
#SBATCH --mem=8G
#SBATCH --time=12:00:00
#SBATCH --output=geodesic-batch-%A_%a.log
set -euo pipefail
if [[ $# -lt 2 ]]; then
    echo "usage: sbatch --array=0-(N-1) $0 PAIRS.csv RESULTS_DIR [interpolate options…]" >&2
    exit 2
fi
pairs=$1 results=$2
shift 2
: "${SLURM_ARRAY_TASK_ID:?run this as a Slurm job array (sbatch --array=0-N)}"
shards=${SLURM_ARRAY_TASK_COUNT:-$((SLURM_ARRAY_TASK_MAX + 1))}
# LibTorch's OpenMP workers spin while they wait; passive waiting keeps shards sharing a node apart.
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
exec "${GEODESIC_CLI:-geodesic-cli}" batch "$pairs" --out "$results" --shard "${SLURM_ARRAY_TASK_ID}/${shards}" "$@"
