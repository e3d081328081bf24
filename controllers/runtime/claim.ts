// Which objects a controller controls (upstream controller_ref_manager.go
// ClaimObject, AdoptPod, ReleasePod), for every workload controller: its own
// that still match its selector; orphans that match are adopted, its own that
// stop matching are released; what another controller owns is never touched.
// The patches carry the object's uid, so they fail on an object deleted and
// made again meanwhile.
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { KindName, PatchAction } from './plan.js';

interface Claimable {
  metadata?: { name?: string; namespace?: string; uid?: string; labels?: Record<string, string>; ownerReferences?: OwnerReference[]; deletionTimestamp?: string };
}

/** The claiming controller: only its metadata matters. */
type Owner = { metadata?: { namespace?: string; uid?: string; deletionTimestamp?: string } };

export interface Claim<T> {
  /** Owned and matching, plus those to adopt (upstream counts a successful adoption as owned). */
  readonly owned: T[];
  readonly adopt: T[];
  readonly release: T[];
}

export const controllerRefOf = (object: Claimable): OwnerReference | undefined => object.metadata?.ownerReferences?.find((r) => r.controller);

export function claimObjects<T extends Claimable>(owner: Owner, objects: readonly T[], matches: (labels: Record<string, string>) => boolean): Claim<T> {
  const claim: Claim<T> = { owned: [], adopt: [], release: [] };
  const ownerDeleting = Boolean(owner.metadata?.deletionTimestamp);
  for (const object of objects) {
    if (object.metadata?.namespace !== owner.metadata?.namespace) continue;
    const selected = matches(object.metadata?.labels ?? {});
    const ref = controllerRefOf(object);
    if (ref) {
      if (ref.uid !== owner.metadata?.uid) continue;
      if (selected) claim.owned.push(object);
      else if (!ownerDeleting) claim.release.push(object);
      continue;
    }
    if (ownerDeleting || !selected || object.metadata?.deletionTimestamp) continue;
    claim.adopt.push(object);
    claim.owned.push(object);
  }
  return claim;
}

/** upstream ownerRefControllerPatch: `controllerRef` becomes the controller, if the uid is still this object's. */
export function adoptPatch(kind: KindName, controllerRef: OwnerReference, object: Claimable): PatchAction {
  const patch = { metadata: { ownerReferences: [controllerRef], uid: object.metadata?.uid } };
  return { kind, namespace: object.metadata?.namespace, name: object.metadata?.name ?? '', patchType: 'strategic', patch, reason: 'adopt' };
}

/** upstream GenerateDeleteOwnerRefStrategicMergeBytes: the reference to the owner `ownerUid` removed. */
export function releasePatch(kind: KindName, ownerUid: string | undefined, object: Claimable): PatchAction {
  const patch = { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid: object.metadata?.uid } };
  return { kind, namespace: object.metadata?.namespace, name: object.metadata?.name ?? '', patchType: 'strategic', patch, reason: 'release' };
}
