#!/usr/bin/env bash
# README command 2: install what is missing, build, run every test through
# CTest, then fuzz the scenario loader and the program parser for
# FUZZ_SECONDS (default 45) each, at once (scripts/fuzz.sh; its clang build
# takes about a minute the first time). FUZZ_SECONDS=0 skips the fuzzing.
#
#   scripts/test.sh -R Loader          # arguments go to ctest
#   FUZZ_SECONDS=0 scripts/test.sh     # build and test only
set -euo pipefail
cd "$(dirname "$0")/.."
export FUZZ_SECONDS=${FUZZ_SECONDS:-45}
scripts/setup-deps.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j"$(nproc)" "$@")
if [ "$FUZZ_SECONDS" != 0 ]; then scripts/fuzz.sh; fi
