// Deletion rules particular to a kind, on top of the generic ones in rest.ts.
import { forbidden } from '../../proto/index.js';
import type { KubeObject } from './strategy.js';

const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

/**
 * Upstream pkg/registry/core/namespace/storage Delete: a namespace with
 * spec.finalizers is only marked (deletionTimestamp, phase Terminating); the
 * namespace controller empties it and removes the finalizer, then it goes.
 */
export function holdNamespaceDeletion(namespace: KubeObject, now: string): KubeObject | undefined {
  const name = namespace.metadata?.name ?? '';
  // As upstream's NamespaceLifecycle admission: the namespaces a cluster needs may not be deleted.
  if (IMMORTAL_NAMESPACES.has(name)) throw forbidden({ group: '', resource: 'namespaces', name }, 'this namespace may not be deleted');
  const finalizers = (namespace.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
  if (finalizers.length === 0) return undefined;
  namespace.metadata ??= {};
  namespace.metadata.deletionTimestamp ??= now;
  namespace.metadata.deletionGracePeriodSeconds ??= 0;
  namespace.status = { ...(namespace.status as object | undefined), phase: 'Terminating' };
  return namespace;
}

/**
 * Upstream pkg/registry/core/pod strategy CheckGracefulDelete: a pod on a
 * node gets the grace period asked for, else its
 * terminationGracePeriodSeconds (30 by default), and its kubelet removes it;
 * a pod never scheduled, or already finished, goes at once.
 */
export function podGracePeriod(pod: KubeObject, requested: number | undefined): number {
  const spec = (pod.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (pod.status as { phase?: string } | undefined)?.phase;
  if (!spec.nodeName || phase === 'Failed' || phase === 'Succeeded') return 0;
  const grace = requested ?? spec.terminationGracePeriodSeconds ?? 30;
  // As upstream: a negative grace period means "the shortest", 1 second.
  return grace < 0 ? 1 : grace;
}
