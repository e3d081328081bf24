// The admission stage of the request pipeline (upstream's admission plugins),
// run on every create: NamespaceLifecycle, which keeps new objects out of a
// namespace that does not exist or is being deleted, then DefaultStorageClass,
// which gives a claim without a class the default one. The immortal
// namespaces rule of NamespaceLifecycle sits with namespace deletion
// (registry/deletion.ts).
import { forbidden, notFound, resources } from '../proto/index.js';
import type { KubeObject } from './registry/strategy.js';
import type { Registry } from './registry/registry.js';
import type { RequestInfo } from './request-info.js';
import { isDefaultStorageClass } from './tables/index.js';
import type { WatchCache } from './watch-cache.js';

const NAMESPACES = resources.find((r) => r.group === '' && r.kind === 'Namespace')!;
const STORAGE_CLASSES = resources.find((r) => r.group === 'storage.k8s.io' && r.kind === 'StorageClass')!;

/**
 * Upstream's GetDefaultClass (pkg/volume/util/storageclass.go): of the
 * classes marked default, the newest (then the first by name), if any.
 */
export function defaultStorageClassName(classes: readonly KubeObject[]): string | undefined {
  const defaults = classes.filter((c) => isDefaultStorageClass(c.metadata?.annotations));
  defaults.sort((a, b) => {
    const [ta, tb] = [a.metadata?.creationTimestamp ?? '', b.metadata?.creationTimestamp ?? ''];
    if (ta !== tb) return ta > tb ? -1 : 1;
    return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
  });
  return defaults[0]?.metadata?.name;
}

/**
 * Upstream's DefaultStorageClass plugin
 * (plugin/pkg/admission/storage/storageclass/setdefault): a claim that names
 * no class (an explicit "" is a name: no class) and has no beta class
 * annotation gets the default class, when there is one.
 */
export function admitDefaultStorageClass(claim: KubeObject, classes: readonly KubeObject[]): void {
  const spec = (claim.spec ??= {}) as { storageClassName?: string | null };
  if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
  if (claim.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] !== undefined) return;
  const name = defaultStorageClassName(classes);
  if (name !== undefined) spec.storageClassName = name;
}

export class Admission {
  constructor(
    private readonly registry: Registry,
    private readonly cache: WatchCache,
  ) {}

  /** Admits (and may change) `object`, about to be created: throws 404 for a missing namespace, 403 for a terminating one. */
  async admitCreate(info: RequestInfo, object: KubeObject): Promise<void> {
    await this.namespaceLifecycle(info, object.metadata?.name ?? object.metadata?.generateName ?? '');
    if (info.resource.group === '' && info.resource.kind === 'PersistentVolumeClaim') {
      admitDefaultStorageClass(object, this.cache.list(STORAGE_CLASSES));
    }
  }

  private async namespaceLifecycle(info: RequestInfo, name: string): Promise<void> {
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
