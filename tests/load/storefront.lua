-- Storefront traffic for wrk. One endpoint per wrk process, so that wrk's own latency histogram is per endpoint;
-- run-load.sh runs a recommendation process and an event process side by side to make the mix.
--   RECO_WRK_MODE=recommend|events RECO_WRK_USERS=2000 RECO_WRK_ITEMS=1000 wrk ... -s storefront.lua URL
-- Settings come from the environment because wrk's done() runs in a Lua state of its own, where init() never ran.
-- Users (and items) are drawn Zipf-distributed (exponent RECO_WRK_ZIPF, 1.0): a few shoppers are very active.
-- RECO_WRK_DELAY_MS paces each connection (wrk's delay() hook, not counted in latency), so that run-load.sh can
-- hold recommendations at four times the event rate.
-- Events: RECO_WRK_BATCH=N (1) events per POST, each drawn on its own (shopper, item, type), as a storefront's
-- backend forwarding its traffic in batches would send them; N = 1 sends a single object, N > 1 an array.
-- Every event carries an eventId unique in the run and across runs (RECO_WRK_EVENT_IDS=0 sends none): the run's
-- prefix (RECO_WRK_RUN, else the time and random bits), the wrk thread and a counter; a thread's connections share
-- its counter, so ids are unique per connection too.

local mode = os.getenv("RECO_WRK_MODE") or "recommend"
local users = tonumber(os.getenv("RECO_WRK_USERS") or "2000")
local items = tonumber(os.getenv("RECO_WRK_ITEMS") or "1000")
local exponent = tonumber(os.getenv("RECO_WRK_ZIPF") or "1.0")
local delay_ms = tonumber(os.getenv("RECO_WRK_DELAY_MS") or "") or 0
local batch = tonumber(os.getenv("RECO_WRK_BATCH") or "") or 1
local event_ids = os.getenv("RECO_WRK_EVENT_IDS") ~= "0"
local user_cdf, item_cdf
local sent = 0
local threads = {}

local function zipf_cdf(n, s)
  local cdf, total = {}, 0
  for rank = 1, n do total = total + 1 / rank ^ s; cdf[rank] = total end
  for rank = 1, n do cdf[rank] = cdf[rank] / total end
  return cdf
end

local function draw(cdf)
  local u, lo, hi = math.random(), 1, #cdf
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < u then lo = mid + 1 else hi = mid end
  end
  return lo - 1
end

-- Runs in the main Lua state, once per thread before init(): hands each thread its number and the run's prefix as
-- globals of the thread's state (thread_id, run_prefix; no local of those names, which would hide them).
local main_prefix
function setup(thread)
  if not main_prefix then
    main_prefix = os.getenv("RECO_WRK_RUN")
    if not main_prefix or main_prefix == "" then
      local random = io.open("/dev/urandom", "rb")
      local bytes = random and random:read(6) or tostring(os.clock())
      if random then random:close() end
      main_prefix = os.time() .. "-" .. bytes:gsub(".", function(c) return string.format("%02x", c:byte()) end)
    end
  end
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
  thread:set("run_prefix", main_prefix)
end

function init(args)
  user_cdf = zipf_cdf(users, exponent)
  item_cdf = zipf_cdf(items, exponent)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6) + (thread_id or 0) * 7919)
end

if delay_ms > 0 then
  function delay() return delay_ms end
end

local types = { "view", "view", "view", "view", "view", "view", "cart", "cart", "purchase" }

local function event()
  local id = ""
  if event_ids then
    sent = sent + 1
    id = string.format(',"eventId":"w%s-%d-%d"', run_prefix or "0", thread_id or 0, sent)
  end
  return string.format('{"userId":"user-%04d","itemId":"item-%04d","type":"%s"%s}',
    draw(user_cdf), draw(item_cdf), types[math.random(#types)], id)
end

function request()
  if mode == "events" then
    local body
    if batch <= 1 then
      body = event()
    else
      local parts = {}
      for i = 1, batch do parts[i] = event() end
      body = "[" .. table.concat(parts, ",") .. "]"
    end
    return wrk.format("POST", "/v1/events",
      { ["X-Api-Key"] = "storefront-dev-key", ["Content-Type"] = "application/json" }, body)
  end
  local user = string.format("user-%04d", draw(user_cdf))
  return wrk.format("GET", "/v1/users/" .. user .. "/recommendations?count=10",
    { ["X-Api-Key"] = "storefront-dev-key" })
end

-- The first five fields are what run-load.sh reads; the rest came later. Acknowledged events are the answered
-- requests that were not errors (wrk counts a status of 400 or more as an error) times the batch size. failed counts
-- every error, timeouts included; timeouts (no answer within wrk's --timeout) are also given on their own.
function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local failed = e.status + e.connect + e.read + e.write + e.timeout
  local per = mode == "events" and math.max(batch, 1) or 0
  local events = (summary.requests - e.status) * per
  io.write(string.format("RESULT %-9s requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f failed=%d timeouts=%d events=%d events_per_s=%.0f batch=%d mean_ms=%.2f duration_s=%.3f\n",
    mode, summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, failed, e.timeout,
    events, events / seconds, per, latency.mean / 1000, seconds))
end
