#!/usr/bin/env bash
# Installs the Debian 12 packages iosim needs, only those that are missing.
# Idempotent; runs as root (no sudo needed) or through sudo when not root.
set -euo pipefail

packages=(
  build-essential cmake pkg-config clang-format
  libsystemc-dev        # the discrete-event kernel (SystemC 2.3.4)
  libgtest-dev libgmock-dev
  libfmt-dev
  libtomlplusplus-dev   # scenario files
  libcli11-dev          # command line
  nlohmann-json3-dev    # the JSON report
  libseccomp-dev        # the policy sandbox's system-call filter (iosim run --sandbox)
  chromium              # tests render the HTML report in a real (headless) browser
  gtkwave               # vcd2fst for `iosim run --fst`; the FST test reads it back with fst2vcd
  clang libclang-rt-14-dev  # scripts/fuzz.sh: libFuzzer and the sanitizers' runtimes
  libbenchmark-dev      # scripts/bench.sh: Google Benchmark for the micro-benchmarks
)

# --build-only (the Gradescope bundle's setup.sh): what building iosim needs,
# without the tools that only the tests and checks use.
if [ "${1:-}" = "--build-only" ]; then
  build=()
  for p in "${packages[@]}"; do
    case "$p" in chromium | clang | clang-format | libclang-rt-* | libbenchmark-dev) ;; *) build+=("$p") ;; esac
  done
  packages=("${build[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "iosim: installing ${missing[*]}" >&2
as_root=()
if [ "$(id -u)" -ne 0 ]; then as_root=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
