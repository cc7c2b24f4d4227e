#!/usr/bin/env bash
# Builds everything with AddressSanitizer and UndefinedBehaviorSanitizer
# (g++, -DIOSIM_SANITIZE=ON) in build-asan/ and runs the whole CTest suite
# there. Any sanitizer report fails the run: the first report stops the
# process that made it (a test, or an iosim a test started), and every report
# is also written to BUILD_DIR/sanitizer-reports/, checked at the end, so one
# from a child whose exit status a test ignores counts too. Leaks are checked,
# except those tests/sanitizer/lsan.supp lists (SystemC's, at exit).
#
#   scripts/test-sanitizers.sh -R Stops        # arguments go to ctest
#   BUILD_DIR=/tmp/asan scripts/test-sanitizers.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
build=${BUILD_DIR:-build-asan}
scripts/setup-deps.sh

reports=$root/$build
[[ $build = /* ]] && reports=$build
reports=$reports/sanitizer-reports
# The test binaries run at build time too (gtest_discover_tests lists them).
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:strict_init_order=1:log_path=$reports/asan"
export LSAN_OPTIONS="suppressions=$root/tests/sanitizer/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
rm -rf "$reports"
mkdir -p "$reports"

launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
# Warnings are the normal build's business: GCC's analysis of instrumented
# code has false positives, which must not stop this build.
cmake -S . -B "$build" -DIOSIM_SANITIZE=ON -DIOSIM_WERROR=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "${launcher[@]}" >/dev/null
cmake --build "$build" -j"$(nproc)"

status=0
(cd "$build" && ctest --output-on-failure -j"$(nproc)" "$@") || status=$?

# SystemC's threads are coroutines: it switches stacks without telling ASan,
# which then warns once per process (and goes on checking). That warning alone
# is not a finding; a file with anything else in it is.
benign='^$|ASan is ignoring requested __asan_handle_no_return|^False positive error reports may follow|^For details see https://github.com/google/sanitizers/issues/189'
found=()
for report in "$reports"/*; do
  [ -e "$report" ] || continue
  if grep -qvE "$benign" "$report"; then found+=("$report"); fi
done
if [ ${#found[@]} -ne 0 ]; then
  echo "sanitizer reports (in $reports):" >&2
  for report in "${found[@]}"; do
    echo "--- $report" >&2
    grep -vE "$benign" "$report" | head -40 >&2
  done
  status=1
fi
exit $status
