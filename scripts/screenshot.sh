#!/usr/bin/env bash
# Renders lightvl-chat's main window under Xvfb (a real X server, as on a desktop) with a real
# conversation over the bundled demo model (questions about a picture and a document of its world, a
# question about two PDF pages left unsent) and saves it as assets/screenshots/lightvl-chat.png for the README.
# Needs a build with -DLIGHTVL_QT=ON (scripts/build.sh does this) and xvfb + xauth (scripts/setup.sh).
# Usage: scripts/screenshot.sh [--theme light|dark] [--out FILE.png]   Environment: LIGHTVL_BUILD_DIR
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${LIGHTVL_BUILD_DIR:-$root/build}"
theme=light
out="$root/assets/screenshots/lightvl-chat.png"
while (($#)); do
  case "$1" in
    --theme) theme="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    *) echo "usage: scripts/screenshot.sh [--theme light|dark] [--out FILE.png]" >&2; exit 2 ;;
  esac
done

cmake --build "$build" --target lightvl_chat_screenshot
tool="$(find "$build" -name lightvl_chat_screenshot -type f -perm -u+x | head -n 1)"
if [[ -z "$tool" ]]; then
  echo "screenshot: no lightvl_chat_screenshot in $build (configure with -DLIGHTVL_QT=ON)" >&2
  exit 1
fi
mkdir -p "$(dirname "$out")"
xvfb-run --auto-servernum --server-args="-screen 0 1400x900x24" \
  env QT_QPA_PLATFORM=xcb "$tool" --theme "$theme" --out "$out"
