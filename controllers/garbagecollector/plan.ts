// The garbage collector's decisions (upstream
// pkg/controller/garbagecollector/garbagecollector.go: attemptToDeleteItem,
// classifyReferences, processDeletingDependentsItem, orphanDependents,
// removeFinalizer), each a Plan made from the object as the API answered it
// a moment ago and what was found of its owners. No I/O, no clock.
import type { ObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1.js';
import { emptyPlan, type KindName, type PatchAction, type Plan } from '../runtime/plan.js';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER } from './graph.js';

export interface LiveObject {
  readonly metadata?: ObjectMeta;
}

/**
 * What an ownerReference leads to (upstream classifyReferences): an owner
 * that exists (solid), one gone or replaced by another of the same name
 * (dangling), or one being deleted in the foreground, waiting for its
 * dependents (waitingForDependentsDeletion).
 */
export type OwnerState = 'solid' | 'dangling' | 'waitingForDependentsDeletion';

/** Upstream isDangling and the foreground check: the owner as a live lookup found it (undefined: not found). */
export function classifyOwner(ref: OwnerReference, owner: LiveObject | undefined): OwnerState {
  if (!owner || owner.metadata?.uid !== ref.uid) return 'dangling';
  const meta = owner.metadata;
  if (meta.deletionTimestamp && (meta.finalizers ?? []).includes(FOREGROUND_FINALIZER)) return 'waitingForDependentsDeletion';
  return 'solid';
}

export interface AttemptToDeleteInput {
  readonly kind: KindName;
  /** The item as a live GET answered it (upstream's `latest`). */
  readonly latest: LiveObject;
  /** By owner uid, for each of latest's ownerReferences. */
  readonly owners: ReadonlyMap<string, OwnerState>;
  /** Whether the graph knows dependents of the item, and whether one of them is itself deleting its dependents. */
  readonly hasDependents: boolean;
  readonly aDependentIsDeletingDependents: boolean;
}

/**
 * Upstream attemptToDeleteItem, past its lookups: an item with an owner left
 * loses only its references to the gone and the waiting owners; one whose
 * owners are all gone or waiting is deleted: in the foreground when an owner
 * waits and the item has dependents of its own (so they go first), else
 * with the policy its own finalizers ask for, Background by default. Deletes
 * are guarded by uid and resourceVersion, as upstream's deleteObject.
 */
export function planAttemptToDelete(input: AttemptToDeleteInput): Plan {
  const meta = input.latest.metadata ?? {};
  const refs = meta.ownerReferences ?? [];
  if (refs.length === 0) return emptyPlan;
  const stateOf = (ref: OwnerReference) => input.owners.get(ref.uid) ?? 'solid';
  const solid = refs.filter((r) => stateOf(r) === 'solid');
  const waiting = refs.filter((r) => stateOf(r) === 'waitingForDependentsDeletion');
  const dangling = refs.filter((r) => stateOf(r) === 'dangling');
  const target = { kind: input.kind, namespace: meta.namespace, name: meta.name ?? '' };

  if (solid.length > 0) {
    if (dangling.length === 0 && waiting.length === 0) return emptyPlan;
    // As upstream: the waiting owners' references go too, or those owners would wait for ever.
    const gone = new Set([...dangling, ...waiting].map((r) => r.uid));
    return { ...emptyPlan, patches: [ownerReferencesPatch(input.kind, input.latest, refs.filter((r) => !gone.has(r.uid)), 'remove dangling owner references')] };
  }
  if (waiting.length > 0 && input.hasDependents) {
    const patches: PatchAction[] = [];
    if (input.aDependentIsDeletingDependents) {
      // Upstream's cycle guard: unblock this item's owners, then delete it in the foreground.
      patches.push(ownerReferencesPatch(input.kind, input.latest, refs.map((r) => ({ ...r, blockOwnerDeletion: false })), 'unblock owner references'));
    }
    const preconditions = patches.length > 0 ? { uid: meta.uid } : { uid: meta.uid, resourceVersion: meta.resourceVersion };
    return { ...emptyPlan, patches, deletes: [{ ...target, preconditions, propagationPolicy: 'Foreground', reason: 'owner deleting its dependents in the foreground' }] };
  }
  const finalizers = meta.finalizers ?? [];
  const propagationPolicy = finalizers.includes(ORPHAN_FINALIZER) ? 'Orphan' : finalizers.includes(FOREGROUND_FINALIZER) ? 'Foreground' : 'Background';
  return {
    ...emptyPlan,
    deletes: [{ ...target, preconditions: { uid: meta.uid, resourceVersion: meta.resourceVersion }, propagationPolicy, reason: 'all owners gone' }],
  };
}

/**
 * Upstream orphanDependents: each dependent (as the cache has it) loses its
 * references to the owner. A JSON merge patch carrying the resourceVersion,
 * as upstream's deleteOwnerRefJSONMergePatch: a stale cache is a conflict,
 * retried, never a lost write.
 */
export function planOrphanDependents(ownerUid: string, dependents: readonly { kind: KindName; object: LiveObject }[]): Plan {
  const patches = dependents.flatMap(({ kind, object }) => {
    const refs = object.metadata?.ownerReferences ?? [];
    if (!refs.some((r) => r.uid === ownerUid)) return [];
    return [ownerReferencesPatch(kind, object, refs.filter((r) => r.uid !== ownerUid), 'orphan')];
  });
  return { ...emptyPlan, patches };
}

/** Upstream removeFinalizer: the finalizers without `finalizer`, guarded by the resourceVersion read. */
export function planRemoveFinalizer(kind: KindName, latest: LiveObject, finalizer: string): Plan {
  const meta = latest.metadata ?? {};
  const finalizers = meta.finalizers ?? [];
  if (!finalizers.includes(finalizer)) return emptyPlan;
  const rest = finalizers.filter((f) => f !== finalizer);
  const patch = { metadata: { resourceVersion: meta.resourceVersion, finalizers: rest.length > 0 ? rest : null } };
  return { ...emptyPlan, patches: [{ kind, namespace: meta.namespace, name: meta.name ?? '', patchType: 'merge', patch, reason: `remove ${finalizer} finalizer` }] };
}

function ownerReferencesPatch(kind: KindName, object: LiveObject, refs: OwnerReference[], reason: string): PatchAction {
  const meta = object.metadata ?? {};
  const patch = { metadata: { resourceVersion: meta.resourceVersion, ownerReferences: refs.length > 0 ? refs : null } };
  return { kind, namespace: meta.namespace, name: meta.name ?? '', patchType: 'merge', patch, reason };
}
