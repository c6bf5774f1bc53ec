#!/usr/bin/env bash
# Compiles and lints the Azure deployment (bicep/) offline with the real Bicep compiler, and fails on any error or
# warning. The Bicep CLI comes from the NuGet package Azure.Bicep.CommandLine.linux-x64 (restored through
# infra/tools/bicep/BicepTool.proj), so a clean clone needs nothing but the .NET SDK and Node.js.
# Also checks that bicep/main.parameters.json only names parameters main.bicep declares, and that the Functions app's
# settings in the Bicep carry every name of local.settings.sample.json except the local-only ones (AzureWebJobsStorage,
# Plant__Roles, Plant__Api__FunctionKeys), no Plant__* name the sample lacks, and an identity-based storage connection.
#
#   infra/bicep-check.sh            (from any directory; NUGET_PACKAGES is respected)
set -euo pipefail

repo=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd)
proj="$repo/infra/tools/bicep/BicepTool.proj"
bicep_dir="$repo/bicep"

version=$(sed -n 's:.*<BicepVersion>\(.*\)</BicepVersion>.*:\1:p' "$proj")
[[ -n "$version" ]] || { echo "bicep-check: no <BicepVersion> in $proj" >&2; exit 1; }

echo "bicep-check: restoring Bicep CLI $version"
DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 dotnet restore "$proj" --nologo --verbosity quiet

packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
bicep="${packages%/}/azure.bicep.commandline.linux-x64/$version/tools/bicep"
if [[ ! -f "$bicep" ]]; then
  # A NuGet.Config may move the packages folder (globalPackagesFolder); restore records where it put them.
  assets="$repo/infra/tools/bicep/obj/project.assets.json"
  packages=$(node -e 'console.log(Object.keys(require(process.argv[1]).packageFolders)[0])' "$assets")
  bicep="${packages%/}/azure.bicep.commandline.linux-x64/$version/tools/bicep"
fi
[[ -f "$bicep" ]] || { echo "bicep-check: restore succeeded but $bicep does not exist" >&2; exit 1; }
# NuGet extracts files without the execute bit.
[[ -x "$bicep" ]] || chmod +x "$bicep"
"$bicep" --version

out=$(mktemp -d)
trap 'rm -rf -- "$out"' EXIT

errors=0
# Runs one bicep command; its diagnostics ("file(line,col) : Warning rule: message") are collected in diagnostics.txt.
# `bicep build` also reports the modules' diagnostics, so the same line can appear twice: it is counted once.
run_bicep() {
  local rc=0
  "$bicep" "$@" >"$out/log.txt" 2>&1 || rc=$?
  cat "$out/log.txt"
  grep -E ' : (Error|Warning) ' "$out/log.txt" >>"$out/diagnostics.txt" || true
  if [[ $rc -ne 0 ]] && ! grep -qE ' : Error ' "$out/log.txt"; then
    echo "bicep-check: bicep $1 exited with $rc" >&2
    errors=$((errors + 1))
  fi
}
touch "$out/diagnostics.txt"

echo "bicep-check: bicep build bicep/main.bicep"
run_bicep build "$bicep_dir/main.bicep" --outfile "$out/main.json"

# `bicep lint main.bicep` reports only main.bicep's own diagnostics, so every module is linted as well.
while IFS= read -r -d '' file; do
  echo "bicep-check: bicep lint ${file#"$repo"/}"
  run_bicep lint "$file"
done < <(find "$bicep_dir" -name '*.bicep' -print0 | sort -z)

echo "bicep-check: checking main.parameters.json and the app settings against local.settings.sample.json"
if [[ -f "$out/main.json" ]]; then
  node - "$out/main.json" "$bicep_dir/main.parameters.json" "$repo/local.settings.sample.json" <<'JS' || errors=$((errors + 1))
const fs = require('fs');
const [templatePath, parametersPath, settingsPath] = process.argv.slice(2);
const templateText = fs.readFileSync(templatePath, 'utf8');
const declared = JSON.parse(templateText).parameters;
const given = JSON.parse(fs.readFileSync(parametersPath, 'utf8')).parameters;
let failed = false;
for (const name of Object.keys(given)) {
  if (!(name in declared)) { console.log(`error: main.parameters.json: unknown parameter '${name}'`); failed = true; }
}
const required = Object.keys(declared).filter(n => !('defaultValue' in declared[n]) && !(n in given));
console.log(`parameters to pass at deploy time: ${required.join(', ')}`);

// Names local.settings.sample.json has that mean nothing in Azure (see the comment above appSettings in main.bicep):
// the Azurite connection string, and the local host's roles and keys. Every other name must be an app setting in Azure.
const localOnly = new Set(['AzureWebJobsStorage', 'Plant__Roles', 'Plant__Api__FunctionKeys']);
const sample = Object.keys(JSON.parse(fs.readFileSync(settingsPath, 'utf8')).Values);

// The app settings are the container env arrays: JSON objects under an "env" key (in a module's parameters they sit in
// { "value": [...] }), or, where Bicep compiles them into an expression, createObject('name', 'X', ...).
const inBicep = new Set();
const collect = node => {
  if (Array.isArray(node)) { node.forEach(collect); return; }
  if (node === null || typeof node !== 'object') { return; }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'env') {
      const list = Array.isArray(value) ? value : value && value.value;
      if (Array.isArray(list)) { list.forEach(e => { if (e && typeof e.name === 'string') inBicep.add(e.name); }); }
      if (typeof list === 'string') { for (const m of list.matchAll(/'name', '([A-Za-z0-9_]+)'/g)) inBicep.add(m[1]); }
    }
    collect(value);
  }
};
collect(JSON.parse(templateText));

for (const name of sample.filter(n => !localOnly.has(n))) {
  if (!inBicep.has(name)) { console.log(`error: main.bicep sets no app setting '${name}' (in local.settings.sample.json)`); failed = true; }
}
for (const name of localOnly) {
  if (inBicep.has(name)) { console.log(`error: main.bicep sets '${name}', which is local-only (a connection string or a local host setting)`); failed = true; }
}
for (const name of [...inBicep].filter(n => n.startsWith('Plant__'))) {
  if (!sample.includes(name)) { console.log(`error: local.settings.sample.json has no '${name}' (set by main.bicep)`); failed = true; }
}
// The identity-based host storage connection: an account name or the three service URIs, the credential and the client id.
const hasEndpoint = inBicep.has('AzureWebJobsStorage__accountName') ||
  ['blob', 'queue', 'table'].every(s => inBicep.has(`AzureWebJobsStorage__${s}ServiceUri`));
for (const [ok, what] of [[hasEndpoint, 'AzureWebJobsStorage__accountName (or __blob/__queue/__tableServiceUri)'],
                          [inBicep.has('AzureWebJobsStorage__credential'), 'AzureWebJobsStorage__credential'],
                          [inBicep.has('AzureWebJobsStorage__clientId'), 'AzureWebJobsStorage__clientId']]) {
  if (!ok) { console.log(`error: main.bicep sets no ${what} (identity-based storage connection)`); failed = true; }
}
console.log(`app settings set by main.bicep: ${inBicep.size}; local-only names of the sample: ${[...localOnly].join(', ')}`);

process.exit(failed ? 1 : 0);
JS
fi

errors=$((errors + $(sort -u "$out/diagnostics.txt" | grep -cE ' : Error ' || true)))
warnings=$(sort -u "$out/diagnostics.txt" | grep -cE ' : Warning ' || true)
echo "bicep-check: $errors error(s), $warnings warning(s)"
if [[ $errors -ne 0 || $warnings -ne 0 ]]; then
  exit 1
fi
