#!/usr/bin/env bash
# Starts pcscd in the background when it is not running (machines without systemd: CI, containers).
# Without --auto-exit, so that it stays up between tests.
set -euo pipefail

# The virtual reader (vpcd) talks to the virtual card over TCP on 127.0.0.1. vpcd writes each frame
# as two small send()s without TCP_NODELAY, so Nagle's algorithm on its side waits for our delayed
# ACK (~40 ms) on every APDU: a test-rig artefact a USB reader does not have. Quick ACKs on the
# loopback route remove it (measured: a full read of netid-legacy 2.4 s → 31 ms).
if [ "$(id -u)" -eq 0 ] && command -v ip >/dev/null 2>&1; then
  ip route change local 127.0.0.1 dev lo proto kernel scope host src 127.0.0.1 table local quickack 1 2>/dev/null || true
fi

# Running already, or socket-activated by systemd (the socket is there; pcscd starts on first use).
if pgrep -x pcscd >/dev/null 2>&1 || { [ -S /run/pcscd/pcscd.comm ] && [ -d /run/systemd/system ]; }; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "start-pcscd: pcscd is not running; start it with 'sudo systemctl start pcscd' (or run this as root)" >&2
  exit 1
fi
mkdir -p /run/pcscd
# pcscd lives on after this script: it must not inherit our descriptors (e.g. a flock's lock file,
# which it would then hold for ever).
for fd in /proc/$$/fd/*; do
  n=${fd##*/}
  [ "$n" -gt 2 ] 2>/dev/null && eval "exec $n>&-" || true
done
setsid nohup pcscd -f >/tmp/kortkoll-pcscd.log 2>&1 < /dev/null &
for _ in $(seq 1 50); do
  [ -S /run/pcscd/pcscd.comm ] && exit 0
  sleep 0.1
done
echo "start-pcscd: pcscd did not come up; see /tmp/kortkoll-pcscd.log" >&2
exit 1
