#!/usr/bin/env bash
# Installs every Debian package lightvl needs to build and test. Idempotent: packages already
# present are skipped, so running it twice costs only the dpkg query.
# Usage: scripts/setup.sh            (Qt 6 and Xvfb are part of the default install: CI builds and tests
#                                     the desktop app; `--qt` is still accepted and changes nothing)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libopenblas-dev          # CPU matrix products (cblas_sgemm)
  nlohmann-json3-dev       # config.json, tokenizer.json, safetensors headers
  libgtest-dev libgmock-dev
  libpcre2-dev             # tokenizer pre-tokenizer regexes
  libutf8proc-dev          # tokenizer Unicode normalization (NFC/NFKC)
  libcli11-dev             # command-line parsing
  libpoppler-cpp-dev       # PDF text extraction for documents
  libjpeg62-turbo-dev      # JPEG decoding: libjpeg-turbo, the decoder Pillow uses
  libpng-dev               # PNG decoding
  libgif-dev               # GIF decoding (first frame, raw palette indices)
  libwebp-dev              # WebP decoding (libwebp + libwebpdemux, as Pillow calls them)
  libstb-dev               # BMP decoding (stb_image)
  qt6-base-dev qt6-base-dev-tools  # lightvl-chat, the desktop app (Widgets, Test; moc)
  fonts-dejavu-core        # a known font, so offscreen tests and screenshots render the same everywhere
  xvfb xauth               # scripts/screenshot.sh renders the app under a virtual X server
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: all Debian packages present"
fi

# --- Tokenizer test helpers (tests/tokenizer/node) -------------------------------------------
# The tokenizer tests compare lightvl with @lenml/tokenizers and @huggingface/jinja run by node.
# node/npm come from Debian unless some node is already on PATH; `npm ci` reinstalls the pinned
# packages only when package-lock.json changed since the last install (stamp in node_modules).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "setup: installing nodejs npm"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends nodejs npm
fi
tok_node_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/tests/tokenizer/node"
tok_stamp="$tok_node_dir/node_modules/.lightvl-lock-sha256"
tok_lock_sum="$(sha256sum "$tok_node_dir/package-lock.json" | cut -d' ' -f1)"
if [[ -f "$tok_stamp" && "$(cat "$tok_stamp")" == "$tok_lock_sum" ]]; then
  echo "setup: tokenizer node helpers present"
else
  echo "setup: npm ci in tests/tokenizer/node"
  (cd "$tok_node_dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$tok_lock_sum" > "$tok_stamp"
fi
