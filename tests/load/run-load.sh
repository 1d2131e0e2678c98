#!/usr/bin/env bash
# Storefront load against the product on this machine, then the same scoring in-process, side by side in one run.
#   tests/load/run-load.sh [SECONDS]      (default 20; needs wrk: apt-get install -y wrk)
# Starts ./run.sh on its own port and data folder, seeds a synthetic storefront (2,000 shoppers, 1,000 items),
# runs a recommendation wrk and an event wrk at the same time (8 and 2 connections), prints per-endpoint
# requests/s and p50/p99, the in-process scoring rate, and the ratio. Only 127.0.0.1; stops all it started.
# It uses the one-process ports of ./run.sh (silo 11111, 30000), so do not run it beside ./run.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-20}"
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -ge 1 ] && [ "$seconds" -le 600 ] || { echo "SECONDS: 1..600" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
users=2000
items=1000
port="${RECO_LOAD_PORT:-5180}"
data="$(mktemp -d)"
out="$(mktemp -d)"

RECO_PORT="$port" RECO_DATA_DIR="$data" RECO_AZURITE_PORT="${RECO_LOAD_AZURITE_PORT:-10102}" ./run.sh >"$out/run.log" 2>&1 &
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

echo "== seeding: $users shoppers, $items items"
dotnet tools/OrleansReco.Tools/bin/Release/net10.0/orleansreco-tools.dll demo --gateway "http://127.0.0.1:$port" \
  --users "$users" --items "$items" | grep -E "^(Catalogue|Events)"

echo "== warm-up (5 s), then ${seconds} s of mixed traffic"
wrk -t1 -c8 -d5s -s tests/load/storefront.lua "http://127.0.0.1:$port" -- recommend "$users" >/dev/null
wrk -t1 -c8 -d"${seconds}s" --latency -s tests/load/storefront.lua "http://127.0.0.1:$port" -- recommend "$users" >"$out/recommend.txt" &
recommend=$!
wrk -t1 -c2 -d"${seconds}s" --latency -s tests/load/storefront.lua "http://127.0.0.1:$port" -- events "$users" "$items" >"$out/events.txt" &
events=$!
wait "$recommend" "$events"

echo "== in-process scoring, no Orleans, no HTTP (5 s, one thread)"
inprocess=$(dotnet tests/OrleansReco.Benchmarks/bin/Release/net10.0/OrleansReco.Benchmarks.dll inprocess 5)
echo "$inprocess"

echo "== results"
grep RESULT "$out/recommend.txt" "$out/events.txt" | sed 's/.*RESULT /  /'
rec_rps=$(grep -o 'rps=[0-9]*' "$out/recommend.txt" | cut -d= -f2)
ev_rps=$(grep -o 'rps=[0-9]*' "$out/events.txt" | cut -d= -f2)
ip_ops=$(echo "$inprocess" | grep -o '[0-9]* ops/s' | cut -d' ' -f1)
awk -v r="$rec_rps" -v e="$ev_rps" -v i="$ip_ops" 'BEGIN {
  printf "  mix achieved: %.0f%% recommendations, %.0f%% events\n", 100*r/(r+e), 100*e/(r+e)
  printf "  recommendations over HTTP / in-process scoring: %.3f\n", r/i }'
