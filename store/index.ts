// store/: the revisioned key-value store (DESIGN.md "Store semantics").
import { EtcdStore } from './etcd-store.js';
import { MvccStore } from './mvcc-store.js';
import type { EtcdStoreOptions, StoreOptions } from './options.js';

export * from './types.js';
export * from './errors.js';
export {
  storeDefaults,
  etcdStoreDefaults,
  systemClock,
  type Clock,
  type StoreOptions,
  type EtcdStoreOptions,
  type AutoCompactionOptions,
} from './options.js';
export type { MvccStore, EtcdStore };

/** Opens (or creates) a store: LevelDB in `dataDir`, or in memory. */
export function openStore(options: StoreOptions): Promise<MvccStore> {
  return MvccStore.open(options);
}

/** Connects to a store in etcd; StoreUnavailableError when etcd does not answer. */
export function openEtcdStore(options: EtcdStoreOptions): Promise<EtcdStore> {
  return EtcdStore.open(options);
}
