#!/usr/bin/env bash
# Deploys PlantFunctions (Azure Functions on Azure Container Apps) with bicep/main.bicep and bicep/main.parameters.json.
#
#   infra/deploy.sh <resource-group> <location> <image> [parameter=value ...]
#
#   infra/deploy.sh rg-plant swedencentral myregistry.azurecr.io/plantfunctions:1.0.0 \
#       registryServer=myregistry.azurecr.io registryUsername=plant-pull gpuProfileType=Consumption-GPU-NC24-A100
#
# Environment:
#   PLANT_REGISTRY_PASSWORD      Registry password, used with registryUsername=...
#   PLANT_OPERATOR_PRINCIPAL_ID  Object id that gets the storage data roles for the plant CLI; defaults to the signed-in
#                                user (az ad signed-in-user show); set to "none" to grant nobody.
# The HTTP API's keys are the Functions host's own: list them after the deployment with
#   az containerapp function keys list -g <resource-group> -n <functionAppName output> --key-type hostKey
# Needs the Azure CLI, logged in (az login) to the target subscription. Usable from any directory.
set -euo pipefail

if [[ $# -lt 3 ]]; then
  sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  exit 2
fi

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
resource_group=$1
location=$2
image=$3
shift 3

command -v az >/dev/null || { echo "deploy: the Azure CLI (az) is not installed." >&2; exit 1; }

# Secrets go to the deployment through a private parameters file, not the command line (visible in the process list).
secrets_args=()
if [[ -n "${PLANT_REGISTRY_PASSWORD:-}" ]]; then
  secrets=$(mktemp)
  trap 'rm -f -- "$secrets"' EXIT
  chmod 600 "$secrets"
  password=${PLANT_REGISTRY_PASSWORD//\\/\\\\}
  password=${password//\"/\\\"}
  {
    # shellcheck disable=SC2016 # "$schema" is a literal JSON key, not a shell expansion.
    printf '{\n  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#",\n'
    printf '  "contentVersion": "1.0.0.0",\n  "parameters": {\n'
    printf '    "registryPassword": { "value": "%s" }\n' "$password"
    printf '  }\n}\n'
  } >"$secrets"
  secrets_args=(--parameters "@$secrets")
fi

operator=${PLANT_OPERATOR_PRINCIPAL_ID:-}
if [[ -z "$operator" ]]; then
  operator=$(az ad signed-in-user show --query id --output tsv 2>/dev/null || true)
fi
operator_args=()
if [[ -n "$operator" && "$operator" != "none" ]]; then
  operator_args=("operatorPrincipalId=$operator")
fi

echo "deploy: registering resource providers (no-op when already registered)"
for namespace in Microsoft.App Microsoft.OperationalInsights Microsoft.Insights Microsoft.Storage Microsoft.ManagedIdentity; do
  az provider register --namespace "$namespace" --wait --output none
done

echo "deploy: resource group $resource_group in $location"
az group create --name "$resource_group" --location "$location" --output none

deployment="plantfunctions-$(date -u +%Y%m%d%H%M%S)"
echo "deploy: bicep/main.bicep with image $image (deployment $deployment)"
az deployment group create \
  --resource-group "$resource_group" \
  --name "$deployment" \
  --template-file "$repo/bicep/main.bicep" \
  --parameters "@$repo/bicep/main.parameters.json" \
  ${secrets_args[@]+"${secrets_args[@]}"} \
  --parameters location="$location" containerImage="$image" ${operator_args[@]+"${operator_args[@]}"} "$@" \
  --query properties.outputs \
  --output json

app=$(az deployment group show --resource-group "$resource_group" --name "$deployment" \
  --query properties.outputs.functionAppName.value --output tsv)
echo
echo "deploy: the HTTP API takes the Functions host's keys (header x-functions-key or ?code=). List them with"
echo "  az containerapp function keys list -g $resource_group -n $app --key-type hostKey"
