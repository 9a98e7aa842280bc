#!/usr/bin/env bash
# Take a headless-Chromium screenshot of a report.html, to check by eye that the
# Chinese text and the figure labels render.
#
#   scripts/screenshot-report.sh REPORT.html OUT.png [WIDTHxHEIGHT]
#
# Needs Debian's chromium (apt-get install chromium). So that the check does not
# depend on fonts that happen to be installed, fontconfig is pointed at the CJK
# fonts shipped by the mplfonts package (a declared dependency) as well as the
# system ones. PYTHON names the interpreter whose site-packages hold mplfonts.
set -euo pipefail
report=$(realpath "$1")
out=$(realpath -m "$2")
size=${3:-1280x6000}
python=${PYTHON:-python3}
chromium_bin=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium_bin" ] || { echo "chromium not found: apt-get install chromium" >&2; exit 1; }

fontdir=$("$python" -c 'import importlib.util, pathlib; s = importlib.util.find_spec("mplfonts"); print(pathlib.Path(list(s.submodule_search_locations)[0]) / "fonts")')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/fonts.conf" <<CONF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <dir>$fontdir</dir>
  <cachedir>$tmp/fontcache</cachedir>
</fontconfig>
CONF
FONTCONFIG_FILE="$tmp/fonts.conf" "$chromium_bin" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
  --user-data-dir="$tmp/profile" --window-size="${size/x/,}" --screenshot="$out" "file://$report" 2>"$tmp/chromium.log" || {
  cat "$tmp/chromium.log" >&2; exit 1; }
echo "screenshot written to $out"
