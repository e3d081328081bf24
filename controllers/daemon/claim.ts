// Which objects a DaemonSet controls (upstream controller_ref_manager.go
// ClaimObject, AdoptPod, ReleasePod): its own that still match its selector;
// orphans that match are adopted, its own that stop matching are released;
// what another controller owns is never touched. The patches carry the
// object's uid, so they fail on an object deleted and made again meanwhile.
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import type { PatchAction } from '../runtime/plan.js';
import type { KindName } from '../runtime/plan.js';
import { controllerRefTo } from './pods.js';

interface Claimable {
  metadata?: { name?: string; namespace?: string; uid?: string; labels?: Record<string, string>; ownerReferences?: OwnerReference[]; deletionTimestamp?: string };
}

export interface Claim<T> {
  /** Owned and matching, plus those to adopt (upstream counts a successful adoption as owned). */
  readonly owned: T[];
  readonly adopt: T[];
  readonly release: T[];
}

const controllerOf = (object: Claimable) => object.metadata?.ownerReferences?.find((r) => r.controller);

export function claimObjects<T extends Claimable>(ds: Pick<DaemonSet, 'metadata'>, objects: readonly T[], matches: (labels: Record<string, string>) => boolean): Claim<T> {
  const claim: Claim<T> = { owned: [], adopt: [], release: [] };
  const dsDeleting = Boolean(ds.metadata?.deletionTimestamp);
  for (const object of objects) {
    if (object.metadata?.namespace !== ds.metadata?.namespace) continue;
    const selected = matches(object.metadata?.labels ?? {});
    const ref = controllerOf(object);
    if (ref) {
      if (ref.uid !== ds.metadata?.uid) continue;
      if (selected) claim.owned.push(object);
      else if (!dsDeleting) claim.release.push(object);
      continue;
    }
    if (dsDeleting || !selected || object.metadata?.deletionTimestamp) continue;
    claim.adopt.push(object);
    claim.owned.push(object);
  }
  return claim;
}

/** upstream ownerRefControllerPatch: the DaemonSet becomes the controller, if the uid is still this object's. */
export function adoptPatch(kind: KindName, ds: DaemonSet, object: Claimable): PatchAction {
  const patch = { metadata: { ownerReferences: [controllerRefTo(ds)], uid: object.metadata?.uid } };
  return { kind, namespace: object.metadata?.namespace, name: object.metadata?.name ?? '', patchType: 'strategic', patch, reason: 'adopt' };
}

/** upstream GenerateDeleteOwnerRefStrategicMergeBytes: the DaemonSet's reference removed. */
export function releasePatch(kind: KindName, ds: DaemonSet, object: Claimable): PatchAction {
  const patch = { metadata: { ownerReferences: [{ $patch: 'delete', uid: ds.metadata?.uid }], uid: object.metadata?.uid } };
  return { kind, namespace: object.metadata?.namespace, name: object.metadata?.name ?? '', patchType: 'strategic', patch, reason: 'release' };
}
