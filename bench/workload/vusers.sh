#!/usr/bin/env bash
# Virtual-user benchmark of the sample workload's load generator (`loadgen` role): holds N virtual users for a
# while against a target and records requests/s, p99, and the load generator's own CPU and peak memory.
#
# CPU is utime + stime of the load generator process from /proc/<pid>/stat, read when the warm-up ends and
# again just before the run ends, so start-up and the initial burst of sign-ins are left out of the figure.
# Peak RSS is VmHWM from /proc/<pid>/status, read every second (the last reading before exit is the peak).
#
# Without --target a stand-in storefront (bench/workload/StandInStorefront: the API's routes answered from
# constant JSON) is started on a free loopback port, so the figures are the load generator's own cost.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
# The command as run, for the report, with the users' password left out.
command_line="bench/workload/vusers.sh$(printf ' %s' "$@" | sed -E 's/(--user-password )[^ ]+/\1.../')"

users=10000
duration=120
warmup=20
think_time=3s
target_latency=0
target=""
password=${WORKLOAD_USER_PASSWORD:-}
results=""
extra=()

usage() {
  cat <<USAGE
Usage: bench/workload/vusers.sh [options] [-- extra loadgen options]

  --users N          virtual users to hold (default $users)
  --duration S       measured seconds after the warm-up (default $duration)
  --warmup S         seconds before the measurement starts (default $warmup)
  --think-time D     mean think time of the users (default $think_time)
  --target URL       gateway to load (e.g. http://localhost:5080 of a running workload); needs
                     --user-password or WORKLOAD_USER_PASSWORD. Default: a stand-in storefront started here
  --user-password P  password of the seeded users of --target
  --target-latency MS  the stand-in answers after MS milliseconds (default $target_latency), as a slower real
                     target would: more requests in flight and more connections for the same users
  --results DIR      keep the outputs here (default: a new folder under \$TMPDIR)

Prints a Markdown block with the figures and the exact commands.
USAGE
}

while [[ $# -gt 0 ]]; do
  case $1 in
    --users) users=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --warmup) warmup=$2; shift 2 ;;
    --think-time) think_time=$2; shift 2 ;;
    --target) target=$2; shift 2 ;;
    --user-password) password=$2; shift 2 ;;
    --target-latency) target_latency=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --help|-h) usage; exit 0 ;;
    --) shift; extra=("$@"); break ;;
    *) echo "vusers.sh: unknown option $1 (--help lists them)" >&2; exit 2 ;;
  esac
done
for number in "$users" "$duration" "$warmup" "$target_latency"; do
  [[ $number =~ ^[0-9]+$ ]] || { echo "vusers.sh: --users, --duration, --warmup and --target-latency take whole numbers, got '$number'" >&2; exit 2; }
done

results=${results:-$(mktemp -d "${TMPDIR:-/tmp}/vusers.XXXXXX")}
mkdir -p "$results"
ticks_per_second=$(getconf CLK_TCK)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

echo "building (Release) ..." >&2
dotnet build "$repo/src/SampleWorkload/SampleWorkload.csproj" -c Release -v quiet -nologo >"$results/build.log" 2>&1 \
  || { cat "$results/build.log" >&2; exit 1; }
loadgen_dll=$repo/src/SampleWorkload/bin/Release/net10.0/Observability.SampleWorkload.dll

standin_pid=""
if [[ -z $target ]]; then
  dotnet build "$repo/bench/workload/StandInStorefront/StandInStorefront.csproj" -c Release -v quiet -nologo >>"$results/build.log" 2>&1 \
    || { cat "$results/build.log" >&2; exit 1; }
  password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
  STANDIN_USER_PASSWORD=$password STANDIN_LATENCY_MILLISECONDS=$target_latency dotnet "$repo/bench/workload/StandInStorefront/bin/Release/net10.0/StandInStorefront.dll" \
    >"$results/standin.log" 2>&1 &
  standin_pid=$!
  pids+=("$standin_pid")
  for _ in $(seq 1 100); do
    target=$(sed -n 's/^listening on //p' "$results/standin.log")
    [[ -n $target ]] && break
    kill -0 "$standin_pid" 2>/dev/null || { cat "$results/standin.log" >&2; exit 1; }
    sleep 0.1
  done
  [[ -n $target ]] || { echo "vusers.sh: the stand-in storefront did not start; see $results/standin.log" >&2; exit 1; }
fi
[[ -n $password ]] || { echo "vusers.sh: --user-password (or WORKLOAD_USER_PASSWORD) is needed with --target" >&2; exit 2; }

cpu_ticks() { # utime + stime: fields 14 and 15 of /proc/<pid>/stat, counted after the ")" closing the name
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  stat=${stat##*) }
  read -r -a fields <<<"$stat"
  echo $((fields[11] + fields[12]))
}
status_kb() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# Slack after the window: on a loaded machine the readings below take a while, and the generator must still be running.
run_seconds=$((warmup + duration + 30))
loadgen_command=(dotnet "$loadgen_dll" loadgen --target "$target" --users "$users" --think-time "$think_time"
  --duration "${run_seconds}s" --progress-interval 5s --seed 1 "${extra[@]}")
echo "running ${loadgen_command[*]} (password from WORKLOAD_USER_PASSWORD) ..." >&2
WORKLOAD_USER_PASSWORD=$password "${loadgen_command[@]}" >"$results/loadgen.log" 2>"$results/loadgen.err" &
loadgen_pid=$!
pids+=("$loadgen_pid")

sleep "$warmup"
start_ticks=$(cpu_ticks "$loadgen_pid")
start_standin_ticks=$([[ -n $standin_pid ]] && cpu_ticks "$standin_pid" || echo 0)
start_ns=$(date +%s%N)
start_lines=$(wc -l <"$results/loadgen.log")
peak_rss_kb=0
# By the clock, not by counting sleeps: on a busy machine each round takes longer than its second.
window_end=$(( $(date +%s) + duration ))
while (( $(date +%s) < window_end )); do
  sleep 1
  rss=$(status_kb "$loadgen_pid" VmHWM); [[ -n $rss ]] && peak_rss_kb=$rss
done
end_ticks=$(cpu_ticks "$loadgen_pid")
end_standin_ticks=$([[ -n $standin_pid ]] && cpu_ticks "$standin_pid" || echo 0)
end_ns=$(date +%s%N)
end_lines=$(wc -l <"$results/loadgen.log")
threads=$(status_kb "$loadgen_pid" Threads)
connections=$(ls -l "/proc/$loadgen_pid/fd" 2>/dev/null | grep -c socket || true)
loadgen_exit=0
wait "$loadgen_pid" || loadgen_exit=$?
pids=(${standin_pid:+"$standin_pid"})

window_seconds=$(awk -v a="$start_ns" -v b="$end_ns" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
cores=$(awk -v t=$((end_ticks - start_ticks)) -v hz="$ticks_per_second" -v s="$window_seconds" 'BEGIN { printf "%.3f", t / hz / s }')
standin_cores=$(awk -v t=$((end_standin_ticks - start_standin_ticks)) -v hz="$ticks_per_second" -v s="$window_seconds" 'BEGIN { printf "%.3f", t / hz / s }')
# Progress lines inside the window: their mean req/s and their worst p99 (each line covers 5 s).
window=$(sed -n "$((start_lines + 1)),${end_lines}p" "$results/loadgen.log" | grep '^users ' || true)
window_rps=$(awk '{ for (i = 1; i < NF; i++) if ($i == "req/s") { sum += $(i + 1); n++ } } END { if (n) printf "%.1f", sum / n; else print "-" }' <<<"$window")
window_p99=$(awk '{ for (i = 1; i < NF; i++) if ($i == "p99" && $(i + 1) + 0 > max) max = $(i + 1) + 0 } END { if (max) print max " ms"; else print "-" }' <<<"$window")
window_users=$(awk '{ split($2, u, "/"); if (min == "" || u[1] < min) min = u[1] } END { print min }' <<<"$window")
summary=$(grep '^summary' "$results/loadgen.log" || echo "no summary (exit $loadgen_exit)")

cat <<REPORT | tee "$results/report.md"
### Load generator: $users virtual users, think time $think_time ($(date -u +%Y-%m-%d))

Command: \`$command_line\` against ${standin_pid:+the stand-in storefront (answers after $target_latency ms) at }$target; load generator:
\`WORKLOAD_USER_PASSWORD=... ${loadgen_command[*]}\`

| measured over | users (min) | req/s (mean) | p99 (worst 5 s) | loadgen CPU | loadgen peak RSS | loadgen threads, sockets | target CPU |
| --- | --- | --- | --- | --- | --- | --- | --- |
| ${window_seconds} s after ${warmup} s warm-up | $window_users | $window_rps | $window_p99 | $cores cores | $((peak_rss_kb / 1024)) MiB | $threads, $connections | ${standin_pid:+$standin_cores cores} |

Load generator's own summary (whole run, warm-up included): \`$summary\`

Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), shared with whatever else ran.
Outputs: $results
REPORT
exit "$loadgen_exit"
