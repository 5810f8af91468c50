#!/usr/bin/env bash
# The main job on one machine, on its embedded defaults: Azurite + the Outreach sandbox + the standalone connector,
# connected through the real OAuth flow. Needs only the .NET SDK and Node.js; installs the pinned Azurite itself.
# Options: --connector-port 7071 --sandbox-port 5380 --mapping samples/mapping.json --state .local
set -euo pipefail
cd "$(dirname "$0")/.."
source eng/tools.sh

install_node_tools
step "build"
dotnet build tools/Outreach.LocalRun --nologo -v quiet -c Release
# Run the built app directly (not through `dotnet run`) so Ctrl+C and SIGTERM reach it and it stops everything it started.
exec dotnet tools/Outreach.LocalRun/bin/Release/net10.0/Outreach.LocalRun.dll "$@"
