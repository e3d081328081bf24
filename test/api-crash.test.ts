// Crash durability of the API server: an apiserver process (dist/apiserver/
// main.js, LevelDB, one data directory for the whole test) is SIGKILLed 100
// times while writers create and update ConfigMaps over HTTP, each write with
// a value of its own. After each kill the server is started again and must
// show every acknowledged write (each key holds its last acknowledged value,
// or the one write after it whose answer the kill cut off), no object half
// written, and a list resourceVersion never behind one it answered before.
// Compaction runs every 100 ms meanwhile, so kills land during compactions too.
// store/crash.test.ts proves the same of the store alone; this proves the
// API path above it (the registry, the watch cache's restart, the HTTP answer
// sent only after the write is on disk).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { openStore } from '../store/index.js';

const CYCLES = 100;
const WRITERS = 4;
const KEYS_PER_WRITER = 2;
/** The kill lands this long after the cycle's first acknowledged write. */
const KILL_AFTER_MS = { min: 10, max: 100 };
const START_TIMEOUT_MS = 20_000;
const COMPACTION_INTERVAL_MS = 100;
const NAMESPACE = 'default';
const mainPath = fileURLToPath(new URL('../apiserver/main.js', import.meta.url));

/** What a key is known to hold: the last acknowledged write, and a write sent after it whose answer never came. */
interface KeyRecord {
  readonly name: string;
  acked: { value: string; resourceVersion: number } | undefined;
  /** Sent after `acked` and cut by the kill: it may have landed, or not. */
  cut: string | undefined;
  /** The resourceVersion the next update is guarded with (undefined: the key does not exist). */
  current: number | undefined;
}

interface Totals {
  cycles: number;
  acked: number;
  cut: number;
  cutLanded: number;
  checked: number;
}

interface RunningServer {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<unknown>;
}

async function startServer(dataDir: string): Promise<RunningServer> {
  // Compaction every 100 ms (upstream's flag; 5m0s by default), so kills also land during compactions.
  const child = spawn(process.execPath, [mainPath, '--port', '0', '--data-dir', dataDir, '--insecure', '--etcd-compaction-interval', `${COMPACTION_INTERVAL_MS}ms`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'info' },
  });
  const exited = once(child, 'close');
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the apiserver did not listen in ${START_TIMEOUT_MS} ms: ${stderr}`)), START_TIMEOUT_MS);
    lines.on('line', (line) => {
      if (!line.includes('"apiserver listening"')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
    void exited.then(() => reject(new Error(`the apiserver exited before listening: ${stderr}`)));
  }).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  // The rest of its log is read and dropped, so the pipe never fills.
  lines.on('line', () => undefined);
  return { child, url, exited };
}

const configMap = (name: string, value: string, resourceVersion?: number) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels: { value: value.replaceAll(':', '-') }, ...(resourceVersion !== undefined ? { resourceVersion: String(resourceVersion) } : {}) },
  // Two copies and a label: a half-written object would show them differing.
  data: { value, copy: value },
});

/** A write whose answer came: its status and body. A write whose connection the kill cut throws. */
async function send(url: string, method: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(url + path, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

/** One writer's loop over its own keys until the server dies; returns when a write is cut. */
async function writeUntilKilled(url: string, writer: number, keys: readonly KeyRecord[], cycle: number, onAck: () => void, totals: Totals): Promise<void> {
  for (let seq = 0; ; seq++) {
    const key = keys[seq % keys.length]!;
    const value = `${cycle}:${writer}:${seq}`;
    const path = `/api/v1/namespaces/${NAMESPACE}/configmaps`;
    let answer: { status: number; body: any };
    try {
      answer =
        key.current === undefined
          ? await send(url, 'POST', path, configMap(key.name, value))
          : await send(url, 'PUT', `${path}/${key.name}`, configMap(key.name, value, key.current));
    } catch {
      key.cut = value;
      totals.cut++;
      return;
    }
    assert.ok(answer.status === 200 || answer.status === 201, `${key.name} = ${value} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    const resourceVersion = Number(answer.body.metadata.resourceVersion);
    assert.equal(answer.body.data.value, value, `${key.name}: the answer holds another value`);
    key.acked = { value, resourceVersion };
    key.cut = undefined;
    key.current = resourceVersion;
    totals.acked++;
    onAck();
  }
}

/** A ConfigMap of the test as a list shows it: its value written three times over. */
interface ListedConfigMap {
  readonly metadata: { readonly name: string; readonly resourceVersion: string; readonly labels?: Record<string, string> };
  readonly data?: { readonly value?: string; readonly copy?: string };
}

/**
 * After a restart: every key holds its last acknowledged value or the cut
 * write after it, whole; the list's resourceVersion is not behind any
 * resourceVersion answered before. Brings each key's guard up to date.
 */
async function checkAfterRestart(url: string, keys: readonly KeyRecord[], highestSeen: number, totals: Totals): Promise<number> {
  const response = await fetch(`${url}/api/v1/namespaces/${NAMESPACE}/configmaps`);
  assert.equal(response.status, 200);
  const list = (await response.json()) as { metadata: { resourceVersion: string }; items: ListedConfigMap[] };
  const listRevision = Number(list.metadata.resourceVersion);
  assert.ok(listRevision >= highestSeen, `the list's resourceVersion ${listRevision} went back behind ${highestSeen}, seen before the kill`);
  const byName = new Map(list.items.map((item) => [item.metadata.name, item]));
  for (const key of keys) {
    const item = byName.get(key.name);
    const expected = [key.acked?.value, key.cut].filter((v) => v !== undefined);
    if (!item) {
      assert.equal(key.acked, undefined, `${key.name}: acknowledged ${key.acked?.value} at ${key.acked?.resourceVersion} is lost (the key is gone)`);
      key.current = undefined;
      continue;
    }
    const value = item.data?.value ?? '';
    assert.ok(expected.includes(value), `${key.name} holds ${value}, expected ${expected.join(' or ')}: acknowledged write lost or a stranger's`);
    assert.equal(item.data?.copy, value, `${key.name}: half written (data.copy ${item.data?.copy}, data.value ${value})`);
    assert.equal(item.metadata.labels?.value, value.replaceAll(':', '-'), `${key.name}: half written (label)`);
    const resourceVersion = Number(item.metadata.resourceVersion);
    if (value === key.acked?.value) {
      assert.equal(resourceVersion, key.acked.resourceVersion, `${key.name}: acknowledged at ${key.acked.resourceVersion}, read back at ${resourceVersion}`);
    } else {
      assert.ok(resourceVersion > (key.acked?.resourceVersion ?? 0), `${key.name}: the cut write landed before the write acknowledged after it`);
      totals.cutLanded++;
      key.acked = { value, resourceVersion };
    }
    if (key.acked) totals.checked++;
    key.cut = undefined;
    key.current = resourceVersion;
  }
  return listRevision;
}

const randomBetween = ({ min, max }: { min: number; max: number }): number => min + Math.floor(Math.random() * (max - min));

test(`no acknowledged write is lost across ${CYCLES} SIGKILLs of the apiserver`, { timeout: 300_000 }, async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'kubelab-api-crash-'));
  const keys = Array.from({ length: WRITERS }, (_, w) =>
    Array.from({ length: KEYS_PER_WRITER }, (_, k): KeyRecord => ({ name: `crash-${w}-${k}`, acked: undefined, cut: undefined, current: undefined })),
  );
  const allKeys = keys.flat();
  const totals: Totals = { cycles: 0, acked: 0, cut: 0, cutLanded: 0, checked: 0 };
  let highestSeen = 0;
  let running: RunningServer | undefined;
  let compaction = { revision: 0, compactRevision: 0 };
  const started = Date.now();
  try {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      running = await startServer(dataDir);
      const server = running;
      highestSeen = await checkAfterRestart(server.url, allKeys, highestSeen, totals);
      let killTimer: NodeJS.Timeout | undefined;
      const kill = (): void => {
        killTimer ??= setTimeout(() => server.child.kill('SIGKILL'), randomBetween(KILL_AFTER_MS));
      };
      const watchdog = setTimeout(() => server.child.kill('SIGKILL'), START_TIMEOUT_MS);
      try {
        await Promise.all(keys.map((own, writer) => writeUntilKilled(server.url, writer, own, cycle, kill, totals)));
        const [, signal] = (await server.exited) as [number | null, NodeJS.Signals | null];
        assert.equal(signal, 'SIGKILL', 'the apiserver ended by itself');
      } finally {
        clearTimeout(watchdog);
        clearTimeout(killTimer);
      }
      for (const key of allKeys) highestSeen = Math.max(highestSeen, key.acked?.resourceVersion ?? 0);
      running = undefined;
      totals.cycles++;
    }
    running = await startServer(dataDir);
    await checkAfterRestart(running.url, allKeys, highestSeen, totals);
    running.child.kill('SIGKILL');
    await running.exited;
    running = undefined;
    // The store itself: its history was compacted while the kills went on.
    const store = await openStore({ backend: 'level', dataDir, autoCompaction: false });
    compaction = { revision: store.revision, compactRevision: store.compactRevision };
    await store.close();
  } finally {
    if (running) {
      running.child.kill('SIGKILL');
      await running.exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  }
  assert.equal(totals.cycles, CYCLES);
  assert.ok(totals.acked >= CYCLES, `only ${totals.acked} writes were acknowledged in ${CYCLES} cycles`);
  assert.ok(compaction.compactRevision > 0, `the store was never compacted (revision ${compaction.revision})`);
  t.diagnostic(
    `api-crash: ${totals.cycles} SIGKILL cycles, ${totals.acked} acknowledged writes, ${totals.checked} key states checked after restarts, ` +
      `${totals.cut} writes cut by a kill (${totals.cutLanded} of them landed whole), lost = 0, ` +
      `compacted to revision ${compaction.compactRevision} of ${compaction.revision} (every ${COMPACTION_INTERVAL_MS} ms), ${Math.round((Date.now() - started) / 1000)} s`,
  );
});
