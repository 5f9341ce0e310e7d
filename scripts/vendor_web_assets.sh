#!/usr/bin/env bash
# Refresh the vendored web assets from the npm registry (build time only; nothing is fetched
# at run time): the NL Design System CSS of the web module and axe-core for the browser tests.
# Update the versions here and in the PROVENANCE.md files together.
set -euo pipefail
cd "$(dirname "$0")/.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
( cd "$work" && npm pack --silent @utrecht/component-library-css@9.0.4 \
    @nl-design-system-unstable/voorbeeld-design-tokens@7.4.1 axe-core@4.14.1 >/dev/null )
for tarball in "$work"/*.tgz; do
  mkdir -p "${tarball%.tgz}" && tar xzf "$tarball" -C "${tarball%.tgz}"
  sha256sum "$tarball" | sed "s|$work/||"
done
nlds=services/gateway/static/nlds
cp "$work/utrecht-component-library-css-9.0.4/package/dist/html.css" "$nlds/utrecht-html.css"
cp "$work/utrecht-component-library-css-9.0.4/package/LICENSE.md" "$nlds/LICENSE-utrecht-component-library-css.md"
cp "$work/nl-design-system-unstable-voorbeeld-design-tokens-7.4.1/package/dist/theme.css" "$nlds/voorbeeld-theme.css"
cp "$work/nl-design-system-unstable-voorbeeld-design-tokens-7.4.1/package/LICENSE.md" "$nlds/LICENSE-voorbeeld-design-tokens.md"
cp "$work/axe-core-4.14.1/package/axe.min.js" tests/fixtures/axe-core/axe.min.js
cp "$work/axe-core-4.14.1/package/LICENSE" tests/fixtures/axe-core/LICENSE
