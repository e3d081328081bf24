// store/: the revisioned key-value store (DESIGN.md "Store semantics").
import { MvccStore } from './mvcc-store.js';
import type { StoreOptions } from './options.js';

export * from './types.js';
export * from './errors.js';
export { storeDefaults, systemClock, type Clock, type StoreOptions, type AutoCompactionOptions } from './options.js';
export type { MvccStore };

/** Opens (or creates) a store: LevelDB in `dataDir`, or in memory. */
export function openStore(options: StoreOptions): Promise<MvccStore> {
  return MvccStore.open(options);
}
