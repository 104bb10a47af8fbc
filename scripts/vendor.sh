#!/usr/bin/env bash
# Refresh the vendored front-end libraries in static/vendor/ from the npm registry.
# The site never loads anything from a CDN: these files are committed, so `make run`
# needs no npm and the pages work with no internet. Run `make vendor` to update them.
set -euo pipefail
HTMX=2.0.11   # htmx 4 changed the 2.x syntax: stay on 2.0.x
KATEX=0.19.1
PICO=2.1.1
AXE=4.14.1   # accessibility checks: injected by the browser tests only, never served in a page

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent "htmx.org@$HTMX" "katex@$KATEX" "@picocss/pico@$PICO" "axe-core@$AXE" >/dev/null
for f in *.tgz; do mkdir "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done

out="$root/static/vendor"
rm -rf "$out"
mkdir -p "$out/htmx" "$out/katex/contrib" "$out/pico" "$out/axe"
cp htmx.org-$HTMX/package/dist/htmx.min.js htmx.org-$HTMX/package/LICENSE "$out/htmx/"
cp katex-$KATEX/package/dist/katex.min.js katex-$KATEX/package/dist/katex.min.css \
   katex-$KATEX/package/LICENSE "$out/katex/"
cp -r katex-$KATEX/package/dist/fonts "$out/katex/fonts"
cp katex-$KATEX/package/dist/contrib/auto-render.min.js "$out/katex/contrib/"
cp picocss-pico-$PICO/package/css/pico.min.css picocss-pico-$PICO/package/LICENSE.md "$out/pico/"
cp axe-core-$AXE/package/axe.min.js axe-core-$AXE/package/LICENSE "$out/axe/"
echo "static/vendor: htmx $HTMX, KaTeX $KATEX, Pico CSS $PICO, axe-core $AXE"
