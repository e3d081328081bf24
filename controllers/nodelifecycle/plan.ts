// The node lifecycle controller's decision for one node (STYLE.md 4): the
// node, its Lease, its pods, what the controller remembers of it and the
// time in; the writes, the events, what to remember and when to look again
// out. Mirrors upstream monitorNodeHealth's per-node body and
// doNoScheduleTaintingPass (pkg/controller/nodelifecycle/node_lifecycle_controller.go).
//
// One write per sync: when the node's Ready condition has to become Unknown,
// that status write is all this sync does; the informer then delivers the
// updated node and the next sync derives the taints from it, as upstream
// taints from the conditions it observes, not the ones it is about to write.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { EventAction, PatchAction, Plan } from '../runtime/plan.js';
import { metaTime } from '../runtime/time.js';
import { conditionsMarkedUnknown, nodeCondition, observeNodeHealth, type HealthOptions, type NodeHealth } from './health.js';
import { nodeTaintsAfterSync, type NoExecuteTainting } from './taints.js';

export interface NodeLifecycleInput {
  readonly nodeName: string;
  /** The node in the cache; undefined once deleted. */
  readonly node: Node | undefined;
  /** kube-node-lease/<node>, if any. */
  readonly lease: Lease | undefined;
  /** The pods bound to the node. */
  readonly pods: readonly Pod[];
  /** What the controller remembered of the node; undefined: never seen by this controller. */
  readonly health: NodeHealth | undefined;
  readonly tainting: NoExecuteTainting;
  readonly now: number;
  readonly options: HealthOptions;
}

export interface NodeLifecycleDecision {
  readonly plan: Plan;
  /** What to remember; undefined: forget the node. */
  readonly health: NodeHealth | undefined;
}

const nodeSubject = (name: string, uid: string | undefined) => ({ apiVersion: 'v1', kind: 'Node', name, uid });

/** upstream RecordNodeEvent: `Node <name> event: <what>` */
function nodeEvent(name: string, uid: string | undefined, reason: string, what: string): EventAction {
  return { regarding: nodeSubject(name, uid), type: 'Normal', reason, message: `Node ${name} event: ${what}` };
}

export function planNodeLifecycle(input: NodeLifecycleInput): NodeLifecycleDecision {
  const { nodeName, node, health: saved, now } = input;
  if (!node) {
    if (!saved) return { plan: { events: [], patches: [], deletes: [] }, health: undefined };
    return { plan: { events: [nodeEvent(nodeName, saved.uid, 'RemovingNode', `Removing Node ${nodeName} from Controller`)], patches: [], deletes: [] }, health: undefined };
  }
  const events: EventAction[] = [];
  if (!saved) events.push(nodeEvent(nodeName, node.metadata?.uid, 'RegisteredNode', `Registered Node ${nodeName} in Controller`));
  const observed = observeNodeHealth(node, input.lease, saved, now, input.options);

  if (observed.expired) {
    const unknown = conditionsMarkedUnknown(node, now);
    if (unknown.some((c) => c.type === 'Ready')) {
      const patches: PatchAction[] = [
        {
          kind: 'Node',
          name: nodeName,
          subresource: 'status',
          patchType: 'strategic',
          patch: { metadata: { resourceVersion: node.metadata?.resourceVersion }, status: { conditions: unknown } },
          reason: 'kubelet stopped posting node status',
        },
      ];
      if (nodeCondition(node, 'Ready')?.status === 'True') {
        // upstream RecordNodeStatusChange and MarkPodsNotReady, once, on the Ready -> not Ready change it makes.
        events.push({ regarding: nodeSubject(nodeName, node.metadata?.uid), type: 'Normal', reason: 'NodeNotReady', message: `Node ${nodeName} status is now: NodeNotReady` });
        const notReady = podsMarkedNotReady(input.pods, nodeName, now);
        patches.push(...notReady.patches);
        events.push(...notReady.events);
      }
      return { plan: { events, patches, deletes: [] }, health: { ...observed.health, readyTransitionTimestamp: now } };
    }
  }

  const patches: PatchAction[] = [];
  const taints = nodeTaintsAfterSync(node, input.tainting, now);
  if (taints) {
    patches.push({
      kind: 'Node',
      name: nodeName,
      patchType: 'merge',
      patch: { metadata: { resourceVersion: node.metadata?.resourceVersion }, spec: { taints: taints.length > 0 ? taints : null } },
      reason: 'controller taints',
    });
  }
  return { plan: { events, patches, deletes: [], requeueAfterMs: observed.expired ? undefined : observed.msUntilExpiry + 1 }, health: observed.health };
}

/** upstream MarkPodsNotReady (pkg/controller/util/node): each pod's Ready condition to False, with a Warning on the pod. */
export function podsMarkedNotReady(pods: readonly Pod[], nodeName: string, now: number): { patches: PatchAction[]; events: EventAction[] } {
  const patches: PatchAction[] = [];
  const events: EventAction[] = [];
  for (const pod of pods) {
    if (pod.spec?.nodeName !== nodeName) continue;
    const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
    if (!ready || ready.status === 'False') continue;
    const { namespace, name, uid } = pod.metadata ?? {};
    patches.push({
      kind: 'Pod',
      namespace,
      name: name ?? '',
      subresource: 'status',
      patchType: 'strategic',
      patch: { status: { conditions: [{ ...ready, status: 'False', lastTransitionTime: metaTime(now) }] } },
      reason: 'node not ready',
    });
    events.push({ regarding: { apiVersion: 'v1', kind: 'Pod', namespace, name: name ?? '', uid }, type: 'Warning', reason: 'NodeNotReady', message: 'Node is not ready' });
  }
  return { patches, events };
}
