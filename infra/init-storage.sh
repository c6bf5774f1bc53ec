#!/usr/bin/env bash
# Creates the task hub's queues, tables and blob containers on the configured storage account (local.settings.json,
# overridden by environment variables: Azurite by default, or AzureWebJobsStorage__* for Azure). The service also
# creates whatever is missing when it starts. Usable from any directory; start Azurite first (infra/azurite-start.sh).
set -euo pipefail

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
exec dotnet run --project src/PlantFunctions.Cli -c Release -- init-storage "$@"
