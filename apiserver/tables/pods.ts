// kubectl get pods (upstream pkg/printers/internalversion/printers.go printPod).
import type { KubeObject, TableConvertor } from '../registry/strategy.js';
import { age, ageColumn, column, humanDuration, nameColumn, nameOf } from './format.js';

interface ContainerState {
  waiting?: { reason?: string };
  running?: { startedAt?: string };
  terminated?: { reason?: string; exitCode?: number; signal?: number; finishedAt?: string };
}

interface ContainerStatus {
  name?: string;
  ready?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

interface PodLike {
  metadata?: { deletionTimestamp?: string };
  spec?: { nodeName?: string; containers?: unknown[]; initContainers?: { restartPolicy?: string }[]; readinessGates?: { conditionType: string }[] };
  status?: {
    phase?: string;
    reason?: string;
    podIP?: string;
    nominatedNodeName?: string;
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
    conditions?: { type: string; status: string }[];
  };
}

/** STATUS, READY and RESTARTS as printPod computes them. */
export function podStatus(object: KubeObject, now: Date): { status: string; ready: string; restarts: string } {
  const pod = object as PodLike;
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  let restarts = 0;
  let lastRestart: number | undefined;
  const total = spec.containers?.length ?? 0;
  let ready = 0;
  let reason = status.reason || status.phase || '';

  const noteRestart = (c: ContainerStatus) => {
    restarts += c.restartCount ?? 0;
    const finished = c.lastState?.terminated?.finishedAt;
    if (finished) {
      const at = Date.parse(finished);
      if (lastRestart === undefined || at > lastRestart) lastRestart = at;
    }
  };

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  initStatuses.forEach((c, i) => {
    noteRestart(c);
    const t = c.state?.terminated;
    if (t && t.exitCode === 0) return;
    if (initializing) return;
    // A sidecar (restartPolicy Always) that runs counts as started.
    if (spec.initContainers?.[i]?.restartPolicy === 'Always' && c.state?.running) return;
    if (t) {
      reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode ?? 0}`;
    } else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') {
      reason = `Init:${c.state.waiting.reason}`;
    } else {
      reason = `Init:${i}/${spec.initContainers?.length ?? initStatuses.length}`;
    }
    initializing = true;
  });

  if (!initializing) {
    restarts = 0;
    lastRestart = undefined;
    for (const c of initStatuses) noteRestart(c);
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      noteRestart(c);
      const waiting = c.state?.waiting?.reason;
      const t = c.state?.terminated;
      if (waiting) reason = waiting;
      else if (t?.reason) reason = t.reason;
      else if (t) reason = t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode ?? 0}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    // A pod whose containers completed while one still runs shows Running (or NotReady).
    if (reason === 'Completed' && hasRunning) {
      const podReady = status.conditions?.some((cond) => cond.type === 'Ready' && cond.status === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata?.deletionTimestamp) reason = status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  const restartText = lastRestart !== undefined ? `${restarts} (${humanDuration(now.getTime() - lastRestart)} ago)` : String(restarts);
  return { status: reason, ready: `${ready}/${total}`, restarts: restartText };
}

export const podTable: TableConvertor = {
  columns: [
    nameColumn,
    column('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    column('Status', 'string', 'The aggregate status of the containers in this pod.'),
    column('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    ageColumn,
    column('IP', 'string', 'IP address allocated to the pod. Routable at least within the cluster.', 1),
    column('Node', 'string', 'Name of the Node the Pod is assigned to.', 1),
    column('Nominated Node', 'string', 'Name of the Node the Pod is nominated to.', 1),
    column('Readiness Gates', 'string', 'Readiness gates of the pod.', 1),
  ],
  cells(object, now) {
    const pod = object as PodLike;
    const { status, ready, restarts } = podStatus(object, now);
    const gates = pod.spec?.readinessGates ?? [];
    let gateText = '<none>';
    if (gates.length > 0) {
      const met = gates.filter((g) => pod.status?.conditions?.some((c) => c.type === g.conditionType && c.status === 'True')).length;
      gateText = `${met}/${gates.length}`;
    }
    return [
      nameOf(object),
      ready,
      status,
      restarts,
      age(object.metadata?.creationTimestamp, now),
      pod.status?.podIP || '<none>',
      pod.spec?.nodeName || '<none>',
      pod.status?.nominatedNodeName || '<none>',
      gateText,
    ];
  },
};
