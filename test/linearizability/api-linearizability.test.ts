// Linearizability of the API, checked: 7 clients create, update (guarded by
// the resourceVersion they last read, or not), get and delete a few
// ConfigMaps with values of their own, each call's start, end and answer
// recorded; the checker (checker.ts, the object model) must find an order
// for every key. The same run against a deliberately broken fake (reads
// answered from a stale copy) must be found illegal, so a passing run means
// something. A watch over the run is checked for its guarantees too.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { startTestServer } from '../../apiserver/test-support.js';
import { openStore } from '../../store/index.js';
import { checkReplaysToList, checkWatch, namedVersions, watchHttp } from '../watch-guarantees/index.js';
import { checkOperations, type Operation } from './checker.js';
import { LOST, objectModel, type ObjectInput, type ObjectOutput } from './object-model.js';

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
  return {
    async perform(input) {
      let answer: { status: number; body: any };
      try {
        if (input.op === 'get') answer = await call('GET', `${PATH}/${input.key}`);
        else if (input.op === 'create') answer = await call('POST', PATH, configMap(input.key, input.value));
        else if (input.op === 'update') answer = await call('PUT', `${PATH}/${input.key}`, configMap(input.key, input.value, input.resourceVersion));
        else answer = await call('DELETE', `${PATH}/${input.key}`);
      } catch {
        return { status: LOST };
      }
      const { status, body } = answer;
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
      if (input.op === 'get') {
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
  const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  for (let i = 0; i < OPS_PER_CLIENT; i++) {
    const key = KEYS[random(KEYS.length)]!;
    const value = `${clientId}:${i}`;
    const roll = random(10);
    const input: ObjectInput =
      roll < 4
        ? { key, op: 'get' }
        : roll < 6
          ? { key, op: 'create', value }
          : roll < 9
            ? { key, op: 'update', value, resourceVersion: random(2) === 0 ? seen.get(key) : undefined }
            : { key, op: 'delete' };
    const call = performance.now();
    const output = await api.perform(input);
    history.push({ clientId, input, call, output, return: performance.now() });
    if (output.resourceVersion !== undefined) seen.set(key, output.resourceVersion);
  }
}

async function runHistory(api: ObjectApi): Promise<Operation<ObjectInput, ObjectOutput>[]> {
  const history: Operation<ObjectInput, ObjectOutput>[] = [];
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => runClient(api, c, history)));
  return history;
}

test(`${CLIENTS} concurrent clients of the API server leave a linearizable history`, { timeout: 60_000 }, async (t) => {
  // On LevelDB, as the lab runs: a write waits for its group commit, so calls truly overlap.
  const dir = await mkdtemp(join(tmpdir(), 'kubelab-linearizability-'));
  const server = await startTestServer({ store: await openStore({ backend: 'level', dataDir: dir, autoCompaction: false }) });
  try {
    const { body: start } = await server.call('GET', PATH);
    const watch = watchHttp(server.url, PATH, { resourceVersion: start.metadata.resourceVersion });
    const began = Date.now();
    const history = await runHistory(httpApi((method, path, body) => server.call(method, path, body)));
    const ran = Date.now() - began;
    const report = checkOperations(objectModel, history, { timeoutMs: 20_000 });
    assert.equal(report.result, 'ok', `not linearizable: ${report.failure?.longestPrefix.join('\n') ?? 'timed out (unknown)'}`);
    const { body: end } = await server.call('GET', PATH);
    await watch.waitFor((f) => f.resourceVersion >= Number(end.metadata.resourceVersion) || f.type === 'ERROR', 5_000);
    const events = checkWatch(await watch.stop(), { from: Number(start.metadata.resourceVersion), name: 'watch over the run' });
    checkReplaysToList(namedVersions(start.items), events, namedVersions(end.items));
    const statuses = new Map<number, number>();
    for (const op of history) statuses.set(op.output.status, (statuses.get(op.output.status) ?? 0) + 1);
    t.diagnostic(
      `linearizability: ${report.operations} operations by ${CLIENTS} clients on ${report.partitions} keys in ${ran} ms: ok; ` +
        `answers ${[...statuses].map(([s, n]) => `${s}x${n}`).join(' ')}; watch: ${events.length} events checked`,
    );
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('the checker finds a store that serves stale reads illegal', async () => {
  const history = await runHistory(staleReadFake());
  const report = checkOperations(objectModel, history, { timeoutMs: 20_000 });
  assert.equal(report.result, 'illegal');
});
