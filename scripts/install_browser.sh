#!/usr/bin/env bash
# Install headless Chromium from Debian's packages for tests/test_browser.py, which
# drives it over the DevTools protocol (no chromedriver needed), and a small CJK
# font so that the Chinese terms on the screenshots are glyphs, not empty boxes.
# Idempotent: returns at once when both are installed.
set -euo pipefail
PACKAGES=(chromium fonts-dejavu-core fonts-wqy-microhei)
missing=()
for package in "${PACKAGES[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ -x /usr/bin/chromium ] && [ ${#missing[@]} -eq 0 ]; then
    echo "chromium already installed: $(/usr/bin/chromium --version 2>/dev/null)"
    exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}"
/usr/bin/chromium --version
