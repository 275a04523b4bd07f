#!/usr/bin/env bash
# Installs the Debian packages the tests need, and only those missing:
#   poppler-utils (pdftotext, pdftoppm)  - re-read the PDF handouts
#   libreoffice-calc-nogui (soffice)     - open the workbooks as a second, independent reader
#   chromium                             - the real-browser test (Playwright drives Debian's Chromium)
#   fonts-droid-fallback, fonts-symbola  - handouts print Chinese, Japanese and emoji (physio/io/_fonts.py)
#   postgresql                           - the store's tests on a real server (scripts/pg_cluster.py starts a
#                                          throwaway cluster; the machine's own PostgreSQL service is not used)
#   nodejs, npm                          - configurable-http-proxy for the clinic hub (make hub, scripts/hub-setup.sh)
set -euo pipefail
need=()
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v soffice   >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
command -v chromium  >/dev/null 2>&1 || need+=(chromium)
[ -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] || need+=(fonts-droid-fallback)
[ -f /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf ] || need+=(fonts-symbola)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || command -v initdb >/dev/null 2>&1 || need+=(postgresql)
command -v npm       >/dev/null 2>&1 || need+=(nodejs npm)
[ ${#need[@]} -eq 0 ] && exit 0

echo "Installing Debian packages the tests need: ${need[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "Cannot install ${need[*]}: run 'make system-deps' as root, or install them with your package manager." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq "${need[@]}" >/dev/null
