#!/usr/bin/env bash
# README command 1: install what is missing, build, run the default scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
scripts/build.sh iosim   # the tests are built by scripts/test.sh
./build/iosim run "$@"
