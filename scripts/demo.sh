#!/usr/bin/env bash
# The main job on the bundled default model: builds lightvl (installing its Debian dependencies), then asks
# the bundled demo model (assets/lightvl-demo-vl: a 20 M-parameter model in the exact MiniMax-VL-01
# architecture, trained on pictures of shapes and synthetic documents; see its MODEL_CARD.md for what it
# can and cannot do) about the bundled sample picture and the bundled sample document.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${LIGHTVL_BUILD_DIR:-$root/build}"
log="$(mktemp)"
if ! bash "$root/scripts/build.sh" >"$log" 2>&1; then  # quiet on success, the whole story on failure
  tail -40 "$log"; echo "demo: the build failed (full log: $log)" >&2; exit 1
fi
rm -f "$log"
lightvl="$build/app/cli/lightvl"
model="$root/assets/lightvl-demo-vl"
image="$root/assets/sample-shapes.png"
document="$root/assets/sample-document.txt"
echo "== the bundled model =="
"$lightvl" info --model "$model" --context 32768
echo
echo "== how it sees the sample image =="
"$lightvl" image-tokens --model "$model" --image "$image"
echo
ask() {  # ask PROMPT [lightvl run flags...]: the question, then the model's greedy answer
  local prompt="$1"; shift
  echo "Q: $prompt"
  printf 'A: '
  "$lightvl" run --model "$model" "$@" --prompt "$prompt" --greedy --max-tokens 48
  echo
}
echo "== questions about the sample picture =="
ask "Describe the image." --image "$image"
ask "What shape is on the right?" --image "$image"
echo
echo "== a question about the sample document ($(wc -w < "$document") words) =="
ask "Where does Garhal Veshalny live?" --document "$document"
echo
echo "(a small demo model: it knows only shapes, colours, positions, counts and facts in documents; see"
echo " assets/lightvl-demo-vl/MODEL_CARD.md. Point --model at a real MiniMax-VL-01 directory for the real thing.)"
