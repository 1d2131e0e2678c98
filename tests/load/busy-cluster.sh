#!/usr/bin/env bash
# Whether a healthy but busy cluster keeps its silos under the product's failure detection (1 s probes, see
# Silo/RecoSiloHost.cs): tests/load/busy-cluster.sh [SECONDS]   (default 60; needs wrk and redis-server)
# Starts ./run.sh --silos 3 on its own ports and data folder, seeds a synthetic storefront (2,000 shoppers, 1,000
# items), then runs events and recommendations closed-loop on 32 connections each, which keeps every core of a small
# machine busy (three silos, a gateway, Azurite and wrk share them). Prints what was served, the silos still running,
# and how many times a silo was voted dead ("Evicting" in the silos' logs): a busy cluster must show 0.
# It uses the silo ports of ./run.sh --silos (11111.., 30000..), so do not run it beside ./run.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-60}"
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -ge 1 ] && [ "$seconds" -le 600 ] || { echo "SECONDS: 1..600" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server is not installed (apt-get install -y redis-server)" >&2; exit 1; }
users=2000
items=1000
port="${RECO_LOAD_PORT:-5181}"
data="$(mktemp -d)"
out="$(mktemp -d)"

# The per-key rate limit would measure the limiter, not the cluster.
export Reco__RateLimits__TokenLimit=10000000 Reco__RateLimits__TokensPerPeriod=10000000
# The dashboard times every grain call while watched and turns on Orleans' own instruments: off for measuring.
export Reco__Dashboard__Enabled=false
export RECO_WRK_USERS="$users" RECO_WRK_ITEMS="$items"
RECO_PORT="$port" RECO_DATA_DIR="$data" RECO_AZURITE_PORT="${RECO_LOAD_AZURITE_PORT:-10103}" \
  RECO_REDIS_PORT="${RECO_LOAD_REDIS_PORT:-6391}" ./run.sh --silos 3 >"$out/run.log" 2>&1 &
product=$!
cleanup() {
  kill -TERM "$product" 2>/dev/null || true
  wait "$product" 2>/dev/null || true
  rm -rf "$data" "$out"
}
trap cleanup EXIT
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1 && break
  kill -0 "$product" 2>/dev/null || { cat "$out/run.log"; exit 1; }
  sleep 0.5
done
curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { echo "product did not start" >&2; exit 1; }

echo "== seeding: $users shoppers, $items items (three silos, a gateway process)"
dotnet tools/OrleansReco.Tools/bin/Release/net10.0/orleansreco-tools.dll demo --gateway "http://127.0.0.1:$port" \
  --users "$users" --items "$items" | grep -E "^(Catalogue|Events)"

echo "== events and recommendations, closed loop, 32 connections each, ${seconds} s"
RECO_WRK_MODE=recommend wrk -t1 -c32 -d"${seconds}s" -s tests/load/storefront.lua "http://127.0.0.1:$port" >"$out/recommend.txt" &
recommend=$!
RECO_WRK_MODE=events wrk -t1 -c32 -d"${seconds}s" -s tests/load/storefront.lua "http://127.0.0.1:$port" >"$out/events.txt" &
events=$!
cpu_before=$(awk '/^cpu / { print $2 + $3 + $4, $5 }' /proc/stat)
wait "$recommend" "$events"
cpu_after=$(awk '/^cpu / { print $2 + $3 + $4, $5 }' /proc/stat)

echo "== results"
grep RESULT "$out/recommend.txt" "$out/events.txt" | sed 's/.*RESULT /  /'
awk -v b="$cpu_before" -v a="$cpu_after" 'BEGIN { split(b, x); split(a, y)
  printf "  machine busy: %.0f%% of all cores\n", 100 * (y[1] - x[1]) / ((y[1] - x[1]) + (y[2] - x[2])) }'
running=$(pgrep -fc "OrleansReco.Silo.dll" || true)
evictions=$(cat "$data"/logs/silo-*.log | grep -c "Evicting" || true)
echo "  silo processes running: $running of 3"
echo "  silos voted dead during the run: $evictions"
