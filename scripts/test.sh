#!/usr/bin/env bash
# Runs every test project against real components. Installs what the tests need when it is missing
# (PostgreSQL 15 server binaries, redis-server, promtool from Debian's prometheus package, chromium), then prints one summary line:
# "N passed, N failed". Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's Chromium is for the Playwright end-to-end tests (they never download a browser).
bash scripts/ensure-packages.sh postgresql-15 prometheus redis-server chromium

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
dotnet build Observability.sln -c Release -nologo -v quiet 2>&1 | tee "$log" || status=$?
if [ $status -eq 0 ]; then
  # One test project at a time (-m:1): the projects start real servers, browsers and workloads, and side by side on two
  # cores they raced for free ports and CPU, which made timing-sensitive tests flaky.
  dotnet test Observability.sln -c Release --no-build -nologo -m:1 2>&1 | tee "$log" || status=$?
fi

read -r passed failed < <(awk '/^(Passed|Failed)!/ {
    for (i = 1; i <= NF; i++) { if ($i == "Passed:") p += $(i+1); if ($i == "Failed:") f += $(i+1) }
  } END { print p + 0, f + 0 }' FS='[ ,]+' "$log")
if [ $status -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or a test host failed without reporting a failed test: count it as one.
  failed=1
fi
echo "$passed passed, $failed failed"
[ $status -eq 0 ] && [ "$failed" -eq 0 ]
