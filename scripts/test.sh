#!/usr/bin/env bash
# Installs, builds and runs every test through CTest, then a short run of every fuzz target
# (scripts/fuzz.sh: clang, libFuzzer, ASan + UBSan).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
cd build
ctest --output-on-failure --parallel 2 --timeout 900
cd ..
./scripts/fuzz.sh --time 20
