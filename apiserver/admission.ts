// The admission stage of the request pipeline (upstream's admission plugins):
// for now NamespaceLifecycle, which keeps new objects out of a namespace that
// does not exist or is being deleted. The immortal namespaces rule of the same
// plugin sits with namespace deletion (registry/deletion.ts).
import { forbidden, notFound, resources } from '../proto/index.js';
import type { Registry } from './registry/registry.js';
import type { RequestInfo } from './request-info.js';
import type { WatchCache } from './watch-cache.js';

const NAMESPACES = resources.find((r) => r.group === '' && r.kind === 'Namespace')!;

export class NamespaceLifecycle {
  constructor(
    private readonly registry: Registry,
    private readonly cache: WatchCache,
  ) {}

  /** Throws 404 for a missing namespace, 403 for a terminating one, before an object named `name` is created in it. */
  async admitCreate(info: RequestInfo, name: string): Promise<void> {
    if (info.resource.scope !== 'Namespaced') return;
    const namespaces = this.registry.of(NAMESPACES);
    // As upstream's plugin: from the cache, and from the store when the cache has not seen it (yet).
    const namespace =
      this.cache.get(NAMESPACES, namespaces.key(undefined, info.namespace!)) ?? (await namespaces.get(undefined, info.namespace!).catch(() => undefined));
    if (!namespace) throw notFound({ group: '', resource: 'namespaces', name: info.namespace });
    if (namespace.metadata?.deletionTimestamp || (namespace.status as { phase?: string } | undefined)?.phase === 'Terminating') {
      throw forbidden(
        { group: info.resource.group, resource: info.resource.plural, name },
        `unable to create new content in namespace ${info.namespace} because it is being terminated`,
        [{ reason: 'NamespaceTerminating', message: `namespace ${info.namespace} is being terminated`, field: 'metadata.namespace' }],
      );
    }
  }
}
