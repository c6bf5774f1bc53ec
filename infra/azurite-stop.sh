#!/usr/bin/env bash
# Stops the Azurite started by infra/azurite-start.sh, by the PID it recorded in <repo>/.azurite/azurite.pid.
# Usable from any directory. Data in .azurite/ is kept; delete the folder for a clean emulator.
set -euo pipefail

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
pid_file="$repo/.azurite/azurite.pid"
timeout_seconds=15

if [[ ! -f "$pid_file" ]]; then
  echo "Azurite is not running (no $pid_file)."
  exit 0
fi

pid=$(<"$pid_file")
# Never signal a process that merely reuses an old PID.
if [[ -z "$pid" ]] || ! kill -0 "$pid" 2>/dev/null \
   || ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q azurite; then
  echo "Azurite is not running (stale pid file removed)."
  rm -f "$pid_file"
  exit 0
fi

kill -TERM "$pid"
deadline=$((SECONDS + timeout_seconds))
while kill -0 "$pid" 2>/dev/null; do
  if ((SECONDS >= deadline)); then
    echo "azurite-stop: pid $pid did not exit within ${timeout_seconds}s of SIGTERM; sending SIGKILL." >&2
    kill -KILL "$pid" 2>/dev/null || true
    break
  fi
  sleep 0.2
done
rm -f "$pid_file"
echo "Azurite stopped (pid $pid)."
