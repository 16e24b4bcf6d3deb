#!/usr/bin/env bash
# The main job on the bundled default model: builds lightvl (installing its Debian dependencies), then asks
# the bundled tiny MiniMax-VL-01-architecture checkpoint a question about the bundled sample image.
# The bundled model has RANDOM weights (see README): it runs the real pipeline end to end, but its answer
# is noise. A trained demo model replaces it later (issue 9).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${LIGHTVL_BUILD_DIR:-$root/build}"
log="$(mktemp)"
if ! bash "$root/scripts/build.sh" >"$log" 2>&1; then  # quiet on success, the whole story on failure
  tail -40 "$log"; echo "demo: the build failed (full log: $log)" >&2; exit 1
fi
rm -f "$log"
lightvl="$build/app/cli/lightvl"
model="$root/assets/tiny-minimax-vl-01"
image="$root/assets/sample-shapes.png"
echo "== the bundled model =="
"$lightvl" info --model "$model" --context 32768
echo
echo "== how it sees the sample image =="
"$lightvl" image-tokens --model "$model" --image "$image"
echo
echo "== lightvl run (greedy; random weights, so the text is noise) =="
"$lightvl" run --model "$model" --image "$image" --prompt "What shapes are in this picture?" --greedy --max-tokens 24
