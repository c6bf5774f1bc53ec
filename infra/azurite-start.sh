#!/usr/bin/env bash
# Starts the local Azure Storage emulator (Azurite, pinned in package.json) for the local demo, in the background:
# blobs on 127.0.0.1:10000, queues on :10001, tables on :10002, data in <repo>/.azurite. Installs it with `npm ci`
# first if needed, waits until all three ports accept connections and prints the connection string to use.
# Stop it with infra/azurite-stop.sh. Usable from any directory.
set -euo pipefail

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
data="$repo/.azurite"
pid_file="$data/azurite.pid"
log_file="$data/azurite.log"
azurite="$repo/node_modules/.bin/azurite"
host=127.0.0.1
ports=(10000 10001 10002)
timeout_seconds=60

port_open() {
  (exec 3<>"/dev/tcp/$host/$1") 2>/dev/null
}

# A child that exited stays a zombie until this script ends; kill -0 alone would still succeed for it.
alive() {
  kill -0 "$1" 2>/dev/null && [[ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" != Z ]]
}

is_azurite() {
  [[ -r "/proc/$1/cmdline" ]] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -q azurite
}

mkdir -p "$data"

if [[ -f "$pid_file" ]]; then
  pid=$(<"$pid_file")
  if [[ -n "$pid" ]] && alive "$pid" && is_azurite "$pid"; then
    echo "Azurite is already running (pid $pid). Connection string (AzureWebJobsStorage):"
    echo "UseDevelopmentStorage=true"
    exit 0
  fi
  rm -f "$pid_file"
fi

for port in "${ports[@]}"; do
  if port_open "$port"; then
    echo "azurite-start: port $port on $host is already in use by another process." >&2
    exit 1
  fi
done

if [[ ! -x "$azurite" ]]; then
  echo "azurite-start: installing Azurite (npm ci)..."
  (cd "$repo" && npm ci --no-audit --no-fund)
fi

# The binary itself is started (not npx), so the recorded PID is the server's. --disableTelemetry makes it exit on
# SIGTERM on an offline machine; --skipApiVersionCheck accepts the newest storage SDK service versions.
nohup "$azurite" --silent --skipApiVersionCheck --disableTelemetry --loose \
  --location "$data" \
  --blobHost "$host" --blobPort "${ports[0]}" \
  --queueHost "$host" --queuePort "${ports[1]}" \
  --tableHost "$host" --tablePort "${ports[2]}" \
  >"$log_file" 2>&1 </dev/null &
pid=$!
echo "$pid" >"$pid_file"

deadline=$((SECONDS + timeout_seconds))
for port in "${ports[@]}"; do
  until port_open "$port"; do
    if ! alive "$pid"; then
      echo "azurite-start: Azurite exited during start-up; see $log_file:" >&2
      tail -n 20 "$log_file" >&2 || true
      rm -f "$pid_file"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      echo "azurite-start: port $port did not open within ${timeout_seconds}s; stopping Azurite (pid $pid)." >&2
      kill "$pid" 2>/dev/null || true
      rm -f "$pid_file"
      exit 1
    fi
    sleep 0.2
  done
done

echo "Azurite is running (pid $pid): blob $host:${ports[0]}, queue $host:${ports[1]}, table $host:${ports[2]}; data in $data."
echo "Connection string (AzureWebJobsStorage):"
echo "UseDevelopmentStorage=true"
