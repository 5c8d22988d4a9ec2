#!/usr/bin/env bash
# Configures and builds everything into build/ (Release).
#   --torch DIR   the LibTorch to build against (also GEODESIC_TORCH): the folder of a LibTorch archive,
#                 or the torch package of a pip install (a CUDA build runs the models on the GPU);
#                 default /usr, Debian's CPU LibTorch, through the same option.
set -euo pipefail
cd "$(dirname "$0")/.."
torch="${GEODESIC_TORCH:-/usr}"
while [ $# -gt 0 ]; do
  case "$1" in
    --torch) torch="${2:?--torch needs a folder}"; shift 2 ;;
    *) echo "build.sh: unknown option $1 (usage: build.sh [--torch DIR])" >&2; exit 2 ;;
  esac
done
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DGEODESIC_TORCH="$torch"
cmake --build build --parallel "$(nproc)"
