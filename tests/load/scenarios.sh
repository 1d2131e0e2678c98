#!/usr/bin/env bash
# Load scenarios against the product on this machine, one phase after another in one run (needs wrk).
#   tests/load/scenarios.sh [SECONDS]           (default 20 s per phase) the storefront run-load.sh seeds (2,000
#       shoppers, 1,000 items), then: single events alone on 8 and on 32 connections; batches of 10 and of 100
#       events per POST on 8 connections; the 80/20 mix (recommendations closed loop on 8 connections, events with
#       eventIds on 8 more, paced to a quarter of the recommendations' rate) with the visibility probe beside it (tests/load/visibility-probe.mjs). Prints per phase
#       requests/s, events/s, p50/p99 and failed and timed-out requests, and the probe's lag p50/p99/max.
#   tests/load/scenarios.sh [SECONDS] --large   a large shop, 100,000 shoppers and 20,000 items, each shopper with a
#       few distinct items (RECO_LOAD_LARGE_HISTORY, 5): the seeding rate, resident memory per active shopper, and
#       recommendation p50/p99 at that size (8 connections, SECONDS). Seeding takes minutes.
# Every event carries an eventId. The product starts as ./run.sh starts it (one process, state on Azurite), on
# free ports (so it runs beside ./run.sh), without a proxy in the way. Between phases it waits until the product and
# Azurite are quiet (CPU), so deferred work of one phase does not run into the next.
# Environment: RECO_LOAD_USERS / RECO_LOAD_ITEMS (2000 / 1000), RECO_LOAD_LARGE_USERS / RECO_LOAD_LARGE_ITEMS
#   (100000 / 20000), RECO_LOAD_LARGE_HISTORY (5), RECO_LOAD_ACTIVE (shoppers made active for the memory reading,
#   50000: the more, the less the runtime's heap slack blurs the difference), RECO_LOAD_TIMEOUT (wrk's timeout, 10 s), RECO_LOAD_BUILD=0 (skip the build).
# Only 127.0.0.1; stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=20
large=false
for arg in "$@"; do
  case "$arg" in
    --large) large=true ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) [[ "$arg" =~ ^[0-9]+$ ]] && [ "$arg" -ge 1 ] && [ "$arg" -le 3600 ] || { echo "SECONDS: 1..3600 (see --help)" >&2; exit 2; }
       seconds="$arg" ;;
  esac
done
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
conns=8
source tests/load/lib.sh
begin_run "$seconds"
azurite_port="$(free_port)"
http_port="$(free_port)"
product="http://127.0.0.1:$http_port"
start_azurite "$azurite_port" "$work/azurite"
start_product "$http_port" "$azurite_port" "$work/product.log"
results=()

quiet() { wait_quiet 300 "$product_pid" "$azurite_pid"; }

# One phase: wrk with the RECO_WRK_* settings of the caller; prints a line and keeps it for the table at the end.
phase() { # label connections
  local label="$1" connections="$2"
  quiet
  result="$(run_wrk "$connections" "$seconds" "$product")"
  report "$label" "$result"
}

report() { # label result
  local line rps
  # Requests/s from the count, with a decimal when small (batches of 100 make a few requests a second).
  rps="$(awk -v r="$(field requests "$2")" -v s="$(field duration_s "$2")" 'BEGIN { printf (r / s < 100 ? "%.1f" : "%.0f"), r / s }')"
  line="$(printf '%-36s %9s %9s %9s %9s %7s %9s' "$1" "$rps" "$(field events_per_s "$2")" \
    "$(field p50_ms "$2")" "$(field p99_ms "$2")" "$(field failed "$2")" "$(field timeouts "$2")")"
  echo "$line"
  results+=("$line")
}

header() { printf '%-36s %9s %9s %9s %9s %7s %9s\n' phase requests/s events/s p50_ms p99_ms failed timeouts; }

if ! $large; then
  users="${RECO_LOAD_USERS:-2000}"
  items="${RECO_LOAD_ITEMS:-1000}"
  export RECO_WRK_USERS="$users" RECO_WRK_ITEMS="$items"
  echo "== seeding: $(thousands "$users") shoppers, $(thousands "$items") items"
  seed_shop "$product" "$users" "$items" 0
  train_model "$product"
  quiet
  RECO_WRK_MODE=events run_wrk "$conns" "$warm_seconds" "$product" >/dev/null

  echo "== phases, ${seconds} s each (wrk timeout ${RECO_LOAD_TIMEOUT:-10} s; failed includes timeouts)"
  header
  RECO_WRK_MODE=events phase "single events, 8 connections" 8
  RECO_WRK_MODE=events phase "single events, 32 connections" 32
  RECO_WRK_MODE=events RECO_WRK_BATCH=10 phase "batches of 10, 8 connections" 8
  RECO_WRK_MODE=events RECO_WRK_BATCH=100 phase "batches of 100, 8 connections" 8

  quiet
  delay_ms="$(mix_event_delay "$product" "$conns" "$mix_warm_seconds")"
  quiet
  RECO_WRK_MODE=recommend run_wrk "$conns" "$seconds" "$product" >"$work/rec.txt" &
  recs=$!
  node tests/load/visibility-probe.mjs --gateway "$product" --seconds "$seconds" >"$work/probe.txt" 2>"$work/probe.err" &
  probe=$!
  events="$(RECO_WRK_MODE=events RECO_WRK_DELAY_MS="$delay_ms" run_wrk "$conns" "$seconds" "$product")"
  wait "$recs"
  wait "$probe" || true
  report "mix: events (paced ${delay_ms} ms)" "$events"
  report "mix: recommendations (8 connections)" "$(cat "$work/rec.txt")"

  probe_result="$(grep RESULT "$work/probe.txt" || true)"
  echo
  echo "== visibility lag during the mix: from an event's 202 until GET /v1/items/popular?category=... lists its item"
  if [ -z "$probe_result" ]; then
    echo "  the probe printed nothing: $(tail -3 "$work/probe.err")"
  else
    echo "  probes $(field probes "$probe_result"), seen $(field seen "$probe_result"): p50 $(field p50_ms "$probe_result") ms," \
      "p99 $(field p99_ms "$probe_result") ms, max $(field max_ms "$probe_result") ms; not seen within 30 s:" \
      "$(field unseen "$probe_result"); failed: $(field failed "$probe_result")"
    echo "  (each probe: a new item in a category of its own, a purchase by a new shopper, then the category's popular"
    echo "   list asked every 10 ms after the previous answer: accurate to about one poll)"
    if [ "$(field listed_before_event "$probe_result")" != 0 ]; then
      echo "  $(field listed_before_event "$probe_result") probe items were listed before their event: those measure nothing"
    fi
  fi
  awk -v r="$(field rps "$(cat "$work/rec.txt")")" -v e="$(field rps "$events")" 'BEGIN {
    printf "  mix achieved: %.0f%% recommendations, %.0f%% event requests\n", (r + e > 0 ? 100 * r / (r + e) : 0), (r + e > 0 ? 100 * e / (r + e) : 0) }'

  echo
  echo "== results"
  header
  printf '%s\n' "${results[@]}"
  exit 0
fi

# The large shop.
users="${RECO_LOAD_LARGE_USERS:-100000}"
items="${RECO_LOAD_LARGE_ITEMS:-20000}"
history="${RECO_LOAD_LARGE_HISTORY:-5}"
active="${RECO_LOAD_ACTIVE:-50000}"
[ "$active" -le "$users" ] || active="$users"
export RECO_WRK_USERS="$users" RECO_WRK_ITEMS="$items"
echo "== large shop: seeding $(thousands "$users") shoppers with $history distinct items each, $(thousands "$items") items"
seed_shop "$product" "$users" "$items" "$history"
started_at=$SECONDS
train_model "$product"
echo "  model trained in $((SECONDS - started_at)) s"

# Resident memory per active shopper. After a restart on the same data no grain is active. Every item is made
# active first (GET similar for each), and recommendations are asked for 500 shoppers outside the measured ones
# (code paths, caches, the model), so that the difference is the shoppers'.
echo "== restarting the product on the same data, so that no shopper is active"
stop_pid "$product_pid"
start_product "$http_port" "$azurite_port" "$work/product.log"
echo "  every item active: $(node tests/load/http-each.mjs --url "$product/v1/items/item-{i}/similar" --from 0 --to "$items")"
warm_from=$(( users - 500 > active ? users - 500 : active ))
echo "  warm-up, recommendations for shoppers $warm_from..$((users - 1)):" \
  "$(node tests/load/http-each.mjs --url "$product/v1/users/user-{i}/recommendations?count=10" --from "$warm_from" --to "$users")"
quiet
before="$(rss_kib "$product_pid")"
echo "  $(thousands "$active") shoppers made active (user-0000..):" \
  "$(node tests/load/http-each.mjs --url "$product/v1/users/user-{i}/recommendations?count=10" --from 0 --to "$active")"
quiet
after="$(rss_kib "$product_pid")"
echo "== resident memory per active shopper: $(thousands $(( (after - before) * 1024 / active ))) bytes"
echo "  method: VmRSS of the silo process (/proc/PID/status) once the process was quiet, before ($(thousands "$before") KiB)"
echo "  and after ($(thousands "$after") KiB) a recommendation request for each of $(thousands "$active") shoppers not active since"
echo "  the restart, divided by $(thousands "$active"). Each such request activates the shopper's grain (state read and"
echo "  decrypted); items were active before. RSS moves in the collector's steps (server GC): it holds garbage not"
echo "  yet collected and takes growth into memory the heap already had, so only a large difference says much."
if [ $(( after - before )) -lt 65536 ]; then
  echo "  The difference is under 64 MiB, within what the heap's own slack moves by: raise RECO_LOAD_ACTIVE to read it."
fi

echo "== recommendations at this size: $conns connections, ${seconds} s, Zipf-distributed shoppers"
RECO_WRK_MODE=recommend run_wrk "$conns" "$warm_seconds" "$product" >/dev/null
header
RECO_WRK_MODE=recommend phase "recommendations, large shop" "$conns"
