// What the DaemonSet decisions read (one DaemonSet, the nodes, its pods by
// node) and what they answer (nodes needing a pod, pods to delete), with the
// update strategy's numbers (upstream util.SurgeCount, UnavailableCount,
// AllowsSurge and intstr.GetScaledValueFromIntOrPercent).
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { EventAction, EventSubject } from '../runtime/plan.js';
import type { BackoffEntry } from './failed-pod-backoff.js';
import { isTerminal, isTerminating } from '../runtime/pod-readiness.js';
import { targetNodeName } from './placement.js';

export interface DaemonSetState {
  readonly ds: DaemonSet;
  readonly nodes: readonly Node[];
  /** The DaemonSet's pods by target node (podsByTargetNode), terminating ones included. */
  readonly podsByNode: ReadonlyMap<string, readonly Pod[]>;
  /** The current revision's controller-revision-hash. */
  readonly hash: string;
  readonly now: number;
  /** The failed-pod back-off entries, by failedPodsBackoffKey. */
  readonly backoff: ReadonlyMap<string, BackoffEntry>;
}

/** What manage or a rolling update step decides (upstream's arguments to syncNodes). */
export interface NodeActions {
  readonly nodesNeedingPods: string[];
  readonly podsToDelete: Pod[];
  readonly events: EventAction[];
  /** Back-off entries to write. */
  readonly backoff: Map<string, BackoffEntry>;
  readonly requeueAfterMs?: number;
}

export const dsSubject = (ds: DaemonSet): EventSubject => ({
  apiVersion: 'apps/v1',
  kind: 'DaemonSet',
  namespace: ds.metadata?.namespace,
  name: ds.metadata?.name ?? '',
  uid: ds.metadata?.uid,
});

export class InvalidIntOrPercent extends Error {
  constructor(value: unknown) {
    super(`invalid value for IntOrString: invalid type: string is not a percentage: ${JSON.stringify(value)}`);
    this.name = 'InvalidIntOrPercent';
  }
}

/** upstream intstr.GetScaledValueFromIntOrPercent: an int as is, `N%` of total rounded up or down. */
export function scaledValue(value: number | string | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const match = /^(-?\d+)%$/.exec(value);
  if (!match) throw new InvalidIntOrPercent(value);
  const scaled = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

const rollingUpdateOf = (ds: DaemonSet) => (ds.spec?.updateStrategy?.type === 'RollingUpdate' ? ds.spec.updateStrategy.rollingUpdate : undefined);

/** upstream util.SurgeCount: maxSurge of the desired count, rounded up; 0 unless RollingUpdate. */
export function surgeCount(ds: DaemonSet, desired: number): number {
  return scaledValue(rollingUpdateOf(ds)?.maxSurge, desired, true);
}

/** upstream util.UnavailableCount: maxUnavailable of the desired count, rounded up; 0 unless RollingUpdate. */
export function unavailableCount(ds: DaemonSet, desired: number): number {
  return scaledValue(rollingUpdateOf(ds)?.maxUnavailable, desired, true);
}

/** upstream util.AllowsSurge */
export function allowsSurge(ds: DaemonSet): boolean {
  try {
    return surgeCount(ds, 1) !== 0;
  } catch {
    return false;
  }
}

/**
 * upstream getNodesToDaemonPods: the pods by the node they are for (bound or
 * pinned by affinity); pods for no node are left out, and so, unless
 * `includeDeletedTerminal`, are finished pods already being deleted.
 */
export function podsByTargetNode(pods: readonly Pod[], includeDeletedTerminal = false): Map<string, Pod[]> {
  const byNode = new Map<string, Pod[]>();
  for (const pod of pods) {
    if (!includeDeletedTerminal && isTerminal(pod) && isTerminating(pod)) continue;
    const nodeName = targetNodeName(pod);
    if (nodeName === undefined) continue;
    const list = byNode.get(nodeName);
    if (list) list.push(pod);
    else byNode.set(nodeName, [pod]);
  }
  return byNode;
}
