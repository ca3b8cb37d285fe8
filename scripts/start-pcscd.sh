#!/usr/bin/env bash
# Starts pcscd in the background when it is not running (machines without systemd: CI, containers).
# Without --auto-exit, so that it stays up between tests.
set -euo pipefail
if pgrep -x pcscd >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" -ne 0 ]; then
  echo "start-pcscd: pcscd is not running; start it with 'sudo systemctl start pcscd' (or run this as root)" >&2
  exit 1
fi
mkdir -p /run/pcscd
nohup pcscd -f >/tmp/kortkoll-pcscd.log 2>&1 &
for _ in $(seq 1 50); do
  [ -S /run/pcscd/pcscd.comm ] && exit 0
  sleep 0.1
done
echo "start-pcscd: pcscd did not come up; see /tmp/kortkoll-pcscd.log" >&2
exit 1
