#!/usr/bin/env bash
# Runs the database-free part of the suite (unit, property, type-level,
# conformance on the memory store and SQLite), the build and the package
# checks on further Node.js majors, next to the full Node 20 run in .ci/run.
#
# The Node binaries come from the npm registry (the `node-linux-<arch>`
# packages, which also carry the C headers), so nothing outside the registry is
# needed. better-sqlite3 is a native addon built for one ABI, so each major gets
# its own copy of the project tree whose better-sqlite3 is rebuilt with node-gyp
# against that major's headers; the Node 20 tree is never touched.
#
# Usage: scripts/node-matrix.sh [version ...]   (default: the versions below)
set -euo pipefail
cd "$(dirname "$0")/.."

versions=("$@")
if [ ${#versions[@]} -eq 0 ]; then versions=(22.23.5 24.22.3); fi

root="$(pwd)"
work="${TENANTRY_NODE_MATRIX_DIR:-${TMPDIR:-/tmp}/tenantry-node-matrix}"
arch="$(node -p 'process.arch')"
gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
mkdir -p "$work"

for version in "${versions[@]}"; do
  major="${version%%.*}"
  printf '\n==> Node %s\n' "$version"
  prefix="$work/node-$version"
  if [ ! -x "$prefix/node_modules/node-linux-$arch/bin/node" ]; then
    npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel=error "node-linux-$arch@$version"
  fi
  nodedir="$prefix/node_modules/node-linux-$arch"

  # A fresh copy of the project (tracked and unignored files) with its own node_modules.
  tree="$work/tree-$major"
  rm -rf "$tree" && mkdir -p "$tree"
  git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - | tar -xf - -C "$tree"
  cp -a node_modules "$tree/"

  (
    cd "$tree"
    export PATH="$nodedir/bin:$PATH"
    echo "node $(node -v), rebuilding better-sqlite3 for ABI $(node -p 'process.versions.modules')"
    # npm exports its own nodedir (the Node 20 headers) to scripts it runs; node-gyp would take those
    # over the flag and build for the wrong ABI, so both name this version's headers.
    (cd node_modules/better-sqlite3 && npm_config_nodedir="$nodedir" node "$gyp" rebuild --release --nodedir="$nodedir" --loglevel=error >"$work/gyp-$major.log" 2>&1) ||
      { cat "$work/gyp-$major.log" >&2; exit 1; }
    node -e "new (require('better-sqlite3'))(':memory:').close()" || { echo "better-sqlite3 was not rebuilt for Node $version" >&2; exit 1; }
    # CI=true would refuse a subset of databases: this run is the memory store and
    # SQLite only by design, and the Node 20 run covers every database.
    env -u CI TENANTRY_TEST_DATABASES=memory,sqlite-memory,sqlite-file \
      npx vitest run test/unit test/property test/conformance test/types
    npm run build
    npm run check:package
  )
  rm -rf "$tree"
done
