// The taints the node lifecycle controller owns, as upstream
// doNoScheduleTaintingPass and processTaintBaseEviction / markNodeAsReachable
// (pkg/controller/nodelifecycle/node_lifecycle_controller.go): NoSchedule
// taints mirror the node's conditions and spec.unschedulable; the NoExecute
// taint mirrors Ready (not-ready for False, unreachable for Unknown, none for
// True), and is what the taint eviction controller evicts pods for. Every
// taint added gets timeAdded, as SwapNodeControllerTaint does; other taints
// (a user's, the control plane's) are left as they are.
import type { Node, Taint } from 'kubernetes-types/core/v1.js';
import { metaTime } from '../runtime/time.js';
import { nodeCondition } from './health.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** upstream nodeConditionToTaintKeyStatusMap */
const CONDITION_TAINTS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: 'node.kubernetes.io/memory-pressure' },
  DiskPressure: { True: 'node.kubernetes.io/disk-pressure' },
  NetworkUnavailable: { True: 'node.kubernetes.io/network-unavailable' },
  PIDPressure: { True: 'node.kubernetes.io/pid-pressure' },
};

/** Keys of the NoSchedule taints this controller owns (upstream taintKeyToNodeConditionMap, plus unschedulable). */
const NO_SCHEDULE_KEYS = new Set([...Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)), TAINT_UNSCHEDULABLE]);
const NO_EXECUTE_KEYS = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE]);

/**
 * What may happen to the NoExecute taints, from the zone's disruption state
 * (disruption.ts): `add` normally; `keep` when evictions are rate-limited to
 * zero (existing taints stay and swap, none is added); `remove` when every
 * zone is fully disrupted (upstream takes them all off and stops evicting).
 */
export type NoExecuteTainting = 'add' | 'keep' | 'remove';

type TaintId = Pick<Taint, 'key' | 'effect'>;
const sameTaint = (a: TaintId, b: TaintId) => a.key === b.key && a.effect === b.effect;

/** The NoSchedule taints the node's conditions and spec call for (doNoScheduleTaintingPass). */
function wantedNoSchedule(node: Node): TaintId[] {
  const wanted: TaintId[] = [];
  for (const condition of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[condition.type]?.[condition.status];
    if (key) wanted.push({ key, effect: 'NoSchedule' });
  }
  if (node.spec?.unschedulable) wanted.push({ key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
  return wanted;
}

/** The NoExecute taint Ready calls for, if any; undefined Ready: none yet (the controller marks it Unknown first). */
function wantedNoExecute(node: Node, tainting: NoExecuteTainting): TaintId[] {
  if (tainting === 'remove') return [];
  const status = nodeCondition(node, 'Ready')?.status;
  const key = status === 'False' ? TAINT_NOT_READY : status === 'Unknown' ? TAINT_UNREACHABLE : undefined;
  if (!key) return [];
  const has = (k: string) => (node.spec?.taints ?? []).some((t) => t.key === k && t.effect === 'NoExecute');
  // Swapping not-ready and unreachable is instant upstream, whatever the rate limiter says.
  if (tainting === 'keep' && !has(TAINT_NOT_READY) && !has(TAINT_UNREACHABLE)) return [];
  return [{ key, effect: 'NoExecute' }];
}

/**
 * The node's taints after this controller's changes, or undefined if none is
 * needed. Kept taints keep their place and timeAdded; added ones go last.
 */
export function nodeTaintsAfterSync(node: Node, tainting: NoExecuteTainting, now: number): Taint[] | undefined {
  const current = node.spec?.taints ?? [];
  const wanted = [...wantedNoSchedule(node), ...wantedNoExecute(node, tainting)];
  const owned = (t: Taint) => (t.effect === 'NoSchedule' && NO_SCHEDULE_KEYS.has(t.key)) || (t.effect === 'NoExecute' && NO_EXECUTE_KEYS.has(t.key));
  const kept = current.filter((t) => !owned(t) || wanted.some((w) => sameTaint(w, t)));
  const added = wanted.filter((w) => !current.some((t) => sameTaint(w, t))).map((w) => ({ key: w.key, effect: w.effect, timeAdded: metaTime(now) }));
  if (added.length === 0 && kept.length === current.length) return undefined;
  return [...kept, ...added];
}
