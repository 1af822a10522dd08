#!/usr/bin/env bash
# The README's "Installed package" commands, run as written (the README is the test's input, not a
# copy of the commands), install a package that a consumer project finds and builds against.
# Usage: readme_install.sh SOURCE_DIR WORK_DIR CXX
# The block after the README's line `<!-- install commands -->` is run with the source directory
# for `.`, WORK_DIR/build for `build` and WORK_DIR/prefix for `/usr/local`; then
# tests/consumer/project is configured with find_package against that prefix, built and run.
set -euo pipefail
src=$1
work=$2
cxx=$3
rm -rf "$work"
mkdir -p "$work"
cmds=$(awk '/^<!-- install commands -->/ {m = 1; next}
            m && /^```/ {if (inblock) exit; inblock = 1; next}
            m && inblock {print}' "$src/README.md")
[ -n "$cmds" ] || { echo "FAIL: no block after <!-- install commands --> in the README" >&2; exit 1; }
echo "README's install commands:"
echo "$cmds"
cmds=$(printf '%s\n' "$cmds" | sed -e "s| -S \. | -S '$src' |" -e "s| build\b| '$work/build'|g" \
                                   -e "s|--prefix /usr/local|--prefix '$work/prefix'|")
(cd "$work" && CXX="$cxx" bash -euo pipefail -c "$cmds") > "$work/install.log" 2>&1 || {
  echo "FAIL: the README's install commands failed:" >&2
  tail -30 "$work/install.log" >&2
  exit 1
}
[ -f "$work/prefix/include/crm/metrics.hpp" ] || { echo "FAIL: no headers in $work/prefix" >&2; exit 1; }
cmake -S "$src/tests/consumer/project" -B "$work/consumer" -DCRM_CONSUMER_MODE=find_package \
      -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_CXX_COMPILER="$cxx" > "$work/consumer.log" 2>&1
cmake --build "$work/consumer" >> "$work/consumer.log" 2>&1 || { tail -30 "$work/consumer.log" >&2; exit 1; }
"$work/consumer/consumer"
