#!/usr/bin/env bash
# Installs every Debian package lightvl needs to build and test. Idempotent: packages already
# present are skipped, so running it twice costs only the dpkg query.
# Usage: scripts/setup.sh [--qt]     (--qt also installs Qt 6 for the desktop app)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libopenblas-dev          # CPU matrix products (cblas_sgemm)
  nlohmann-json3-dev       # config.json, tokenizer.json, safetensors headers
  libgtest-dev libgmock-dev
  libpcre2-dev             # tokenizer pre-tokenizer regexes
  libcli11-dev             # command-line parsing
  python3 python3-numpy    # test helpers read .npy goldens
)
if [[ "${1:-}" == "--qt" ]]; then
  packages+=(qt6-base-dev qt6-base-dev-tools xvfb xauth)
fi

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
