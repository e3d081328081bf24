// The taint eviction controller's decision for the pods of one node
// (upstream pkg/controller/tainteviction/taint_eviction.go,
// processPodOnNode and handleNodeUpdate): a pod that does not tolerate one
// of the node's NoExecute taints is deleted at once; one that tolerates them
// all for a while (tolerationSeconds) is deleted when the shortest of those
// runs out, timed from when this controller first saw it tainted; one that
// tolerates them for ever stays. When the taints go before the time is up,
// the eviction is cancelled. Pods already terminating are left alone.
import type { Node, Pod, Taint } from 'kubernetes-types/core/v1.js';
import type { DeleteAction, EventAction, PatchAction, Plan } from '../runtime/plan.js';
import { metaTime } from '../runtime/time.js';
import { matchingTolerations, minTolerationMs } from './tolerations.js';

/**
 * What the controller remembers of a pod on a tainted node (upstream's
 * TimedWorkerQueue entry): an eviction scheduled (`since` it was scheduled,
 * `fireAt` when it fires), or done (the pod was deleted, the cache may not
 * show it yet).
 */
export type PodEviction = { readonly since: number; readonly fireAt: number } | { readonly evicted: true };

export interface TaintEvictionInput {
  readonly nodeName: string;
  readonly node: Node | undefined;
  /** The pods bound to the node. */
  readonly pods: readonly Pod[];
  /** By pod key (`namespace/name`), for the pods of this node. */
  readonly evictions: ReadonlyMap<string, PodEviction>;
  readonly now: number;
}

export interface TaintEvictionDecision {
  readonly plan: Plan;
  /** What to remember for this node's pods once the plan is applied. */
  readonly evictions: Map<string, PodEviction>;
}

const podKey = (pod: Pod) => `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;

function podEvent(key: string, message: string): EventAction {
  const [namespace, name] = key.split('/') as [string, string];
  // upstream emitPodDeletionEvent: a reference without uid.
  return { regarding: { apiVersion: 'v1', kind: 'Pod', namespace, name }, type: 'Normal', reason: 'TaintManagerEviction', message };
}

export function noExecuteTaints(node: Node | undefined): Taint[] {
  return (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');
}

export function planTaintEviction(input: TaintEvictionInput): TaintEvictionDecision {
  const { nodeName, now } = input;
  const taints = noExecuteTaints(input.node);
  const events: EventAction[] = [];
  const patches: PatchAction[] = [];
  const deletes: DeleteAction[] = [];
  const evictions = new Map<string, PodEviction>();
  let requeueAfterMs: number | undefined;
  const cancel = (key: string) => {
    const scheduled = input.evictions.get(key);
    if (scheduled && 'since' in scheduled) events.push(podEvent(key, `Cancelling deletion of Pod ${key}`));
  };
  const evict = (pod: Pod, key: string) => {
    events.push(podEvent(key, `Marking for deletion Pod ${key}`));
    const { namespace, name } = pod.metadata ?? {};
    // upstream addConditionAndDeletePod: DisruptionTarget first, then delete.
    if (!pod.status?.conditions?.some((c) => c.type === 'DisruptionTarget' && c.status === 'True')) {
      const condition = { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint', lastTransitionTime: metaTime(now) };
      patches.push({ kind: 'Pod', namespace, name: name ?? '', subresource: 'status', patchType: 'strategic', patch: { status: { conditions: [condition] } }, reason: 'taint eviction' });
    }
    deletes.push({ kind: 'Pod', namespace, name: name ?? '', reason: 'taint eviction' });
    evictions.set(key, { evicted: true });
  };

  const present = new Set<string>();
  for (const pod of input.pods) {
    if (pod.spec?.nodeName !== nodeName) continue;
    const key = podKey(pod);
    present.add(key);
    if (pod.metadata?.deletionTimestamp) continue;
    const remembered = input.evictions.get(key);
    if (remembered && 'evicted' in remembered) {
      evictions.set(key, remembered);
      continue;
    }
    if (!input.node || taints.length === 0) {
      if (input.node) cancel(key);
      continue;
    }
    const { allTolerated, used } = matchingTolerations(taints, pod.spec?.tolerations ?? []);
    if (!allTolerated) {
      cancel(key);
      evict(pod, key);
      continue;
    }
    const tolerationMs = minTolerationMs(used);
    if (tolerationMs === Infinity) {
      cancel(key);
      continue;
    }
    // An eviction already scheduled keeps its time, as upstream's processPodOnNode.
    const scheduled = remembered ?? { since: now, fireAt: now + tolerationMs };
    if (now >= scheduled.fireAt) {
      evict(pod, key);
    } else {
      evictions.set(key, scheduled);
      requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, scheduled.fireAt - now);
    }
  }
  // A pod gone (deleted by someone else) with an eviction pending: cancelled, as upstream handlePodUpdate.
  for (const key of input.evictions.keys()) if (!present.has(key) && input.node) cancel(key);
  return { plan: { events, patches, deletes, requeueAfterMs }, evictions };
}
