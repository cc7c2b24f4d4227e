#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image:
# it installs iosim's build dependencies and builds iosim from the source in
# the bundle. `iosim grade bundle` put this file in autograder.zip.
#
# Paths and steps can be moved for a test run outside Gradescope:
#   IOSIM_AUTOGRADER_ROOT  where Gradescope's /autograder is (default /autograder)
#   IOSIM_SKIP_DEPS=1      do not install packages (they are there already)
set -euo pipefail
root="${IOSIM_AUTOGRADER_ROOT:-/autograder}"
src="$root/source/iosim"

if [ "${IOSIM_SKIP_DEPS:-0}" != 1 ]; then
  bash "$src/scripts/setup-deps.sh" --build-only
fi
# Warnings are not errors here: Gradescope's compiler may be newer than ours.
cmake -S "$src" -B "$src/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DIOSIM_WERROR=OFF >/dev/null
cmake --build "$src/build" -j"$(nproc)" --target iosim
"$src/build/iosim" --version
