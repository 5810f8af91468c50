#!/usr/bin/env bash
# Builds the deployable Azure Functions app (custom handler) in one command:
#   artifacts/functionapp/      host.json, one folder per function (<Name>/function.json), handler/ (the server,
#                               self-contained for linux-x64 with the mapping file beside it)
#   artifacts/functionapp.zip   the same folder zipped with Unix permissions, so handler/OutreachFunctions stays executable
# azd deploys the folder (azure.yaml: dist artifacts/functionapp); the zip is for `az functionapp deployment source
# config-zip` and for checking what ships. No local.settings.json and no secret is ever copied.
#
# The mapping file: $MAPPING_FILE if set, else mapping.json at the repository root, else samples/mapping.json (with a
# warning: the sample's audience ids are not yours).
set -euo pipefail
cd "$(dirname "$0")/.."
source eng/tools.sh

out=artifacts/functionapp
zip_file=artifacts/functionapp.zip
build=artifacts/package-build
started=$(date +%s)

step "clean $out"
rm -rf "$out" "$zip_file"
mkdir -p "$out"

# Self-contained for linux-x64: the Flex Consumption 'custom' runtime promises no .NET on the machine. The RID-specific
# restore needs the linux-x64 runtime packs; it gets its own lock file and intermediate folder under artifacts/ so the
# committed packages.lock.json files and the normal build outputs are left as they are.
step "publish the handler (Release, linux-x64, self-contained)"
dotnet publish src/OutreachFunctions/OutreachFunctions.csproj \
  --nologo -v quiet -c Release -r linux-x64 --self-contained true \
  -o "$out/handler" --artifacts-path "$build" \
  -p:RestoreLockedMode=false -p:NuGetLockFilePath="$PWD/$build/packages.linux-x64.lock.json"

step "host.json and function folders"
cp host.json "$out/host.json"
count=0
for definition in src/OutreachFunctions/function-definitions/*/function.json; do
  name=$(basename "$(dirname "$definition")")
  mkdir -p "$out/$name"
  cp "$definition" "$out/$name/function.json"
  count=$((count + 1))
done
echo "$count function(s): $(cd src/OutreachFunctions/function-definitions && echo */ | tr -d /)"

step "mapping file"
mapping=${MAPPING_FILE:-}
if [ -z "$mapping" ]; then
  if [ -f mapping.json ]; then
    mapping=mapping.json
  else
    mapping=samples/mapping.json
    echo "WARNING: no mapping.json at the repository root and MAPPING_FILE is not set: packaging samples/mapping.json," >&2
    echo "         whose audience ids are examples. See docs/deploy.md, 'The mapping file'." >&2
  fi
fi
# Beside the executable: the handler resolves Mapping__File=mapping.json against its own folder first.
cp "$mapping" "$out/handler/mapping.json"
echo "packaged $mapping as handler/mapping.json"

step "checks"
executable=$(sed -n 's/.*"defaultExecutablePath" *: *"\([^"]*\)".*/\1/p' "$out/host.json")
if [ -z "$executable" ] || [ ! -f "$out/$executable" ]; then
  echo "host.json's defaultExecutablePath '$executable' is not a file in the package" >&2
  exit 1
fi
chmod +x "$out/$executable"
for forbidden in local.settings.json appsettings.Development.json; do
  if [ -n "$(find "$out" -name "$forbidden" -print -quit)" ]; then
    echo "$forbidden must never be packaged" >&2
    exit 1
  fi
done
echo "defaultExecutablePath $executable is executable; no local settings"

# zip keeps Unix modes (the handler's execute bit) by default. Without it, Python's zipfile writes the same: ZipFile.write
# records each file's mode in the entry's external attributes.
step "zip"
if command -v zip > /dev/null; then
  (cd "$out" && zip -q -r -X "../$(basename "$zip_file")" .)
else
  python3 - "$out" "$zip_file" <<'PY'
import os, sys, zipfile
root, target = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
    for folder, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            path = os.path.join(folder, name)
            archive.write(path, os.path.relpath(path, root))
PY
fi

size=$(du -sh "$out" | cut -f1)
zip_size=$(du -h "$zip_file" | cut -f1)
echo "$out ($size), $zip_file ($zip_size), $(( $(date +%s) - started )) s"
