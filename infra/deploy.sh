#!/usr/bin/env bash
# Deploys PlantFunctions to Azure Container Apps with bicep/main.bicep and bicep/main.parameters.json.
#
#   infra/deploy.sh <resource-group> <location> <image> [parameter=value ...]
#
#   infra/deploy.sh rg-plant swedencentral myregistry.azurecr.io/plantfunctions:1.0.0 \
#       registryServer=myregistry.azurecr.io registryUsername=plant-pull gpuProfileType=Consumption-GPU-NC24-A100
#
# Environment:
#   PLANT_API_KEYS               API keys for Plant:Api:FunctionKeys; a random key is generated (and printed once) if unset.
#   PLANT_REGISTRY_PASSWORD      Registry password, used with registryUsername=...
#   PLANT_OPERATOR_PRINCIPAL_ID  Object id that gets the storage data roles for the plant CLI; defaults to the signed-in
#                                user (az ad signed-in-user show); set to "none" to grant nobody.
# Needs the Azure CLI, logged in (az login) to the target subscription. Usable from any directory.
set -euo pipefail

if [[ $# -lt 3 ]]; then
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
fi

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
resource_group=$1
location=$2
image=$3
shift 3

command -v az >/dev/null || { echo "deploy: the Azure CLI (az) is not installed." >&2; exit 1; }

# Secrets go to the deployment through a private parameters file, not the command line (visible in the process list).
secrets=$(mktemp)
trap 'rm -f -- "$secrets"' EXIT
chmod 600 "$secrets"
json_string() {
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

generated_key=""
api_keys=${PLANT_API_KEYS:-}
if [[ -z "$api_keys" ]]; then
  generated_key=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
  api_keys=$generated_key
fi
{
  # shellcheck disable=SC2016 # "$schema" is a literal JSON key, not a shell expansion.
  printf '{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",\n'
  printf '  "contentVersion": "1.0.0.0",\n  "parameters": {\n'
  printf '    "apiFunctionKeys": { "value": %s }' "$(json_string "$api_keys")"
  if [[ -n "${PLANT_REGISTRY_PASSWORD:-}" ]]; then
    printf ',\n    "registryPassword": { "value": %s }' "$(json_string "$PLANT_REGISTRY_PASSWORD")"
  fi
  printf '\n  }\n}\n'
} >"$secrets"

operator=${PLANT_OPERATOR_PRINCIPAL_ID:-}
if [[ -z "$operator" ]]; then
  operator=$(az ad signed-in-user show --query id --output tsv 2>/dev/null || true)
fi
operator_args=()
if [[ -n "$operator" && "$operator" != "none" ]]; then
  operator_args=("operatorPrincipalId=$operator")
fi

echo "deploy: registering resource providers (no-op when already registered)"
for namespace in Microsoft.App Microsoft.OperationalInsights Microsoft.Storage Microsoft.ManagedIdentity; do
  az provider register --namespace "$namespace" --wait --output none
done

echo "deploy: resource group $resource_group in $location"
az group create --name "$resource_group" --location "$location" --output none

echo "deploy: bicep/main.bicep with image $image"
az deployment group create \
  --resource-group "$resource_group" \
  --name "plantfunctions-$(date -u +%Y%m%d%H%M%S)" \
  --template-file "$repo/bicep/main.bicep" \
  --parameters "@$repo/bicep/main.parameters.json" \
  --parameters "@$secrets" \
  --parameters location="$location" containerImage="$image" ${operator_args[@]+"${operator_args[@]}"} "$@" \
  --query properties.outputs \
  --output json

if [[ -n "$generated_key" ]]; then
  echo
  echo "deploy: generated API key (store it now; it is not shown again; pass PLANT_API_KEYS to keep it on redeploys):"
  echo "$generated_key"
fi
