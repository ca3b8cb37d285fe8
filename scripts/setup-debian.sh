#!/usr/bin/env bash
# Installs what Kortkoll needs on a fresh Debian 12 machine: the PC/SC daemon and its virtual
# reader driver, the PC/SC headers for the native binding, OpenSC and pcsc-tools (used by the
# tests and the benchmark as independent tools), and Chromium for the renderer's browser tests.
set -euo pipefail
packages=(iproute2 pcscd vsmartcard-vpcd libpcsclite-dev libpcsclite1 pcsc-tools opensc opensc-pkcs11 libnss3-tools chromium fonts-dejavu-core python3 make g++)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
