#!/usr/bin/env bash
# Take a headless-Chromium screenshot of a report.html on a machine that has NO CJK font,
# to check by eye that the page draws its Chinese with the font subset it embeds.
#
#   scripts/screenshot-report.sh REPORT.html OUT.png [WIDTHxHEIGHT]
#
# Needs Debian's chromium (apt-get install chromium) and fontconfig's fc-list.
# Chromium is given a fontconfig configuration that lists ONE folder of fonts,
# FONT_DIR (default: DejaVu, which has no Chinese glyph), and nothing else: no system
# configuration, no CJK font. The script refuses to run if fontconfig still finds a font
# covering Chinese in that configuration, so a Chinese character that is not in the
# report's own font shows as a box (tofu) in the screenshot instead of being hidden.
set -euo pipefail
report=$(realpath "$1")
out=$(realpath -m "$2")
size=${3:-1280x6000}
font_dir=${FONT_DIR:-/usr/share/fonts/truetype/dejavu}
chromium_bin=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium_bin" ] || { echo "chromium not found: apt-get install chromium" >&2; exit 1; }
[ -d "$font_dir" ] || { echo "FONT_DIR $font_dir is not a folder (apt-get install fonts-dejavu-core)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/fonts.conf" <<CONF
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>$font_dir</dir>
  <cachedir>$tmp/fontcache</cachedir>
</fontconfig>
CONF
export FONTCONFIG_FILE="$tmp/fonts.conf"
cjk=$(fc-list :lang=zh family || true)
if [ -n "$cjk" ]; then
  echo "the fontconfig of the screenshot still finds a CJK font ($cjk): choose a FONT_DIR without one" >&2
  exit 1
fi
echo "fonts visible to chromium: $(fc-list : family | sort -u | tr '\n' ';')" >&2
"$chromium_bin" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
  --virtual-time-budget=10000 --user-data-dir="$tmp/profile" --window-size="${size/x/,}" --screenshot="$out" "file://$report" 2>"$tmp/chromium.log" || {
  cat "$tmp/chromium.log" >&2; exit 1; }
echo "screenshot written to $out"
