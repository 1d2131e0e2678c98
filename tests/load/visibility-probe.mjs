// Visibility lag: how long after an event's 202 other shoppers see it in the item aggregates.
//   node tests/load/visibility-probe.mjs --gateway URL --seconds N [--poll-ms 10] [--gap-ms 100] [--timeout-ms 30000]
// One probe after another until N seconds have passed: upsert a probe item in a category of its own (catalog key),
// post a purchase of it by a probe shopper of its own (so every probe is the same work: a new shopper's first event),
// then ask GET /v1/items/popular?category=<its category> every poll-ms (after the previous answer) until the item is
// listed. The lag is the time from the event's 202 to the first answer that lists it, so it is accurate to about one
// poll (poll-ms plus a request's latency). Prints one RESULT line and a readable one.
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
  arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs, []));
const gateway = (args.gateway ?? '').replace(/\/$/, '');
const seconds = Number(args.seconds ?? 20);
const pollMs = Number(args['poll-ms'] ?? 10);
const gapMs = Number(args['gap-ms'] ?? 100);
const timeoutMs = Number(args['timeout-ms'] ?? 30000);
if (!gateway) {
  console.error('usage: node visibility-probe.mjs --gateway URL --seconds N [--poll-ms 10] [--gap-ms 100] [--timeout-ms 30000]');
  process.exit(2);
}

const run = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const storefront = { 'X-Api-Key': 'storefront-dev-key' };
const catalog = { 'X-Api-Key': 'catalog-dev-key', 'Content-Type': 'application/json' };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function expect(response, status, what) {
  const text = await response.text();
  if (response.status !== status) throw new Error(`${what}: ${response.status} ${text.slice(0, 200)}`);
  return text;
}

async function listed(item, category) {
  const response = await fetch(`${gateway}/v1/items/popular?category=${category}&count=10`, { headers: storefront });
  const body = JSON.parse(await expect(response, 200, 'popular'));
  return body.items.some((i) => i.itemId === item);
}

async function probe(n) {
  const item = `probe-${run}-${n}`;
  const category = `probe-category-${run}-${n}`;
  await expect(await fetch(`${gateway}/v1/items/${item}`, { method: 'PUT', headers: catalog,
    body: JSON.stringify({ title: 'visibility probe', category, available: true }) }), 204, 'item upsert');
  if (await listed(item, category)) return { early: true };
  const event = { userId: `probe-shopper-${run}-${n}`, itemId: item, type: 'purchase', eventId: `probe-${run}-${n}` };
  await expect(await fetch(`${gateway}/v1/events`, { method: 'POST',
    headers: { ...storefront, 'Content-Type': 'application/json' }, body: JSON.stringify(event) }), 202, 'event');
  const acknowledged = performance.now();
  while (performance.now() - acknowledged < timeoutMs) {
    if (await listed(item, category)) return { lagMs: performance.now() - acknowledged };
    await sleep(pollMs);
  }
  return { unseen: true };
}

const lags = [];
let early = 0;
let unseen = 0;
let failed = 0;
const end = performance.now() + seconds * 1000;
for (let n = 1; performance.now() < end; n++) {
  try {
    const result = await probe(n);
    if (result.early) early++;
    else if (result.unseen) unseen++;
    else lags.push(result.lagMs);
  } catch (e) {
    failed++;
    console.error(`probe ${n}: ${e.message}`);
  }
  await sleep(gapMs);
}

lags.sort((a, b) => a - b);
// Nearest rank: the smallest lag that at least p% of the probes reached.
const pct = (p) => (lags.length ? lags[Math.max(0, Math.ceil((p / 100) * lags.length) - 1)] : NaN);
const ms = (v) => (Number.isFinite(v) ? v.toFixed(1) : '-');
console.log(`RESULT probe probes=${lags.length + unseen + early + failed} seen=${lags.length} p50_ms=${ms(pct(50))} ` +
  `p99_ms=${ms(pct(99))} max_ms=${ms(lags[lags.length - 1])} unseen=${unseen} listed_before_event=${early} failed=${failed}`);
