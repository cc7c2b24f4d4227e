#!/usr/bin/env bash
# README command 2: install what is missing, build, run every test through
# CTest. With FUZZ_SECONDS=N it then fuzzes the scenario loader and the
# program parser for N seconds (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j"$(nproc)" "$@")
if [ "${FUZZ_SECONDS:-0}" != 0 ]; then scripts/fuzz.sh; fi
