// Which nodes run a daemon pod (upstream pkg/controller/daemon
// daemon_controller.go NodeShouldRunDaemonPod and predicates, and
// util/daemonset_util.go AddOrUpdateDaemonPodTolerations, GetTargetNodeName,
// ReplaceDaemonSetPodNodeNameNodeAffinity). Pure: a node and a DaemonSet in,
// an answer out.
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Affinity, Node, Pod, PodSpec, Toleration } from 'kubernetes-types/core/v1.js';
import { requiredNodeAffinityMatches } from '../scheduling/node-affinity.js';
import { findUntoleratedTaint, noExecuteOnly, schedulingEffects } from '../scheduling/taints.js';

const exists = (key: string, effect: 'NoExecute' | 'NoSchedule'): Toleration => ({ key, operator: 'Exists', effect });

/**
 * upstream AddOrUpdateDaemonPodTolerations: daemon pods survive node
 * problems (not-ready and unreachable NoExecute for ever) and are placed on
 * nodes under pressure or cordoned; with hostNetwork, also on a node whose
 * network is not set up yet.
 */
export function daemonPodTolerations(spec: Pick<PodSpec, 'tolerations' | 'hostNetwork'>): Toleration[] {
  const added = [
    exists('node.kubernetes.io/not-ready', 'NoExecute'),
    exists('node.kubernetes.io/unreachable', 'NoExecute'),
    exists('node.kubernetes.io/disk-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/memory-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/pid-pressure', 'NoSchedule'),
    exists('node.kubernetes.io/unschedulable', 'NoSchedule'),
    ...(spec.hostNetwork ? [exists('node.kubernetes.io/network-unavailable', 'NoSchedule')] : []),
  ];
  let tolerations = [...(spec.tolerations ?? [])];
  for (const toleration of added) tolerations = addOrUpdateToleration(tolerations, toleration);
  return tolerations;
}

/** upstream Toleration.MatchToleration: same key, operator, value and effect (tolerationSeconds aside). */
function sameToleration(a: Toleration, b: Toleration): boolean {
  return (a.key ?? '') === (b.key ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.value ?? '') === (b.value ?? '') && (a.effect ?? '') === (b.effect ?? '');
}

/** upstream v1helper.AddOrUpdateTolerationInPodSpec: a matching toleration is replaced in place, else appended. */
function addOrUpdateToleration(tolerations: readonly Toleration[], toleration: Toleration): Toleration[] {
  let updated = false;
  const result = tolerations.map((t) => {
    if (!sameToleration(t, toleration)) return t;
    updated = true;
    return toleration;
  });
  if (!updated) result.push(toleration);
  return result;
}

/**
 * upstream NewPod, less the node name, which no check below reads: the pod
 * the DaemonSet would create, as the placement checks see it. One per
 * template, shared by every node's check (a sync checks every node).
 */
const templatePods = new WeakMap<object, Pod>();
function templatePod(ds: DaemonSet): Pod {
  const spec = ds.spec?.template.spec ?? { containers: [] };
  let pod = templatePods.get(spec);
  if (!pod) {
    pod = { spec: { ...spec, tolerations: daemonPodTolerations(spec) } };
    templatePods.set(spec, pod);
  }
  return pod;
}

export interface NodeVerdict {
  /** A daemon pod should be created here (if none runs). */
  readonly shouldRun: boolean;
  /** A daemon pod already here may stay. */
  readonly shouldContinueRunning: boolean;
}

/**
 * upstream NodeShouldRunDaemonPod: the template's nodeName, nodeSelector and
 * required node affinity must fit the node; a NoSchedule or NoExecute taint
 * the pod does not tolerate keeps a new pod off, and only an untolerated
 * NoExecute one evicts a running pod.
 */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): NodeVerdict {
  const name = node.metadata?.name ?? '';
  const templateNodeName = ds.spec?.template.spec?.nodeName;
  if (templateNodeName && templateNodeName !== name) return { shouldRun: false, shouldContinueRunning: false };
  const pod = templatePod(ds);
  if (!requiredNodeAffinityMatches(pod, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = node.spec?.taints;
  if (findUntoleratedTaint(taints, pod.spec?.tolerations, schedulingEffects)) {
    return { shouldRun: false, shouldContinueRunning: !findUntoleratedTaint(taints, pod.spec?.tolerations, noExecuteOnly) };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}

/**
 * upstream GetTargetNodeName: the node a daemon pod is for: its nodeName, or
 * before it is bound, the metadata.name its required affinity names;
 * undefined when neither says.
 */
export function targetNodeName(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const term of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const expr of term.matchFields ?? []) {
      if (expr.key === 'metadata.name' && expr.operator === 'In') return expr.values?.length === 1 ? expr.values[0] : undefined;
    }
  }
  return undefined;
}

/**
 * upstream ReplaceDaemonSetPodNodeNameNodeAffinity: the required node
 * affinity becomes one term, metadata.name In [node], so the scheduler binds
 * the pod there; preferred terms and other affinities are kept.
 */
export function pinnedToNode(affinity: Affinity | undefined, nodeName: string): Affinity {
  const required = { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }] };
  return { ...affinity, nodeAffinity: { ...affinity?.nodeAffinity, requiredDuringSchedulingIgnoredDuringExecution: required } };
}
