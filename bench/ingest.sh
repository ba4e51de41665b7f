#!/usr/bin/env bash
# Ingest benchmark: the same OTLP trace load, one target after another in one sitting, against
#   - the Collector on SQLite (Release build, fresh data folder),
#   - the Collector on PostgreSQL (a throwaway cluster started here),
#   - the Aspire dashboard (standalone, from the Aspire.Dashboard.Sdk.linux-x64 NuGet package) as the peer.
# Each target is started fresh on free loopback ports, warmed up, measured by bench/LoadGenerator, and stopped.
# The results go into the "Ingest" section of docs/benchmarks.md (other sections are kept).
#
# The Collector is built from a git revision (HEAD unless --rev or --working-tree), so the figures belong to
# the commit the page names even while the working tree is being edited.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
command_line="bench/ingest.sh${*:+ $*}"

duration=60
warmup=5
exporters=8
spans_per_export=512
rates="1000 0"
protocols="grpc"
targets="sqlite postgres aspire"
rev=HEAD
working_tree=false
write_doc=true
aspire_version=13.6.5
profile=false
quiet_wait=0
retries=0
max_other=0.3
pg_bin=${OBS_PG_BIN:-/usr/lib/postgresql/15/bin}
cache=${OBS_BENCH_CACHE:-${TMPDIR:-/tmp}/obs-bench-cache}
results=""

usage() {
  cat <<EOF
Usage: bench/ingest.sh [options]

  --duration S           measured seconds per run (default $duration)
  --warmup S             warm-up seconds per run, not measured (default $warmup)
  --rates "R ..."        offered spans/s for each pass, 0 = flat out (default "$rates")
  --protocols "P ..."    grpc and/or http (default "$protocols")
  --targets "T ..."      any of sqlite postgres aspire (default "$targets")
  --exporters N          concurrent exporters (default $exporters)
  --spans-per-export N   spans per export (default $spans_per_export)
  --rev REV              git revision of the Collector to build (default HEAD)
  --working-tree         build the Collector from the working tree instead of a revision
  --aspire-version V     Aspire.Dashboard.Sdk.linux-x64 version (default $aspire_version)
  --quiet-wait S         before each run, wait up to S seconds for the machine to be idle (default $quiet_wait)
  --retries N            run a target again, up to N times, when other processes kept more than --max-other
                         cores busy during its window; the least disturbed attempt is reported (default $retries)
  --max-other CORES      see --retries (default $max_other)
  --profile              also record each Collector run with perf (needs linux-perf) and keep a report
  --results DIR          keep summaries, logs and profiles here (default: a new folder under \$TMPDIR)
  --no-doc               do not touch docs/benchmarks.md

At the defaults it takes about 8 minutes: 6 runs of ${warmup}+${duration} s plus start-up, build and shutdown.
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --rates) rates=$2; shift 2 ;;
    --protocols) protocols=$2; shift 2 ;;
    --targets) targets=$2; shift 2 ;;
    --exporters) exporters=$2; shift 2 ;;
    --spans-per-export) spans_per_export=$2; shift 2 ;;
    --rev) rev=$2; shift 2 ;;
    --working-tree) working_tree=true; shift ;;
    --aspire-version) aspire_version=$2; shift 2 ;;
    --profile) profile=true; shift ;;
    --quiet-wait) quiet_wait=$2; shift 2 ;;
    --retries) retries=$2; shift 2 ;;
    --max-other) max_other=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --no-doc) write_doc=false; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "Unknown option '$1'." >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$max_other" =~ ^[0-9]+(\.[0-9]+)?$ ]] || { echo "--max-other '$max_other' is not a number." >&2; exit 2; }
for number in "$retries" "$quiet_wait" "$duration" "$warmup" "$exporters" "$spans_per_export" $rates; do
  [[ "$number" =~ ^[0-9]+$ ]] || { echo "'$number' is not a whole number." >&2; exit 2; }
done
for protocol in $protocols; do
  [[ "$protocol" =~ ^(grpc|http)$ ]] || { echo "Protocol '$protocol' is not grpc or http." >&2; exit 2; }
done
for target in $targets; do
  [[ "$target" =~ ^(sqlite|postgres|aspire)$ ]] || { echo "Target '$target' is not sqlite, postgres or aspire." >&2; exit 2; }
done

machine_busy() { # cores kept busy over one second, from /proc/stat
  local a b
  read -r -a a < /proc/stat; sleep 1; read -r -a b < /proc/stat
  awk -v n="$(nproc)" -v a="${a[*]}" -v b="${b[*]}" 'BEGIN {
    split(a, x, " "); split(b, y, " "); for (i = 2; i <= 9; i++) { t += y[i] - x[i] } idle = (y[5] - x[5]) + (y[6] - x[6])
    printf "%.2f", (t > 0 ? (t - idle) / t * n : 0) }'
}

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }

# --- scratch space and cleanup -------------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/obs-bench.XXXXXX")
# The postgres system user must reach its cluster folder inside.
chmod 711 "$work"
if [ -z "$results" ]; then
  results=${TMPDIR:-/tmp}/obs-bench-results-$(date -u +%Y%m%dT%H%M%SZ)
fi
mkdir -p "$results" "$cache"

started_pids=()
pg_data=""
as_postgres=()
if [ "$(id -u)" -eq 0 ]; then as_postgres=(runuser -u postgres --); fi

stop_pid() {
  local pid=$1 waited=0
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ $waited -lt 300 ]; do sleep 0.1; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid did not stop within 30 s of SIGTERM; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

stop_postgres() {
  if [ -n "$pg_data" ] && [ -f "$pg_data/postmaster.pid" ]; then
    "${as_postgres[@]}" "$pg_bin/pg_ctl" stop --pgdata "$pg_data" --mode immediate --wait >/dev/null 2>&1 || true
  fi
  pg_data=""
}

cleanup() {
  local pid
  for pid in "${started_pids[@]}"; do stop_pid "$pid"; done
  stop_postgres
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- free loopback ports -------------------------------------------------------------------------------------
used_ports=" "
free_port() {
  local port attempt
  for attempt in $(seq 1 500); do
    # Below Linux's ephemeral range, so no outgoing connection takes it between now and the bind.
    port=$((10000 + RANDOM % 22000))
    [[ "$used_ports" == *" $port "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      used_ports+="$port "
      echo "$port"
      return 0
    fi
  done
  echo "No free port found on 127.0.0.1." >&2
  return 1
}

wait_until() { # wait_until SECONDS PID DESCRIPTION COMMAND...
  local seconds=$1 pid=$2 what=$3; shift 3
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then echo "$what exited during start-up." >&2; return 1; fi
    if [ $SECONDS -ge $deadline ]; then echo "$what was not ready within $seconds s." >&2; return 1; fi
    sleep 0.2
  done
}

# --- prerequisites -------------------------------------------------------------------------------------------
if [[ " $targets " == *" postgres "* ]] && [ ! -x "$pg_bin/initdb" ]; then
  log "Installing PostgreSQL 15 server binaries (Debian package postgresql-15)"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 apt-get install -y -qq --no-install-recommends postgresql-15 >/dev/null
  if command -v systemctl >/dev/null 2>&1; then $sudo systemctl stop postgresql >/dev/null 2>&1 || true; fi
fi
if $profile && ! command -v perf >/dev/null 2>&1; then
  echo "--profile needs perf (Debian package linux-perf)." >&2
  exit 2
fi

# --- builds --------------------------------------------------------------------------------------------------
if $working_tree; then
  commit="$(git -C "$repo" rev-parse --short=12 HEAD) + working tree"
  [ -z "$(git -C "$repo" status --porcelain -- src Directory.Build.props Directory.Packages.props)" ] && commit=$(git -C "$repo" rev-parse --short=12 HEAD)
  collector_dir=$cache/collector-working-tree
  log "Building the Collector (Release) from the working tree"
  rm -rf "$collector_dir"
  dotnet publish "$repo/src/Collector/Collector.csproj" -c Release -o "$collector_dir" --artifacts-path "$cache/working-tree-artifacts" -nologo -v quiet
else
  commit=$(git -C "$repo" rev-parse --short=12 "$rev^{commit}")
  collector_dir=$cache/collector-$commit
  if [ ! -f "$collector_dir/.complete" ]; then
    log "Building the Collector (Release) at $commit"
    rm -rf "$cache/src-$commit" "$collector_dir"
    mkdir -p "$cache/src-$commit"
    git -C "$repo" archive "$commit" | tar -x -C "$cache/src-$commit"
    dotnet publish "$cache/src-$commit/src/Collector/Collector.csproj" -c Release -o "$collector_dir" -nologo -v quiet
    rm -rf "$cache/src-$commit"
    touch "$collector_dir/.complete"
  else
    log "Using the Collector already built at $commit"
  fi
fi
collector=$collector_dir/Observability.Collector

log "Building the load generator (Release)"
generator_dir=$cache/load-generator
dotnet publish "$repo/bench/LoadGenerator/LoadGenerator.csproj" -c Release -o "$generator_dir" -nologo -v quiet
generator=$generator_dir/Observability.Bench.LoadGenerator

aspire=""
if [[ " $targets " == *" aspire "* ]]; then
  log "Fetching the Aspire dashboard $aspire_version (NuGet package Aspire.Dashboard.Sdk.linux-x64)"
  fetch=$work/aspire-fetch
  mkdir -p "$fetch"
  cat > "$fetch/fetch.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="Aspire.Dashboard.Sdk.linux-x64" Version="[$aspire_version]" />
  </ItemGroup>
</Project>
EOF
  dotnet restore "$fetch/fetch.csproj" -nologo -v quiet
  aspire=${NUGET_PACKAGES:-$HOME/.nuget/packages}/aspire.dashboard.sdk.linux-x64/$aspire_version/tools/Aspire.Dashboard
  [ -x "$aspire" ] || { echo "The Aspire dashboard executable was not found at $aspire." >&2; exit 1; }
fi

# --- targets -------------------------------------------------------------------------------------------------
# Each start_* sets: target_pid, grpc_port, http_port, pid_args (the --pid options for the generator) and
# data_path (where the target keeps its data, measured after the run).
start_collector() { # start_collector NAME PROVIDER
  local name=$1 provider=$2 dir=$work/$1
  mkdir -p "$dir"
  api_port=$(free_port); grpc_port=$(free_port); http_port=$(free_port)
  local env=(ASPNETCORE_ENVIRONMENT=Production)
  # perf resolves JIT-compiled frames through /tmp/perf-PID.map, which W^X double mapping would hide.
  if $profile; then env+=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0); fi
  local args=(--urls "http://127.0.0.1:$api_port"
    "--Collector:OtlpGrpcUrl=http://127.0.0.1:$grpc_port" "--Collector:OtlpHttpUrl=http://127.0.0.1:$http_port")
  if [ "$provider" = sqlite ]; then
    data_path=$dir/data
    args+=(--Storage:Provider=Sqlite "--Storage:Sqlite:Path=$data_path/observability.db")
  else
    start_postgres "$dir"
    env+=("ConnectionStrings__Postgres=$pg_connection")
    args+=(--Storage:Provider=Postgres)
  fi
  (cd "$dir" && exec env "${env[@]}" "$collector" "${args[@]}" >"$results/$name.log" 2>&1) &
  target_pid=$!
  started_pids+=("$target_pid")
  wait_until 120 "$target_pid" "The Collector ($name)" curl -sf "http://127.0.0.1:$api_port/readyz"
  pid_args=(--pid "collector=$target_pid")
  if [ "$provider" = postgres ]; then pid_args+=(--pid "postgres=$(head -1 "$pg_data/postmaster.pid")"); fi
}

start_postgres() { # start_postgres FOLDER: a fresh cluster, as the tests' PostgresServer fixture makes one
  local dir=$1/pg
  mkdir -p "$dir"
  local password
  password=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
  printf '%s' "$password" > "$dir/password"
  chmod 600 "$dir/password"
  if [ ${#as_postgres[@]} -gt 0 ]; then chown -R postgres: "$dir"; fi
  pg_data=$dir/data
  if ! (cd "$dir" && "${as_postgres[@]}" "$pg_bin/initdb" --pgdata "$pg_data" --username postgres --pwfile "$dir/password" \
    --auth scram-sha-256 --encoding UTF8 --locale C --no-sync >"$dir/initdb.log" 2>&1); then
    cat "$dir/initdb.log" >&2
    exit 1
  fi
  rm -f "$dir/password"
  local port
  port=$(free_port)
  cat >> "$pg_data/postgresql.conf" <<EOF

listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
EOF
  if ! (cd "$dir" && "${as_postgres[@]}" "$pg_bin/pg_ctl" start --pgdata "$pg_data" --log "$dir/postgres.log" --wait --timeout 60 >/dev/null); then
    cat "$dir/postgres.log" >&2
    exit 1
  fi
  (cd "$dir" && PGPASSWORD=$password "${as_postgres[@]}" "$pg_bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -qAt -c "CREATE DATABASE observability;" >/dev/null)
  pg_connection="Host=127.0.0.1;Port=$port;Database=observability;Username=postgres;Password=$password"
  # The database's own folder: its tables and indexes, without the WAL and the other databases.
  data_path=$pg_data/base/$(cd "$dir" && PGPASSWORD=$password "${as_postgres[@]}" "$pg_bin/psql" -h "$dir" -p "$port" -U postgres -d postgres -qAt \
    -c "SELECT oid FROM pg_database WHERE datname = 'observability';")
}

start_aspire() { # start_aspire NAME
  local name=$1 dir=$work/$1
  mkdir -p "$dir/home" "$dir/tmp"
  local ui_port
  ui_port=$(free_port); grpc_port=$(free_port); http_port=$(free_port)
  # HOME: the dashboard keeps its data-protection keys there. TMPDIR: it keeps its telemetry in a SQLite database
  # in a temporary folder (aspire-dashboard-*/dashboard.db). Fresh ones per run, so its data can be measured.
  (cd "$dir" && exec env HOME="$dir/home" TMPDIR="$dir/tmp" ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_URLS="http://127.0.0.1:$ui_port" \
    ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL="http://127.0.0.1:$grpc_port" \
    ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL="http://127.0.0.1:$http_port" \
    ASPIRE_DASHBOARD_UNSECURED_ALLOW_ANONYMOUS=true \
    "$aspire" >"$results/$name.log" 2>&1) &
  target_pid=$!
  started_pids+=("$target_pid")
  wait_until 120 "$target_pid" "The Aspire dashboard" curl -sf -X POST -H 'Content-Type: application/x-protobuf' --data-binary '' "http://127.0.0.1:$http_port/v1/traces"
  pid_args=(--pid "aspire-dashboard=$target_pid")
  data_path=$dir/tmp
}

stop_target() {
  stop_pid "$target_pid"
  stop_postgres
}

# --- runs ----------------------------------------------------------------------------------------------------
run_once() { # run_once TARGET PROTOCOL RATE NAME: start the target fresh, load and measure it, stop it
  local target=$1 protocol=$2 rate=$3 name=$4
  if [ "$quiet_wait" -gt 0 ]; then
    # Other work on the machine takes cores from the receiver; wait a while for it to finish.
    quiet_deadline=$((SECONDS + quiet_wait))
    while busy=$(machine_busy) && awk -v b="$busy" 'BEGIN { exit !(b >= 0.25) }' && [ $SECONDS -lt $quiet_deadline ]; do :; done
  fi
  log "Run ${name%%-*}, attempt ${name##*.attempt}: ${label_of[$target]}, OTLP/$protocol, $( [ "$rate" = 0 ] && echo "flat out" || echo "$rate spans/s"); before it, $(machine_busy) of $(nproc) cores were busy"
  case $target in
    sqlite) start_collector "$name" sqlite ;;
    postgres) start_collector "$name" postgres ;;
    aspire) start_aspire "$name" ;;
  esac
  port=$grpc_port
  [ "$protocol" = http ] && port=$http_port

  perf_pid=""
  if $profile && [ "$target" != aspire ]; then
    (sleep "$warmup" && exec perf record -F 199 -g -p "$target_pid" -o "$results/$name.perf.data" -- sleep "$duration") >"$results/$name.perf.log" 2>&1 &
    perf_pid=$!
  fi

  if ! "$generator" --endpoint "http://127.0.0.1:$port" --protocol "$protocol" --exporters "$exporters" --rate "$rate" \
    --duration "$duration" --warmup "$warmup" --spans-per-export "$spans_per_export" "${pid_args[@]}" \
    --label "${label_of[$target]}" --data-path "$data_path" --json "$results/$name.json" | tee "$results/$name.txt"; then
    log "The load generator failed against ${label_of[$target]}; its log: $results/$name.log"
  fi

  if [ -n "$perf_pid" ]; then
    wait "$perf_pid" || true
    {
      perf report -i "$results/$name.perf.data" --stdio --no-children --sort dso -g none --percent-limit 1
      perf report -i "$results/$name.perf.data" --stdio --no-children --sort dso,sym -g none --percent-limit 0.5
    } >"$results/$name.perf.txt" 2>/dev/null || true
    log "Profile: $results/$name.perf.txt"
  fi
  if [ "$target" != aspire ]; then
    # The Collector's own view of the run (commit durations, batch sizes), kept beside the summary.
    curl -sf "http://127.0.0.1:$api_port/metrics" >"$results/$name.metrics.txt" || true
  fi
  stop_target
  rm -rf "${work:?}/$name"
}

declare -A label_of=([sqlite]="Collector, SQLite" [postgres]="Collector, PostgreSQL" [aspire]="Aspire dashboard $aspire_version")
run=0
for rate in $rates; do
  for protocol in $protocols; do
    for target in $targets; do
      run=$((run + 1))
      name=$(printf '%02d-%s-%s-%s' "$run" "$target" "$protocol" "$( [ "$rate" = 0 ] && echo flat-out || echo "$rate")")
      best=""
      for attempt in $(seq 1 $((retries + 1))); do
        run_once "$target" "$protocol" "$rate" "$name.attempt$attempt"
        other=$(sed -n 's/.*other processes \([0-9.]*\) cores.*/\1/p' "$results/$name.attempt$attempt.txt")
        other=${other:-9}
        if [ -z "$best" ] || awk -v a="$other" -v b="$best_other" 'BEGIN { exit !(a < b) }'; then best=$attempt; best_other=$other; fi
        if awk -v a="$other" -v m="$max_other" 'BEGIN { exit !(a <= m) }'; then break; fi
        if [ "$attempt" -le "$retries" ]; then log "Other processes kept $other cores busy during the window; running it again"; fi
      done
      for file in "$results/$name.attempt$best".*; do cp "$file" "$results/$name${file#"$results/$name.attempt$best"}"; done
    done
  done
done

# --- report --------------------------------------------------------------------------------------------------
section=$work/section.md
{
  echo "## Ingest"
  echo
  echo "Measured by \`bench/ingest.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'), Collector at commit \`$commit\`."
  echo
  echo "- Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -h | awk '/^Mem:/ { print $2 }') memory, Linux $(uname -r), .NET SDK $(dotnet --version)."
  if [[ " $targets " == *" postgres "* ]]; then echo "- PostgreSQL: $("$pg_bin/postgres" --version | sed 's/^postgres (PostgreSQL) //'), a fresh cluster per run with default settings (fsync and synchronous_commit on)."; fi
  if [[ " $targets " == *" aspire "* ]]; then echo "- Aspire dashboard: $aspire_version (NuGet package Aspire.Dashboard.Sdk.linux-x64), default telemetry limits, anonymous OTLP."; fi
  echo "- Load: $exporters concurrent exporters, each with its own connection, $spans_per_export spans per export; ${warmup} s warm-up, then ${duration} s measured. The generator, the receiver and PostgreSQL share the same cores."
  echo "- Command: \`$command_line\`; each run is \`Observability.Bench.LoadGenerator --endpoint URL --protocol P --exporters $exporters --rate R --duration $duration --warmup $warmup --spans-per-export $spans_per_export --pid NAME=PID...\`."
  echo
  for rate in $rates; do
    if [ "$rate" = 0 ]; then
      echo "### Flat out"
      echo
      echo "Every exporter sends its next export as soon as the previous one is answered: the offered load is what the receiver lets through."
    else
      echo "### $rate spans/s offered"
      echo
      echo "The same paced load for every target."
    fi
    echo
    files=()
    for file in "$results"/*.json; do
      [[ "$file" == *"-$( [ "$rate" = 0 ] && echo flat-out || echo "$rate").json" ]] && files+=("$file")
    done
    [ ${#files[@]} -gt 0 ] && "$generator" table "${files[@]}"
    echo
  done
  cat <<'EOF'
How to read it:

- *offered* counts the spans of exports started in the measured window, *accepted* the spans of exports answered
  with success in it, less any that an OTLP partial success rejected. The Collector answers only after the spans
  are committed (SQLite with synchronous=FULL, or a committed PostgreSQL transaction). The Aspire dashboard
  keeps telemetry in a SQLite database in a temporary folder, deleted when it stops, within its telemetry limits.
- *export p50 / p99*: from sending an export to its answer, over exports answered in the window.
- *errors*: exports answered with a failure, by HTTP status or gRPC status. Exporters honour the receiver's retry
  delay (at most 5 s) after a refusal, as OpenTelemetry SDKs do, and do not resend.
- *receiver CPU*: utime + stime of the process and its descendants over the window, from /proc; for PostgreSQL the
  postmaster and all its backends. *per 1k spans* is all receiver CPU (PostgreSQL included) per 1,000 accepted spans.
- *peak memory*: VmHWM (peak resident set since start) of each process; for PostgreSQL also the peak proportional
  set size of all its processes, which counts shared buffers once.
- *stored bytes per span*: the receiver's data after the run (the SQLite files with their WAL; PostgreSQL's
  database folder, tables and indexes without the WAL; the dashboard's temporary folder) over all spans accepted
  in the run, warm-up included.
- *generator / other CPU*: the load generator's own CPU, and whatever else kept the cores busy in the window.
  All of it shares the machine's cores with the receiver.
- Every export carries fresh trace and span ids and current timestamps (see bench/LoadGenerator/Payloads/PayloadPool.cs).
EOF
} > "$section"

log "Summaries, logs and profiles: $results"
cat "$section"

if $write_doc; then
  doc=$repo/docs/benchmarks.md
  if [ ! -f "$doc" ]; then
    printf '# Benchmarks\n\nMeasured figures, with the machine and the exact commands behind them.\n' > "$doc"
  fi
  # Replace the "## Ingest" section (up to the next "## " heading) or append it; keep everything else.
  awk -v section="$section" '
    function emit() { while ((getline line < section) > 0) print line; close(section); print ""; done = 1 }
    /^## / { if (skipping) skipping = 0; if ($0 == "## Ingest") { skipping = 1; emit(); next } }
    !skipping { print }
    END { if (!done) { print ""; emit() } }
  ' "$doc" > "$work/benchmarks.md"
  # No blank lines piling up at the end.
  sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$work/benchmarks.md" > "$doc"
  log "Wrote the Ingest section of docs/benchmarks.md"
fi
