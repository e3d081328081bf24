// npm run bench:store — kubelab's store against a real etcd, in one run:
// durable puts/s and latency at 1, 16, 64 and 256 concurrent writers
// (256-byte values), then watch delivery with 1,000 watchers on one prefix
// while 1,000 puts/s are written. Prints a table, then one JSON line.
//
// BENCH_SECONDS sets the seconds per measurement (default 3).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Etcd3 } from 'etcd3';
import { openStore, type MvccStore } from '../store/index.js';
import { startEtcd, type EtcdServer } from './etcd.js';
import { closedLoop, fmt, percentile } from './load.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const LEVELS = [1, 16, 64, 256] as const;
const VALUE = randomBytes(256);
const WATCHERS = 1_000;
const WATCH_RATE = 1_000;

/** What the benchmark needs of a store: a durable put and a prefix watch. */
interface System {
  readonly name: 'kubelab' | 'etcd';
  put(key: string, value: Uint8Array): Promise<void>;
  /** Calls `onEvent` with each changed key; resolves once the watch is established. */
  watch(prefix: string, onEvent: (key: string) => void): Promise<() => void>;
}

function kubelab(store: MvccStore): System {
  return {
    name: 'kubelab',
    put: async (key, value) => {
      await store.txn({ success: [{ type: 'put', key, value }] });
    },
    watch: (prefix, onEvent) => {
      const watch = store.watch(prefix);
      void (async () => {
        for await (const batch of watch) for (const e of batch) onEvent(e.kv.key);
      })();
      return Promise.resolve(() => watch.cancel());
    },
  };
}

function etcd(client: Etcd3): System {
  return {
    name: 'etcd',
    put: async (key, value) => {
      await client.put(key).value(Buffer.from(value));
    },
    watch: async (prefix, onEvent) => {
      const watcher = await client.watch().prefix(prefix).create();
      watcher.on('put', (kv) => onEvent(kv.key.toString()));
      return () => void watcher.cancel();
    },
  };
}

interface PutResult {
  readonly putsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

async function measurePuts(system: System, writers: number, run: string): Promise<PutResult> {
  const result = await closedLoop(writers, SECONDS, (id, n) => system.put(`/bench/${run}/${id}/${n}`, VALUE));
  return { putsPerSec: result.perSec, p50Ms: result.p50Ms, p99Ms: result.p99Ms };
}

interface WatchResult {
  readonly events: number;
  readonly expected: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** From the put being sent to the delivery: what a watcher waits for a change, acknowledgement or not. */
  readonly fromSendP99Ms: number;
}

/** 1,000 watchers on one prefix; WATCH_RATE puts/s for SECONDS; delay from each put's acknowledgement to each delivery. */
async function measureWatch(system: System, run: string): Promise<WatchResult> {
  const prefix = `/watch/${run}/`;
  const total = WATCH_RATE * SECONDS;
  const acked = new Float64Array(total).fill(NaN);
  const sent = new Float64Array(total).fill(NaN);
  const delivered = new Float64Array(total * WATCHERS).fill(NaN);
  let events = 0;
  const cancels = await Promise.all(
    Array.from({ length: WATCHERS }, (_, w) =>
      system.watch(prefix, (key) => {
        const seq = Number(key.slice(prefix.length));
        delivered[w * total + seq] = performance.now();
        events++;
      }),
    ),
  );
  const perTick = WATCH_RATE / 100;
  const started = performance.now();
  const puts: Promise<void>[] = [];
  for (let seq = 0; seq < total; seq += perTick) {
    // Pace: perTick puts every 10 ms.
    const due = started + (seq / perTick) * 10;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    for (let i = seq; i < Math.min(total, seq + perTick); i++) {
      sent[i] = performance.now();
      puts.push(system.put(`${prefix}${i}`, VALUE).then(() => void (acked[i] = performance.now())));
    }
  }
  await Promise.all(puts);
  // Let the last deliveries arrive.
  const deadline = performance.now() + 5_000;
  while (events < total * WATCHERS && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  for (const cancel of cancels) cancel();
  const delays = new Float64Array(events);
  const fromSend = new Float64Array(events);
  let n = 0;
  for (let w = 0; w < WATCHERS; w++) {
    for (let seq = 0; seq < total; seq++) {
      const at = delivered[w * total + seq]!;
      // A delivery may come before the writer hears its acknowledgement: no delay.
      if (Number.isNaN(at)) continue;
      fromSend[n] = at - sent[seq]!;
      delays[n++] = Math.max(0, at - acked[seq]!);
    }
  }
  const sorted = delays.subarray(0, n).sort();
  const sortedFromSend = fromSend.subarray(0, n).sort();
  return { events, expected: total * WATCHERS, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), fromSendP99Ms: percentile(sortedFromSend, 99) };
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kubelab-bench-store-'));
  let store: MvccStore | undefined;
  let etcdServer: EtcdServer | undefined;
  try {
    store = await openStore({ backend: 'level', dataDir, autoCompaction: false });
    etcdServer = await startEtcd();
    if (!etcdServer) console.log('etcd not found (apt-get install etcd-server): measuring kubelab alone');
    const systems = [kubelab(store), ...(etcdServer ? [etcd(etcdServer.client())] : [])];
    console.log(`machine: ${cpus().length} cores, node ${process.version}; etcd ${etcdServer?.version ?? 'absent'}; ${SECONDS} s per measurement`);

    const puts: Record<string, { kubelab: number; etcd: number | null; kubelabP50Ms: number; kubelabP99Ms: number; etcdP50Ms: number | null; etcdP99Ms: number | null }> = {};
    console.log('\nwriters | kubelab puts/s | p50 ms | p99 ms | etcd puts/s | p50 ms | p99 ms | ratio');
    console.log('------- | -------------- | ------ | ------ | ----------- | ------ | ------ | -----');
    for (const writers of LEVELS) {
      // The two systems take turns at each level, so the machine's noise falls on both.
      const results = new Map<string, PutResult>();
      for (const system of systems) results.set(system.name, await measurePuts(system, writers, `${system.name}-${writers}`));
      const k = results.get('kubelab')!;
      const e = results.get('etcd');
      puts[String(writers)] = {
        kubelab: Math.round(k.putsPerSec),
        etcd: e ? Math.round(e.putsPerSec) : null,
        kubelabP50Ms: Number(k.p50Ms.toFixed(3)),
        kubelabP99Ms: Number(k.p99Ms.toFixed(3)),
        etcdP50Ms: e ? Number(e.p50Ms.toFixed(3)) : null,
        etcdP99Ms: e ? Number(e.p99Ms.toFixed(3)) : null,
      };
      console.log(
        `${String(writers).padStart(7)} | ${fmt(k.putsPerSec).padStart(14)} | ${fmt(k.p50Ms, 2).padStart(6)} | ${fmt(k.p99Ms, 2).padStart(6)} | ` +
          `${fmt(e?.putsPerSec).padStart(11)} | ${fmt(e?.p50Ms, 2).padStart(6)} | ${fmt(e?.p99Ms, 2).padStart(6)} | ${e ? (k.putsPerSec / e.putsPerSec).toFixed(1) + 'x' : '-'}`,
      );
    }

    console.log(`\nwatch: ${WATCHERS} watchers on one prefix, ${WATCH_RATE} puts/s for ${SECONDS} s; delay from acknowledgement to delivery`);
    console.log('system  | delivered         | p50 ms | p99 ms | p99 ms from send');
    console.log('------- | ----------------- | ------ | ------ | ----------------');
    const watch = new Map<string, WatchResult>();
    for (const system of systems) {
      const result = await measureWatch(system, system.name);
      watch.set(system.name, result);
      console.log(`${system.name.padEnd(7)} | ${`${result.events}/${result.expected}`.padEnd(17)} | ${fmt(result.p50Ms, 2).padStart(6)} | ${fmt(result.p99Ms, 2).padStart(6)} | ${fmt(result.fromSendP99Ms, 2).padStart(16)}`);
    }

    const at64 = puts['64']!;
    const kubelabWatch = watch.get('kubelab')!;
    const etcdWatch = watch.get('etcd');
    console.log(
      JSON.stringify({
        bench: 'store',
        puts,
        ratio64: at64.etcd ? Number((at64.kubelab / at64.etcd).toFixed(2)) : null,
        watchP99Ms: Number(kubelabWatch.p99Ms.toFixed(3)),
        watchP50Ms: Number(kubelabWatch.p50Ms.toFixed(3)),
        watchFromSendP99Ms: Number(kubelabWatch.fromSendP99Ms.toFixed(3)),
        watchDelivered: kubelabWatch.events / kubelabWatch.expected,
        etcdWatchP99Ms: etcdWatch ? Number(etcdWatch.p99Ms.toFixed(3)) : null,
        etcdVersion: etcdServer?.version ?? null,
        seconds: SECONDS,
        cores: cpus().length,
      }),
    );
  } finally {
    await store?.close();
    await etcdServer?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
