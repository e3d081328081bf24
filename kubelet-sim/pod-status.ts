// What a stage writes: the pod's next status and the events to record, from
// the pod as it is and the stage's `next` (stages.ts). It mirrors what
// upstream's kubelet computes in pkg/kubelet/kubelet_pods.go
// (generateAPIPodStatus, getPhase, convertToAPIContainerStatuses) and
// pkg/kubelet/status/generate.go (the Ready, ContainersReady and Initialized
// conditions). Pure: the time, addresses and random source come in `context`.
import type { Container, ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from 'kubernetes-types/core/v1.js';
import type { BackOffOptions } from './options.js';
import { goDuration } from './go-duration.js';
import { imageID, imageSizeBytes, newContainerID, normalizeImage } from './image.js';
import { apiTime } from './node-template.js';
import { backOffAfter } from './pod-state.js';
import type { ContainerNext, StageEvent } from './stages.js';

export interface RenderContext {
  readonly now: number;
  readonly hostIP: string;
  /** The pod's address on its node, written once its sandbox is up. */
  readonly podIP: string | undefined;
  readonly random: () => number;
  /** How long the stage waited: the `{pullDuration}` of a Pulled event. */
  readonly waitedMs: number;
  readonly crashLoopBackOff: BackOffOptions;
}

/** An event to record about the pod (`container` set for a container's event). */
export interface PodEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
  readonly container?: string;
}

/** Reasons of a container that waits for its sandbox: the pod has no IP yet. */
const SANDBOX_PENDING = new Set(['ContainerCreating', 'PodInitializing']);

function byName(statuses: readonly ContainerStatus[] | undefined): Map<string, ContainerStatus> {
  return new Map((statuses ?? []).map((s) => [s.name, s]));
}

/** as upstream's status for volume mounts (v1.31+, RecursiveReadOnlyMounts): the spec's mounts as the runtime reports them. */
function volumeMountsOf(container: Container): Pick<ContainerStatus, 'volumeMounts'> {
  const mounts = container.volumeMounts ?? [];
  if (mounts.length === 0) return {};
  return {
    volumeMounts: mounts.map((m) => ({ name: m.name, mountPath: m.mountPath, ...(m.readOnly ? { readOnly: true, recursiveReadOnly: 'Disabled' } : {}) })),
  };
}

/** The terminated state a restart moves to lastState. */
function lastTermination(previous: ContainerStatus | undefined): ContainerState {
  if (previous?.state?.terminated) return { terminated: previous.state.terminated };
  return previous?.lastState ?? {};
}

function nextContainerStatus(container: Container, previous: ContainerStatus | undefined, next: ContainerNext, context: RenderContext): ContainerStatus {
  const base = {
    name: container.name,
    image: previous?.image ?? container.image ?? '',
    imageID: previous?.imageID ?? '',
    restartCount: previous?.restartCount ?? 0,
    ...volumeMountsOf(container),
  };
  const now = apiTime(context.now);
  switch (next.state) {
    case 'waiting': {
      const crashLoop = next.reason === 'CrashLoopBackOff';
      const ran = previous?.containerID !== undefined && crashLoop;
      return {
        ...base,
        image: ran ? (previous?.image ?? container.image ?? '') : (container.image ?? ''),
        imageID: ran ? (previous?.imageID ?? '') : '',
        ...(ran ? { containerID: previous?.containerID } : {}),
        lastState: crashLoop ? lastTermination(previous) : (previous?.lastState ?? {}),
        ready: false,
        started: false,
        state: { waiting: { reason: next.reason, ...(next.message ? { message: next.message } : {}) } },
      };
    }
    case 'running': {
      return {
        ...base,
        restartCount: base.restartCount + (next.restart ? 1 : 0),
        image: normalizeImage(container.image ?? ''),
        imageID: imageID(container.image ?? ''),
        containerID: newContainerID(context.random),
        lastState: next.restart ? lastTermination(previous) : (previous?.lastState ?? {}),
        ready: container.readinessProbe === undefined,
        started: true,
        state: { running: { startedAt: now } },
      };
    }
    case 'ready':
      return { ...base, ...previous, ready: true };
    case 'terminated':
      return {
        ...base,
        ...previous,
        ready: false,
        started: false,
        state: {
          terminated: {
            containerID: previous?.containerID,
            exitCode: next.exitCode,
            reason: next.reason,
            startedAt: previous?.state?.running?.startedAt ?? now,
            finishedAt: now,
          },
        },
      };
  }
}

/** Init containers: waiting with the pod, then run to completion before the first start (a simple model of upstream's). */
function initContainerStatuses(pod: Pod, next: ContainerNext, now: string, random: () => number): ContainerStatus[] | undefined {
  const init = pod.spec?.initContainers ?? [];
  if (init.length === 0) return undefined;
  const previous = byName(pod.status?.initContainerStatuses);
  return init.map((container): ContainerStatus => {
    const before = previous.get(container.name);
    if (next.state === 'waiting' && SANDBOX_PENDING.has(next.reason)) {
      return { name: container.name, image: container.image ?? '', imageID: '', lastState: {}, ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'PodInitializing' } } };
    }
    if (next.state === 'running' && !next.restart && !before?.state?.terminated) {
      const containerID = newContainerID(random);
      return {
        name: container.name,
        image: normalizeImage(container.image ?? ''),
        imageID: imageID(container.image ?? ''),
        containerID,
        lastState: {},
        ready: true,
        restartCount: 0,
        started: false,
        state: { terminated: { containerID, exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now } },
        ...volumeMountsOf(container),
      };
    }
    return before ?? { name: container.name, image: container.image ?? '', imageID: '', lastState: {}, ready: false, restartCount: 0, started: false, state: { waiting: { reason: 'PodInitializing' } } };
  });
}

/** as upstream getPhase (kubelet_pods.go). */
export function podPhase(pod: Pod, statuses: readonly ContainerStatus[]): 'Pending' | 'Running' | 'Succeeded' | 'Failed' {
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of statuses) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.lastState?.terminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Always') return 'Running';
  if (stopped === succeeded) return 'Succeeded';
  if (policy === 'Never') return 'Failed';
  return 'Running';
}

/** A condition, keeping its lastTransitionTime while its status does not change. */
function condition(previous: readonly PodCondition[] | undefined, type: string, status: 'True' | 'False', now: string, reason?: string, message?: string): PodCondition {
  const before = previous?.find((c) => c.type === type);
  const lastTransitionTime = before?.status === status && before.lastTransitionTime ? before.lastTransitionTime : now;
  return { type, status, lastProbeTime: null as unknown as undefined, lastTransitionTime, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

/** as upstream status/generate.go: PodReadyToStartContainers, Initialized, Ready, ContainersReady, then the scheduler's PodScheduled. */
function podConditions(pod: Pod, phase: string, sandboxReady: boolean, init: readonly ContainerStatus[], main: readonly ContainerStatus[], now: string): PodCondition[] {
  const previous = pod.status?.conditions;
  const uninitialized = init.filter((s) => s.state?.terminated?.exitCode !== 0).map((s) => s.name);
  const unready = main.filter((s) => !s.ready).map((s) => s.name);
  const completed = phase === 'Succeeded' || phase === 'Failed';
  const readiness = (type: string) =>
    completed
      ? condition(previous, type, 'False', now, 'PodCompleted')
      : unready.length === 0
        ? condition(previous, type, 'True', now)
        : condition(previous, type, 'False', now, 'ContainersNotReady', `containers with unready status: [${unready.join(' ')}]`);
  const scheduled = previous?.find((c) => c.type === 'PodScheduled') ?? condition(undefined, 'PodScheduled', 'True', now);
  return [
    condition(previous, 'PodReadyToStartContainers', sandboxReady && !completed ? 'True' : 'False', now),
    uninitialized.length === 0
      ? condition(previous, 'Initialized', 'True', now, completed && init.length > 0 ? 'PodCompleted' : undefined)
      : condition(previous, 'Initialized', 'False', now, 'ContainersNotInitialized', `containers with incomplete status: [${uninitialized.join(' ')}]`),
    readiness('Ready'),
    readiness('ContainersReady'),
    scheduled,
    ...(previous ?? []).filter((c) => !['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].includes(c.type)),
  ];
}

/** The whole status the kubelet writes when `next` applies to `pod`. */
export function renderPodStatus(pod: Pod, next: ContainerNext, context: RenderContext): PodStatus {
  const now = apiTime(context.now);
  const previous = byName(pod.status?.containerStatuses);
  const containerStatuses = (pod.spec?.containers ?? []).map((c) => nextContainerStatus(c, previous.get(c.name), containerNextFor(next, pod, c, context), context));
  const initStatuses = initContainerStatuses(pod, next, now, context.random);
  const phase = initStatuses?.some((s) => !s.state?.terminated) ? 'Pending' : podPhase(pod, containerStatuses);
  const sandboxReady = !(next.state === 'waiting' && SANDBOX_PENDING.has(next.reason));
  const podIP = sandboxReady ? (pod.status?.podIP ?? context.podIP) : undefined;
  const { podIP: _ip, podIPs: _ips, ...kept } = pod.status ?? {};
  return {
    ...kept,
    phase,
    conditions: podConditions(pod, phase, sandboxReady, initStatuses ?? [], containerStatuses, now),
    hostIP: context.hostIP,
    hostIPs: [{ ip: context.hostIP }],
    ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
    startTime: pod.status?.startTime ?? now,
    ...(initStatuses ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses,
  };
}

/** What `{name}` stands for in a message about `container` (or the pod, without one). */
function templateValues(pod: Pod, container: Container | undefined, context: RenderContext): Record<string, string> {
  const meta = pod.metadata ?? {};
  const image = container?.image ?? '';
  const imageRef = normalizeImage(image);
  const restarts = pod.status?.containerStatuses?.find((s) => s.name === container?.name)?.restartCount ?? 0;
  return {
    container: container?.name ?? '',
    image,
    imageRef,
    pod: meta.name ?? '',
    podRef: `${meta.name}_${meta.namespace}(${meta.uid})`,
    pullDuration: goDuration(context.waitedMs),
    imageSize: String(imageSizeBytes(image)),
    backOff: goDuration(backOffAfter(restarts, context.crashLoopBackOff)),
    pullError: `rpc error: code = NotFound desc = failed to pull and unpack image "${imageRef}": failed to resolve reference "${imageRef}": ${imageRef}: not found`,
  };
}

export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}

/** Fills in a ContainerNext's message per container (CrashLoopBackOff's back-off, ErrImagePull's error). */
export function containerNextFor(next: ContainerNext, pod: Pod, container: Container, context: RenderContext): ContainerNext {
  if (next.state !== 'waiting' || !next.message) return next;
  return { ...next, message: fillTemplate(next.message, templateValues(pod, container, context)) };
}

/** The events of a stage's `at` moment, in order: each event for every container in turn. */
export function renderEvents(pod: Pod, events: readonly StageEvent[], at: 'start' | 'end', context: RenderContext, firstStart: boolean): PodEvent[] {
  const chosen = events.filter((e) => (e.at ?? 'end') === at);
  if (chosen.length === 0) return [];
  const running = new Set((pod.status?.containerStatuses ?? []).filter((s) => s.state?.running).map((s) => s.name));
  // A first start runs the init containers first; a restart only the app containers.
  const containers = firstStart ? [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])] : (pod.spec?.containers ?? []);
  const rendered: PodEvent[] = [];
  for (const event of chosen.filter((e) => e.for === 'pod')) rendered.push({ type: event.type, reason: event.reason, message: fillTemplate(event.message, templateValues(pod, undefined, context)) });
  for (const container of containers) {
    for (const event of chosen) {
      if (event.for === 'pod') continue;
      if (event.for === 'running-container' && !running.has(container.name)) continue;
      rendered.push({ type: event.type, reason: event.reason, message: fillTemplate(event.message, templateValues(pod, container, context)), container: container.name });
    }
  }
  return rendered;
}
