// A counting HTTP proxy in front of the table service (Azurite): forwards every request unchanged and counts, by
// table and row kind, the requests, the operations (one per plain request, one per part of a $batch) and the
// request and response body bytes. No dependencies, so it runs wherever Azurite runs.
//   node tests/load/table-counter.mjs --port 10190 --target 10102 [--host 127.0.0.1]
// Control endpoints (paths the table service never serves):
//   GET  /__counts            the counters as JSON, plus idleMs (0 while a request is in flight)
//   POST /__reset             zero the counters (answers the counts as they were)
//   GET  /__idle?ms=N&timeout=T  answers 200 once no request has been in flight for N ms, 504 after T ms
// Attribution (the same rules the scripts print): see kindOf() and countBatch() below.
import http from 'node:http';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
  arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs, []));
const host = args.host ?? '127.0.0.1';
const port = Number(args.port);
const target = Number(args.target);
if (!port || !target) {
  console.error('usage: node table-counter.mjs --port PORT --target AZURITE_PORT [--host 127.0.0.1]');
  process.exit(2);
}

const STATE_TABLE = 'OrleansRecoState';
const AGGREGATES_TABLE = 'OrleansRecoAggregates';
const KEYS_TABLE = 'OrleansRecoKeys';

let counts = emptyCounts();
let inFlight = 0;
let lastActivity = Date.now();

function emptyCounts() {
  return { since: new Date().toISOString(), requests: 0, batchRequests: 0, ops: 0, reads: 0, writes: 0,
    requestBytes: 0, responseBytes: 0, missingReads: 0, failedOps: 0, tables: {} };
}

// Undo the table key escaping of the product (`~XXXX`, a UTF-16 code unit in hex) for display; other `~` forms
// (hashed or raw-byte keys) are left as they are.
const unescapeKey = (s) => s.replace(/~([0-9A-F]{4})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));

// The row kind of an operation, from its table and keys. Only the key layouts are assumed, not the row contents:
//  - state table: the RowKey is the grain's state name (user, receipt, embedding, item, item-snapshot, ...);
//  - aggregates table: RowKey `{kind}|{key}|{name}`, kind item or index, name `head` for the head row, any other
//    name a segment row, so `item head`, `item segment`, `index head`, `index segment`;
//  - keys table: `key`;
//  - anything else: `row`. Queries and table operations: see queryKind() and count().
function kindOf(table, rowKey) {
  if (rowKey === undefined || rowKey === null) return 'row without a key';
  if (table === STATE_TABLE) return unescapeKey(rowKey) || '(empty row key)';
  if (table === AGGREGATES_TABLE) {
    const parts = rowKey.split('|'); // a bare | only ever separates parts: inside a key it is escaped as ~007C
    if (parts.length >= 3) return `${unescapeKey(parts[0])} ${parts[parts.length - 1] === 'head' ? 'head' : 'segment'}`;
    return 'other';
  }
  if (table === KEYS_TABLE) return 'key';
  return 'row';
}

// An OData entity path: /account/Table, /account/Table(), /account/Table(PartitionKey='..',RowKey='..'),
// /account/Tables('name'). Keys are URL-encoded with quotes doubled.
function parseTarget(pathWithQuery) {
  const [rawPath, query = ''] = pathWithQuery.split('?');
  const segments = rawPath.split('/').filter(Boolean);
  const last = decodeURIComponent(segments[segments.length - 1] ?? '');
  const open = last.indexOf('(');
  const table = open < 0 ? last : last.slice(0, open);
  const keys = {};
  for (const m of (open < 0 ? '' : last.slice(open)).matchAll(/(PartitionKey|RowKey)='((?:[^']|'')*)'/g)) {
    keys[m[1]] = m[2].replace(/''/g, "'");
  }
  // A query over row keys (`RowKey ge 'item|x|'`) still says which rows it reads: its first row-key bound.
  const bound = /RowKey\s+(?:eq|ge|gt)\s+'((?:[^']|'')*)'/.exec(decodeURIComponent(query.replace(/\+/g, ' ')));
  return { table, rowKey: keys.RowKey, filterRowKey: bound?.[1].replace(/''/g, "'") };
}

// A query (a GET without a row key in the path): `query`, followed by what its row-key bound names, if any: the
// state name in the state table, the kind (item, index) in the aggregates table.
function queryKind(table, filterRowKey) {
  if (!filterRowKey) return 'query';
  if (table === STATE_TABLE) return `query ${unescapeKey(filterRowKey)}`;
  if (table === AGGREGATES_TABLE) return `query ${unescapeKey(filterRowKey.split('|')[0])}`;
  return 'query';
}

const tableBucket = (table) =>
  (counts.tables[table] ??= { requests: 0, batchRequests: 0, requestBytes: 0, responseBytes: 0, kinds: {} });

function countOp(table, kind, method, requestBytes, responseBytes, status) {
  const k = (tableBucket(table).kinds[kind] ??= { ops: 0, reads: 0, writes: 0, requestBytes: 0, responseBytes: 0, missingReads: 0, failedOps: 0 });
  const write = method !== 'GET' && method !== 'HEAD';
  k.ops++; counts.ops++;
  if (write) { k.writes++; counts.writes++; } else { k.reads++; counts.reads++; }
  k.requestBytes += requestBytes;
  k.responseBytes += responseBytes;
  // A read of a row that does not exist is an answer, not a failure (a grain's first read); anything else >= 400 is.
  if (status === 404 && !write) { k.missingReads++; counts.missingReads++; } else if (status >= 400) { k.failedOps++; counts.failedOps++; }
}

function countRequest(table, requestBytes, responseBytes, isBatch) {
  const t = tableBucket(table);
  t.requests++; counts.requests++;
  if (isBatch) { t.batchRequests++; counts.batchRequests++; }
  t.requestBytes += requestBytes; counts.requestBytes += requestBytes;
  t.responseBytes += responseBytes; counts.responseBytes += responseBytes;
}

const boundaryOf = (contentType) => /boundary=("?)([^";]+)\1/i.exec(contentType ?? '')?.[2];

// The parts of a multipart body, each as text (headers, blank line, content), without the delimiters.
function multipartParts(body, boundary) {
  const parts = body.split(`--${boundary}`);
  return parts.slice(1).filter((p) => !p.startsWith('--')).map((p) => p.replace(/^\r?\n/, ''));
}

// A $batch (entity group transaction): one request to the service, one operation per changeset part. Each operation
// is attributed by its own request line (or, for an insert, the keys in its JSON body). An operation's request bytes
// are its part's bytes; the batch's framing (boundaries, changeset headers) and its response are shared out evenly
// over its operations, so that kinds add up to the table's total. Its failure is read from the part's status in
// the response (a failed changeset answers one error part, which fails every operation of it).
function countBatch(req, body, responseBody, status) {
  const ops = [];
  for (const part of multipartParts(body.toString('latin1'), boundaryOf(req.headers['content-type']))) {
    const changeset = boundaryOf(/^content-type:\s*(.*)$/im.exec(part)?.[1]);
    for (const inner of changeset ? multipartParts(part, changeset) : [part]) {
      const line = /^(GET|POST|PUT|MERGE|PATCH|DELETE)\s+(\S+)\s+HTTP/m.exec(inner);
      if (!line) continue;
      const url = line[2].replace(/^https?:\/\/[^/]+/, '');
      let { table, rowKey } = parseTarget(url);
      if (rowKey === undefined && line[1] === 'POST') {
        const json = inner.slice(inner.indexOf('{'));
        try { rowKey = JSON.parse(Buffer.from(json, 'latin1').toString('utf8')).RowKey; } catch { /* not an entity */ }
      }
      ops.push({ method: line[1], table, kind: kindOf(table, rowKey), bytes: Buffer.byteLength(inner, 'latin1') });
    }
  }
  const statuses = [...responseBody.toString('latin1').matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]));
  const failed = status >= 400 || statuses.some((s) => s >= 400);
  const table = ops[0]?.table ?? '$batch';
  countRequest(table, body.length, responseBody.length, true);
  const framing = body.length - ops.reduce((sum, op) => sum + op.bytes, 0);
  ops.forEach((op, i) => {
    const share = (total) => Math.floor(total / ops.length) + (i < total % ops.length ? 1 : 0);
    countOp(op.table, op.kind, op.method, op.bytes + share(Math.max(framing, 0)), share(responseBody.length),
      failed ? 400 : 200);
  });
}

function count(req, body, responseBody, status) {
  const path = req.url;
  if (/\/\$batch(\?|$)/.test(path)) return countBatch(req, body, responseBody, status);
  let { table, rowKey, filterRowKey } = parseTarget(path);
  let kind;
  if (table === 'Tables') {
    // Creating (POST, the name in the body), listing or deleting tables: charged to the table named, if any.
    if (req.method === 'POST') {
      try { table = JSON.parse(body.toString('utf8')).TableName ?? table; } catch { /* keep 'Tables' */ }
    }
    kind = `${req.method === 'POST' ? 'create' : req.method === 'DELETE' ? 'delete' : 'list'} table`;
  } else if (req.method === 'POST' && rowKey === undefined) {
    // Insert: the keys travel in the entity, not the URL.
    try { rowKey = JSON.parse(body.toString('utf8')).RowKey; } catch { /* not an entity */ }
    kind = kindOf(table, rowKey);
  } else if (rowKey === undefined) {
    kind = queryKind(table, filterRowKey);
  } else {
    kind = kindOf(table, rowKey);
  }
  countRequest(table, body.length, responseBody.length, false);
  countOp(table, kind, req.method, body.length, responseBody.length, status);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function json(res, status, value) {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function control(req, res) {
  const url = new URL(req.url, 'http://x');
  const idleMs = inFlight > 0 ? 0 : Date.now() - lastActivity;
  if (url.pathname === '/__counts' && req.method === 'GET') return json(res, 200, { ...counts, idleMs });
  if (url.pathname === '/__reset' && req.method === 'POST') {
    const before = counts;
    counts = emptyCounts();
    return json(res, 200, before);
  }
  if (url.pathname === '/__idle' && req.method === 'GET') {
    // A condition, not a sleep: answer as soon as storage has been quiet for `ms`.
    const wanted = Number(url.searchParams.get('ms') ?? 2000);
    const timeout = Number(url.searchParams.get('timeout') ?? 120000);
    const started = Date.now();
    const check = () => {
      const idle = inFlight > 0 ? 0 : Date.now() - lastActivity;
      if (idle >= wanted) return json(res, 200, { idleMs: idle, waitedMs: Date.now() - started });
      if (Date.now() - started >= timeout) return json(res, 504, { idleMs: idle, waitedMs: Date.now() - started });
      setTimeout(check, Math.max(10, Math.min(100, wanted - idle)));
    };
    return check();
  }
  return json(res, 404, { error: 'unknown control path' });
}

const server = http.createServer((req, res) => {
  if (req.url.startsWith('/__')) return control(req, res);
  inFlight++;
  lastActivity = Date.now();
  // Whatever happens to the exchange (answered, upstream down, client gone), it leaves the in-flight count once,
  // or storage would never look idle.
  let open = true;
  const settle = () => { if (open) { open = false; inFlight--; lastActivity = Date.now(); } };
  res.on('close', settle);
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const upstream = http.request({ host: '127.0.0.1', port: target, method: req.method, path: req.url,
      headers: req.headers, agent }, (up) => {
      const answer = [];
      res.writeHead(up.statusCode, up.statusMessage, up.rawHeaders);
      up.on('data', (c) => { answer.push(c); res.write(c); });
      up.on('end', () => {
        res.end();
        try { count(req, body, Buffer.concat(answer), up.statusCode); } catch (e) { console.error('count failed:', e); }
        settle();
      });
    });
    upstream.on('error', (e) => {
      // The table service is down or restarting: answer 502 and count nothing.
      if (!res.headersSent) json(res, 502, { error: `upstream: ${e.message}` }); else res.destroy();
    });
    upstream.end(body);
  });
});
server.keepAliveTimeout = 60000;
server.listen(port, host, () => console.log(`table-counter on ${host}:${port} -> 127.0.0.1:${target}`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { server.close(); process.exit(0); });
