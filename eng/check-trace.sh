#!/usr/bin/env bash
# Holds docs/architecture.md's trace of one profile (POST → Outreach) to the tree: every file the trace lists exists,
# none is listed twice, and the count the doc states is the number of files listed. Run by eng/repository-checks.sh.
#
# The doc marks each list with HTML comments, e.g.
#   <!-- trace:standalone files=24 -->
#   - `src/…/IngestEndpoint.cs` …
#   <!-- /trace -->
set -euo pipefail
cd "$(dirname "$0")/.."
doc=docs/architecture.md
status=0
found=0
while IFS= read -r marker; do
  found=1
  name=$(sed -E 's/.*trace:([a-z-]+).*/\1/' <<<"$marker")
  stated=$(sed -E 's/.*files=([0-9]+).*/\1/' <<<"$marker")
  # The lines between this marker and the next closing one; every `path` that looks like a file in the repository.
  files=$(awk -v m="$marker" '$0 == m { on = 1; next } on && /<!-- \/trace -->/ { exit } on { print }' "$doc" \
    | grep -oE '`(src|tools|tests|bench)/[^`]+\.(cs|json|html)`' | tr -d '`' || true)
  listed=$(grep -c . <<<"$files" || true)
  unique=$(sort -u <<<"$files" | grep -c . || true)
  if [[ "$listed" != "$unique" ]]; then
    echo "error: $doc trace '$name' lists a file twice:" >&2
    sort <<<"$files" | uniq -d | sed 's/^/  /' >&2
    status=1
  fi
  while IFS= read -r file; do
    [[ -z "$file" ]] && continue
    if ! git ls-files --error-unmatch "$file" >/dev/null 2>&1; then
      echo "error: $doc trace '$name' names $file, which is not a tracked file" >&2
      status=1
    fi
  done <<<"$files"
  if [[ "$unique" != "$stated" ]]; then
    echo "error: $doc trace '$name' says files=$stated but lists $unique files" >&2
    status=1
  fi
done < <(grep -E '^<!-- trace:[a-z-]+ files=[0-9]+ -->$' "$doc")
if [[ "$found" == 0 ]]; then
  echo "error: $doc has no trace list (<!-- trace:NAME files=N --> … <!-- /trace -->)" >&2
  status=1
fi
exit "$status"
