#!/usr/bin/env bash
# Usage: install_and_samples.sh BUILD_DIR SOURCE_DIR
# Installs the build into a fresh prefix, builds samples/ against it with find_package(lightvl), builds
# the C sample with pkg-config alone, and runs each on the bundled checkpoints (the image sample on the
# trained demo model, the text samples on the tiny text checkpoint). Prints
# "N passed, N failed" and exits non-zero on any failure.
set -uo pipefail
build="$1"; src="$2"
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
text_model="$src/assets/tiny-minimax-text-01"
vl_model="$src/assets/lightvl-demo-vl"
passed=0; failed=0
step() {  # step NAME COMMAND...: runs the command, records the outcome, shows output on failure
  local name="$1"; shift
  if out="$("$@" 2>&1)"; then passed=$((passed + 1)); echo "ok: $name"
  else failed=$((failed + 1)); echo "FAILED: $name"; echo "$out" | tail -20; fi
}

step "cmake --install" cmake --install "$build" --prefix "$prefix"
step "installed demo model" test -f "$prefix/share/lightvl/models/lightvl-demo-vl/config.json"
step "installed headers" test -f "$prefix/include/lightvl/lightvl.h" -a -f "$prefix/include/lightvl/session.h"
step "no internal headers installed" bash -c "! find '$prefix/include' -path '*engine*' -o -path '*core*' | grep -q ."
step "installed CLI" "$prefix/bin/lightvl" info --model "$text_model"
step "configure samples" cmake -S "$src/samples" -B "$work/samples" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release
step "build samples" cmake --build "$work/samples"
step "text_question" "$work/samples/text_question/text_question" "$text_model" "What is lightvl?"
if [[ -d "$vl_model" ]]; then
  step "image_question" "$work/samples/image_question/image_question" "$vl_model" "$src/assets/sample-scene.png" "Describe the image."
fi
step "streaming_chat" bash -c "printf 'Hello\nTell me more\n' | '$work/samples/streaming_chat/streaming_chat' '$text_model'"
step "c_api sample" "$work/samples/c_api/c_api_sample" "$text_model" "Hi"
step "pkg-config build" bash -c "cc -std=c11 '$src/samples/c_api/main.c' -o '$work/c_pc' \$(PKG_CONFIG_PATH='$prefix/lib/pkgconfig' pkg-config --cflags --libs lightvl)"
step "pkg-config run" env LD_LIBRARY_PATH="$prefix/lib" "$work/c_pc" "$text_model" "Hi"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
