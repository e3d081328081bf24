// The registry: for every resource of the catalogue, its ObjectStore (the
// generic rules plus the kind's strategy). The one place that knows which
// strategy belongs to which kind is registry/index.ts.
import { resources, type ResourceType } from '../../proto/index.js';
import type { Clock, Store } from '../../store/index.js';
import { servedStrategy } from './legacy.js';
import { ObjectStore } from './object-store.js';
import type { Strategy } from './strategy.js';

export class Registry {
  private readonly stores = new Map<ResourceType, ObjectStore>();

  constructor(store: Store, strategies: ReadonlyMap<string, Strategy>, clock: Clock) {
    for (const resource of resources) {
      const strategy = strategies.get(resource.kind);
      if (!strategy) throw new Error(`no strategy for ${resource.kind}: every catalogue entry needs one (apiserver/registry/index.ts)`);
      this.stores.set(resource, new ObjectStore(resource, servedStrategy(resource, strategy), store, clock));
    }
  }

  of(resource: ResourceType): ObjectStore {
    const found = this.stores.get(resource);
    if (!found) throw new Error(`resource ${resource.plural} is not in the catalogue`);
    return found;
  }
}
