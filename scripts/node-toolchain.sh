#!/usr/bin/env bash
# The Node.js that Kortkoll's toolchain runs on: Node 22, the Node inside Electron 45, from the npm
# registry (package node-linux-<arch>, the binary part of `node@22`, with its headers), installed
# into .tooling/node22 of this checkout. Source it to put that node first on PATH and to make
# native bindings (pcsclite, pkcs11js) build against its headers; it installs the package when it
# is missing. The system's Node (Debian's, or a preinstalled 20) only has to run npm once for that.
#
#   source scripts/node-toolchain.sh        # then node, npm, npx are Node 22's
#
# Sourced: it leaves the caller's shell options as they are.
kortkoll_node_version="22.23.5"
kortkoll_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
case "$(uname -m)" in
  x86_64) kortkoll_node_arch="x64" ;;
  aarch64 | arm64) kortkoll_node_arch="arm64" ;;
  *) echo "node-toolchain: no Node 22 package for $(uname -m)" >&2; return 1 2>/dev/null || exit 1 ;;
esac
kortkoll_node_prefix="$kortkoll_root/.tooling/node22"
kortkoll_node_dir="$kortkoll_node_prefix/node_modules/node-linux-$kortkoll_node_arch"
if [ ! -x "$kortkoll_node_dir/bin/node" ] || [ "$("$kortkoll_node_dir/bin/node" --version)" != "v$kortkoll_node_version" ]; then
  echo "node-toolchain: installing Node $kortkoll_node_version (npm package node-linux-$kortkoll_node_arch) into .tooling/node22" >&2
  mkdir -p "$kortkoll_node_prefix"
  npm install --prefix "$kortkoll_node_prefix" --no-save --no-audit --no-fund --loglevel=error "node-linux-$kortkoll_node_arch@$kortkoll_node_version" >&2 ||
    { echo "node-toolchain: could not install Node $kortkoll_node_version from the npm registry" >&2; return 1 2>/dev/null || exit 1; }
fi
export PATH="$kortkoll_node_dir/bin:$PATH"
# Native bindings are compiled against these headers (npm's own nodedir may point at another Node).
export npm_config_nodedir="$kortkoll_node_dir"
