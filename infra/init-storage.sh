#!/usr/bin/env bash
# Creates the task hub (the Durable Task engine's queues, tables and lease containers), the service's blob containers
# and its models table on the configured storage account (local.settings.json, overridden by environment variables:
# Azurite by default, or AzureWebJobsStorage__* for Azure) with `plant init-storage`. The local host (plant serve) and,
# in Azure, the Functions app create whatever is missing when they start. Usable from any directory; start Azurite
# first (infra/azurite-start.sh).
set -euo pipefail

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
exec dotnet run --project src/PlantFunctions.Cli -c Release -- init-storage "$@"
