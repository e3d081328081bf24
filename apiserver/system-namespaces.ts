// The namespaces every cluster has from the start (upstream's
// SystemNamespaces, created by the apiserver's bootstrap controller):
// default, kube-system, kube-public and kube-node-lease. Written straight to
// the store before the server serves, so the first request finds them.
import { randomUUID } from 'node:crypto';
import { resources, storageKey } from '../proto/index.js';
import { KeyExistsError, systemClock, type Clock, type Store } from '../store/index.js';
import { encodeObject, timestamp } from './registry/object-store.js';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

const NAMESPACES = resources.find((r) => r.group === '' && r.kind === 'Namespace')!;

export async function ensureSystemNamespaces(store: Store, clock: Clock = systemClock): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    const object = {
      metadata: {
        name,
        uid: randomUUID(),
        creationTimestamp: timestamp(clock.now()),
        labels: { 'kubernetes.io/metadata.name': name },
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    };
    try {
      await store.create(storageKey(NAMESPACES, undefined, name), encodeObject(object));
    } catch (error) {
      if (!(error instanceof KeyExistsError)) throw error;
    }
  }
}
