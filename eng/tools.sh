# Shared helpers for eng/*.sh: pinned tool installs and small output helpers. Sourced, not run.

step() { printf '\n==> %s\n' "$*"; }

# Azurite and other Node tools, pinned by package-lock.json.
install_node_tools() {
  if [ ! -x node_modules/.bin/azurite ]; then
    step "npm ci (pinned Node tools: Azurite)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# The Bicep CLI from the pinned NuGet package; prints the path of the executable.
install_bicep() {
  dotnet restore eng/tools/tools.proj --nologo -v quiet >&2
  local packages
  packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
  local bicep="$packages/azure.bicep.commandline.linux-x64/0.49.2/tools/bicep"
  chmod +x "$bicep"
  printf '%s\n' "$bicep"
}

# Builds infra/main.bicep to artifacts/infra/main.json (read by tests/Infra.Tests) and lints it:
# any error or warning fails the build.
validate_bicep() {
  local bicep=$1
  if [ ! -f infra/main.bicep ]; then
    echo "infra/main.bicep not found: nothing to validate yet"
    return 0
  fi
  mkdir -p artifacts/infra
  local out
  out=$("$bicep" build infra/main.bicep --outfile artifacts/infra/main.json 2>&1)
  out+=$("$bicep" lint infra/main.bicep 2>&1)
  if [ -n "$out" ]; then
    printf '%s\n' "$out"
    echo "bicep reported diagnostics: infra must build and lint with zero errors and zero warnings" >&2
    return 1
  fi
  echo "infra/main.bicep: build and lint clean"
}

# Adds the totals of every test assembly as one closing line: "Tests: N passed, N failed, N skipped".
summarize_tests() {
  awk '
    /(Passed!|Failed!) +- +Failed: / {
      for (i = 1; i <= NF; i++) {
        if ($i == "Failed:")  { gsub(",", "", $(i+1)); f += $(i+1) }
        if ($i == "Passed:")  { gsub(",", "", $(i+1)); p += $(i+1) }
        if ($i == "Skipped:") { gsub(",", "", $(i+1)); s += $(i+1) }
      }
      seen = 1
    }
    END { if (seen) printf "Tests: %d passed, %d failed, %d skipped\n", p, f, s; else print "Tests: 0 passed, 1 failed (no test summary found)" }
  ' "$1"
}
