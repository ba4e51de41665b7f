#!/usr/bin/env bash
# Runs the product: the Collector, its jobs and the dashboard on http://localhost:8080, with the sample workload as a
# live demo. Installs what the demo needs when it is missing (PostgreSQL 15 server binaries, redis-server), then hands
# over to `dotnet run`, so Ctrl+C reaches it directly and stops everything it started.
# Arguments go to the dashboard: scripts/run.sh --no-demo, scripts/run.sh --Dashboard:AdminPassword '...'.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ " $* " != *" --no-demo "* ]]; then
  bash scripts/ensure-packages.sh postgresql-15 redis-server
fi
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet run --project src/Dashboard -c Release -- "$@"
