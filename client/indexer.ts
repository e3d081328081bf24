// The informer's local cache: objects by `namespace/name` key, with indexes
// kept up to date on every write, as client-go's tools/cache thread_safe_store.go
// (an Indexer: a store plus named IndexFuncs, each mapping an object to the
// index values it is found under).
import type { KubeObject } from './rest.js';

/** The values an object is indexed under (several: a pod under each of its volumes' claims, say). */
export type IndexFunc<T> = (object: T) => readonly string[];

/** `namespace/name`, or `name` for a cluster-scoped object (client-go's MetaNamespaceKeyFunc). */
export function objectKey(object: KubeObject): string {
  const name = object.metadata?.name ?? '';
  const namespace = object.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}

/** The index every informer has: objects by namespace (client-go's NamespaceIndex). */
export const NAMESPACE_INDEX = 'namespace';
export const byNamespace: IndexFunc<KubeObject> = (object) => [object.metadata?.namespace ?? ''];

export class Indexer<T extends KubeObject> {
  private readonly items = new Map<string, T>();
  /** index name -> index value -> keys */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly indexers: Readonly<Record<string, IndexFunc<T>>> = {}) {
    for (const name of Object.keys(indexers)) this.indices.set(name, new Map());
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  list(): T[] {
    return [...this.items.values()];
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  /** Stores the object under its key; answers what it replaced. */
  set(object: T): T | undefined {
    const key = objectKey(object);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, object);
    this.index(key, object);
    return old;
  }

  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  /** The objects an index files under `value` (client-go's ByIndex). */
  byIndex(indexName: string, value: string): T[] {
    const index = this.indices.get(indexName);
    if (!index) throw new Error(`Indexer: no index named ${JSON.stringify(indexName)}`);
    return [...(index.get(value) ?? [])].map((key) => this.items.get(key)!);
  }

  private index(key: string, object: T): void {
    for (const [name, indexFunc] of Object.entries(this.indexers)) {
      const index = this.indices.get(name)!;
      for (const value of indexFunc(object)) {
        let keys = index.get(value);
        if (!keys) index.set(value, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  private unindex(key: string, object: T): void {
    for (const [name, indexFunc] of Object.entries(this.indexers)) {
      const index = this.indices.get(name)!;
      for (const value of indexFunc(object)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}
