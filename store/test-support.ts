// What the store's tests share: a store on each backend, in a temporary
// directory that is removed afterwards, and byte helpers.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type MvccStore, type StoreOptions } from './index.js';

export const backends = ['memory', 'level'] as const;
export type BackendName = (typeof backends)[number];

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

/** Runs `body` against a fresh store on `backend`, then closes it and removes its directory. */
export async function withStore(
  backend: BackendName,
  body: (store: MvccStore, dataDir: string | undefined) => Promise<void>,
  options: Partial<StoreOptions> = {},
): Promise<void> {
  const dataDir = backend === 'level' ? await tempDir() : undefined;
  const store = await openStore({ autoCompaction: false, ...options, backend, dataDir });
  try {
    await body(store, dataDir);
  } finally {
    await store.close();
    if (dataDir) await removeDir(dataDir);
  }
}
