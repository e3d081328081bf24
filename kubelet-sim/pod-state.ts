// Reading a pod: where it is in its life (a PodSimState), the failure it
// asks for, and which stage of the table applies to it now. Everything is
// read from the pod object, so a restarted kubelet picks up where it left
// off (level-triggered, STYLE.md 5). Pure: no I/O, no clock.
import type { Container, ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import type { BackOffOptions } from './options.js';
import { imageTag } from './image.js';
import { SIMULATE_MODES, type PodSimState, type PodStage, type SimulateMode } from './stages.js';

export const SIMULATE_ANNOTATION = 'kubelab.dev/simulate';

/** as upstream kubecontainer.ShouldContainerBeRestarted: Always restarts, OnFailure after a non-zero exit. */
export function willRestart(pod: Pod, exitCode: number): boolean {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

function exitCodeOf(status: ContainerStatus): number | undefined {
  return status.state?.terminated?.exitCode;
}

export function podSimState(pod: Pod): PodSimState {
  if (pod.metadata?.deletionTimestamp) return 'terminating';
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return 'finished';
  const statuses = pod.status?.containerStatuses ?? [];
  if (statuses.length === 0) return 'scheduled';
  const waiting = statuses.map((s) => s.state?.waiting?.reason);
  if (waiting.includes('ErrImagePull')) return 'pull-failed';
  if (waiting.includes('ImagePullBackOff')) return 'pull-backoff';
  if (waiting.includes('CrashLoopBackOff')) return 'crash-backoff';
  const exited = statuses.filter((s) => s.state?.terminated);
  if (exited.length > 0) return exited.some((s) => willRestart(pod, exitCodeOf(s) ?? 0)) ? 'exited' : 'finished';
  if (statuses.some((s) => !s.state?.running)) return 'creating';
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  return ready ? 'ready' : 'running';
}

/** The failure a pod asks for: its annotation, else the first container image tagged with a mode (`busybox:crash`). */
export function simulateMode(pod: Pod): SimulateMode {
  const annotated = pod.metadata?.annotations?.[SIMULATE_ANNOTATION];
  if (annotated && (SIMULATE_MODES as readonly string[]).includes(annotated)) return annotated as SimulateMode;
  for (const container of allContainers(pod)) {
    const tag = imageTag(container.image ?? '');
    if (tag !== 'none' && (SIMULATE_MODES as readonly string[]).includes(tag)) return tag as SimulateMode;
  }
  return 'none';
}

export function allContainers(pod: Pod): Container[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
}

function restartCount(pod: Pod): number {
  return pod.status?.containerStatuses?.[0]?.restartCount ?? 0;
}

/** What a stage's selector is checked against, besides the pod. */
export interface StageFacts {
  /** Whether the node has the image already (from an earlier pull). */
  readonly imagePresent: (image: string) => boolean;
}

function imagesPresent(pod: Pod, facts: StageFacts): boolean {
  return allContainers(pod).every((c) => c.imagePullPolicy !== 'Always' && facts.imagePresent(c.image ?? ''));
}

/** The first stage of `stages` whose selector matches the pod, or undefined: nothing to do until the pod changes. */
export function matchStage(pod: Pod, stages: readonly PodStage[], facts: StageFacts): PodStage | undefined {
  const state = podSimState(pod);
  const mode = simulateMode(pod);
  return stages.find(({ selector: s }) => {
    if (!s.states.includes(state)) return false;
    if (s.simulate && !s.simulate.includes(mode)) return false;
    if (s.imagesPresent !== undefined && s.imagesPresent !== imagesPresent(pod, facts)) return false;
    const restarts = restartCount(pod);
    if (s.minRestartCount !== undefined && restarts < s.minRestartCount) return false;
    if (s.maxRestartCount !== undefined && restarts > s.maxRestartCount) return false;
    return true;
  });
}

/** as upstream flowcontrol.Backoff: `initial` after the first failure, doubling, capped. */
export function backOffAfter(failures: number, options: BackOffOptions): number {
  if (failures <= 0) return 0;
  return Math.min(options.maxMs, options.initialMs * 2 ** Math.min(failures - 1, 30));
}

export interface DelayInputs {
  readonly random: () => number;
  readonly crashLoopBackOff: BackOffOptions;
  readonly imagePullBackOff: BackOffOptions;
  /** Failed pulls of this pod so far (upstream keeps them in memory too). */
  readonly pullFailures: number;
}

/** How long the kubelet waits before applying `stage` to `pod`. */
export function stageDelay(stage: PodStage, pod: Pod, inputs: DelayInputs): number {
  const { ms, jitterMs = 0, from } = stage.delay;
  const jitter = jitterMs > 0 ? Math.floor(inputs.random() * jitterMs) : 0;
  switch (from) {
    case 'readinessProbe': {
      const seconds = Math.max(0, ...(pod.spec?.containers ?? []).map((c) => c.readinessProbe?.initialDelaySeconds ?? 0));
      return seconds * 1000 + jitter;
    }
    case 'crashLoopBackOff':
      // restartCount n: the n-th back-off (10 s, 20 s, ... after the first immediate restart).
      return backOffAfter(restartCount(pod), inputs.crashLoopBackOff);
    case 'imagePullBackOff':
      return backOffAfter(inputs.pullFailures, inputs.imagePullBackOff);
    case 'containerStop': {
      const running = (pod.status?.containerStatuses ?? []).some((s) => s.state?.running);
      if (!running) return 0;
      const grace = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
      return Math.min(ms + jitter, Math.max(0, grace) * 1000);
    }
    default:
      return ms + jitter;
  }
}
