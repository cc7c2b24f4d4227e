#!/usr/bin/env bash
# Fuzzes the scenario loader and the program parser with libFuzzer (clang,
# ASan and UBSan), each for FUZZ_SECONDS (default 45) at once, seeded with
# every workloads/**/*.toml (and, for the parser, their programs) and the
# regression inputs in tests/fuzz_regressions/. Fails, naming the input, on
# any crash, timeout (-timeout=5 s per input) or out-of-memory (2 GiB).
#
#   FUZZ_SECONDS=600 scripts/fuzz.sh        # a longer run
#   BUILD_DIR=/tmp/fuzz scripts/fuzz.sh     # build elsewhere (default: build-fuzz)
#   FUZZ_FLAGS=-seed=1 scripts/fuzz.sh      # more libFuzzer flags (they come last)
#
# What a run finds is kept in BUILD_DIR/fuzz-corpus/ (it grows from run to
# run); a crash is written to BUILD_DIR/fuzz-findings/. Once fixed, copy the
# input to tests/fuzz_regressions/{loader,parser}/: the regression test and
# the next runs' seeds pick it up.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${BUILD_DIR:-build-fuzz}
seconds=${FUZZ_SECONDS:-45}
scripts/setup-deps.sh

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
# -O1 without NDEBUG: fast enough to fuzz, with every assertion checked.
cmake -S . -B "$build" -DIOSIM_FUZZ=ON -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DIOSIM_WERROR=OFF "${launcher[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)" --target iosim_fuzz_scenario_loader \
  iosim_fuzz_program_parser iosim_fuzz_program_seeds

# Fresh seeds each run: the workloads as they are now, fuzz/seeds/, and the
# regression inputs (read where they are).
seeds=$build/fuzz-seeds
rm -rf "$seeds"
mkdir -p "$seeds/loader" "$seeds/parser"
mapfile -t scenarios < <(find workloads -name '*.toml' | sort)
for f in "${scenarios[@]}"; do
  cp "$f" "$seeds/loader/$(echo "${f#workloads/}" | tr / -)"
done
"$build/fuzz/iosim_fuzz_program_seeds" "$seeds/parser" "${scenarios[@]}" >/dev/null
cp fuzz/seeds/loader/* "$seeds/loader/"  # inputs no workload has: --set overrides

run_fuzzer() {  # NAME BINARY: fuzzes, logs to BUILD_DIR/fuzz-NAME.log
  local name=$1 binary=$2
  local corpus=$build/fuzz-corpus/$name findings=$build/fuzz-findings/$name
  mkdir -p "$corpus" "$findings"
  local inputs=("$corpus" "$seeds/$name")
  # libFuzzer exits at once on a missing folder, and git keeps no empty one.
  [ -d "$root/tests/fuzz_regressions/$name" ] && inputs+=("$root/tests/fuzz_regressions/$name")
  "$binary" "${inputs[@]}" \
    -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
    -artifact_prefix="$findings/" -print_final_stats=1 ${FUZZ_FLAGS:-} \
    >"$build/fuzz-$name.log" 2>&1
}

export SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1
export UBSAN_OPTIONS=print_stacktrace=1
echo "fuzzing the scenario loader and the program parser for ${seconds}s each..."
rm -rf "$build/fuzz-findings"
run_fuzzer loader "$build/fuzz/iosim_fuzz_scenario_loader" &
loader=$!
run_fuzzer parser "$build/fuzz/iosim_fuzz_program_parser" &
parser=$!
status=0
wait $loader || status=1
wait $parser || status=1

for name in loader parser; do
  log=$build/fuzz-$name.log
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)
  echo "fuzz $name: ${runs:-?} inputs, ${cov:-cov: ?} edges ($log)"
done
if [ $status -ne 0 ]; then
  echo "fuzzing found a problem:" >&2
  for input in "$build"/fuzz-findings/*/*; do
    [ -e "$input" ] || continue
    echo "  crashing input: $input" >&2
  done
  for name in loader parser; do
    grep -q -E 'ERROR|SUMMARY|deadly signal|timeout|out-of-memory' "$build/fuzz-$name.log" &&
      grep -E -A3 'ERROR:|SUMMARY:' "$build/fuzz-$name.log" | head -20 >&2
  done
  exit 1
fi
echo "fuzzing: no findings"
