// One GET for each index in a range, a few in flight: makes a set of grains active (every item, N shoppers).
//   node tests/load/http-each.mjs --url 'http://127.0.0.1:5080/v1/items/item-{i}/similar' --from 0 --to 20000 \
//     [--concurrency 8] [--key storefront-dev-key]
// {i} is the index with at least four digits, as the synthetic storefront names shoppers and items (user-0042,
// user-12345). Prints one line: requests, seconds, requests/s, failures.
const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
  arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs, []));
const from = Number(args.from ?? 0);
const to = Number(args.to);
const concurrency = Number(args.concurrency ?? 8);
const headers = { 'X-Api-Key': args.key ?? 'storefront-dev-key' };
if (!args.url || !Number.isInteger(to)) {
  console.error("usage: node http-each.mjs --url 'http://host/...{i}...' --from A --to B [--concurrency 8] [--key K]");
  process.exit(2);
}

let next = from;
let failed = 0;
const started = performance.now();
async function worker() {
  while (next < to) {
    const i = next++;
    try {
      const response = await fetch(args.url.replace('{i}', String(i).padStart(4, '0')), { headers });
      await response.arrayBuffer();
      if (!response.ok) failed++;
    } catch {
      failed++;
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = (performance.now() - started) / 1000;
console.log(`${to - from} requests in ${seconds.toFixed(1)} s (${Math.round((to - from) / seconds)}/s), ${failed} failed`);
