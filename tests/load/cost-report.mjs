// Prints what table-counter.mjs counted over one phase, per acknowledged event.
//   node tests/load/cost-report.mjs COUNTS.json EVENTS          the per-event table
//   node tests/load/cost-report.mjs COUNTS.json --row-bytes KIND  mean request bytes of the writes of one kind of
//                                                                the state table (e.g. user), 0 if none were seen
import { readFileSync } from 'node:fs';

const [file, second, third] = process.argv.slice(2);
const counts = JSON.parse(readFileSync(file, 'utf8'));

if (second === '--row-bytes') {
  const kind = counts.tables.OrleansRecoState?.kinds?.[third];
  console.log(kind && kind.writes > 0 ? Math.round(kind.requestBytes / kind.writes) : 0);
  process.exit(0);
}

const events = Number(second);
const per = (n) => (events > 0 ? n / events : NaN);
const num = (n, digits = 2) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : '-');
const bytes = (n) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');

console.log(`  per acknowledged event: ${num(per(counts.requests))} table requests ` +
  `(${num(per(counts.batchRequests))} of them $batch, ${num(per(counts.ops))} operations: ${num(per(counts.writes))} writes, ` +
  `${num(per(counts.reads))} reads), ${bytes(per(counts.requestBytes))} bytes written, ${bytes(per(counts.responseBytes))} bytes read`);
console.log(`  over the phase: ${counts.requests.toLocaleString('en-US')} requests, ${counts.ops.toLocaleString('en-US')} operations, ` +
  `${bytes(counts.requestBytes)} bytes written, ${counts.failedOps} failed operations, ${counts.missingReads} reads of missing rows`);

const rows = [];
for (const [table, t] of Object.entries(counts.tables)) {
  rows.push([table, '(all)', per(t.requests), NaN, NaN, per(t.requestBytes), per(t.responseBytes)]);
  const kinds = Object.entries(t.kinds).sort((a, b) => b[1].requestBytes - a[1].requestBytes || b[1].ops - a[1].ops);
  for (const [kind, k] of kinds) {
    rows.push(['', kind, NaN, per(k.writes), per(k.reads), per(k.requestBytes), per(k.responseBytes)]);
  }
}
const header = ['table', 'row kind', 'requests', 'writes', 'reads', 'bytes written', 'bytes read'];
const cells = rows.map(([table, kind, requests, writes, reads, written, read]) =>
  [table, kind, num(requests), num(writes), num(reads), bytes(written), bytes(read)]);
const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
const line = (c) => '    ' + c.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
console.log('  per acknowledged event, by table and row kind (requests per table: a $batch is one request):');
console.log(line(header));
for (const c of cells) console.log(line(c));
