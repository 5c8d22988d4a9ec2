#!/usr/bin/env bash
# Installs, builds and starts the explorer on its shipped model (the image mode; the toy densities
# are the next tab). Without a display it runs under xvfb-run (pass --screenshot FILE to save the
# window and quit). --torch DIR (or GEODESIC_TORCH) builds against that LibTorch first, e.g. the CUDA
# one inside a `pip install torch`; every other argument goes to the program.
set -euo pipefail
cd "$(dirname "$0")/.."
build=()
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --torch) build=(--torch "${2:?--torch needs a folder}"); shift 2 ;;
    *) args+=("$1"); shift ;;
  esac
done
./scripts/install-deps.sh
./scripts/build.sh "${build[@]}"
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1400x900x24" build/app/gui/geodesic-explorer "${args[@]}"
fi
exec build/app/gui/geodesic-explorer "${args[@]}"
