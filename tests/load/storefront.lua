-- Storefront traffic for wrk. One endpoint per wrk process, so that wrk's own latency histogram is per endpoint;
-- run-load.sh runs a recommendation process and an event process side by side to make the mix.
--   wrk ... -s storefront.lua URL -- recommend USERS [ZIPF_EXPONENT]
--   wrk ... -s storefront.lua URL -- events USERS ITEMS [ZIPF_EXPONENT]
-- Users (and items) are drawn Zipf-distributed: a few shoppers are very active, most are not.

local mode, users, items, exponent
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
  mode = args[1] or "recommend"
  users = tonumber(args[2] or "2000")
  if mode == "events" then
    items = tonumber(args[3] or "1000")
    exponent = tonumber(args[4] or "1.0")
    item_cdf = zipf_cdf(items, exponent)
  else
    exponent = tonumber(args[3] or "1.0")
  end
  user_cdf = zipf_cdf(users, exponent)
  math.randomseed(os.time() + (wrk.thread and tonumber(tostring(wrk.thread):match("0x(%x+)") or "0", 16) or 0))
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
  io.write(string.format("RESULT %s requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f failed=%d\n",
    mode, summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, failed))
end
