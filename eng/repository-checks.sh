#!/usr/bin/env bash
# Checks on the tracked files themselves, run first by eng/test.sh (fast, no build needed):
# - no tracked file points outside the repository to the old shared notes (their facts live in docs/reference/);
# - no two tracked paths differ only by case (Windows and macOS checkouts would merge them);
# - docs/architecture.md's trace of one profile matches the tree (eng/check-trace.sh);
# - no class in src/ has more than 8 constructor dependencies (eng/check-constructor-dependencies.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

# The pattern is built from parts so that this file does not match itself.
outside_notes="\.\./""shared"
if matches=$(git grep -n -I -E "$outside_notes" -- .); then
  echo "error: tracked files refer to notes outside the repository; point to docs/reference/ or docs/architecture.md instead:" >&2
  echo "$matches" >&2
  exit 1
fi

# Every tracked path and every folder above it, each once: two folders that differ only by case collide even when the
# files inside them do not.
tracked_paths() {
  git ls-files | awk -F/ '{ path = ""; for (i = 1; i <= NF; i++) { path = (i == 1 ? $i : path "/" $i); print path } }' | sort -u
}
collisions=$(tracked_paths | tr '[:upper:]' '[:lower:]' | sort | uniq -d)
if [[ -n "$collisions" ]]; then
  echo "error: tracked paths that differ only by case (a case-insensitive checkout merges them):" >&2
  while IFS= read -r lower; do
    tracked_paths | awk -v l="$lower" 'tolower($0) == l { print "  " $0 }' >&2
  done <<<"$collisions"
  exit 1
fi

# docs/architecture.md's trace of one profile names real files, each once, and says how many (eng/check-trace.sh;
# a scratch repository in the tests of these checks has neither).
if [[ -f eng/check-trace.sh ]]; then
  bash eng/check-trace.sh
fi

# No class in src/ takes more than 8 constructor dependencies (eng/check-constructor-dependencies.sh; a scratch
# repository in the tests of these checks may not have it).
if [[ -f eng/check-constructor-dependencies.sh ]]; then
  bash eng/check-constructor-dependencies.sh
fi
