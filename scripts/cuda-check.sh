#!/usr/bin/env bash
# The CUDA check (bench/cuda): core's networks on a GPU against the CPU, timings, and the retries
# after running out of GPU memory. For a machine with CUDA LibTorch but without Qt or OpenCV.
#   scripts/cuda-check.sh --headers   here: copies Eigen and nlohmann/json headers into .device/include
#   scripts/cuda-check.sh             there: builds build-cuda/ against Python's torch and runs the check
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = --headers ]; then
  mkdir -p .device/include
  cp -r /usr/include/eigen3 /usr/include/nlohmann .device/include/
  exit 0
fi
prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
headers=$PWD/.device/include
cmake -S bench/cuda -B build-cuda -DCMAKE_PREFIX_PATH="$prefix" -DGEODESIC_HEADERS="$headers" >/dev/null
start=$(date +%s)
cmake --build build-cuda --parallel "$(nproc)"
echo "cuda-check: built in $(( $(date +%s) - start )) s"
./build-cuda/cuda-check "$@"
