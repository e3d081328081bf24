// npm run bench:api — the full API write path (HTTP, validation, store,
// watch fan-out) beside raw etcd puts, in one run. The API server runs as its
// own process (dist/apiserver/main.js, LevelDB store in a temporary
// directory), loaded over keep-alive HTTP from this one:
// - creates/s of 1 KiB pods at 64 concurrent clients, and etcd puts/s of
//   1 KiB values through the etcd3 client at the same concurrency;
// - when wrk is installed, the same two with one C load generator for both:
//   wrk posting pods to kubelab and puts to etcd's JSON gateway, so that
//   neither figure is the cost of a Node client (bench/wrk.ts);
// - get and list latency;
// - watch delivery: 1,000 HTTP watches of one namespace while pods are
//   created there, delay from each create's answer to each delivery.
// Prints a table, then one JSON line.
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startApiServer, stopChild, type ApiServerProcess } from './apiserver-process.js';
import { startEtcd, type EtcdServer } from './etcd.js';
import { closedLoop, fmt, percentile, type LoopResult } from './load.js';
import { agent, create, pod, request } from './api-requests.js';
import { luaString, wrkInstalled, wrkPost } from './wrk.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CLIENTS = 64;
const WATCHERS = 1_000;
const WATCH_CREATES_PER_SEC = 50;


/** kubelab creates through wrk: the same pods, named `wrk-<run>-<n>`. */
async function wrkCreates(url: string, run: string, seconds: number): Promise<LoopResult> {
  const [before, after] = pod('NAME').split('"NAME"').map((part, i) => (i === 0 ? part + '"' : '"' + part)) as [string, string];
  const result = await wrkPost({
    url,
    path: '/api/v1/namespaces/default/pods',
    connections: CLIENTS,
    seconds,
    bodyLua: `${luaString(before + `wrk-${run}-`)} .. counter .. ${luaString(after)}`,
  });
  if (result.errors > 0) throw new Error(`wrk: ${result.errors} of ${result.count} creates failed`);
  return result;
}

/**
 * etcd puts of 1 KiB values through wrk and etcd's JSON gateway (POST
 * /v3/kv/put, base64 key and value). The keys are a 27-byte prefix and a
 * 9-digit counter, so their base64 is the prefix's and three looked-up
 * 3-digit groups', with no base64 work in Lua per request.
 */
async function wrkEtcdPuts(endpoint: string, seconds: number): Promise<LoopResult> {
  const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');
  const prefix = '/registry/pods/default/wrk-';
  const groups = Array.from({ length: 1000 }, (_, n) => `[${n}]="${b64(String(n).padStart(3, '0'))}"`).join(',');
  const value = b64(Buffer.from(pod('etcd').padEnd(1024, ' ')));
  const result = await wrkPost({
    url: endpoint,
    path: '/v3/kv/put',
    connections: CLIENTS,
    seconds,
    setupLua: `local groups = {${groups}}`,
    bodyLua:
      `'{"key":"${b64(prefix)}' .. groups[math.floor(counter / 1000000) % 1000] .. groups[math.floor(counter / 1000) % 1000] .. groups[counter % 1000]` +
      ` .. '","value":"${value}"}'`,
  });
  if (result.errors > 0) throw new Error(`wrk: ${result.errors} of ${result.count} etcd puts failed`);
  return result;
}

async function measureWatch(url: string): Promise<{ p50Ms: number; p99Ms: number; delivered: number; expected: number }> {
  const namespace = 'bench-watch';
  await fetch(`${url}/api/v1/namespaces`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ metadata: { name: namespace } }) });
  const rv = ((await (await fetch(`${url}/api/v1/namespaces/${namespace}/pods`)).json()) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const total = WATCH_CREATES_PER_SEC * SECONDS;
  const acked = new Float64Array(total).fill(NaN);
  const delivered = new Float64Array(total * WATCHERS).fill(NaN);
  let count = 0;
  const watchAgent = new http.Agent({ keepAlive: false, maxSockets: WATCHERS + 10 });
  const { hostname, port } = new URL(url);
  const requests: http.ClientRequest[] = [];
  // One plain HTTP stream per watcher (lighter than fetch on the load side).
  await Promise.all(
    Array.from(
      { length: WATCHERS },
      (_, w) =>
        new Promise<void>((resolve) => {
          const req = http.get({ host: hostname, port, agent: watchAgent, path: `/api/v1/namespaces/${namespace}/pods?watch=true&resourceVersion=${rv}` }, (res) => {
            let buffered = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => {
              const at = performance.now();
              buffered += chunk;
              let newline: number;
              while ((newline = buffered.indexOf('\n')) >= 0) {
                const line = buffered.slice(0, newline);
                buffered = buffered.slice(newline + 1);
                const name = /"name":"w-(\d+)"/.exec(line);
                if (name) {
                  delivered[w * total + Number(name[1])] = at;
                  count++;
                }
              }
            });
            res.on('error', () => undefined);
            resolve();
          });
          // Destroying the streams at the end is the only expected error.
          req.on('error', () => resolve());
          requests.push(req);
        }),
    ),
  );
  const started = performance.now();
  const creates: Promise<void>[] = [];
  const perTick = WATCH_CREATES_PER_SEC / 10;
  for (let seq = 0; seq < total; seq += perTick) {
    const wait = started + (seq / perTick) * 100 - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    for (let i = seq; i < Math.min(total, seq + perTick); i++) {
      creates.push(create(url, namespace, `w-${i}`).then(() => void (acked[i] = performance.now())));
    }
  }
  await Promise.all(creates);
  const deadline = performance.now() + 10_000;
  while (count < total * WATCHERS && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  for (const req of requests) req.destroy();
  watchAgent.destroy();
  const delays: number[] = [];
  for (let w = 0; w < WATCHERS; w++) {
    for (let seq = 0; seq < total; seq++) {
      const at = delivered[w * total + seq]!;
      if (!Number.isNaN(at)) delays.push(Math.max(0, at - acked[seq]!));
    }
  }
  const sorted = Float64Array.from(delays).sort();
  return { p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), delivered: count, expected: total * WATCHERS };
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kubelab-bench-api-'));
  let server: ApiServerProcess | undefined;
  let etcd: EtcdServer | undefined;
  try {
    server = await startApiServer(dataDir);
    etcd = await startEtcd();
    if (!etcd) console.log('etcd not found (apt-get install etcd-server): measuring kubelab alone');
    console.log(`machine: ${cpus().length} cores, node ${process.version}; etcd ${etcd?.version ?? 'absent'}; ${SECONDS} s per measurement`);
    const url = server.url;

    const creates = await closedLoop(CLIENTS, SECONDS, (id, n) => create(url, 'default', `bench-${id}-${n}`));
    let etcdPuts: LoopResult | undefined;
    if (etcd) {
      const client = etcd.client();
      const value = Buffer.from(pod('etcd').padEnd(1024, ' '));
      etcdPuts = await closedLoop(CLIENTS, SECONDS, async (id, n) => {
        await client.put(`/registry/pods/default/bench-${id}-${n}`).value(value);
      });
    }
    let wrkCreated: LoopResult | undefined;
    let wrkEtcd: LoopResult | undefined;
    if (wrkInstalled()) {
      await wrkCreates(url, 'warm', 1);
      wrkCreated = await wrkCreates(url, 'run', SECONDS);
      if (etcd) {
        await wrkEtcdPuts(etcd.endpoint, 1);
        wrkEtcd = await wrkEtcdPuts(etcd.endpoint, SECONDS);
      }
    } else {
      console.log('wrk not found (apt-get install wrk): no measurement with one C load generator for both');
    }
    const names = Array.from({ length: 200 }, (_, i) => `bench-0-${i}`);
    const gets = await closedLoop(8, SECONDS, async (_id, n) => {
      await request(url, 'GET', `/api/v1/namespaces/default/pods/${names[n % names.length]}`);
    });
    const lists = await closedLoop(1, SECONDS, async () => {
      await request(url, 'GET', '/api/v1/namespaces/default/pods?limit=500');
    });
    const watch = await measureWatch(url);

    console.log('\nmeasure                                | per s   | p50 ms | p99 ms');
    console.log('-------------------------------------- | ------- | ------ | ------');
    console.log(`kubelab create 1 KiB pod, ${CLIENTS} clients     | ${fmt(creates.perSec).padStart(7)} | ${fmt(creates.p50Ms, 2).padStart(6)} | ${fmt(creates.p99Ms, 2).padStart(6)}`);
    console.log(`etcd put 1 KiB, ${CLIENTS} clients              | ${fmt(etcdPuts?.perSec).padStart(7)} | ${fmt(etcdPuts?.p50Ms, 2).padStart(6)} | ${fmt(etcdPuts?.p99Ms, 2).padStart(6)}`);
    console.log(`kubelab create, wrk, ${CLIENTS} connections    | ${fmt(wrkCreated?.perSec).padStart(7)} | ${fmt(wrkCreated?.p50Ms, 2).padStart(6)} | ${fmt(wrkCreated?.p99Ms, 2).padStart(6)}`);
    console.log(`etcd put (JSON gateway), wrk, ${CLIENTS} conns | ${fmt(wrkEtcd?.perSec).padStart(7)} | ${fmt(wrkEtcd?.p50Ms, 2).padStart(6)} | ${fmt(wrkEtcd?.p99Ms, 2).padStart(6)}`);
    console.log(`kubelab get pod, 8 clients             | ${fmt(gets.perSec).padStart(7)} | ${fmt(gets.p50Ms, 2).padStart(6)} | ${fmt(gets.p99Ms, 2).padStart(6)}`);
    console.log(`kubelab list 500 pods, 1 client        | ${fmt(lists.perSec).padStart(7)} | ${fmt(lists.p50Ms, 2).padStart(6)} | ${fmt(lists.p99Ms, 2).padStart(6)}`);
    console.log(`kubelab watch, ${WATCHERS} watchers (${watch.delivered}/${watch.expected}) | ${'-'.padStart(7)} | ${fmt(watch.p50Ms, 2).padStart(6)} | ${fmt(watch.p99Ms, 2).padStart(6)}`);
    console.log(
      JSON.stringify({
        bench: 'api',
        createsPerSec: Math.round(creates.perSec),
        etcdPutsPerSec: etcdPuts ? Math.round(etcdPuts.perSec) : null,
        ratio: etcdPuts ? Number((creates.perSec / etcdPuts.perSec).toFixed(2)) : null,
        wrkCreatesPerSec: wrkCreated ? Math.round(wrkCreated.perSec) : null,
        wrkEtcdPutsPerSec: wrkEtcd ? Math.round(wrkEtcd.perSec) : null,
        wrkRatio: wrkCreated && wrkEtcd ? Number((wrkCreated.perSec / wrkEtcd.perSec).toFixed(2)) : null,
        getP99Ms: Number(gets.p99Ms.toFixed(3)),
        listP99Ms: Number(lists.p99Ms.toFixed(3)),
        watchP99Ms: Number(watch.p99Ms.toFixed(3)),
        watchDelivered: watch.delivered / watch.expected,
        seconds: SECONDS,
        cores: cpus().length,
      }),
    );
  } finally {
    agent.destroy();
    if (server) await stopChild(server.child);
    await etcd?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
