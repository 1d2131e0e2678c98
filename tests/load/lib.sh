# Shared pieces of the load scripts (sourced, not run): processes they start and stop, free ports, waiting,
# wrk phases and reading their results. Everything listens on 127.0.0.1 only.
# The caller sets `set -euo pipefail`, cd's to the repository root and sets $work (a temporary folder for logs).

tools_dll=tools/OrleansReco.Tools/bin/Release/net10.0/orleansreco-tools.dll
silo_dll=Silo/bin/Release/net10.0/OrleansReco.Silo.dll
bench_dll=tests/OrleansReco.Benchmarks/bin/Release/net10.0/OrleansReco.Benchmarks.dll
azurite_key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='

# Every process started here, so that one trap stops them all (newest first: the API before its storage).
started_pids=()
stop_started() {
  local i
  for (( i=${#started_pids[@]}-1; i>=0; i-- )); do
    stop_pid "${started_pids[$i]}"
  done
  started_pids=()
}

# Stops one process started here and waits for it. .NET and node stop on SIGTERM; Azurite too (it saves its
# database only on SIGINT, which these throw-away folders do not need).
stop_pid() {
  local pid="$1" i
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 600); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for i in "${!started_pids[@]}"; do [ "${started_pids[$i]}" != "$pid" ] || unset 'started_pids[i]'; done
  started_pids=("${started_pids[@]}")
}

# A port nobody listens on now (the kernel's choice), unless the caller gave one.
free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

wait_until() { # seconds what command...
  local seconds="$1" what="$2"; shift 2
  local end=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$end" ]; then echo "timed out after ${seconds} s waiting for $what (logs in $work)" >&2; return 1; fi
    sleep 0.2
  done
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Children run in their own sessions (setsid, as ./run.sh does), so a Ctrl-C reaches only the script, which then
# stops them in order; setsid execs, so $! is the child itself.
# RECO_LOAD_AZURITE=memory keeps Azurite's tables in memory only: it then never pauses to save them (every 5 s it
# writes its whole database to disk, which shows in every p99 measured against it, product and limit alike).
start_azurite() { # port folder -> $azurite_pid
  mkdir -p "$2"
  local where=(--location "$2")
  [ "${RECO_LOAD_AZURITE:-disk}" = memory ] && where=(--inMemoryPersistence)
  setsid node_modules/.bin/azurite-table --tableHost 127.0.0.1 --tablePort "$1" "${where[@]}" --silent \
    --disableTelemetry >>"$work/azurite.log" 2>&1 &
  azurite_pid=$!; started_pids+=("$azurite_pid")
  wait_until 60 "Azurite on port $1" port_open "$1"
}

start_counter() { # port azurite-port -> $counter_pid
  setsid node tests/load/table-counter.mjs --port "$1" --target "$2" >>"$work/counter.log" 2>&1 &
  counter_pid=$!; started_pids+=("$counter_pid")
  wait_until 30 "the counting proxy on port $1" curl -sf "http://127.0.0.1:$1/__counts"
}

connection_string() { # table-service port
  echo "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$azurite_key;TableEndpoint=http://127.0.0.1:$1/devstoreaccount1;"
}

# The product as ./run.sh starts it by default: one silo process that also serves the API, state on the table
# service at the given port. Its own silo and Orleans gateway ports, so it runs beside ./run.sh. The per-key rate
# limit is lifted (it would measure the limiter), and the dashboard (on in Development) is off: it costs on every
# grain call.
start_product() { # http-port storage-port log -> $product_pid
  local silo_port gateway_port
  silo_port="$(free_port)"; gateway_port="$(free_port)"
  DOTNET_ENVIRONMENT=Development ASPNETCORE_ENVIRONMENT=Development \
  Reco__Storage__Provider=AzureTable Reco__Storage__ConnectionString="$(connection_string "$2")" \
  Reco__Silo__HostGateway=true Reco__Silo__SiloPort="$silo_port" Reco__Silo__GatewayPort="$gateway_port" \
  Reco__Clustering__GatewayPort="$gateway_port" \
  Reco__RateLimits__TokenLimit=10000000 Reco__RateLimits__TokensPerPeriod=10000000 Reco__Dashboard__Enabled=false \
  RECO_PORT="$1" setsid dotnet "$silo_dll" >>"$3" 2>&1 &
  product_pid=$!; started_pids+=("$product_pid")
  local end=$((SECONDS + 180))
  until curl -sf "http://127.0.0.1:$1/health/ready" >/dev/null 2>&1; do
    kill -0 "$product_pid" 2>/dev/null || { echo "the product exited; its log:" >&2; tail -30 "$3" >&2; return 1; }
    [ "$SECONDS" -lt "$end" ] || { echo "the product was not ready within 180 s (log: $3)" >&2; return 1; }
    sleep 0.5
  done
}

# Loads a synthetic shop through the API (catalogue, then events in 1,000-event batches with event ids) and
# prints the tool's summary lines.
seed_shop() { # gateway users items history
  dotnet "$tools_dll" demo --gateway "$1" --users "$2" --items "$3" --history "$4" --concurrency 4 \
    | grep -E "^(Catalogue|Events)" | sed 's/^/  /'
}

# Trains the embedding model now, so that recommendations use one for this shop and no scheduled first training
# (a minute after start) falls into a measured phase.
train_model() { # gateway
  curl -sf -X POST "$1/v1/admin/model/train?wait=true" -H 'X-Api-Key: admin-dev-key' >/dev/null
}

# Resident memory of a process in KiB, from the kernel (VmRSS in /proc/PID/status).
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# One wrk process on the storefront scenario; settings as RECO_WRK_* variables in the environment.
# Prints the RESULT line's fields to stdout.
run_wrk() { # connections seconds url
  wrk -t1 -c"$1" -d"${2}s" --timeout "${RECO_LOAD_TIMEOUT:-10}s" -s tests/load/storefront.lua "$3" \
    | grep RESULT | sed 's/.*RESULT [a-z]* *//'
}

field() { # name result-line
  sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"
}

# Delay per request that makes CONNECTIONS closed-loop connections send RATE requests/s in all, given their mean
# latency (wrk's delay() is not counted in latency).
pace_ms() { # rate connections mean-latency-ms
  awk -v r="$1" -v c="$2" -v l="${3:-0}" 'BEGIN {
    r = r > 1 ? r : 1; target = 1000 * c / r - l; printf "%d", (target > 0 ? target : 0) }'
}

# The 80/20 mix: recommendations as fast as CONNECTIONS closed-loop connections get answers, events on as many
# connections paced to a quarter of that rate. Fewer events make recommendations faster, so the rate is found on three
# short uncounted warm-ups of the mix: the first with events unpaced, each next one aiming at the geometric mean of
# the previous aim and a quarter of the recommendations it saw (aiming straight at the quarter overshoots). Prints
# the events' delay in ms.
mix_event_delay() { # url connections seconds
  local delay=0 aim="" round warm recs events
  for round in 1 2 3; do
    RECO_WRK_MODE=recommend run_wrk "$2" "$3" "$1" >"$work/warm-rec.txt" &
    warm=$!
    events="$(RECO_WRK_MODE=events RECO_WRK_DELAY_MS="$delay" run_wrk "$2" "$3" "$1")"
    wait "$warm"
    recs="$(cat "$work/warm-rec.txt")"
    aim="$(awk -v a="${aim:-$(field events_per_s "$events")}" -v r="$(field rps "$recs")" 'BEGIN {
      q = r / 4; printf "%.1f", (a > 0 && q > 0 ? sqrt(a * q) : q) }')"
    delay="$(pace_ms "$aim" "$2" "$(field mean_ms "$events")")"
  done
  echo "$delay"
}

# Set-up as ./run.sh does it: Azurite from node_modules, a Release build (RECO_LOAD_BUILD=0 skips the build).
# The start of a measuring script's run: a work folder ($work) removed at exit with everything started here, the
# warm-up lengths for phases of SECONDS ($warm_seconds, $mix_warm_seconds), and the build.
begin_run() { # seconds
  warm_seconds=$(( $1 < 3 ? $1 : 3 ))
  mix_warm_seconds=$(( $1 < 5 ? $1 : 5 ))
  work="$(mktemp -d)"
  trap 'stop_started; rm -rf "$work"' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  echo "== set-up"
  ensure_built
}

ensure_built() {
  [ -x node_modules/.bin/azurite-table ] || npm ci --no-audit --no-fund --loglevel=error
  if [ "${RECO_LOAD_BUILD:-1}" != 0 ]; then
    dotnet build OrleansReco.sln -c Release -v quiet -nologo >"$work/build.log" 2>&1 \
      || { tail -30 "$work/build.log" >&2; echo "the build failed" >&2; return 1; }
  fi
}

# A number with thousands separators, for the printed lines.
thousands() { printf "%.0f" "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }

# CPU time used so far by the given processes, in clock ticks (utime + stime from /proc/PID/stat).
cpu_ticks() {
  local total=0 pid
  for pid in "$@"; do
    if [ -r "/proc/$pid/stat" ]; then total=$((total + $(sed 's/.*) //' "/proc/$pid/stat" | awk '{ print $12 + $13 }'))); fi
  done
  echo "$total"
}

# Waits until the given processes are quiet (together under 10% of one core in each of two consecutive seconds),
# so that work deferred past the answers of one phase does not run into the next: a condition, not a fixed sleep.
# Gives up after `seconds` and says so.
wait_quiet() { # seconds pid...
  local limit="$1"; shift
  local tick quiet=0 before after end=$((SECONDS + limit))
  tick="$(getconf CLK_TCK)"
  before="$(cpu_ticks "$@")"
  while [ "$quiet" -lt 2 ]; do
    if [ "$SECONDS" -ge "$end" ]; then echo "  (still busy after ${limit} s; going on)"; return 0; fi
    sleep 1
    after="$(cpu_ticks "$@")"
    if [ $(( (after - before) * 10 )) -lt "$tick" ]; then quiet=$((quiet + 1)); else quiet=0; fi
    before="$after"
  done
}
