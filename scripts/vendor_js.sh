#!/usr/bin/env bash
# Vendor the JavaScript that built pages load, so the book renders with no network:
# MathJax (equations), require.js and the ipywidgets HTML manager (static widgets).
# Fetched with `npm pack` at pinned versions into vendor/ (git-ignored); _config.yml
# points html_static_path at vendor/static, so Sphinx copies it once into the build's
# _static/. Idempotent: does nothing when vendor/.stamp already names these versions.
#
# The manager version: ipywidgets 8.1.9 writes widget state with model_module_version
# 2.0.0 (@jupyter-widgets/controls 5), which html-manager 1.0.x renders; 1.0.6 is also
# myst-nb's CDN default. Checked in headless Chromium: 1.0.6 also draws a state saved by
# ipywidgets 7.8.5 (controls 1.5.0: a slider and an Output in a VBox) with no error, as
# does 1.0.15 (releases from 1.0.12 on bundle the ipywidgets 7 models explicitly).
# The book itself is always built with ipywidgets 8 (requirements.txt).
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
    "mathjax@3.2.2"
    "requirejs@2.3.8"
    "@jupyter-widgets/html-manager@1.0.6"
)
STAMP=vendor/.stamp
# The stamp names the packages and this script's own hash: editing either re-vendors.
WANT="$(printf '%s\n' "${PACKAGES[@]}" "$(sha256sum "$0" | cut -c1-16)")"

if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$WANT" ] \
    && [ -f vendor/static/mathjax/es5/tex-chtml.js ]; then
    echo "vendor/ is up to date"
    exit 0
fi

command -v npm >/dev/null || { echo "npm is needed: apt-get install -y npm" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for package in "${PACKAGES[@]}"; do
    name="${package%@*}"           # mathjax, requirejs, @jupyter-widgets/html-manager
    short="${name##*/}"            # mathjax, requirejs, html-manager
    (cd "$work" && npm pack --silent "$package" >/dev/null)
    mkdir -p "$work/$short"
    tar xzf "$work"/*"${short}"-*.tgz -C "$work/$short"
done

rm -rf vendor/static
mkdir -p vendor/static/mathjax vendor/static/requirejs vendor/static/html-manager
# Only what a page loads: MathJax's es5 components, require.js, the manager's dist/.
cp -r "$work/mathjax/package/es5" vendor/static/mathjax/
cp "$work/requirejs/package/require.js" vendor/static/requirejs/
cp -r "$work/html-manager/package/dist" vendor/static/html-manager/
find vendor/static/html-manager -name '*.map' -delete
for package in "${PACKAGES[@]}"; do
    short="${package%@*}"; short="${short##*/}"
    cp "$work/$short/package/package.json" "vendor/static/$short/package.json"
done
printf '%s\n' "$WANT" > "$STAMP"
echo "vendored into vendor/static: ${PACKAGES[*]}"
