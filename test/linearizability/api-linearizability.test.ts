// Linearizability of the API, checked: 7 clients create, update (guarded by
// the resourceVersion they last read, or not), get, list and delete a few
// ConfigMaps with values of their own, each call's start, end and answer
// recorded; the checker (checker.ts, the object model) must find an order
// for every key, a list counting as a read of every key, and each list's
// resourceVersion must cover what it holds and every write acknowledged
// before it; half the lists are paged (limit 1, continue), and their pages
// must be one snapshot. Run on LevelDB through one API server, and on etcd through two
// (the clients split between them). The same run against a deliberately
// broken fake (reads answered from a stale copy) must be found illegal, so a
// passing run means something. A watch over each run is checked for its
// guarantees too.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { startTestServer, type TestServer } from '../../apiserver/test-support.js';
import { findEtcd, startEtcd } from '../../bench/etcd.js';
import { openEtcdStore, openStore, type Store } from '../../store/index.js';
import { checkReplaysToList, checkWatch, namedVersions, watchHttp } from '../watch-guarantees/index.js';
import { checkOperations, type Operation } from './checker.js';
import { checkListSnapshots, LOST, objectModel, type ObjectInput, type ObjectOutput } from './object-model.js';

const CLIENTS = 7;
const KEYS = ['lin-a', 'lin-b', 'lin-c'];
const OPS_PER_CLIENT = 120;
const PATH = '/api/v1/namespaces/default/configmaps';

/** What the clients drive: the API over HTTP, or a fake. */
interface ObjectApi {
  perform(input: ObjectInput): Promise<ObjectOutput>;
}

function httpApi(call: (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>): ObjectApi {
  const configMap = (key: string, value: string, resourceVersion?: number) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: key, ...(resourceVersion !== undefined ? { resourceVersion: String(resourceVersion) } : {}) },
    data: { value },
  });
  type ListBody = { metadata: { resourceVersion: string; continue?: string }; items: { metadata: { name: string; resourceVersion: string }; data?: { value?: string } }[] };
  const listedItems = (items: ListBody['items']) =>
    Object.fromEntries(
      items.filter((item) => KEYS.includes(item.metadata.name)).map((item) => [item.metadata.name, { value: item.data?.value ?? '', resourceVersion: Number(item.metadata.resourceVersion) }]),
    );
  /** A list in pages of `limit`, following `continue`: one answer, with each page's resourceVersion. */
  const pagedList = async (limit: number): Promise<ObjectOutput> => {
    const pages: number[] = [];
    const items: ListBody['items'] = [];
    let token = '';
    do {
      const { status, body } = await call('GET', `${PATH}?limit=${limit}${token ? `&continue=${encodeURIComponent(token)}` : ''}`);
      if (status !== 200) return { status };
      const page = body as ListBody;
      pages.push(Number(page.metadata.resourceVersion));
      items.push(...page.items);
      token = page.metadata.continue ?? '';
    } while (token);
    return { status: 200, resourceVersion: pages[0], pageResourceVersions: pages, items: listedItems(items) };
  };
  return {
    async perform(input) {
      let answer: { status: number; body: any };
      try {
        if (input.op === 'list' && input.pageSize) return await pagedList(input.pageSize);
        if (input.op === 'list') answer = await call('GET', PATH);
        else if (input.op === 'get') answer = await call('GET', `${PATH}/${input.key}`);
        else if (input.op === 'create') answer = await call('POST', PATH, configMap(input.key, input.value));
        else if (input.op === 'update') answer = await call('PUT', `${PATH}/${input.key}`, configMap(input.key, input.value, input.resourceVersion));
        else answer = await call('DELETE', `${PATH}/${input.key}`);
      } catch {
        return { status: LOST };
      }
      const { status, body } = answer;
      if (status === 200 && input.op === 'list') return { status, resourceVersion: Number(body.metadata.resourceVersion), items: listedItems((body as ListBody).items) };
      if ((status === 200 || status === 201) && input.op !== 'delete') return { status, value: body.data?.value, resourceVersion: Number(body.metadata.resourceVersion) };
      return { status };
    },
  };
}

/** A broken store: writes are right, but reads come from a copy refreshed only every few writes. */
function staleReadFake(): ObjectApi {
  const live = new Map<string, { value: string; resourceVersion: number }>();
  let copy = new Map(live);
  let revision = 0;
  const pause = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 2));
  return {
    async perform(input) {
      await pause();
      const current = live.get(input.key);
      let output: ObjectOutput;
      if (input.op === 'list') {
        output = { status: 200, resourceVersion: revision, items: Object.fromEntries(copy) };
      } else if (input.op === 'get') {
        const seen = copy.get(input.key);
        output = seen ? { status: 200, ...seen } : { status: 404 };
      } else if (input.op === 'create') {
        if (current) output = { status: 409 };
        else {
          live.set(input.key, { value: input.value, resourceVersion: ++revision });
          output = { status: 201, value: input.value, resourceVersion: revision };
        }
      } else if (input.op === 'update') {
        if (!current) output = { status: 404 };
        else if (input.resourceVersion !== undefined && input.resourceVersion !== current.resourceVersion) output = { status: 409 };
        else {
          live.set(input.key, { value: input.value, resourceVersion: ++revision });
          output = { status: 200, value: input.value, resourceVersion: revision };
        }
      } else {
        output = current ? { status: 200 } : { status: 404 };
        live.delete(input.key);
      }
      if (input.op !== 'get' && revision % 5 === 0) copy = new Map(live);
      await pause();
      return output;
    },
  };
}

/** One client: a fixed, seeded mix of operations; an update is guarded by the resourceVersion this client last saw, half the time. */
async function runClient(api: ObjectApi, clientId: number, history: Operation<ObjectInput, ObjectOutput>[]): Promise<void> {
  const seen = new Map<string, number>();
  let seed = clientId * 7919 + 1;
  // The high bits of the LCG: its low bits repeat in short cycles.
  const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), Math.floor((seed / 2 ** 31) * n));
  for (let i = 0; i < OPS_PER_CLIENT; i++) {
    const key = KEYS[random(KEYS.length)]!;
    const value = `${clientId}:${i}`;
    const roll = random(10);
    const input: ObjectInput =
      roll < 3
        ? { key, op: 'get' }
        : roll < 4
          ? { key: '*', op: 'list', ...(random(2) === 0 ? { pageSize: 1 } : {}) }
        : roll < 6
          ? { key, op: 'create', value }
          : roll < 9
            ? { key, op: 'update', value, resourceVersion: random(2) === 0 ? seen.get(key) : undefined }
            : { key, op: 'delete' };
    const call = performance.now();
    const output = await api.perform(input);
    history.push({ clientId, input, call, output, return: performance.now() });
    if (input.op === 'list') for (const [name, item] of Object.entries(output.items ?? {})) seen.set(name, item.resourceVersion);
    else if (output.resourceVersion !== undefined) seen.set(key, output.resourceVersion);
  }
}

/** Runs the clients, client c on apis[c % apis.length]. */
async function runHistory(...apis: ObjectApi[]): Promise<Operation<ObjectInput, ObjectOutput>[]> {
  const history: Operation<ObjectInput, ObjectOutput>[] = [];
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => runClient(apis[c % apis.length]!, c, history)));
  return history;
}

/** The clients against `servers` (one store), the history checked, a watch on the first server over the run checked too. */
async function checkServers(servers: readonly TestServer[], t: { diagnostic(message: string): void }, label: string): Promise<void> {
  const [first] = servers as [TestServer];
  const { body: start } = await first.call('GET', PATH);
  const watch = watchHttp(first.url, PATH, { resourceVersion: start.metadata.resourceVersion });
  const began = Date.now();
  const history = await runHistory(...servers.map((server) => httpApi((method, path, body) => server.call(method, path, body))));
  const ran = Date.now() - began;
  // A 5xx is no answer a register may give (the model would leave such a read out unchecked).
  const failed = history.filter((op) => op.output.status >= 500).map((op) => objectModel.describe(op));
  assert.deepEqual(failed, [], `${label}: server errors`);
  const report = checkOperations(objectModel, history, { timeoutMs: 20_000 });
  assert.equal(report.result, 'ok', `${label}: not linearizable: ${report.failure?.longestPrefix.join('\n') ?? 'timed out (unknown)'}`);
  assert.deepEqual(checkListSnapshots(history), [], `${label}: lists`);
  const { body: end } = await first.call('GET', PATH);
  await watch.waitFor((f) => f.resourceVersion >= Number(end.metadata.resourceVersion) || f.type === 'ERROR', 5_000);
  const events = checkWatch(await watch.stop(), { from: Number(start.metadata.resourceVersion), name: `${label}: watch over the run` });
  checkReplaysToList(namedVersions(start.items), events, namedVersions(end.items), `${label}: watch over the run`);
  const statuses = new Map<number, number>();
  for (const op of history) statuses.set(op.output.status, (statuses.get(op.output.status) ?? 0) + 1);
  const lists = history.filter((op) => op.input.op === 'list').length;
  const paged = history.filter((op) => op.input.op === 'list' && op.input.pageSize).length;
  t.diagnostic(
    `linearizability (${label}): ${report.operations} operations (${lists} lists, ${paged} of them paged) by ${CLIENTS} clients on ${report.partitions} keys in ${ran} ms: ok; ` +
      `answers ${[...statuses].map(([s, n]) => `${s}x${n}`).join(' ')}; watch: ${events.length} events checked`,
  );
}

test(`${CLIENTS} concurrent clients of the API server leave a linearizable history`, { timeout: 60_000 }, async (t) => {
  // On LevelDB, as the lab runs: a write waits for its group commit, so calls truly overlap.
  const dir = await mkdtemp(join(tmpdir(), 'kubelab-linearizability-'));
  const server = await startTestServer({ store: await openStore({ backend: 'level', dataDir: dir, autoCompaction: false }) });
  try {
    await checkServers([server], t, 'LevelDB, one API server');
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

const noEtcd = findEtcd() ? false : 'etcd is not installed (no /usr/bin/etcd): apt-get install etcd-server';

test(`${CLIENTS} concurrent clients split between two API servers on one etcd leave a linearizable history`, { timeout: 90_000, skip: noEtcd }, async (t) => {
  const etcd = (await startEtcd())!;
  const stores: Store[] = [];
  const servers: TestServer[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const store = await openEtcdStore({ endpoints: [etcd.endpoint], keyPrefix: '/lab' });
      stores.push(store);
      servers.push(await startTestServer({ store }));
    }
    await checkServers(servers, t, 'etcd, two API servers');
  } finally {
    for (const server of servers) await server.close();
    for (const store of stores) await store.close();
    await etcd.stop();
  }
});

test('the checker finds a store that serves stale reads illegal', async () => {
  const history = await runHistory(staleReadFake());
  const report = checkOperations(objectModel, history, { timeoutMs: 20_000 });
  assert.equal(report.result, 'illegal');
});

test('a list behind a write acknowledged before it, holding an object newer than itself, or paged across snapshots, is caught', () => {
  const write = (rv: number) => ({ clientId: 0, input: { key: 'a', op: 'create' as const, value: 'v' }, call: 0, output: { status: 201, value: 'v', resourceVersion: rv }, return: 1 });
  const list = (rv: number, itemRv: number) => ({ clientId: 1, input: { key: '*', op: 'list' as const }, call: 2, output: { status: 200, resourceVersion: rv, items: { a: { value: 'v', resourceVersion: itemRv } } }, return: 3 });
  assert.deepEqual(checkListSnapshots([write(5), list(5, 5)]), []);
  assert.equal(checkListSnapshots([write(5), list(4, 5)]).length, 2);
  assert.match(checkListSnapshots([write(5), list(4, 4)])[0]!, /is behind client 0: a.create\(v\) -> 201 v@5/);
  const paged = { ...list(6, 5), output: { ...list(6, 5).output, pageResourceVersions: [6, 7] } };
  assert.deepEqual(checkListSnapshots([write(5), paged]), ["client 1's paged list came at resourceVersions 6, 7: not one snapshot"]);
});
