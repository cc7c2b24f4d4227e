#!/usr/bin/env bash
# The benchmarks (docs/performance.md): installs what is missing, builds iosim
# and bench/ in Release, runs every benchmark and prints one table (figure,
# value, target, verdict) with the scaling exponents; writes the same as JSON.
#
#   scripts/bench.sh                  the full run (about two minutes, after the build)
#   BENCH_QUICK=1 scripts/bench.sh    small sizes: a smoke run that judges no timing
#
# Environment:
#   BENCH_BUILD_DIR  the build directory (default: build-release)
#   BENCH_JSON       where the JSON goes (default: bench-results.json in the build directory)
#
# Exit status: 0 when every target is met, 1 when one is missed, 2 when a
# benchmark could not run.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh
build="${BENCH_BUILD_DIR:-build-release}"
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
# GCC 12 at -O3 warns falsely (-Wrestrict) about the memcpy inside
# std::string's operator+; every other warning stays an error.
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DIOSIM_BENCH=ON \
  -DCMAKE_CXX_FLAGS=-Wno-restrict "${launcher[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)" --target iosim_bench
args=(--json "${BENCH_JSON:-$build/bench-results.json}")
if [ -n "${BENCH_QUICK:-}" ]; then args+=(--quick); fi
exec "$build/bench/iosim_bench" "${args[@]}"
