// One informer per resource kind, shared by every controller of the process
// (client-go's informers.SharedInformerFactory): the controllers of one
// process keep one cache of pods, not one each. Informers are made on first
// ask, before start(); an informer asked for after start() starts at once.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from 'pino';
import { Informer, kinds, type Clock, type IndexFunc, type KubeClient, type KubeObject } from '../../client/index.js';
import type { KindName } from './plan.js';

type ObjectOf<K extends KindName> = (typeof kinds)[K] extends { readonly __objectType?: infer T } ? (T extends KubeObject ? T : never) : never;

/** Pods by spec.nodeName, the index upstream's node, daemon and scheduler controllers all add ("spec.nodeName"). */
export const POD_NODE_NAME_INDEX = 'spec.nodeName';
const podsByNodeName: IndexFunc<Pod> = (pod) => (pod.spec?.nodeName ? [pod.spec.nodeName] : []);

/** Indexes every shared informer of a kind has, so no controller depends on who asked first. */
const sharedIndexers: Partial<Record<KindName, Record<string, IndexFunc<Pod>>>> = {
  Pod: { [POD_NODE_NAME_INDEX]: podsByNodeName },
};

export interface InformerFactoryOptions {
  readonly client: KubeClient;
  readonly clock: Clock;
  readonly logger: Logger;
  /** client-go's defaultResync; 0: none (kube-controller-manager's informers resync every 12-24 h). */
  readonly resyncPeriodMs?: number;
}

export class SharedInformerFactory {
  private readonly informers = new Map<KindName, Informer<KubeObject>>();
  private started = false;

  constructor(private readonly options: InformerFactoryOptions) {}

  /** The shared informer of all objects of `kind`, in every namespace. */
  informerFor<K extends KindName>(kind: K): Informer<ObjectOf<K>> {
    let informer = this.informers.get(kind);
    if (!informer) {
      const { client, clock, logger, resyncPeriodMs } = this.options;
      informer = new Informer<KubeObject>(client.resource<KubeObject>(kinds[kind]), {
        clock,
        logger,
        resyncPeriodMs: resyncPeriodMs ?? 0,
        indexers: (sharedIndexers[kind] ?? {}) as Record<string, IndexFunc<KubeObject>>,
      });
      this.informers.set(kind, informer);
      if (this.started) informer.start();
    }
    return informer as unknown as Informer<ObjectOf<K>>;
  }

  start(): void {
    this.started = true;
    for (const informer of this.informers.values()) informer.start();
  }

  /** Resolves true once every informer made so far has its first list (false if one stopped first). */
  async waitForSync(): Promise<boolean> {
    const synced = await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
    return synced.every(Boolean);
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}
