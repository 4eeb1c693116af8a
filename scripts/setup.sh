#!/usr/bin/env bash
# Installs everything the platform and its tests need, idempotently: Node 24 and pnpm (into .tools/),
# Debian packages (nats-server, Tesseract with its language models, poppler-utils, fonts), the
# workspace's dependencies, and a build of every package. Sourced by start.sh and test.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/env.sh

apt_packages() {
  # nats-server: the embedded default broker; tesseract-ocr(+languages): the engine for scripts
  # PP-OCRv4 cannot read; poppler-utils: the accuracy benchmark; fonts-dejavu-core: test images;
  # libreoffice-writer-nogui + unzip: the docx export test opens the file as a user would;
  # python3-requests: the e2e test runs the product page's Python example.
  echo nats-server poppler-utils tesseract-ocr tesseract-ocr-osd fonts-dejavu-core
  echo libreoffice-writer-nogui unzip python3-requests
  local list=libs/ocr-engine/src/languages/debian-packages.txt
  [ -f "$list" ] && grep -v '^\s*\(#\|$\)' "$list" || true
}

missing=()
for p in $(apt_packages | tr ' ' '\n' | sort -u); do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing Debian packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  elif command -v sudo >/dev/null 2>&1; then
    echo "setup: installing Debian packages with sudo: ${missing[*]}" >&2
    sudo apt-get update -qq >&2
    sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  else
    echo "setup: please install these Debian packages first: ${missing[*]}" >&2
    exit 1
  fi
fi

CI=true pnpm install --frozen-lockfile >&2
pnpm run build >&2
