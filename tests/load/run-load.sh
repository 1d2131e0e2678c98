#!/usr/bin/env bash
# Storefront load against the product on this machine, then the same scoring in-process, side by side in one run.
#   tests/load/run-load.sh [SECONDS]      (default 20; needs wrk: apt-get install -y wrk)
# Starts ./run.sh on its own port and data folder, seeds a synthetic storefront (2,000 shoppers, 1,000 items),
# measures recommendations alone, then runs recommendations (paced to 4x the event rate) and events side by side,
# prints per-endpoint requests/s and p50/p99, the in-process scoring rate, and the ratio. Only 127.0.0.1; stops all it started.
# It uses the one-process ports of ./run.sh (silo 11111, 30000), so do not run it beside ./run.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-20}"
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -ge 1 ] && [ "$seconds" -le 600 ] || { echo "SECONDS: 1..600" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
users=2000
items=1000
port="${RECO_LOAD_PORT:-5180}"
# Events run closed-loop on several connections (each one is a durable write and a fan-out to item grains);
# recommendations are paced to four times the event rate measured in a mixed warm-up, which makes the 80/20 mix.
event_conns="${RECO_LOAD_EVENT_CONNECTIONS:-6}"
rec_conns=2        # recommendations alone, closed loop
mix_rec_conns=8    # paced recommendations in the mixed run: enough connections that a slow reply does not stall the pace
data="$(mktemp -d)"
out="$(mktemp -d)"

# The per-key rate limit (1,000/s by default) would measure the limiter, not the product.
export Reco__RateLimits__TokenLimit=10000000 Reco__RateLimits__TokensPerPeriod=10000000
# The dashboard times every grain call while watched and turns on Orleans' own instruments: off for measuring.
export Reco__Dashboard__Enabled=false
export RECO_WRK_USERS="$users" RECO_WRK_ITEMS="$items"
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

echo "== recommendations alone, closed loop ($rec_conns connections, ${seconds} s)"
RECO_WRK_MODE=recommend wrk -t1 -c"$rec_conns" -d5s -s tests/load/storefront.lua "http://127.0.0.1:$port" >/dev/null
RECO_WRK_MODE=recommend wrk -t1 -c"$rec_conns" -d"${seconds}s" -s tests/load/storefront.lua "http://127.0.0.1:$port" >"$out/alone.txt"
sed 's/.*RESULT recommend/  recommend (alone)/' <(grep RESULT "$out/alone.txt")

echo "== warm-up: events alone ($event_conns connections, 5 s), then mixed (5 s) to pace recommendations at 4x events"
RECO_WRK_MODE=events wrk -t1 -c"$event_conns" -d5s -s tests/load/storefront.lua "http://127.0.0.1:$port" >"$out/warmup.txt"
rps_of() { grep -o 'rps=[0-9]*' "$1" | cut -d= -f2; }
# A connection's period is its pacing delay plus the request's latency; aim the period at mix_rec_conns / (4 x events/s).
pace() { awk -v e="$1" -v c="$mix_rec_conns" -v d="${2:-0}" -v r="${3:-0}" 'BEGIN {
  e = e > 1 ? e : 1; latency = r > 0 ? 1000 * c / r - d : 0; if (latency < 0) latency = 0
  target = 1000 * c / (4 * e) - latency; printf "%d", (target > 0 ? target : 0) }'; }
delay_ms=$(pace "$(rps_of "$out/warmup.txt")")
RECO_WRK_MODE=recommend RECO_WRK_DELAY_MS="$delay_ms" wrk -t1 -c"$mix_rec_conns" -d5s -s tests/load/storefront.lua "http://127.0.0.1:$port" >"$out/warm-rec.txt" &
warm_rec=$!
RECO_WRK_MODE=events wrk -t1 -c"$event_conns" -d5s -s tests/load/storefront.lua "http://127.0.0.1:$port" >"$out/warm-ev.txt"
wait "$warm_rec"
delay_ms=$(pace "$(rps_of "$out/warm-ev.txt")" "$delay_ms" "$(rps_of "$out/warm-rec.txt")")
echo "  recommendations paced at ${delay_ms} ms per connection"

echo "== mixed storefront traffic, ${seconds} s"
RECO_WRK_MODE=recommend RECO_WRK_DELAY_MS="$delay_ms" wrk -t1 -c"$mix_rec_conns" -d"${seconds}s" -s tests/load/storefront.lua "http://127.0.0.1:$port" >"$out/recommend.txt" &
recommend=$!
RECO_WRK_MODE=events wrk -t1 -c"$event_conns" -d"${seconds}s" -s tests/load/storefront.lua "http://127.0.0.1:$port" >"$out/events.txt" &
events=$!
wait "$recommend" "$events"

echo "== in-process scoring, no Orleans, no HTTP (5 s, one thread)"
inprocess=$(dotnet tests/OrleansReco.Benchmarks/bin/Release/net10.0/OrleansReco.Benchmarks.dll inprocess 5)
echo "$inprocess"

echo "== results (mixed run)"
grep RESULT "$out/recommend.txt" "$out/events.txt" | sed 's/.*RESULT /  /'
rec_rps=$(grep -o 'rps=[0-9]*' "$out/recommend.txt" | cut -d= -f2)
alone_rps=$(grep -o 'rps=[0-9]*' "$out/alone.txt" | cut -d= -f2)
ev_rps=$(grep -o 'rps=[0-9]*' "$out/events.txt" | cut -d= -f2)
ip_ops=$(echo "$inprocess" | grep -o '[0-9]* ops/s' | cut -d' ' -f1)
awk -v r="$rec_rps" -v e="$ev_rps" -v i="$ip_ops" -v a="$alone_rps" 'BEGIN {
  printf "  mix achieved: %.0f%% recommendations, %.0f%% events\n", 100*r/(r+e), 100*e/(r+e)
  printf "  recommendations alone over HTTP / in-process scoring: %.3f\n", a/i }'
