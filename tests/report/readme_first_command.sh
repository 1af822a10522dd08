#!/usr/bin/env bash
# The README's first command, on a fresh clone, ends with the report on screen (issue #9).
# Usage: readme_first_command.sh SOURCE_DIR WORK_DIR
# Clones SOURCE_DIR's committed HEAD into WORK_DIR/clone (what a user gets from `git clone`:
# uncommitted edits are not in it), takes the first command of the README's "Quick start" block
# (the README is the test's input, not a copy of the command), runs it there and checks:
#   - it exits with 0;
#   - its standard output holds the report: the title line of the built-in sample, the Headline
#     table, and, as its last line, the last row ("all") of the holdout table that ends the report;
#   - the HTML page and the JSON the command announces were written, and the JSON's customer count
#     is the one on the screen;
#   - its build printed no compiler or CMake warning (the release preset has no -Werror: g++ 12's
#     -Wrestrict false positives, GCC bug 105329, were on the user's screen until 2026-12-07).
# Prints CRM-SKIP: (ctest shows Skipped) when SOURCE_DIR is not a git work tree (e.g. a tarball).
set -euo pipefail
src=$1
work=$2
fail() {
  echo "FAIL: $*" >&2
  [ -f "$work/stdout" ] && { echo "--- stdout (last 40 lines) ---" >&2; tail -40 "$work/stdout" >&2; }
  [ -f "$work/stderr" ] && { echo "--- stderr (last 40 lines) ---" >&2; tail -40 "$work/stderr" >&2; }
  exit 1
}
if ! git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "CRM-SKIP: $src is not a git work tree; nothing to clone"
  exit 0
fi
rm -rf "$work"
mkdir -p "$work"
git clone --quiet --no-hardlinks "$src" "$work/clone"
echo "cloned $(git -C "$work/clone" rev-parse --short HEAD) into $work/clone"

# The first line of the first code block after "## Quick start", without its comment.
cmd=$(awk '/^## Quick start/ {q = 1; next}
           q && /^```/ && !inblock {inblock = 1; next}
           q && inblock {print; exit}' "$work/clone/README.md" | sed 's/[[:space:]]*#.*$//')
[ -n "$cmd" ] || fail "no command found in the README's Quick start block"
echo "README's first command: $cmd"

start=$(date +%s)
set +e
(cd "$work/clone" && NO_COLOR=1 bash -c "$cmd") >"$work/stdout" 2>"$work/stderr"
rc=$?
set -e
echo "it ran for $(($(date +%s) - start)) s and exited with $rc"
[ "$rc" -eq 0 ] || fail "the README's first command exited with $rc"
if warned=$(grep -E -m 5 ': warning: |^CMake Warning' "$work/stdout" "$work/stderr"); then
  fail "the build printed warnings, first ones:
$warned"
fi

out="$work/stdout"
grep -Eq '^crm-report [0-9]+\.[0-9]+\.[0-9]+ .* built-in sample data' "$out" || fail "no report title line on the screen"
grep -q '^Headline$' "$out" || fail "no Headline table on the screen"
last=$(grep -v '^[[:space:]]*$' "$out" | tail -1)
echo "$last" | grep -Eq '^  all +[0-9][0-9 ]* +[0-9]' || fail "the output does not end with the report's last table row: '$last'"

# The files the command says it wrote, and the screen agrees with the JSON.
html=$(sed -n 's/^.*also written to \(.*\)\.html and .*\.json$/\1/p' "$out" | head -1)
[ -n "$html" ] || fail "the command does not say where the HTML and JSON went"
[ -s "$work/clone/$html.html" ] || fail "$html.html was not written"
[ -s "$work/clone/$html.json" ] || fail "$html.json was not written"
screen=$(sed -n 's/^  customers  *\([0-9][0-9 ]*[0-9]\) *$/\1/p' "$out" | head -1 | tr -d ' ')
json=$(tr -d ' \n' <"$work/clone/$html.json" | grep -o '"headline":{"customers":[0-9]*' | grep -o '[0-9]*$' || true)
[ -n "$screen" ] && [ "$screen" = "$json" ] || fail "customers on the screen ($screen) differ from the JSON ($json)"
echo "ok: the report is on the screen (last line: '$last'); customers $screen on the screen and in $html.json"
rm -rf "$work/clone/build"  # the release build is large; keep the output files above for a failure only
