// Deletion rules particular to a kind, on top of the generic ones in rest.ts.
import { forbidden } from '../../proto/index.js';
import type { GarbageCollectionPolicy, KubeObject } from './strategy.js';

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

/** The finalizers the garbage collector acts on (metav1.FinalizerOrphanDependents, FinalizerDeleteDependents). */
export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

/** What a DELETE asks about dependents (metav1.DeleteOptions). */
export interface PropagationOptions {
  readonly propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  readonly orphanDependents?: boolean;
}

/**
 * Upstream store.go shouldOrphanDependents: an explicit option wins, then a
 * garbage-collector finalizer already on the object, then the kind's default.
 */
function shouldOrphanDependents(finalizers: readonly string[], options: PropagationOptions, policy: GarbageCollectionPolicy): boolean {
  if (policy === 'Unsupported') return false;
  if (options.orphanDependents !== undefined) return options.orphanDependents;
  if (options.propagationPolicy !== undefined) return options.propagationPolicy === 'Orphan';
  for (const f of finalizers) {
    if (f === ORPHAN_FINALIZER) return true;
    if (f === FOREGROUND_FINALIZER) return false;
  }
  return policy === 'OrphanDependents';
}

/** Upstream store.go shouldDeleteDependents: Foreground only when asked, or already so. */
function shouldDeleteDependents(finalizers: readonly string[], options: PropagationOptions, policy: GarbageCollectionPolicy): boolean {
  if (policy === 'Unsupported') return false;
  if (options.orphanDependents !== undefined) return false;
  if (options.propagationPolicy !== undefined) return options.propagationPolicy === 'Foreground';
  for (const f of finalizers) {
    if (f === FOREGROUND_FINALIZER) return true;
    if (f === ORPHAN_FINALIZER) return false;
  }
  return false;
}

/**
 * Upstream store.go deletionFinalizersForGarbageCollection: the object's
 * finalizers with the garbage collector's two replaced by what this delete
 * asks for. A second delete may switch the policy (Orphan to Background
 * drops `orphan`), as upstream allows while no grace period runs.
 * The same set in another order counts as unchanged.
 */
export function finalizersForGarbageCollection(finalizers: readonly string[], options: PropagationOptions, policy: GarbageCollectionPolicy): string[] {
  const next = finalizers.filter((f) => f !== ORPHAN_FINALIZER && f !== FOREGROUND_FINALIZER);
  if (shouldOrphanDependents(finalizers, options, policy)) next.push(ORPHAN_FINALIZER);
  if (shouldDeleteDependents(finalizers, options, policy)) next.push(FOREGROUND_FINALIZER);
  const same = next.length === new Set(finalizers).size && next.every((f) => finalizers.includes(f));
  return same ? [...finalizers] : next;
}

/**
 * The kinds whose old versions orphaned by default, as upstream's strategies
 * (DaemonSet: extensions/v1beta1 and apps/v1beta2; StatefulSet: apps/v1beta1
 * and apps/v1beta2; ReplicationController: v1): "for back compatibility".
 */
export function orphanByDefaultIn(...apiVersions: string[]): (apiVersion: string) => GarbageCollectionPolicy {
  return (apiVersion) => (apiVersions.includes(apiVersion) ? 'OrphanDependents' : 'DeleteDependents');
}

/** Upstream ShouldDeleteNamespaceDuringUpdate: a namespace goes only once its spec.finalizers are gone too. */
export function namespaceDeletableAfterUpdate(namespace: KubeObject): boolean {
  return ((namespace.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).length === 0;
}
