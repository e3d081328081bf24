// A StatefulSet pod's stable identity and storage (upstream
// pkg/controller/statefulset/stateful_set_utils.go: getPodName,
// getOrdinal, initIdentity, updateStorage, getPersistentVolumeClaims,
// identityMatches, storageMatches, newStatefulSetPod).
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim, Pod, Volume } from 'kubernetes-types/core/v1.js';

/** upstream apps.StatefulSetPodNameLabel */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
/** upstream apps.PodIndexLabel (PodIndexLabel is on by default in 1.32) */
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
/** upstream apps.StatefulSetRevisionLabel: the pod's revision, the ControllerRevision's full name. */
export const REVISION_LABEL = 'controller-revision-hash';

const setName = (set: StatefulSet) => set.metadata?.name ?? '';

/** upstream getPodName */
export const podName = (set: StatefulSet, ordinal: number): string => `${setName(set)}-${ordinal}`;

/** upstream getParentNameAndOrdinal: the ordinal of `<set>-<n>`, or -1 for a name that is not one. */
export function ordinalOf(set: StatefulSet, pod: Pod): number {
  const name = pod.metadata?.name ?? '';
  const prefix = `${setName(set)}-`;
  if (!name.startsWith(prefix)) return -1;
  const digits = name.slice(prefix.length);
  return /^(0|[1-9]\d*)$/.test(digits) ? Number(digits) : -1;
}

/** upstream getStartOrdinal (spec.ordinals.start, StatefulSetStartOrdinal is on in 1.32). */
export const startOrdinal = (set: StatefulSet): number => set.spec?.ordinals?.start ?? 0;
export const replicaCount = (set: StatefulSet): number => set.spec?.replicas ?? 1;
/** upstream podInOrdinalRange */
export const inOrdinalRange = (set: StatefulSet, ordinal: number): boolean => ordinal >= startOrdinal(set) && ordinal < startOrdinal(set) + replicaCount(set);

/** upstream getPersistentVolumeClaimName */
export const claimName = (set: StatefulSet, template: string, ordinal: number): string => `${template}-${setName(set)}-${ordinal}`;

/** upstream metav1.NewControllerRef(set, apps/v1 StatefulSet). */
export function controllerRefTo(set: StatefulSet) {
  return { apiVersion: 'apps/v1', kind: 'StatefulSet', name: setName(set), uid: set.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/**
 * upstream getPersistentVolumeClaims: one claim per volumeClaimTemplate,
 * in template order, labelled with the template's labels and the set's
 * selector matchLabels.
 */
export function claimsFor(set: StatefulSet, ordinal: number): { volume: string; claim: PersistentVolumeClaim }[] {
  const matchLabels = set.spec?.selector?.matchLabels ?? {};
  return (set.spec?.volumeClaimTemplates ?? []).map((template) => {
    const { status: _status, ...copy } = structuredClone(template);
    const volume = template.metadata?.name ?? '';
    const metadata = { ...copy.metadata, name: claimName(set, volume, ordinal), namespace: set.metadata?.namespace, labels: { ...copy.metadata?.labels, ...matchLabels } };
    const claim: PersistentVolumeClaim = { ...copy, apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata };
    return { volume, claim };
  });
}

/** upstream updateStorage: the claim volumes first, then the pod's other volumes. */
export function volumesWithClaims(set: StatefulSet, ordinal: number, current: readonly Volume[]): Volume[] {
  const claims = claimsFor(set, ordinal);
  const names = new Set(claims.map((c) => c.volume));
  const claimVolumes: Volume[] = claims.map(({ volume, claim }) => ({ name: volume, persistentVolumeClaim: { claimName: claim.metadata?.name ?? '' } }));
  return [...claimVolumes, ...current.filter((v) => !names.has(v.name))];
}

/** upstream identityMatches */
export function identityMatches(set: StatefulSet, pod: Pod, ordinal: number): boolean {
  const labels = pod.metadata?.labels ?? {};
  return (
    pod.metadata?.name === podName(set, ordinal) &&
    pod.metadata?.namespace === set.metadata?.namespace &&
    labels[POD_NAME_LABEL] === pod.metadata?.name &&
    labels[POD_INDEX_LABEL] === String(ordinal)
  );
}

/** upstream storageMatches: every claim template has its volume, pointing at the right claim. */
export function storageMatches(set: StatefulSet, pod: Pod, ordinal: number): boolean {
  const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  return claimsFor(set, ordinal).every(({ volume, claim }) => volumes.get(volume)?.persistentVolumeClaim?.claimName === claim.metadata?.name);
}

/**
 * upstream newStatefulSetPod then setPodRevision: the template's pod
 * (controller.GetPodFromTemplate) named `<set>-<ordinal>`, with hostname and
 * subdomain (initIdentity), the identity labels, the revision label and the
 * claim volumes (updateStorage). No nodeName: the scheduler binds it.
 */
export function newStatefulSetPod(set: StatefulSet, ordinal: number, revision: string): Pod {
  const template = structuredClone(set.spec?.template ?? {});
  const name = podName(set, ordinal);
  const spec = template.spec ?? { containers: [] };
  const labels: Record<string, string> = { ...template.metadata?.labels, [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) };
  const volumes = volumesWithClaims(set, ordinal, spec.volumes ?? []);
  if (revision) labels[REVISION_LABEL] = revision;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata?.namespace,
      labels,
      ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
      ...(template.metadata?.finalizers ? { finalizers: template.metadata.finalizers } : {}),
      ownerReferences: [controllerRefTo(set)],
    },
    spec: {
      ...spec,
      hostname: name,
      ...(set.spec?.serviceName ? { subdomain: set.spec.serviceName } : {}),
      ...(volumes.length > 0 ? { volumes } : {}),
    },
  };
}

/** upstream getPodRevision */
export const podRevision = (pod: Pod): string => pod.metadata?.labels?.[REVISION_LABEL] ?? '';
