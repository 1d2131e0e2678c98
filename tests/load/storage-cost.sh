#!/usr/bin/env bash
# What an event costs at the table service, counted by a proxy in front of Azurite, beside the limit of a durable
# acknowledgement on the same service.
#   tests/load/storage-cost.sh [SECONDS]        (default 20 s per measured phase; needs wrk)
# For two shops in turn, each on a fresh Azurite (shoppers with 30, then with 200 distinct history items; 2,000
# shoppers and 1,000 items): starts the product as ./run.sh does (one process, silo and API), with its table
# endpoint pointing at the counting proxy (tests/load/table-counter.mjs), seeds the shop, trains the model, then:
#   a) single events (one per POST, each with an eventId), closed loop on 8 connections, alternating with the limit
#      (product, limit, product, limit): an endpoint (tests/OrleansReco.Benchmarks one-write) that per request
#      writes one row to the same Azurite through the same proxy and answers 202, the row as large as the product's
#      user-row writes were in the product phase just before;
#   b) the 80/20 storefront mix: recommendations closed loop on 8 connections, and the same events on 8 more, paced
#      to a quarter of the recommendations' rate (tests/load/lib.sh, mix_event_delay).
# Every phase prints acknowledged events, events/s, p50/p99, and table requests and bytes per acknowledged event, in
# total and by table and row kind, counted from the phase's start until storage has been idle for RECO_COST_IDLE_MS
# after it (so writes deferred past the answer are charged to the phase), then a summary of all phases.
# Environment: RECO_COST_USERS (2000), RECO_COST_ITEMS (1000), RECO_COST_HISTORIES ("30 200"),
#   RECO_COST_CONNECTIONS (8), RECO_COST_IDLE_MS (3000), RECO_COST_IDLE_TIMEOUT (120 s: a build that never lets
#   storage idle is reported and counted until then rather than waited for),
#   RECO_COST_ROW_BYTES (request bytes of the limit's row write; by default the mean of the product's user-row
#   writes in the product phase before it), RECO_LOAD_BUILD=0 (skip the build), RECO_LOAD_TIMEOUT (wrk's timeout, 10 s).
# Only 127.0.0.1, on free ports (so it runs beside ./run.sh); stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds="${1:-20}"
[[ "$seconds" =~ ^[0-9]+$ ]] && [ "$seconds" -ge 1 ] && [ "$seconds" -le 3600 ] || { echo "SECONDS: 1..3600" >&2; exit 2; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
users="${RECO_COST_USERS:-2000}"
items="${RECO_COST_ITEMS:-1000}"
histories="${RECO_COST_HISTORIES:-30 200}"
conns="${RECO_COST_CONNECTIONS:-8}"
idle_ms="${RECO_COST_IDLE_MS:-3000}"
idle_timeout="${RECO_COST_IDLE_TIMEOUT:-120}"
source tests/load/lib.sh
begin_run "$seconds"
# One proxy for the whole run; each shop gets a fresh Azurite behind it on the same port.
azurite_port="$(free_port)"
counter_port="$(free_port)"
counter="http://127.0.0.1:$counter_port"
start_counter "$counter_port" "$azurite_port"
export RECO_WRK_USERS="$users" RECO_WRK_ITEMS="$items"
summary=()

# Waits until the table service has seen no request for idle_ms; sets `drained` to how long traffic went on after
# the call (seconds).
wait_idle() {
  local answer code
  answer="$(curl -s -w ' %{http_code}' "$counter/__idle?ms=$idle_ms&timeout=$((idle_timeout * 1000))")"
  code="${answer##* }"
  drained="$(node -e 'const a = JSON.parse(process.argv[1]); console.log(Math.max(0, (a.waitedMs - a.idleMs) / 1000).toFixed(1))' "${answer% *}")"
  if [ "$code" != 200 ]; then
    echo "  (storage was still busy after ${idle_timeout} s: counted until then)"
  fi
}

# One counted phase: storage settles, the counters start from zero, the load runs, storage settles again, and what
# the proxy counted in between is charged to the events the phase had acknowledged.
#   counted_phase LABEL URL [background command...]: the events' wrk runs in the foreground against URL with the
#   RECO_WRK_* settings of the caller; a background command (the mix's recommendations) runs beside it.
counted_phase() {
  local label="$1" url="$2"; shift 2
  wait_idle
  curl -s -X POST "$counter/__reset" >/dev/null
  local background=""
  if [ $# -gt 0 ]; then "$@" & background=$!; fi
  result="$(RECO_WRK_MODE=events run_wrk "$conns" "$seconds" "$url")"
  if [ -n "$background" ]; then wait "$background"; fi
  wait_idle
  curl -s "$counter/__counts" >"$work/counts.json"
  local events
  events="$(field events "$result")"
  echo "  acknowledged events $(thousands "$events") ($(field events_per_s "$result")/s), p50 $(field p50_ms "$result") ms," \
    "p99 $(field p99_ms "$result") ms, failed $(field failed "$result") (timeouts $(field timeouts "$result"))"
  echo "  storage went on for ${drained} s after the load ended (idle: no table request for ${idle_ms} ms)"
  node tests/load/cost-report.mjs "$work/counts.json" "$events"
  local per_event
  per_event="$(node -e 'const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); const e = Number(process.argv[2]);
    console.log(e > 0 ? `${(c.requests / e).toFixed(2)} ${Math.round(c.requestBytes / e)}` : "- -")' "$work/counts.json" "$events")"
  summary+=("$(printf '%-7s %-26s %9s %8s %8s %10s %14s' "$history" "$label" "$(field events_per_s "$result")" \
    "$(field p50_ms "$result")" "$(field p99_ms "$result")" ${per_event})")
}

recommendations_beside() { # file
  RECO_WRK_MODE=recommend RECO_WRK_DELAY_MS=0 run_wrk "$conns" "$seconds" "http://127.0.0.1:$http_port" >"$1"
}

for history in $histories; do
  echo
  echo "== shop: $(thousands "$users") shoppers with $history distinct history items each, $(thousands "$items") items"
  rm -rf "$work/azurite"
  start_azurite "$azurite_port" "$work/azurite"
  http_port="$(free_port)"
  start_product "$http_port" "$counter_port" "$work/product.log"
  product="http://127.0.0.1:$http_port"
  seed_shop "$product" "$users" "$items" "$history"
  train_model "$product"
  wait_idle

  # Warm-up, uncounted in the phases: single events.
  RECO_WRK_MODE=events run_wrk "$conns" "$warm_seconds" "$product" >/dev/null

  # The limit's row is as large as the product's user-row writes were in the product phase just before it: a shop's
  # rows grow while it runs (histories fill towards 200 items, event ids are kept 24 hours), so a size taken once at
  # the start gave the limit rows 2-3x smaller than the product's by the measured phases.
  rates=()
  for run in 1 2; do
    echo "-- product, run $run: single events (one per POST, with eventIds), $conns connections, ${seconds} s"
    counted_phase "product single $run" "$product"
    rates+=("$(field events_per_s "$result")")
    row_bytes="${RECO_COST_ROW_BYTES:-$(node tests/load/cost-report.mjs "$work/counts.json" --row-bytes user)}"
    how="the mean request bytes of the product's user-row writes in run $run"
    if [ -n "${RECO_COST_ROW_BYTES:-}" ]; then how="RECO_COST_ROW_BYTES"; fi
    if [ "$row_bytes" = 0 ]; then
      # No user-row write seen (a layout this script does not know): the user-bytes figure in docs/performance.md, ~39 bytes an item,
      # in base64 with the row's envelope.
      row_bytes=$(( (39 * history + 100) * 4 / 3 + 150 )); how="estimated from the user-bytes figures in docs/performance.md: no user-row write seen"
    fi
    one_port="$(free_port)"
    setsid dotnet "$bench_dll" one-write --port "$one_port" --connection-string "$(connection_string "$counter_port")" \
      --body-bytes "$row_bytes" >>"$work/one-write.log" 2>&1 &
    one_pid=$!; started_pids+=("$one_pid")
    wait_until 60 "the one-write endpoint" port_open "$one_port"
    limit="http://127.0.0.1:$one_port"
    RECO_WRK_MODE=events run_wrk "$conns" "$warm_seconds" "$limit" >/dev/null
    echo "-- limit, run $run: one row write of $(thousands "$row_bytes") request bytes ($how) per POST, $conns connections, ${seconds} s"
    counted_phase "limit $run" "$limit"
    rates+=("$(field events_per_s "$result")")
    stop_pid "$one_pid"
  done
  awk -v p1="${rates[0]}" -v l1="${rates[1]}" -v p2="${rates[2]}" -v l2="${rates[3]}" 'BEGIN {
    printf "  product / limit, single events/s: run 1 %.3f, run 2 %.3f; both runs %.3f\n",
      (l1 > 0 ? p1 / l1 : 0), (l2 > 0 ? p2 / l2 : 0), (l1 + l2 > 0 ? (p1 + p2) / (l1 + l2) : 0) }'

  delay_ms="$(mix_event_delay "$product" "$conns" "$mix_warm_seconds")"
  echo "-- product: 80/20 mix, recommendations on $conns connections, events on $conns connections paced at ${delay_ms} ms, ${seconds} s"
  RECO_WRK_DELAY_MS="$delay_ms" counted_phase "product mix" "$product" recommendations_beside "$work/rec.txt"
  rec="$(cat "$work/rec.txt")"
  awk -v r="$(field rps "$rec")" -v e="$(field rps "$result")" -v p50="$(field p50_ms "$rec")" -v p99="$(field p99_ms "$rec")" \
    -v f="$(field failed "$rec")" 'BEGIN {
    printf "  recommendations beside them: %.0f/s, p50 %s ms, p99 %s ms, failed %s; mix %.0f%% recommendations\n",
      r, p50, p99, f, (r + e > 0 ? 100 * r / (r + e) : 0) }'

  stop_pid "$product_pid"
  stop_pid "$azurite_pid"
done

echo
echo "== summary (per acknowledged event: table requests, request bytes written; until storage was idle)"
printf '%-7s %-26s %9s %8s %8s %10s %14s\n' history phase events/s p50_ms p99_ms requests bytes_written
printf '%s\n' "${summary[@]}"
