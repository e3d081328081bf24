// The pod garbage collector's decisions (upstream
// pkg/controller/podgc/gc_controller.go: gcOrphaned,
// gcUnscheduledTerminating, markFailedAndDeletePodWithCondition). A pod
// bound to a Node the cache no longer has is put in quarantine; once the
// quarantine is over and a live lookup confirms the Node is gone, the pod is
// marked Failed with a DisruptionTarget condition and force-deleted (grace
// 0): no kubelet is left to end it. A pod never scheduled but being deleted
// is force-deleted too. No I/O; `now` is passed in.
import type { Pod, PodCondition } from 'kubernetes-types/core/v1.js';
import type { DeleteAction, PatchAction, Plan } from '../runtime/plan.js';
import { metaTime } from '../runtime/time.js';

export interface QuarantineInput {
  readonly pods: readonly Pod[];
  /** The Nodes the cache has. */
  readonly nodeNames: ReadonlySet<string>;
  /** Since when each missing Node has been missing (what the last sync answered). */
  readonly missingSince: ReadonlyMap<string, number>;
  readonly now: number;
  readonly quarantineMs: number;
}

export interface Quarantine {
  /** To remember for the next sync. */
  readonly missingSince: Map<string, number>;
  /** Missing for the whole quarantine: to be looked up live. */
  readonly due: string[];
  /** When the next quarantine ends, if one runs. */
  readonly requeueAfterMs?: number;
}

/** Upstream gcOrphaned's first half: nodes named by pods but absent from the cache wait out the quarantine (nodeQueue.AddAfter). */
export function planQuarantine(input: QuarantineInput): Quarantine {
  const missingSince = new Map<string, number>();
  for (const pod of input.pods) {
    const node = pod.spec?.nodeName;
    if (!node || input.nodeNames.has(node) || missingSince.has(node)) continue;
    missingSince.set(node, input.missingSince.get(node) ?? input.now);
  }
  const due: string[] = [];
  let requeueAfterMs: number | undefined;
  for (const [node, since] of missingSince) {
    const left = since + input.quarantineMs - input.now;
    if (left <= 0) due.push(node);
    else requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, left);
  }
  return { missingSince, due: due.sort(), requeueAfterMs };
}

const podKey = (pod: Pod) => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;

/**
 * Upstream gcOrphaned's second half and gcUnscheduledTerminating: the pods
 * of the Nodes confirmed gone, and unscheduled pods being deleted.
 */
export function planPodGC(pods: readonly Pod[], absentNodes: ReadonlySet<string>, now: number): Plan {
  const patches: PatchAction[] = [];
  const deletes: DeleteAction[] = [];
  const forceDelete = (pod: Pod, condition: PodCondition | undefined, reason: string) => {
    const { namespace, name = '', uid } = pod.metadata ?? {};
    const phase = pod.status?.phase;
    // As upstream: a pod not yet terminal is marked Failed first, since no kubelet will.
    if (phase !== 'Succeeded' && phase !== 'Failed') {
      const status = { phase: 'Failed', ...(condition ? { conditions: [condition] } : {}) };
      patches.push({ kind: 'Pod', namespace, name, subresource: 'status', patchType: 'strategic', patch: { status }, reason });
    }
    deletes.push({ kind: 'Pod', namespace, name, gracePeriodSeconds: 0, ...(uid ? { preconditions: { uid } } : {}), reason });
  };
  const collected = pods.filter((pod) => (pod.spec?.nodeName ? absentNodes.has(pod.spec.nodeName) : pod.metadata?.deletionTimestamp !== undefined));
  for (const pod of collected.sort((a, b) => (podKey(a) < podKey(b) ? -1 : 1))) {
    const node = pod.spec?.nodeName;
    if (node && absentNodes.has(node)) {
      const condition = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists', lastTransitionTime: metaTime(now) };
      forceDelete(pod, condition, `node ${node} no longer exists`);
    } else if (!node && pod.metadata?.deletionTimestamp) {
      forceDelete(pod, undefined, 'unscheduled and terminating');
    }
  }
  return { events: [], patches, deletes };
}
