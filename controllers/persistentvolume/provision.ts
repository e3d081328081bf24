// The simulated provisioner's decision (as upstream's external provisioners,
// sig-storage-lib-external-provisioner controller.go shouldProvision and
// provisionClaimOperation): a claim the binder has handed to this provisioner
// (the volume.kubernetes.io/storage-provisioner annotation) and that is not
// bound yet gets a volume `pvc-<claim uid>` pre-bound to it, of the claim's
// size and access modes and the class's reclaim policy, on a hostPath under
// /var/lib/kubelab/pv. The binder then binds the two. Pure.
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { EventAction, Plan } from '../runtime/plan.js';
import { ANN_BETA_STORAGE_PROVISIONER, ANN_PROVISIONED_BY, ANN_STORAGE_PROVISIONER, claimClass } from './matching.js';
import { claimReference } from './plan.js';

/** The provisioner name kubelab's simulated volumes answer to (a StorageClass's `provisioner`). */
export const SIMULATED_PROVISIONER = 'kubelab.dev/simulated';
/** Where the simulated volumes say they live. */
export const SIMULATED_VOLUME_ROOT = '/var/lib/kubelab/pv';

export interface ProvisionInput {
  readonly claim: PersistentVolumeClaim;
  readonly classes: readonly StorageClass[];
  /** Whether a volume of the claim's name for it (`pvc-<uid>`) exists already. */
  readonly volumeExists: (name: string) => boolean;
  readonly provisioner: string;
}

export const provisionedVolumeName = (claim: PersistentVolumeClaim): string => `pvc-${claim.metadata?.uid ?? ''}`;

/** upstream shouldProvision: unbound, handed to this provisioner, of one of its classes, and not provisioned yet. */
function shouldProvision({ claim, classes, volumeExists, provisioner }: ProvisionInput): StorageClass | undefined {
  if (claim.spec?.volumeName || claim.metadata?.deletionTimestamp || !claim.metadata?.uid) return undefined;
  const annotations = claim.metadata.annotations ?? {};
  if ((annotations[ANN_STORAGE_PROVISIONER] ?? annotations[ANN_BETA_STORAGE_PROVISIONER]) !== provisioner) return undefined;
  const storageClass = classes.find((c) => c.metadata?.name === claimClass(claim));
  if (storageClass?.provisioner !== provisioner || volumeExists(provisionedVolumeName(claim))) return undefined;
  return storageClass;
}

/** The volume to create, with the event before it; `succeeded` is recorded once the create is done. */
export interface Provisioning {
  readonly plan: Plan;
  readonly succeeded: EventAction;
}

export function planProvision(input: ProvisionInput): Provisioning | undefined {
  const storageClass = shouldProvision(input);
  if (!storageClass) return undefined;
  const { claim, provisioner } = input;
  const name = provisionedVolumeName(claim);
  const volume: PersistentVolume = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, annotations: { [ANN_PROVISIONED_BY]: provisioner } },
    spec: {
      capacity: { storage: claim.spec?.resources?.requests?.storage ?? '0' },
      accessModes: claim.spec?.accessModes,
      persistentVolumeReclaimPolicy: storageClass.reclaimPolicy ?? 'Delete',
      storageClassName: storageClass.metadata?.name,
      volumeMode: claim.spec?.volumeMode ?? 'Filesystem',
      ...(storageClass.mountOptions ? { mountOptions: storageClass.mountOptions } : {}),
      hostPath: { path: `${SIMULATED_VOLUME_ROOT}/${name}`, type: 'DirectoryOrCreate' },
      claimRef: claimReference(claim),
    },
  };
  const regarding = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: claim.metadata?.namespace, name: claim.metadata?.name ?? '', uid: claim.metadata?.uid };
  const provisioning: EventAction = { regarding, type: 'Normal', reason: 'Provisioning', message: `External provisioner is provisioning volume for claim "${claim.metadata?.namespace}/${claim.metadata?.name}"` };
  return {
    plan: { events: [provisioning], creates: [{ kind: 'PersistentVolume', object: volume as CreateObject, reason: 'provision' }], patches: [], deletes: [] },
    succeeded: { regarding, type: 'Normal', reason: 'ProvisioningSucceeded', message: `Successfully provisioned volume ${name}` },
  };
}

type CreateObject = { readonly metadata?: object } & Record<string, unknown>;
