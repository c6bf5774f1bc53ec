#!/usr/bin/env bash
# Uploads the bundled CodiEsp sample's held-out notes (samples/codiesp/dev, 100 cases) as a batch and starts it with a
# ready marker, the local stand-in for a blob-created event: the running service (plant serve) picks it up. Follow it
# with GET /api/batches/<id>. Needs an active model (plant register model.plant --activate).
# Usage: infra/seed-demo-batch.sh [batch-id]   (default: demo-seed-<UTC time>)
set -euo pipefail

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
batch=${1:-demo-seed-$(date -u +%Y%m%d-%H%M%S)}
exec dotnet run --project src/PlantFunctions.Cli -c Release -- submit samples/codiesp/dev/text_files_en --batch-id "$batch" --marker --no-wait
