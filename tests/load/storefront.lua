-- Storefront traffic for wrk. One endpoint per wrk process, so that wrk's own latency histogram is per endpoint;
-- run-load.sh runs a recommendation process and an event process side by side to make the mix.
--   RECO_WRK_MODE=recommend|events RECO_WRK_USERS=2000 RECO_WRK_ITEMS=1000 wrk ... -s storefront.lua URL
-- Settings come from the environment because wrk's done() runs in a Lua state of its own, where init() never ran.
-- Users (and items) are drawn Zipf-distributed (exponent RECO_WRK_ZIPF, 1.0): a few shoppers are very active.
-- RECO_WRK_DELAY_MS paces each connection (wrk's delay() hook, not counted in latency), so that run-load.sh can
-- hold recommendations at four times the event rate.

local mode = os.getenv("RECO_WRK_MODE") or "recommend"
local users = tonumber(os.getenv("RECO_WRK_USERS") or "2000")
local items = tonumber(os.getenv("RECO_WRK_ITEMS") or "1000")
local exponent = tonumber(os.getenv("RECO_WRK_ZIPF") or "1.0")
local delay_ms = tonumber(os.getenv("RECO_WRK_DELAY_MS") or "") or 0
local user_cdf, item_cdf

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

function init(args)
  user_cdf = zipf_cdf(users, exponent)
  item_cdf = zipf_cdf(items, exponent)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

if delay_ms > 0 then
  function delay() return delay_ms end
end

local types = { "view", "view", "view", "view", "view", "view", "cart", "cart", "purchase" }

function request()
  local user = string.format("user-%04d", draw(user_cdf))
  if mode == "events" then
    local body = string.format('{"userId":"%s","itemId":"item-%04d","type":"%s"}',
      user, draw(item_cdf), types[math.random(#types)])
    return wrk.format("POST", "/v1/events",
      { ["X-Api-Key"] = "storefront-dev-key", ["Content-Type"] = "application/json" }, body)
  end
  return wrk.format("GET", "/v1/users/" .. user .. "/recommendations?count=10",
    { ["X-Api-Key"] = "storefront-dev-key" })
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local failed = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %-9s requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f failed=%d\n",
    mode, summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, failed))
end
