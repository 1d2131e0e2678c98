#!/usr/bin/env bash
# The run command: does all set-up and starts OrleansReco locally.
#   ./run.sh                one silo process that also serves the HTTP API, state in Azurite under $RECO_DATA_DIR
#   ./run.sh --demo         the same, then loads a synthetic storefront
#   ./run.sh --silos 3      three silo processes (membership in a table on Azurite) and a separate gateway process
# Environment: RECO_PORT (HTTP, 5080), RECO_DATA_DIR (./.data), RECO_AZURITE_PORT (10002).
# Ctrl-C or SIGTERM stops everything it started, gateway first, storage last (children run in their own
# sessions, so the terminal's Ctrl-C reaches only this script, which then stops them in order).
set -euo pipefail
cd "$(dirname "$0")"

demo=false
silos=1
while [ $# -gt 0 ]; do
  case "$1" in
    --demo) demo=true ;;
    --silos) silos="${2:?--silos needs a number}"; shift ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
[[ "$silos" =~ ^[1-9][0-9]?$ ]] || { echo "--silos takes a number from 1 to 99" >&2; exit 2; }

port="${RECO_PORT:-5080}"
data_dir="$(mkdir -p "${RECO_DATA_DIR:-./.data}" && cd "${RECO_DATA_DIR:-./.data}" && pwd)"
azurite_port="${RECO_AZURITE_PORT:-10002}"
logs="$data_dir/logs"
mkdir -p "$logs" "$data_dir/azurite"

echo "== set-up"
if [ ! -x node_modules/.bin/azurite-table ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
dotnet build OrleansReco.sln -c Release -v quiet -nologo | grep -E "error|Warn|warn" || true

pids=()
signals=()
silo_pids=()
started() { pids+=("$!"); signals+=("$1"); }  # the signal that stops this child gracefully
stop_all() {
  trap - EXIT INT TERM
  echo "== stopping"
  # Reverse start order: the API stops taking requests first, storage goes last so in-flight writes land.
  # Azurite saves its database only on SIGINT. Background children of a script start with SIGINT ignored,
  # which .NET respects, so the .NET processes get SIGTERM.
  for (( i=${#pids[@]}-1; i>=0; i-- )); do
    if [ -z "${pids[$i]}" ]; then continue; fi
    kill "-${signals[$i]}" "${pids[$i]}" 2>/dev/null || true
    wait "${pids[$i]}" 2>/dev/null || true
  done
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

wait_for() { # what, command...
  local what="$1"; shift
  for _ in $(seq 1 300); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "timed out waiting for $what (logs in $logs)" >&2
  exit 1
}

echo "== azurite (table storage) on 127.0.0.1:$azurite_port, data in $data_dir/azurite"
setsid node_modules/.bin/azurite-table --tableHost 127.0.0.1 --tablePort "$azurite_port" \
  --location "$data_dir/azurite" --silent --disableTelemetry >>"$logs/azurite.log" 2>&1 &
started INT
wait_for azurite bash -c "exec 3<>/dev/tcp/127.0.0.1/$azurite_port"

export DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development
export Reco__Storage__Provider=AzureTable
export Reco__Storage__ConnectionString="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:$azurite_port/devstoreaccount1;"
export RECO_PORT="$port"
silo_dll=Silo/bin/Release/net10.0/OrleansReco.Silo.dll
gateway_dll=Gateway/bin/Release/net10.0/OrleansReco.Gateway.dll

if [ "$silos" -eq 1 ]; then
  echo "== one silo serving the API"
  Reco__Silo__HostGateway=true setsid dotnet "$silo_dll" >>"$logs/silo-0.log" 2>&1 &
  started TERM
else
  # Membership in a table of the same Azurite that holds the state (OrleansSiloInstances).
  export Reco__Clustering__Provider=AzureTable
  # A fresh cluster id per run: membership rows of a previous run never confuse this one.
  export Reco__Clustering__ClusterId="orleansreco-local-$(date +%s)"
  for (( i=0; i<silos; i++ )); do
    echo "== silo $i (silo port $((11111+i)), gateway port $((30000+i)), metrics http://127.0.0.1:$((9100+i))/metrics)"
    Reco__Silo__HostGateway=false Reco__Silo__SiloPort=$((11111+i)) Reco__Silo__GatewayPort=$((30000+i)) Reco__Metrics__Port=$((9100+i)) \
      setsid dotnet "$silo_dll" >>"$logs/silo-$i.log" 2>&1 &
    started TERM
    silo_pids+=("$!")
  done
  echo "== gateway"
  setsid dotnet "$gateway_dll" >>"$logs/gateway.log" 2>&1 &
  started TERM
fi

wait_for "the API on port $port" curl -sf "http://127.0.0.1:$port/health/ready"

if $demo; then
  echo "== loading the synthetic storefront"
  dotnet tools/OrleansReco.Tools/bin/Release/net10.0/orleansreco-tools.dll demo --gateway "http://127.0.0.1:$port"
fi

cat <<EOT

OrleansReco is running: http://localhost:$port   (OpenAPI: /openapi/v1.json, health: /health/ready, metrics: /metrics with the admin key)
Demo shop: http://localhost:$port/demo/   (Development only; $($demo && echo "filled with the synthetic storefront" || echo "empty: start with --demo to fill it"))
Dashboard: http://localhost:$port/dashboard/   (the Orleans dashboard: the browser asks for a user name, any, and a password, the admin key admin-dev-key)
Storefront key: storefront-dev-key   Catalog key: catalog-dev-key   Logs: $logs
Ctrl-C stops everything.
EOT
# With several silos, losing one is what the cluster is built to survive: say so and keep serving.
# Anything else ending (the only silo, the gateway, Azurite) stops everything. So do Ctrl-C and SIGTERM.
while true; do
  exited=""
  running=()
  for pid in "${pids[@]}"; do if [ -n "$pid" ]; then running+=("$pid"); fi; done
  wait -n -p exited "${running[@]}" || true
  if [ "$silos" -gt 1 ] && [[ " ${silo_pids[*]} " == *" $exited "* ]]; then
    echo "a silo process ($exited) exited; the other silos keep serving (see $logs)" >&2
    for i in "${!pids[@]}"; do if [ "${pids[$i]}" = "$exited" ]; then pids[$i]=""; fi; done
    continue
  fi
  echo "a process exited; stopping (see $logs)" >&2
  break
done
