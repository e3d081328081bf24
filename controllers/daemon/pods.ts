// Daemon pods as upstream's DaemonSet controller reads and makes them
// (pkg/controller/daemon/util
// IsPodUpdated, CreatePodTemplate, GetTemplateGeneration;
// pkg/controller/controller_utils.go GetPodFromTemplate).
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { podFromTemplate } from '../runtime/pod-template.js';
import { parseTime } from '../runtime/time.js';
import { daemonPodTolerations, pinnedToNode } from './placement.js';

/** upstream apps.DefaultDaemonSetUniqueLabelKey */
export const REVISION_HASH_LABEL = 'controller-revision-hash';
/** upstream extensions.DaemonSetTemplateGenerationKey */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
/** Where apps/v1 keeps the template generation (apiserver/registry/workloads.ts sets it). */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

/** upstream util.GetTemplateGeneration: the annotation, or undefined when absent or not a number. */
export function templateGeneration(ds: DaemonSet): number | undefined {
  const value = ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  if (value === undefined || !/^-?\d+$/.test(value)) return undefined;
  return Number(value);
}

/** upstream util.IsPodUpdated: the current revision's hash, or (older pods) the current template generation. */
export function isPodUpdated(pod: Pod, hash: string, generation: number | undefined): boolean {
  const labels = pod.metadata?.labels ?? {};
  const templateMatches = generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === String(generation);
  const hashMatches = hash.length > 0 && labels[REVISION_HASH_LABEL] === hash;
  return hashMatches || templateMatches;
}

/** upstream podByCreationTimestampAndPhase: bound pods first, then oldest, then by name. */
export function compareByCreationAndPhase(a: Pod, b: Pod): number {
  const boundA = Boolean(a.spec?.nodeName);
  const boundB = Boolean(b.spec?.nodeName);
  if (boundA !== boundB) return boundA ? -1 : 1;
  const ta = parseTime(a.metadata?.creationTimestamp) ?? 0;
  const tb = parseTime(b.metadata?.creationTimestamp) ?? 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata?.name ?? '';
  const nb = b.metadata?.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** upstream metav1.NewControllerRef(ds, apps/v1 DaemonSet). */
export function controllerRefTo(ds: DaemonSet) {
  return { apiVersion: 'apps/v1', kind: 'DaemonSet', name: ds.metadata?.name ?? '', uid: ds.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
}

/**
 * The pod to create for `nodeName` (upstream CreatePodTemplate, then
 * GetPodFromTemplate): the template's labels plus pod-template-generation
 * and controller-revision-hash, the daemon tolerations, the DaemonSet as
 * controller, and required node affinity naming the node. No nodeName: the
 * scheduler binds it.
 */
export function newDaemonPod(ds: DaemonSet, nodeName: string, hash: string): Pod {
  const pod = podFromTemplate(ds.spec?.template, ds.metadata?.namespace, controllerRefTo(ds));
  const generation = templateGeneration(ds);
  const labels = pod.metadata!.labels!;
  if (generation !== undefined) labels[TEMPLATE_GENERATION_LABEL] = String(generation);
  if (hash) labels[REVISION_HASH_LABEL] = hash;
  const spec = pod.spec!;
  return { ...pod, spec: { ...spec, tolerations: daemonPodTolerations(spec), affinity: pinnedToNode(spec.affinity, nodeName) } };
}
