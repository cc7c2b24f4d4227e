#!/usr/bin/env bash
# The GTKWave screenshot in docs/traces.md: runs the default scenario (the
# DMA lesson) with --vcd, opens the waveform and its save file in GTKWave on
# a virtual X display of fixed size, zooms to the first disk reads, and
# photographs the screen into docs/images/gtkwave-dma.png.
#
# Needs the iosim binary (scripts/build.sh iosim) and three Debian packages
# the tests do not need, so scripts/setup-deps.sh leaves them out:
#   apt-get install gtkwave xvfb imagemagick
# Usage: scripts/screenshots.sh [BUILD_DIR]   (default: build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
iosim=${1:-$root/build}/iosim
out=$root/docs/images/gtkwave-dma.png
for tool in gtkwave xvfb-run import; do
  command -v "$tool" >/dev/null || { echo "screenshots.sh: $tool is not installed" >&2; exit 2; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$iosim" run --quiet --vcd "$work/run.vcd" >/dev/null

# The window is as tall as the screen, so every group shows. The view holds
# the first two reads: the disk decodes, rotates and transfers while
# app/cruncher computes, the DMA channel copies, the interrupt makes
# app/reader ready, and at the next quantum it runs and issues read 2.
sed -i 's/^\[size\] .*/[size] 1600 1200/' "$work/run.gtkw"
cat >"$work/view.tcl" <<'TCL'
gtkwave::setZoomRangeTimes 0 34000000
TCL

# GTKWave draws a moment after it starts; the photo waits for that.
# From inside the directory, so the title bar shows "run.vcd", not a path.
xvfb-run --auto-servernum --server-args="-screen 0 1600x1200x24" bash -c '
  cd "$1"
  gtkwave --rcvar "hide_sst on" --script view.tcl run.vcd run.gtkw >/dev/null 2>&1 &
  gtkwave_pid=$!
  sleep 6
  import -window root "$2"
  kill "$gtkwave_pid"
' screenshots "$work" "$out"
echo "wrote $out"
