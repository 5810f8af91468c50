#!/usr/bin/env bash
# The one test command (README, .ci/run): installs the pinned tools, builds with warnings as errors,
# validates the Bicep, and runs every test. Tests start Azurite and the Outreach sandbox on loopback themselves.
set -euo pipefail
cd "$(dirname "$0")/.."
source eng/tools.sh

step "repository checks (no links outside the repository, no case-only path collisions, the architecture trace matches the tree, at most 8 constructor dependencies per class)"
bash eng/repository-checks.sh

install_node_tools
source eng/chromium.sh && install_chromium
bicep=$(install_bicep)

step "restore"
dotnet restore OutreachFunctions.sln --nologo -v quiet

step "build (warnings are errors)"
dotnet build OutreachFunctions.sln --no-restore --nologo -v quiet -c Release -warnaserror

step "bicep build + lint"
validate_bicep "$bicep"

step "tests"
log=$(mktemp)
set +e
dotnet test OutreachFunctions.sln --no-build --nologo -c Release 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
summarize_tests "$log"
exit "$status"
