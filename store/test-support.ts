// What the store's tests share: a store on each backend (LevelDB in a
// temporary directory that is removed afterwards, memory, and a real etcd),
// and byte helpers.
//
// The etcd backend runs against one etcd member per test file, started on
// free loopback ports with a temporary data directory by bench/etcd.ts (a
// test may use everything, DESIGN.md) and stopped by pid when the file ends
// (`after(stopSharedEtcd)`); each store gets a key prefix of its own, so the
// tests of a file share the etcd but not their keys. Revisions are etcd's and
// global, so a test reads them relative to the store's revision at its start.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findEtcd, startEtcd, type EtcdServer } from '../bench/etcd.js';
import { etcdStoreDefaults, openEtcdStore, openStore, storeDefaults, type EtcdStore, type MvccStore, type StoreOptions } from './index.js';

export const backends = ['memory', 'level', 'etcd'] as const;
export type BackendName = (typeof backends)[number];
export type TestStore = MvccStore | EtcdStore;

/** Why a backend's tests cannot run here (node:test's `skip`), or false. */
export function skipReason(backend: BackendName): string | false {
  if (backend !== 'etcd' || findEtcd()) return false;
  return 'etcd is not installed (no /usr/bin/etcd): apt-get install etcd-server';
}

/** The largest value a store on `backend` takes. */
export function maxValueBytes(backend: BackendName): number {
  return backend === 'etcd' ? etcdStoreDefaults.maxValueBytes : storeDefaults.maxValueBytes;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export const bytes = (text: string): Uint8Array => encoder.encode(text);
export const text = (value: Uint8Array): string => decoder.decode(value);

/** A fresh data directory under the system's temporary folder. */
export function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'kubelab-store-'));
}

export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

let sharedEtcd: Promise<EtcdServer> | undefined;
let nextPrefix = 0;

function etcdEndpoint(): Promise<string> {
  sharedEtcd ??= startEtcd().then((server) => {
    if (!server) throw new Error(skipReason('etcd') || 'etcd did not start');
    return server;
  });
  return sharedEtcd.then((server) => server.endpoint);
}

/** Stops the etcd member this file's tests started, if any. */
export async function stopSharedEtcd(): Promise<void> {
  const server = sharedEtcd;
  sharedEtcd = undefined;
  await (await server?.catch(() => undefined))?.stop();
}

/** A store on `backend` and what removes it: its directory, or nothing (etcd's keys stay with the throwaway etcd). */
export async function openTestStore(
  backend: BackendName,
  options: Partial<StoreOptions> = {},
): Promise<{ store: TestStore; dataDir: string | undefined; dispose: () => Promise<void> }> {
  if (backend === 'etcd') {
    const store = await openEtcdStore({ endpoints: [await etcdEndpoint()], keyPrefix: `/test-${process.pid}-${nextPrefix++}`, maxBufferedEvents: options.maxBufferedEvents });
    return { store, dataDir: undefined, dispose: () => store.close() };
  }
  const dataDir = backend === 'level' ? await tempDir() : undefined;
  const store = await openStore({ autoCompaction: false, ...options, backend, dataDir });
  return {
    store,
    dataDir,
    dispose: async () => {
      await store.close();
      if (dataDir) await removeDir(dataDir);
    },
  };
}

/** Runs `body` against a fresh store on `backend`, then closes it and removes its directory. */
export async function withStore(
  backend: BackendName,
  body: (store: TestStore, dataDir: string | undefined) => Promise<void>,
  options: Partial<StoreOptions> = {},
): Promise<void> {
  const { store, dataDir, dispose } = await openTestStore(backend, options);
  try {
    await body(store, dataDir);
  } finally {
    await dispose();
  }
}
