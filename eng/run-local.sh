#!/usr/bin/env bash
# The main job on one machine, on its embedded defaults: Azurite + the Outreach sandbox + the standalone connector,
# connected through the real OAuth flow. Needs only the .NET SDK and Node.js; installs the pinned Azurite itself.
# `bash eng/run-local.sh --help` lists the options (ports, mapping, state folder, secret, sandbox seeding).
set -euo pipefail
export LOCAL_RUN_CALLER_DIR="$PWD" # relative --mapping and --state paths are the caller's
cd "$(dirname "$0")/.."
source eng/tools.sh

case " $* " in
  *" --help "* | *" -h "*) ;; # Help needs no Node tools; the build below is quiet and quick when nothing changed.
  *) install_node_tools ;;
esac
step "build"
dotnet build tools/Outreach.LocalRun --nologo -v quiet -c Release
# Run the built app directly (not through `dotnet run`) so Ctrl+C and SIGTERM reach it and it stops everything it started.
exec dotnet tools/Outreach.LocalRun/bin/Release/net10.0/Outreach.LocalRun.dll "$@"
