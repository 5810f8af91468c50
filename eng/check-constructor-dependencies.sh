#!/usr/bin/env bash
# Holds every class in src/ to at most 8 constructor dependencies (issue 19: "no class with more than 8 constructor
# dependencies"), counting the parameters of each primary constructor and each public or internal constructor.
# Records are left out: their primary constructors are their data, not dependencies. Run by eng/repository-checks.sh.
#
#   bash eng/check-constructor-dependencies.sh          fails on a class over the limit
#   bash eng/check-constructor-dependencies.sh --list   every class's largest count, largest first
set -euo pipefail
cd "$(dirname "$0")/.."
limit=8

# Classes known to be over the limit, each with the reason it is allowed for now. Keep this list empty.
allowed=" "

counts=$(git ls-files -z 'src/*.cs' | xargs -0 awk '
  # Blanks comments, string and character literals (newlines kept), so that only code is searched.
  function strip(s,    out, i, n, c, d, quotes, k, j, verbatim, raw) {
    out = ""; n = length(s); i = 1
    while (i <= n) {
      c = substr(s, i, 1); d = substr(s, i + 1, 1)
      if (c == "/" && d == "/") { while (i <= n && substr(s, i, 1) != "\n") { out = out " "; i++ } continue }
      if (c == "/" && d == "*") {
        out = out "  "; i += 2
        while (i <= n && substr(s, i, 2) != "*/") { out = out (substr(s, i, 1) == "\n" ? "\n" : " "); i++ }
        out = out "  "; i += 2; continue
      }
      if (c == "\x27") {   # a character literal
        j = i + 1; if (substr(s, j, 1) == "\\") j++
        j++; while (j <= n && substr(s, j, 1) != "\x27") j++
        for (k = i; k <= j; k++) out = out " "
        i = j + 1; continue
      }
      if (c == "\"") {
        verbatim = 0; k = i - 1
        while (k >= 1 && (substr(s, k, 1) == "@" || substr(s, k, 1) == "$")) { if (substr(s, k, 1) == "@") verbatim = 1; k-- }
        if (substr(s, i, 3) == "\"\"\"") {   # a raw string literal
          quotes = 3; while (substr(s, i + quotes, 1) == "\"") quotes++
          raw = substr("\"\"\"\"\"\"\"\"\"\"", 1, quotes)
          j = i + quotes; while (j <= n && substr(s, j, quotes) != raw) j++
          j += quotes - 1
        } else {
          j = i + 1
          while (j <= n) {
            c = substr(s, j, 1)
            if (!verbatim && c == "\\") { j += 2; continue }
            if (c == "\"") { if (verbatim && substr(s, j + 1, 1) == "\"") { j += 2; continue } break }
            j++
          }
        }
        for (k = i; k <= j; k++) out = out (substr(s, k, 1) == "\n" ? "\n" : " ")
        i = j + 1; continue
      }
      out = out c; i++
    }
    return out
  }

  # The number of parameters in the list that opens at position p (a "("), or -1 when it does not close.
  function parameters(s, p,    depth, i, n, c, count, seen) {
    depth = 0; count = 0; seen = 0; n = length(s)
    for (i = p; i <= n; i++) {
      c = substr(s, i, 1)
      if (c == "(" || c == "<" || c == "[" || c == "{") { depth++; if (i > p) seen = 1; continue }
      if (c == ")" || c == ">" || c == "]" || c == "}") { depth--; if (depth == 0) return seen ? count + 1 : 0; continue }
      if (depth == 1 && c == ",") count++
      else if (depth >= 1 && c !~ /[ \t\n]/) seen = 1
    }
    return -1
  }

  function line_of(s, p) { return split(substr(s, 1, p), _lines, "\n") }

  FNR == 1 && NR > 1 { scan(text, previous) ; text = "" }
  { text = text $0 "\n"; previous = FILENAME }
  END { if (text != "") scan(text, previous) }

  function scan(raw, file,    s, rest, offset, m, name, kind, after, p, n, decl, names, found) {
    s = strip(raw)
    # Classes (and structs) declared in the file: a primary constructor follows the name (and its type parameters).
    rest = s; offset = 0; names = " "
    while (match(rest, /(class|struct|record)[ \t\n]+[A-Za-z_][A-Za-z0-9_]*/)) {
      decl = substr(rest, RSTART, RLENGTH); p = offset + RSTART + RLENGTH
      kind = decl; sub(/[ \t\n].*/, "", kind)
      name = decl; sub(/^[a-z]+[ \t\n]+/, "", name)
      offset += RSTART + RLENGTH - 1; rest = substr(s, offset + 1)
      # "record class Name" and "record struct Name" are records too.
      if (kind != "record" && match(substr(s, 1, offset - length(decl)), /record[ \t\n]+$/)) kind = "record"
      if (kind == "record" || name == "class" || name == "struct") continue
      names = names name " "
      after = substr(s, p)
      if (match(after, /^[ \t\n]*<[^>]*>/)) { p += RLENGTH; after = substr(s, p) }
      if (match(after, /^[ \t\n]*\(/)) {
        n = parameters(s, p + RLENGTH - 1)
        if (n >= 0) print n "\t" name "\t" file ":" line_of(s, p)
      }
    }
    # Explicit public or internal constructors of those classes.
    rest = s; offset = 0
    while (match(rest, /(public|internal)[ \t\n]+[A-Za-z_][A-Za-z0-9_]*[ \t\n]*\(/)) {
      decl = substr(rest, RSTART, RLENGTH); p = offset + RSTART + RLENGTH - 1
      offset += RSTART + RLENGTH - 1; rest = substr(s, offset + 1)
      name = decl; sub(/^[a-z]+[ \t\n]+/, "", name); sub(/[ \t\n]*\($/, "", name)
      if (index(names, " " name " ") == 0) continue
      n = parameters(s, p)
      if (n >= 0) print n "\t" name "\t" file ":" line_of(s, p)
    }
  }
' | sort -t$'\t' -k1,1nr -k2,2 | awk -F'\t' '!seen[$2]++')

if [[ "${1:-}" == "--list" ]]; then
  echo "$counts"
  exit 0
fi

status=0
while IFS=$'\t' read -r count name where; do
  [[ -z "$name" || "$count" -le "$limit" ]] && continue
  if [[ "$allowed" == *" $name "* ]]; then
    echo "note: $name has $count constructor dependencies ($where), allowed for now (see eng/check-constructor-dependencies.sh)" >&2
    continue
  fi
  echo "error: $name has $count constructor dependencies ($where); at most $limit: split a role out of it" >&2
  status=1
done <<<"$counts"
exit "$status"
