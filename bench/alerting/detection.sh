#!/usr/bin/env bash
# Alert detection latency: the sample workload (phase 2) exports to the Collector, which pages through a webhook,
# and is scraped by Prometheus, whose alert goes through Alertmanager to the same receiver. bench/AlertLatency
# injects `errors` faults one after another and times each pipeline's first firing and resolved webhook.
#
# The same rule on both sides: error ratio of a service's server requests above 5%, firing at once. Prometheus
# scrapes and evaluates every 15 s (its common setting); its rate() window is 1 m, the shortest that holds
# enough 15 s samples. Alertmanager groups by alertname and service with group_wait 5 s and group_interval 1 m,
# as the Collector's receiver does by default.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
command_line="bench/alerting/detection.sh${*:+ $*}"
faults=20
fault_seconds=30
gap_seconds=20
users=200
scrape=15s
results=""

usage() {
  cat <<USAGE
Usage: bench/alerting/detection.sh [--faults N] [--fault-seconds S] [--gap-seconds S] [--users N] [--scrape 15s] [--results DIR]
Prints a Markdown block with the latencies per pipeline and the exact command.
USAGE
}
while [[ $# -gt 0 ]]; do
  case $1 in
    --faults) faults=$2; shift 2 ;;
    --fault-seconds) fault_seconds=$2; shift 2 ;;
    --gap-seconds) gap_seconds=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --scrape) scrape=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --help|-h) usage; exit 0 ;;
    *) echo "detection.sh: unknown option $1 (--help lists them)" >&2; exit 2 ;;
  esac
done

results=${results:-$(mktemp -d "${TMPDIR:-/tmp}/obs-alerting-XXXXXX")}
mkdir -p "$results"
echo "results in $results"

if ! command -v prometheus >/dev/null || ! command -v prometheus-alertmanager >/dev/null; then
  apt-get update -qq && apt-get install -y -qq prometheus prometheus-alertmanager >/dev/null
fi

used_ports=" "
free_port() {
  local port
  for _ in $(seq 1 500); do
    port=$((10000 + RANDOM % 22000))
    [[ "$used_ports" == *" $port "* ]] && continue
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      used_ports+="$port "
      echo "$port"
      return
    fi
  done
  echo "no free port" >&2; exit 1
}

wait_http() {
  local url=$1 seconds=$2
  for _ in $(seq 1 "$seconds"); do
    curl -fsS -o /dev/null "$url" 2>/dev/null && return 0
    sleep 1
  done
  echo "$url did not answer within $seconds s" >&2
  return 1
}

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

echo "building (Release)"
dotnet build "$repo/src/Collector/Collector.csproj" -c Release -nologo -v quiet >/dev/null
dotnet build "$repo/src/SampleWorkload/SampleWorkload.csproj" -c Release -nologo -v quiet >/dev/null
dotnet build "$repo/bench/AlertLatency/AlertLatency.csproj" -c Release -nologo -v quiet >/dev/null

receiver_port=$(free_port)
api_port=$(free_port); grpc_port=$(free_port); http_port=$(free_port)
gateway_port=$(free_port); prom_port=$(free_port); am_port=$(free_port); am_cluster_port=$(free_port)
secret=$(openssl rand -hex 24)

echo "starting the Collector"
(
  cd "$results"
  urls="http://127.0.0.1:$api_port" \
  Collector__OtlpGrpcUrl="http://127.0.0.1:$grpc_port" Collector__OtlpHttpUrl="http://127.0.0.1:$http_port" \
  Storage__Sqlite__Path="$results/collector/observability.db" \
  Alerting__Phase=2 \
  Alerting__Webhooks__bench__Url="http://127.0.0.1:$receiver_port/observability" \
  Alerting__Webhooks__bench__Secret="$secret" \
  Alerting__Webhooks__bench__GroupBy__0=alertname Alerting__Webhooks__bench__GroupBy__1=service \
  exec dotnet "$repo/src/Collector/bin/Release/net10.0/Observability.Collector.dll" >"$results/collector.log" 2>&1
) &
pids+=($!)
wait_http "http://127.0.0.1:$api_port/healthz" 60

echo "starting the sample workload (phase 2, $users users)"
(
  exec dotnet "$repo/src/SampleWorkload/bin/Release/net10.0/Observability.SampleWorkload.dll" run --phase 2 --users "$users" \
    --gateway-url "http://127.0.0.1:$gateway_port" --data "$results/workload" --otlp-endpoint "http://127.0.0.1:$grpc_port" \
    >"$results/workload.log" 2>&1
) &
pids+=($!)
for _ in $(seq 1 180); do [[ -s "$results/workload/endpoints.json" ]] && break; sleep 1; done
wait_http "http://127.0.0.1:$gateway_port/healthz" 120

# Prometheus scrapes every storefront instance and the gateway, each labelled with its service like the spans are.
targets=$(python3 - "$results/workload/endpoints.json" <<'PY'
import json, sys, urllib.parse
endpoints = json.load(open(sys.argv[1]))
lines = []
for instance in endpoints["instances"]:
    url = urllib.parse.urlparse(instance["url"])
    service = instance["id"].rsplit("-", 1)[0]
    lines.append(f"      - targets: ['{url.netloc}']\n        labels: {{ service: '{service}', instance_id: '{instance['id']}' }}")
gateway = urllib.parse.urlparse(endpoints["gateway"])
lines.append(f"      - targets: ['{gateway.netloc}']\n        labels: {{ service: 'gateway', instance_id: 'gateway-1' }}")
print("\n".join(lines))
PY
)
cat >"$results/prometheus.yml" <<YAML
global:
  scrape_interval: $scrape
  evaluation_interval: $scrape
rule_files: ['$results/rules.yml']
alerting:
  alertmanagers:
    - static_configs: [{ targets: ['127.0.0.1:$am_port'] }]
scrape_configs:
  - job_name: workload
    static_configs:
$targets
YAML
cat >"$results/rules.yml" <<'YAML'
groups:
  - name: bench
    rules:
      - alert: HighErrorRatio
        expr: |
          sum by (service) (rate(http_server_request_duration_seconds_count{http_response_status_code=~"5.."}[1m]))
            / sum by (service) (rate(http_server_request_duration_seconds_count[1m])) > 0.05
        labels: { severity: page }
YAML
cat >"$results/alertmanager.yml" <<YAML
route:
  receiver: bench
  group_by: [alertname, service]
  group_wait: 5s
  group_interval: 1m
  repeat_interval: 4h
receivers:
  - name: bench
    webhook_configs:
      - url: http://127.0.0.1:$receiver_port/alertmanager
        send_resolved: true
YAML
promtool check config "$results/prometheus.yml" >/dev/null
(exec prometheus-alertmanager --config.file="$results/alertmanager.yml" --storage.path="$results/am" \
  --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address="127.0.0.1:$am_cluster_port" >"$results/alertmanager.log" 2>&1) &
pids+=($!)
(exec prometheus --config.file="$results/prometheus.yml" --storage.tsdb.path="$results/prom" \
  --web.listen-address="127.0.0.1:$prom_port" >"$results/prometheus.log" 2>&1) &
pids+=($!)
wait_http "http://127.0.0.1:$am_port/-/ready" 60
wait_http "http://127.0.0.1:$prom_port/-/ready" 60

# A minute of steady load first, so both sides have a baseline to compute a ratio from.
sleep 60
dotnet "$repo/bench/AlertLatency/bin/Release/net10.0/Observability.Bench.AlertLatency.dll" \
  --gateway "http://127.0.0.1:$gateway_port" --faults "$faults" --fault-seconds "$fault_seconds" --gap-seconds "$gap_seconds" \
  --receiver-port "$receiver_port" --sources observability,alertmanager --target storefront-api --output "$results/report.md" | tee "$results/alert-latency.log"

commit=$(git -C "$repo" rev-parse --short HEAD)
{
  echo
  echo "Commit $commit, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores: \`$command_line\`"
  echo "Prometheus $(prometheus --version 2>&1 | head -1 | awk '{print $3}'), Alertmanager $(prometheus-alertmanager --version 2>&1 | head -1 | awk '{print $3}')."
} >>"$results/report.md"
cat "$results/report.md"
