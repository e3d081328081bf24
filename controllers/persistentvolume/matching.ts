// Which volume a claim binds to (upstream pkg/controller/volume/persistentvolume
// index.go findBestMatchForClaim and
// component-helpers/storage/volume FindMatchingVolume, CheckAccessModes,
// IsVolumeBoundToClaim). Pure.
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import { selectorFromLabelSelector } from '../../proto/index.js';
import { parseQuantity } from '../scheduler/quantity.js';

export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';

const storageOf = (resources: Record<string, string | number> | undefined) => parseQuantity(resources?.storage) ?? 0;
export const requestedStorage = (claim: PersistentVolumeClaim): number => storageOf(claim.spec?.resources?.requests);
export const volumeStorage = (volume: PersistentVolume): number => storageOf(volume.spec?.capacity);

/** upstream GetPersistentVolumeClaimClass / GetPersistentVolumeClass: the beta annotation, then the field; "" is no class. */
export const claimClass = (claim: PersistentVolumeClaim): string =>
  claim.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? claim.spec?.storageClassName ?? '';
export const volumeClass = (volume: PersistentVolume): string =>
  volume.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? volume.spec?.storageClassName ?? '';

/** upstream IsVolumeBoundToClaim: the claimRef names the claim, and its uid if it has one. */
export function isVolumeBoundToClaim(volume: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const ref = volume.spec?.claimRef;
  if (!ref || ref.name !== claim.metadata?.name || (ref.namespace ?? '') !== (claim.metadata?.namespace ?? '')) return false;
  return !ref.uid || ref.uid === claim.metadata?.uid;
}

/** upstream CheckAccessModes: the volume offers every mode the claim asks for. */
export function offersAccessModes(volume: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const offered = new Set(volume.spec?.accessModes ?? []);
  return (claim.spec?.accessModes ?? []).every((mode) => offered.has(mode));
}

const volumeModeMismatch = (volume: PersistentVolume, claim: PersistentVolumeClaim) =>
  (volume.spec?.volumeMode ?? 'Filesystem') !== (claim.spec?.volumeMode ?? 'Filesystem');

/**
 * upstream checkVolumeSatisfyClaim, for a claim that names its volume: the
 * reason it cannot bind, or undefined.
 */
export function volumeMismatch(volume: PersistentVolume, claim: PersistentVolumeClaim): string | undefined {
  if (volumeStorage(volume) < requestedStorage(claim)) return 'requested PV is too small';
  if (volumeClass(volume) !== claimClass(claim)) return 'storageClassName does not match';
  if (volumeModeMismatch(volume, claim)) return 'incompatible volumeMode';
  return undefined;
}

/**
 * upstream findBestMatchForClaim: a volume already bound to the claim (by the
 * provisioner, or pre-bound by hand) if one fits; else, of the Available
 * unclaimed volumes of the claim's class whose labels match its selector and
 * which offer its access modes and size, the one with the fewest access modes,
 * then the smallest (the index walks access-mode sets from the smallest; ties
 * by name here, where upstream takes its cache's order).
 */
export function findBestMatchForClaim(claim: PersistentVolumeClaim, volumes: readonly PersistentVolume[]): PersistentVolume | undefined {
  const requested = requestedStorage(claim);
  const selector = claim.spec?.selector ? selectorFromLabelSelector(claim.spec.selector) : undefined;
  let best: PersistentVolume | undefined;
  const rank = (v: PersistentVolume): [number, number, string] => [v.spec?.accessModes?.length ?? 0, volumeStorage(v), v.metadata?.name ?? ''];
  const before = (a: PersistentVolume, b: PersistentVolume) => {
    const [x, y] = [rank(a), rank(b)];
    return x[0] !== y[0] ? x[0] < y[0] : x[1] !== y[1] ? x[1] < y[1] : x[2] < y[2];
  };
  for (const volume of volumes) {
    if (volumeStorage(volume) < requested || volumeModeMismatch(volume, claim) || volume.metadata?.deletionTimestamp) continue;
    if (isVolumeBoundToClaim(volume, claim)) return volume;
    if (volume.status?.phase !== 'Available' || volume.spec?.claimRef) continue;
    if (selector && !selector.matches(volume.metadata?.labels)) continue;
    if (volumeClass(volume) !== claimClass(claim) || !offersAccessModes(volume, claim)) continue;
    if (!best || before(volume, best)) best = volume;
  }
  return best;
}
