#!/usr/bin/env bash
# The crm-report HTML page opened in headless Chromium (Debian's chromium package):
#   - the page loads with no console message (a request to the network would be one: the page's
#     Content-Security-Policy refuses it and Chromium logs the refusal);
#   - every chart is in the rendered DOM with its marks, and the browser kept every figure cell;
#   - a screenshot is written to the build tree (<out>/report.png).
# A control page with a blocked image must produce a console message, or the capture is broken.
# Without chromium: skipped (CRM-SKIP:) on a developer machine, a failure in CI (CI is set), where
# scripts/install-deps.sh installs it.
# Usage: chromium_test.sh <crm-report executable> <output directory>
set -u
exe=$1
out=$2
mkdir -p "$out"
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  if [ -n "${CI:-}" ] && [ "${CI}" != "false" ] && [ "${CI}" != "0" ]; then
    echo "FAIL: chromium is not installed in CI (scripts/install-deps.sh installs it when CI is set)"
    exit 1
  fi
  echo "CRM-SKIP: chromium is not installed (apt-get install chromium); the HTML page was not opened in a browser"
  exit 0
fi
fail=0
check() {  # check <description> <command...>
  local what=$1
  shift
  if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; fail=1; fi
}

# render <page.html> <name>: DOM to <name>.dom.html, log to <name>.log, screenshot to <name>.png
render() {
  local profile
  profile=$(mktemp -d)
  timeout 90 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$profile" \
    --enable-logging=stderr --v=0 --window-size=1100,4000 --screenshot="$out/$2.png" --dump-dom \
    "file://$1" > "$out/$2.dom.html" 2> "$out/$2.log"
  local status=$?
  rm -rf "$profile"
  return $status
}

NO_COLOR=1 "$exe" --html "$out/report.html" --json "$out/report.json" > "$out/report.txt" || {
  echo "FAIL: crm-report exited with $?"
  exit 1
}
check "chromium renders the page" render "$out/report.html" report
check "no console message while loading the page" bash -c "! grep -q ':CONSOLE' '$out/report.log'"
grep ':CONSOLE' "$out/report.log" | head -5
check "screenshot written to $out/report.png" test -s "$out/report.png"
check "the screenshot is a PNG" bash -c "head -c 8 '$out/report.png' | od -An -c | grep -q 'P   N   G'"
dom="$out/report.dom.html"
for chart in chart-cohort-heatmap chart-retention-curves chart-funnel chart-p-alive chart-holdout chart-tracking; do
  # the chart and at least one mark (rect, polyline or circle) inside it
  check "chart $chart present with marks" bash -c \
    "tr -d '\n' < '$dom' | grep -o '<svg id=\"$chart\".*' | sed 's#</svg>.*##' | grep -qE '<(rect|polyline|circle)'"
done
cells_page=$(grep -o 'data-json=' "$out/report.html" | wc -l)
cells_dom=$(grep -o 'data-json=' "$dom" | wc -l)
check "the browser kept every figure cell ($cells_dom of $cells_page)" test "$cells_page" -gt 100 -a "$cells_dom" -eq "$cells_page"
# The rendered page holds the very numbers of the page file, which report_test checks against the
# JSON (every data-json pointer's data-value equals the JSON value).
pairs='data-json="[^"]*" data-value="[^"]*"'
check "the rendered figures are the page's (and so the JSON's)" \
  bash -c "diff <(grep -o '$pairs' '$out/report.html') <(grep -o '$pairs' '$dom') > /dev/null"

# Control: a request the policy refuses must show up as a console message.
cat > "$out/control.html" <<'EOF'
<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head>
<body><img src="http://127.0.0.1:9/blocked.png" alt=""></body></html>
EOF
render "$out/control.html" control
check "control: a blocked request is caught as a console message" grep -q ':CONSOLE' "$out/control.log"

if [ $fail -ne 0 ]; then
  echo "chromium test failed; logs in $out"
  exit 1
fi
echo "chromium test passed; screenshot $out/report.png"
