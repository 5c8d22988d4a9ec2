#!/usr/bin/env bash
# Installs, builds and starts the explorer on its shipped model (the image mode; the toy densities
# are the next tab). Without a display it runs under xvfb-run (pass --screenshot FILE to save the
# window and quit).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec xvfb-run -a -s "-screen 0 1400x900x24" build/app/gui/geodesic-explorer "$@"
fi
exec build/app/gui/geodesic-explorer "$@"
