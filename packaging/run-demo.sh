#!/usr/bin/env bash
# Opens Vigie on the demo study; without a display, runs the headless analysis
# of the demo study instead and says where the results are.
# Usage: packaging/run-demo.sh BUILD_DIR   (make run calls it after building)
set -euo pipefail

BUILD=${1:?usage: run-demo.sh BUILD_DIR}
MODEL="$(cd "$(dirname "$0")/.." && pwd)/resources/models/ct-nodule-synth"
DEMO="$BUILD/demo"
CLI="$BUILD/app/vigie-cli"
GUI="$BUILD/app/gui/vigie"

if [ ! -f "$DEMO/.complete" ]; then
  echo "run-demo: the demo study is missing in $DEMO (run: make demo)" >&2
  exit 1
fi

# A display is usable when DISPLAY is set and (if xdpyinfo is there to ask) answers.
display_available() {
  [ -n "${DISPLAY:-}" ] || return 1
  if command -v xdpyinfo >/dev/null 2>&1; then xdpyinfo >/dev/null 2>&1; fi
}

if display_available; then
  echo "run-demo: opening Vigie on the demo study ($DEMO/ct)"
  # VTK needs GLX: use X11 (XWayland on Wayland desktops) with the GLX integration.
  exec env QT_QPA_PLATFORM=xcb QT_XCB_GL_INTEGRATION=xcb_glx "$GUI" "$DEMO/ct"
fi

RESULTS="$BUILD/demo-results"
echo "run-demo: no display available (DISPLAY is not set or not reachable);"
echo "run-demo: running the headless analysis of the demo study instead."
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
"$CLI" info "$DEMO/ct" --json > "$RESULTS/ct-study.json"
"$CLI" info "$DEMO/ct"
for plane in axial coronal sagittal; do
  "$CLI" convert "$DEMO/ct" "$RESULTS/ct-$plane.png" --plane "$plane"
done
"$CLI" convert "$DEMO/ct" "$RESULTS/ct-axial-mediastinum.png" --window 40,400
cp "$DEMO/ct/truth.json" "$RESULTS/ct-truth.json"
if [ -f "$MODEL/manifest.json" ]; then
  echo "run-demo: running the reference nodule model (synthetic, not for clinical use) on the demo CT ..."
  "$CLI" analyze "$DEMO/ct" --model "$MODEL" --out "$RESULTS/ct-analysis"
fi
cp "$DEMO/fundus/truth.json" "$RESULTS/fundus-truth.json"
echo
echo "run-demo: results in $RESULTS:"
echo "  ct-study.json                  series, geometry (LPS mm) and problems of the demo CT"
echo "  ct-{axial,coronal,sagittal}.png  middle slices, lung window; ct-axial-mediastinum.png"
echo "  ct-truth.json, fundus-truth.json the synthetic ground truth (nodules; DR grades)"
if [ -f "$RESULTS/ct-analysis/findings.json" ]; then
  echo "  ct-analysis/findings.json       the model's candidate nodules (compare with ct-truth.json)"
  echo "  ct-analysis/heatmap.nii.gz      the model's nodule probability map on the CT's grid"
fi
echo "run-demo: the demo data are synthetic and not for clinical use."
