#!/usr/bin/env bash
# The main job on the bundled default model: builds lightvl (installing its Debian dependencies), then asks
# the bundled demo model (assets/lightvl-demo-vl: a 23 M-parameter model in the exact MiniMax-VL-01
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
image="$root/assets/sample-scene.png"
document="$root/assets/sample-document.txt"
echo "== the bundled model =="
"$lightvl" info --model "$model" --context 32768
echo
echo "== how it sees the sample image =="
"$lightvl" image-tokens --model "$model" --image "$image"
echo
stats="$(mktemp)"; trap 'rm -f "$stats"' EXIT
ask() {  # ask TRUTH PROMPT [lightvl run flags...]: the question, the model's greedy answer, the right one
  local truth="$1" prompt="$2"; shift 2
  echo "Q: $prompt"
  printf 'A: '
  "$lightvl" run --model "$model" "$@" --prompt "$prompt" --greedy --max-tokens 48 2>"$stats"  # prints the answer and a newline
  echo "   (right answer: $truth; $(sed 's/^lightvl: //' "$stats"))"
}
echo "== questions about the sample picture =="
ask "a small purple star at the top, a large red circle on the left and a large yellow square in the bottom right" \
  "Describe the image." --image "$image"
ask "3" "How many shapes are there?" --image "$image"
ask "in the bottom right" "Where is the square?" --image "$image"
echo
echo "== a question about the sample document ($(wc -w < "$document") words) =="
ask "Kadordale" "Where does Garhal Veshalny live?" --document "$document"
echo
echo "(a small demo model: it knows only shapes, colours, positions, counts, codes and facts in documents,"
echo " and pictures drawn like its training pictures (shapes at the centres of a 3 x 3 grid, as in the sample);"
echo " about one answer in twenty-five about such a picture is wrong: see assets/lightvl-demo-vl/MODEL_CARD.md."
echo " Point --model at a real MiniMax-VL-01 directory for the real model.)"
