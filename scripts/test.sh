#!/usr/bin/env bash
# README command 2: install what is missing, build, run every test through CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
scripts/build.sh
cd build
ctest --output-on-failure -j"$(nproc)" "$@"
