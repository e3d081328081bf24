// The PersistentVolume binder's decisions (upstream
// pkg/controller/volume/persistentvolume/pv_controller.go syncClaim,
// syncUnboundClaim, syncBoundClaim, syncVolume, bind, unbindVolume,
// reclaimVolume). One claim or one volume per call; the caches in, a Plan
// out. No I/O; `now` is passed in.
import type { ObjectReference, PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { EventAction, EventSubject, PatchAction, Plan } from '../runtime/plan.js';
import { metaTime } from '../runtime/time.js';
import {
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  ANN_PROVISIONED_BY,
  ANN_STORAGE_PROVISIONER,
  claimClass,
  findBestMatchForClaim,
  isVolumeBoundToClaim,
  volumeMismatch,
} from './matching.js';

/** How often an unbound claim is looked at again although nothing changed (upstream's 15 s resync). */
export const UNBOUND_CLAIM_RESYNC_MS = 15_000;

const claimSubject = (claim: PersistentVolumeClaim): EventSubject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  namespace: claim.metadata?.namespace,
  name: claim.metadata?.name ?? '',
  uid: claim.metadata?.uid,
});
const volumeSubject = (volume: PersistentVolume): EventSubject => ({ apiVersion: 'v1', kind: 'PersistentVolume', name: volume.metadata?.name ?? '', uid: volume.metadata?.uid });

/** The claimRef a volume bound to `claim` carries (upstream GetReference). */
export function claimReference(claim: PersistentVolumeClaim): ObjectReference {
  const { namespace, name, uid, resourceVersion } = claim.metadata ?? {};
  return { kind: 'PersistentVolumeClaim', namespace, name, uid, apiVersion: 'v1', resourceVersion };
}

function volumePhase(volume: PersistentVolume, phase: string, now: number): PatchAction[] {
  if (volume.status?.phase === phase) return [];
  const status = { phase, lastPhaseTransitionTime: metaTime(now) };
  return [{ kind: 'PersistentVolume', name: volume.metadata?.name ?? '', subresource: 'status', patchType: 'merge', patch: { status }, reason: `volume ${phase}` }];
}

function claimPhase(claim: PersistentVolumeClaim, phase: string, volume?: PersistentVolume): PatchAction[] {
  const status = volume ? { phase, accessModes: volume.spec?.accessModes, capacity: volume.spec?.capacity } : { phase };
  const current = claim.status ?? {};
  const same = current.phase === phase && (!volume || JSON.stringify([current.accessModes, current.capacity]) === JSON.stringify([status.accessModes, status.capacity]));
  if (same) return [];
  const { namespace, name = '' } = claim.metadata ?? {};
  return [{ kind: 'PersistentVolumeClaim', namespace, name, subresource: 'status', patchType: 'merge', patch: { status }, reason: `claim ${phase}` }];
}

/**
 * upstream bind: the volume's claimRef (bound-by-controller when the
 * controller chose the volume) and phase, then the claim's volumeName,
 * annotations and status. The volume's patch carries its resourceVersion,
 * so a stale cache that offers one volume to two claims loses a Conflict.
 */
export function bindPlan(volume: PersistentVolume, claim: PersistentVolumeClaim, now: number): PatchAction[] {
  const patches: PatchAction[] = [];
  const volumeName = volume.metadata?.name ?? '';
  const ref = volume.spec?.claimRef;
  if (!ref || ref.uid !== claim.metadata?.uid) {
    const annotations = ref ? {} : { [ANN_BOUND_BY_CONTROLLER]: 'yes' };
    const patch = { metadata: { resourceVersion: volume.metadata?.resourceVersion, annotations }, spec: { claimRef: claimReference(claim) } };
    patches.push({ kind: 'PersistentVolume', name: volumeName, patchType: 'merge', patch, reason: 'bind volume to claim' });
  }
  patches.push(...volumePhase(volume, 'Bound', now));
  const annotations = claim.metadata?.annotations ?? {};
  const claimAnnotations: Record<string, string> = {};
  if (annotations[ANN_BIND_COMPLETED] !== 'yes') claimAnnotations[ANN_BIND_COMPLETED] = 'yes';
  if (!claim.spec?.volumeName && annotations[ANN_BOUND_BY_CONTROLLER] !== 'yes') claimAnnotations[ANN_BOUND_BY_CONTROLLER] = 'yes';
  if (claim.spec?.volumeName !== volumeName || Object.keys(claimAnnotations).length > 0) {
    const { namespace, name = '' } = claim.metadata ?? {};
    const patch = { metadata: { annotations: claimAnnotations }, spec: { volumeName } };
    patches.push({ kind: 'PersistentVolumeClaim', namespace, name, patchType: 'merge', patch, reason: 'bind claim to volume' });
  }
  patches.push(...claimPhase(claim, 'Bound', volume));
  return patches;
}

export interface ClaimInput {
  readonly claim: PersistentVolumeClaim;
  readonly volumes: readonly PersistentVolume[];
  readonly classes: readonly StorageClass[];
  readonly now: number;
}

const event = (claim: PersistentVolumeClaim, type: 'Normal' | 'Warning', reason: string, message: string): EventAction => ({ regarding: claimSubject(claim), type, reason, message });

/** upstream syncClaim: an unbound claim finds a volume or waits; a bound one keeps its volume. */
export function planClaim(input: ClaimInput): Plan {
  const { claim } = input;
  if (claim.metadata?.deletionTimestamp) return { events: [], patches: [], deletes: [] };
  if (claim.metadata?.annotations?.[ANN_BIND_COMPLETED]) return planBoundClaim(input);
  return claim.spec?.volumeName ? planPreBoundClaim(input) : planUnboundClaim(input);
}

/** upstream syncUnboundClaim without volumeName: bind the best match, or say why the claim waits. */
function planUnboundClaim({ claim, volumes, classes, now }: ClaimInput): Plan {
  const volume = findBestMatchForClaim(claim, volumes);
  if (volume) return { events: [], patches: bindPlan(volume, claim, now), deletes: [] };
  const pending = claimPhase(claim, 'Pending');
  const wait = (events: EventAction[], patches: PatchAction[] = []): Plan => ({ events, patches: [...patches, ...pending], deletes: [], requeueAfterMs: UNBOUND_CLAIM_RESYNC_MS });
  const className = claimClass(claim);
  if (className === '') return wait([event(claim, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set')]);
  const storageClass = classes.find((c) => c.metadata?.name === className);
  if (!storageClass) return wait([event(claim, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`)]);
  if (storageClass.volumeBindingMode === 'WaitForFirstConsumer') {
    return wait([event(claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding')]);
  }
  // upstream provisionClaimOperationExternal: name the provisioner on the claim, then wait for its volume.
  const provisioner = storageClass.provisioner;
  const annotations = claim.metadata?.annotations ?? {};
  const patches: PatchAction[] = [];
  if (annotations[ANN_STORAGE_PROVISIONER] !== provisioner || annotations[ANN_BETA_STORAGE_PROVISIONER] !== provisioner) {
    const { namespace, name = '' } = claim.metadata ?? {};
    const patch = { metadata: { annotations: { [ANN_STORAGE_PROVISIONER]: provisioner, [ANN_BETA_STORAGE_PROVISIONER]: provisioner } } };
    patches.push({ kind: 'PersistentVolumeClaim', namespace, name, patchType: 'merge', patch, reason: 'name the provisioner' });
  }
  const message = `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`;
  return wait([event(claim, 'Normal', 'ExternalProvisioning', message)], patches);
}

/** upstream syncUnboundClaim with volumeName: the claim asked for one volume by name. */
function planPreBoundClaim({ claim, volumes, now }: ClaimInput): Plan {
  const pending: Plan = { events: [], patches: claimPhase(claim, 'Pending'), deletes: [], requeueAfterMs: UNBOUND_CLAIM_RESYNC_MS };
  const volume = volumes.find((v) => v.metadata?.name === claim.spec?.volumeName);
  if (!volume) return pending;
  if (!volume.spec?.claimRef) {
    const mismatch = volumeMismatch(volume, claim);
    if (mismatch) return { ...pending, events: [event(claim, 'Warning', 'VolumeMismatch', `Cannot bind to requested volume "${volume.metadata?.name}": ${mismatch}`)] };
    return { events: [], patches: bindPlan(volume, claim, now), deletes: [] };
  }
  if (isVolumeBoundToClaim(volume, claim)) return { events: [], patches: bindPlan(volume, claim, now), deletes: [] };
  if (claim.metadata?.annotations?.[ANN_BOUND_BY_CONTROLLER]) return pending;
  return { ...pending, events: [event(claim, 'Warning', 'FailedBinding', `volume "${volume.metadata?.name}" already bound to a different claim.`)] };
}

/** upstream syncBoundClaim: a bound claim whose volume is gone or taken is Lost. */
function planBoundClaim({ claim, volumes, now }: ClaimInput): Plan {
  const lost = (message: string): Plan => ({ events: claim.status?.phase === 'Lost' ? [] : [event(claim, 'Warning', 'ClaimLost', message)], patches: claimPhase(claim, 'Lost'), deletes: [] });
  if (!claim.spec?.volumeName) return lost('Bound claim has lost its PersistentVolume. Data on the volume is lost!');
  const volume = volumes.find((v) => v.metadata?.name === claim.spec?.volumeName);
  if (!volume) return lost('Bound claim has lost reference to PersistentVolume. Data on the volume is lost!');
  const ref = volume.spec?.claimRef;
  if (!ref || ref.uid === claim.metadata?.uid) return { events: [], patches: bindPlan(volume, claim, now), deletes: [] };
  return { events: [event(claim, 'Warning', 'ClaimMisbound', 'Two claims are bound to the same volume, this one is bound incorrectly')], patches: claimPhase(claim, 'Lost'), deletes: [] };
}

export interface VolumeInput {
  readonly volume: PersistentVolume;
  /** The claim its claimRef names, if it exists (looked up live when the cache lacks it). */
  readonly claim: PersistentVolumeClaim | undefined;
  readonly now: number;
}

/** upstream unbindVolume: the controller's binding is undone; a binding made by hand keeps the claim's name. */
function unbindPlan(volume: PersistentVolume, now: number): PatchAction[] {
  const name = volume.metadata?.name ?? '';
  const byController = volume.metadata?.annotations?.[ANN_BOUND_BY_CONTROLLER] !== undefined;
  const patch = byController
    ? { metadata: { resourceVersion: volume.metadata?.resourceVersion, annotations: { [ANN_BOUND_BY_CONTROLLER]: null } }, spec: { claimRef: null } }
    : { metadata: { resourceVersion: volume.metadata?.resourceVersion }, spec: { claimRef: { uid: null } } };
  const available = { kind: 'PersistentVolume' as const, name, subresource: 'status' as const, patchType: 'merge' as const, patch: { status: { phase: 'Available', lastPhaseTransitionTime: metaTime(now) } }, reason: 'unbound' };
  return [{ kind: 'PersistentVolume', name, patchType: 'merge', patch, reason: 'unbind' }, available];
}

/** upstream reclaimVolume: what the volume's reclaim policy does once its claim is gone. */
function reclaimPlan(volume: PersistentVolume, now: number): Plan {
  const name = volume.metadata?.name ?? '';
  const released = volume.status?.phase === 'Failed' ? [] : volumePhase(volume, 'Released', now);
  switch (volume.spec?.persistentVolumeReclaimPolicy ?? 'Retain') {
    case 'Recycle':
      // upstream runs a recycler pod that empties the volume; a simulated volume has nothing to empty.
      return { events: [{ regarding: volumeSubject(volume), type: 'Normal', reason: 'VolumeRecycled', message: 'Volume recycled' }], patches: unbindPlan(volume, now), deletes: [] };
    case 'Delete': {
      const uid = volume.metadata?.uid;
      return { events: [], patches: released, deletes: [{ kind: 'PersistentVolume', name, ...(uid ? { preconditions: { uid } } : {}), reason: 'reclaim policy Delete' }] };
    }
    default:
      return { events: [], patches: released, deletes: [] };
  }
}

/** upstream syncVolume. */
export function planVolume({ volume, claim, now }: VolumeInput): Plan {
  const none: Plan = { events: [], patches: [], deletes: [] };
  if (volume.metadata?.deletionTimestamp) return none;
  const ref = volume.spec?.claimRef;
  if (!ref || !ref.uid) return { ...none, patches: volumePhase(volume, 'Available', now) };
  if (!claim || claim.metadata?.uid !== ref.uid) return reclaimPlan(volume, now);
  // The claim's sync finishes a binding it has not completed yet.
  if (!claim.spec?.volumeName) return none;
  if (claim.spec.volumeName === volume.metadata?.name) return { ...none, patches: volumePhase(volume, 'Bound', now) };
  // The claim is bound to another volume.
  const annotations = volume.metadata?.annotations ?? {};
  if (annotations[ANN_PROVISIONED_BY] && volume.spec?.persistentVolumeReclaimPolicy === 'Delete') return reclaimPlan(volume, now);
  if (annotations[ANN_BOUND_BY_CONTROLLER] !== undefined) return { ...none, patches: unbindPlan(volume, now) };
  return none;
}
