// Who owns a StatefulSet pod's claims under persistentVolumeClaimRetentionPolicy
// (upstream stateful_set_utils.go updateClaimOwnerRefForSetAndPod, setOwnerRef,
// removeOwnerRef; StatefulSetAutoDeletePVC is on by default in 1.32): a claim
// to delete with the set names the set as an owner, a claim to delete on
// scale-down names its pod once the pod is out of range; the garbage
// collector does the deleting. The references are plain owners (no
// controller), as upstream.
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { PatchAction } from '../runtime/plan.js';
import { inOrdinalRange } from './identity.js';

interface Owner {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
}

const setOwner = (set: StatefulSet): Owner => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', name: set.metadata?.name ?? '', uid: set.metadata?.uid ?? '' });
const podOwner = (pod: Pod): Owner => ({ apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' });

/** The retention policy with upstream's defaults (Retain, Retain). */
export function retentionPolicy(set: StatefulSet): { whenDeleted: string; whenScaled: string } {
  const policy = set.spec?.persistentVolumeClaimRetentionPolicy;
  return { whenDeleted: policy?.whenDeleted ?? 'Retain', whenScaled: policy?.whenScaled ?? 'Retain' };
}

/**
 * upstream updateClaimOwnerRefForSetAndPod: the claim's ownerReferences as
 * the policy wants them, other owners kept. A pod not yet created (no uid)
 * is never named.
 */
export function claimOwnerReferences(claim: PersistentVolumeClaim, set: StatefulSet, pod: Pod, ordinal: number): OwnerReference[] {
  let refs = [...(claim.metadata?.ownerReferences ?? [])];
  const add = (owner: Owner) => {
    if (!owner.uid || refs.some((r) => r.uid === owner.uid)) return;
    // upstream setOwnerRef replaces a stale reference of the same kind and name.
    refs = refs.filter((r) => !(r.kind === owner.kind && r.name === owner.name));
    refs.push({ ...owner });
  };
  const remove = (owner: Owner) => {
    refs = refs.filter((r) => !(r.kind === owner.kind && r.name === owner.name && (!owner.uid || r.uid === owner.uid)));
  };
  const { whenDeleted, whenScaled } = retentionPolicy(set);
  const scaledDown = !inOrdinalRange(set, ordinal);
  const set_ = setOwner(set);
  const pod_ = podOwner(pod);
  if (whenScaled === 'Delete' && whenDeleted === 'Delete') {
    if (scaledDown) {
      remove(set_);
      add(pod_);
    } else {
      add(set_);
      remove(pod_);
    }
  } else if (whenScaled === 'Delete') {
    remove(set_);
    if (scaledDown) add(pod_);
    else remove(pod_);
  } else if (whenDeleted === 'Delete') {
    add(set_);
    remove(pod_);
  } else {
    // Retain, Retain (and, as upstream, any unknown policy).
    remove(set_);
    remove(pod_);
  }
  return refs;
}

const refsKey = (refs: readonly OwnerReference[] | undefined) => JSON.stringify((refs ?? []).map((r) => [r.kind, r.name, r.uid]));

/** upstream UpdatePodClaimForRetentionPolicy: a patch for each existing claim whose owners are not as the policy wants. */
export function claimRetentionPatches(set: StatefulSet, pod: Pod, ordinal: number, claims: readonly PersistentVolumeClaim[]): PatchAction[] {
  const patches: PatchAction[] = [];
  for (const claim of claims) {
    if (claim.metadata?.deletionTimestamp) continue;
    const wanted = claimOwnerReferences(claim, set, pod, ordinal);
    if (refsKey(wanted) === refsKey(claim.metadata?.ownerReferences)) continue;
    const patch = { metadata: { ownerReferences: wanted.length > 0 ? wanted : null, resourceVersion: claim.metadata?.resourceVersion } };
    patches.push({ kind: 'PersistentVolumeClaim', namespace: claim.metadata?.namespace, name: claim.metadata?.name ?? '', patchType: 'merge', patch, reason: 'retention policy' });
  }
  return patches;
}
