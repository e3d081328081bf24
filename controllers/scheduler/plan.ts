// The scheduler's decision for one pod (upstream pkg/scheduler
// schedule_one.go with the default plugins): filter the nodes, score the
// feasible ones, pick the best; or say why none fits, in upstream's words.
// Pure: the controller hands it the pod and its NodeInfos.
import type { Pod, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { preferredNodeAffinityWeight, requiredNodeAffinityMatches } from '../scheduling/node-affinity.js';
import { findUntoleratedTaint, schedulingEffects, taintText, toleratesTaint } from '../scheduling/taints.js';
import type { EventAction, PatchAction, Plan } from '../runtime/plan.js';
import { metaTime } from '../runtime/time.js';
import type { NodeInfo, PodUsage } from './node-info.js';

/** Why a node was filtered out: its reasons, and whether evicting pods could ever help (upstream Unschedulable vs UnschedulableAndUnresolvable). */
export interface FilterFailure {
  readonly reasons: readonly string[];
  readonly resolvable: boolean;
}

export const REASON = {
  unschedulable: 'node(s) were unschedulable',
  nodeName: "node(s) didn't match the requested node name",
  nodeAffinity: "node(s) didn't match Pod's node affinity/selector",
  ports: "node(s) didn't have free ports for the requested pod ports",
  tooManyPods: 'Too many pods',
  cpu: 'Insufficient cpu',
  memory: 'Insufficient memory',
} as const;

const UNSCHEDULABLE_TAINT: Taint = { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' };

const unresolvable = (reason: string): FilterFailure => ({ reasons: [reason], resolvable: false });

/**
 * The default filter plugins in upstream's order (NodeUnschedulable,
 * NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit); the
 * first that fails decides, as upstream's RunFilterPlugins.
 */
export function filterNode(pod: Pod, usage: PodUsage, info: NodeInfo): FilterFailure | undefined {
  const node = info.node;
  const tolerations = pod.spec?.tolerations ?? [];
  if (node.spec?.unschedulable && !tolerations.some((t) => toleratesTaint(t, UNSCHEDULABLE_TAINT))) return unresolvable(REASON.unschedulable);
  if (pod.spec?.nodeName && pod.spec.nodeName !== info.name) return unresolvable(REASON.nodeName);
  const taint = findUntoleratedTaint(node.spec?.taints, tolerations, schedulingEffects);
  if (taint) return unresolvable(`node(s) had untolerated taint ${taintText(taint)}`);
  if (!requiredNodeAffinityMatches(pod, node)) return unresolvable(REASON.nodeAffinity);
  if (usage.hostPorts.some((port) => portTaken(port, info.hostPorts))) return { reasons: [REASON.ports], resolvable: true };
  const reasons = insufficientResources(usage, info);
  return reasons.length > 0 ? { reasons, resolvable: true } : undefined;
}

/** upstream HostPortInfo.CheckConflict: same protocol and port, and the same IP or either on 0.0.0.0. */
function portTaken(wanted: string, used: ReadonlyMap<string, number>): boolean {
  const [protocol, ip, port] = wanted.split('/');
  for (const key of used.keys()) {
    const [p, i, n] = key.split('/');
    if (p === protocol && n === port && (i === ip || i === '0.0.0.0' || ip === '0.0.0.0')) return true;
  }
  return false;
}

/** upstream fitsRequest: the pod count first, then cpu and memory requested beyond what is left. */
export function insufficientResources(usage: PodUsage, info: NodeInfo): string[] {
  const reasons: string[] = [];
  if (info.pods + 1 > info.allocatable.pods) reasons.push(REASON.tooManyPods);
  const { milliCpu, memory } = usage.requests;
  if (milliCpu > 0 && milliCpu > info.allocatable.milliCpu - info.requested.milliCpu) reasons.push(REASON.cpu);
  if (memory > 0 && memory > info.allocatable.memory - info.requested.memory) reasons.push(REASON.memory);
  return reasons;
}

/**
 * upstream NodeAffinity PreFilter: when every required term names nodes by
 * `matchFields metadata.name In`, only those nodes are candidates (how a
 * DaemonSet pod, made for one node, is scheduled without looking at the
 * others). undefined: every node is.
 */
export function candidateNodeNames(pod: Pod): Set<string> | undefined {
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return undefined;
  const names = new Set<string>();
  for (const term of terms) {
    let termNames: Set<string> | undefined;
    for (const requirement of term.matchFields ?? []) {
      if (requirement.key !== 'metadata.name' || requirement.operator !== 'In') continue;
      const values = new Set(requirement.values ?? []);
      termNames = termNames ? new Set([...termNames].filter((n) => values.has(n))) : values;
    }
    if (!termNames) return undefined; // this term may match any node: the terms are ORed
    for (const name of termNames) names.add(name);
  }
  return names;
}

/**
 * upstream numFeasibleNodesToFind with the default percentageOfNodesToScore:
 * all of a small cluster; of a large one, 50% less 1% per 125 nodes, at
 * least 5% and at least 100 nodes.
 */
export function feasibleNodesToFind(nodes: number): number {
  if (nodes < 100) return nodes;
  const percentage = Math.max(5, 50 - Math.floor(nodes / 125));
  return Math.max(100, Math.floor((nodes * percentage) / 100));
}

// --- scores ------------------------------------------------------------------

const MAX_NODE_SCORE = 100;
/** upstream's default score plugin weights (v1.32 getDefaultPlugins). */
export const SCORE_WEIGHTS = { taintToleration: 3, nodeAffinity: 2, leastAllocated: 1, balancedAllocation: 1 } as const;

/** NodeResourcesFit's LeastAllocated (cpu and memory, weight 1 each): the share left free after this pod, 0-100. */
export function leastAllocatedScore(usage: PodUsage, info: NodeInfo): number {
  const free = (requested: number, allocatable: number) => (allocatable === 0 || requested > allocatable ? 0 : ((allocatable - requested) * MAX_NODE_SCORE) / allocatable);
  const cpu = free(info.nonZeroRequested.milliCpu + usage.nonZero.milliCpu, info.allocatable.milliCpu);
  const memory = free(info.nonZeroRequested.memory + usage.nonZero.memory, info.allocatable.memory);
  return Math.floor((Math.floor(cpu) + Math.floor(memory)) / 2);
}

/** NodeResourcesBalancedAllocation: 100 when cpu and memory are as used as each other, (1 - their standard deviation) x 100. */
export function balancedAllocationScore(usage: PodUsage, info: NodeInfo): number {
  const fraction = (requested: number, allocatable: number) => (allocatable === 0 ? 1 : Math.min(1, requested / allocatable));
  const cpu = fraction(info.requested.milliCpu + usage.requests.milliCpu, info.allocatable.milliCpu);
  const memory = fraction(info.requested.memory + usage.requests.memory, info.allocatable.memory);
  const std = Math.abs(cpu - memory) / 2;
  return Math.floor((1 - std) * MAX_NODE_SCORE);
}

/** TaintToleration's raw score: PreferNoSchedule taints the pod does not tolerate (fewer is better). */
export function intolerablePreferNoSchedule(tolerations: readonly Toleration[], info: NodeInfo): number {
  const preferred = tolerations.filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  return (info.node.spec?.taints ?? []).filter((taint) => taint.effect === 'PreferNoSchedule' && !preferred.some((t) => toleratesTaint(t, taint))).length;
}

/** upstream DefaultNormalizeScore: scaled so the highest is 100 (reversed: the lowest is 100); all 0s stay 0s (reversed: 100s). */
function normalize(raw: readonly number[], reverse: boolean): number[] {
  const max = Math.max(0, ...raw);
  return raw.map((score) => {
    if (max === 0) return reverse ? MAX_NODE_SCORE : 0;
    const scaled = Math.floor((MAX_NODE_SCORE * score) / max);
    return reverse ? MAX_NODE_SCORE - scaled : scaled;
  });
}

/** Every feasible node's total score, weighted as upstream's default profile. */
export function scoreNodes(pod: Pod, usage: PodUsage, feasible: readonly NodeInfo[]): number[] {
  const tolerations = pod.spec?.tolerations ?? [];
  const taints = normalize(feasible.map((info) => intolerablePreferNoSchedule(tolerations, info)), true);
  const affinity = normalize(feasible.map((info) => preferredNodeAffinityWeight(pod, info.node)), false);
  return feasible.map(
    (info, i) =>
      SCORE_WEIGHTS.taintToleration * taints[i]! +
      SCORE_WEIGHTS.nodeAffinity * affinity[i]! +
      SCORE_WEIGHTS.leastAllocated * leastAllocatedScore(usage, info) +
      SCORE_WEIGHTS.balancedAllocation * balancedAllocationScore(usage, info),
  );
}

/** upstream selectHost: the highest score, ties broken at random (reservoir sampling). */
export function selectHost(scores: readonly number[], random: () => number): number {
  let best = -1;
  let ties = 0;
  for (let i = 0; i < scores.length; i++) {
    if (best < 0 || scores[i]! > scores[best]!) {
      best = i;
      ties = 1;
    } else if (scores[i] === scores[best]) {
      ties++;
      if (random() * ties < 1) best = i;
    }
  }
  return best;
}

// --- the decision ----------------------------------------------------------------

export type Decision = { readonly nodeName: string } | { readonly unschedulable: string };

export interface ScheduleInput {
  readonly pod: Pod;
  readonly usage: PodUsage;
  /** Every node the scheduler knows, in a stable order. */
  readonly nodes: readonly NodeInfo[];
  /** Where the last search stopped (upstream nextStartNodeIndex). */
  readonly startIndex: number;
  readonly random: () => number;
  /** Why a PreFilter (VolumeBinding) rejected the pod outright, if one did. */
  readonly preFilterRejection?: string;
}

/** The node for the pod, or the FailedScheduling message; `nextStartIndex` is where the next search begins. */
export function schedulePod(input: ScheduleInput): { decision: Decision; nextStartIndex: number } {
  const { pod, usage, nodes, random } = input;
  if (input.preFilterRejection !== undefined && nodes.length > 0) {
    return { decision: { unschedulable: preFilterFitErrorMessage(nodes.length, input.preFilterRejection) }, nextStartIndex: input.startIndex };
  }
  const candidates = candidateNodeNames(pod);
  const considered = candidates ? nodes.filter((n) => candidates.has(n.name)) : nodes;
  const failures: FilterFailure[] = [];
  // Nodes a PreFilter ruled out fail as the NodeAffinity filter would have.
  for (let i = considered.length; i < nodes.length; i++) failures.push(unresolvable(REASON.nodeAffinity));
  const wanted = feasibleNodesToFind(considered.length);
  const feasible: NodeInfo[] = [];
  const start = candidates || considered.length === 0 ? 0 : input.startIndex % considered.length;
  let visited = 0;
  for (; visited < considered.length && feasible.length < wanted; visited++) {
    const info = considered[(start + visited) % considered.length]!;
    const failure = filterNode(pod, usage, info);
    if (failure) failures.push(failure);
    else feasible.push(info);
  }
  const nextStartIndex = candidates ? input.startIndex : (start + visited) % Math.max(1, considered.length);
  if (feasible.length === 0) return { decision: { unschedulable: fitErrorMessage(nodes.length, failures) }, nextStartIndex };
  if (feasible.length === 1) return { decision: { nodeName: feasible[0]!.name }, nextStartIndex };
  const best = selectHost(scoreNodes(pod, usage, feasible), random);
  return { decision: { nodeName: feasible[best]!.name }, nextStartIndex };
}

/** upstream's sorted reason histogram: `2 node(s) ...` strings, sorted as strings. */
function histogram(reasons: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  return [...counts]
    .map(([reason, count]) => `${count} ${reason}`)
    .sort()
    .join(', ');
}

/**
 * upstream FitError.Error() with DefaultPreemption's PostFilter message:
 * `0/3 nodes are available: <reasons>. preemption: 0/3 nodes are available:
 * <why preemption cannot help>.` Every pod here has the same priority, so
 * evicting pods never makes room: nodes failing for a resolvable reason find
 * "No preemption victims found for incoming pod." (whose own period upstream
 * keeps, hence the `..`), the others "Preemption is not helpful for scheduling".
 */
export function fitErrorMessage(nodeCount: number, failures: readonly FilterFailure[]): string {
  const head = `0/${nodeCount} nodes are available`;
  if (nodeCount === 0) return `no nodes available to schedule pods`;
  const filterMessage = histogram(failures.flatMap((f) => f.reasons));
  const preemption = histogram(failures.map((f) => (f.resolvable ? 'No preemption victims found for incoming pod.' : 'Preemption is not helpful for scheduling')));
  return `${head}: ${filterMessage}. preemption: ${head}: ${preemption}.`;
}

/**
 * upstream FitError.Error() when a PreFilter rejected the pod: its message
 * stands for the nodes' reasons, and (UnschedulableAndUnresolvable) no
 * preemption can help on any node.
 */
export function preFilterFitErrorMessage(nodeCount: number, message: string): string {
  const head = `0/${nodeCount} nodes are available`;
  return `${head}: ${message}. preemption: ${head}: ${nodeCount} Preemption is not helpful for scheduling.`;
}

/**
 * What the scheduler writes when no node fits (upstream handleSchedulingFailure):
 * a FailedScheduling event at every attempt (the recorder aggregates them),
 * and the PodScheduled=False condition with the same message, only when it
 * says something new.
 */
export function unschedulablePlan(pod: Pod, message: string, now: number): Plan {
  const { namespace = '', name = '', uid } = pod.metadata ?? {};
  const event: EventAction = { regarding: { apiVersion: 'v1', kind: 'Pod', namespace, name, uid }, type: 'Warning', reason: 'FailedScheduling', message };
  const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
  if (current?.status === 'False' && current.reason === 'Unschedulable' && current.message === message) return { events: [event], patches: [], deletes: [] };
  const condition = { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null, lastTransitionTime: metaTime(now) };
  const patch: PatchAction = { kind: 'Pod', namespace, name, subresource: 'status', patchType: 'strategic', patch: { status: { conditions: [condition] } }, reason: 'unschedulable' };
  return { events: [event], patches: [patch], deletes: [] };
}
