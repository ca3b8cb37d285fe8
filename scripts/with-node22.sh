#!/usr/bin/env bash
# Runs a command with the toolchain's Node 22 first on PATH (see node-toolchain.sh).
set -euo pipefail
source "$(dirname "$0")/node-toolchain.sh"
exec "$@"
