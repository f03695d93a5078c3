#!/usr/bin/env bash
# Install the Debian packages govcrawl uses, only those missing:
#   chromium                       JS-only portals through scrapy-playwright (no browser download)
#   libreoffice-{writer,calc}-nogui DOC/WPS/XLS conversion, headless
#   fonts-noto-cjk                  Chinese glyphs for LibreOffice and the browser
#   fonts-wqy-zenhei                the TrueType font the demo farm embeds in its PDFs and
#                                   draws its scanned pages with
#   tesseract-ocr(-chi-sim)         OCR of scanned PDFs
#   redis-server                    scale-out runs (scrapy-redis)
#   wget                            the archive benchmark's baseline crawler
set -euo pipefail

packages=(chromium libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk
          fonts-wqy-zenhei tesseract-ocr tesseract-ocr-chi-sim redis-server wget)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
