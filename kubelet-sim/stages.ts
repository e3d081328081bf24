// The pod lifecycle as data, after kwok's Stages (kwok.x-k8s.io/v1alpha1
// Stage: a selector, a delay with jitter, and the next status and event):
// each stage says which pods it applies to, how long the kubelet waits, and
// what it writes and records next. The first stage that matches a pod is the
// one that runs; when it has written, the pod matches the next one. A lab
// changes timings and failures by passing its own table (or a changed copy of
// this one) to startKubelets; nothing else knows the order of things.
//
// Messages are templates; `{name}` is replaced per container or pod:
//   {container} {image} (as the spec writes it) {imageRef} (normalised)
//   {pod} {podRef} (name_namespace(uid), upstream's format.Pod)
//   {pullDuration} {imageSize} {backOff} {pullError}

/** Where a pod is in its life, read from the pod itself (see pod-state.ts), never remembered. */
export type PodSimState =
  /** Bound to the node; the kubelet has reported nothing yet. */
  | 'scheduled'
  /** Containers waiting: ContainerCreating, or PodInitializing with init containers. */
  | 'creating'
  | 'pull-failed'
  | 'pull-backoff'
  /** Every container running; the pod not Ready yet (readiness probe's initial delay). */
  | 'running'
  | 'ready'
  /** A container terminated and will be restarted. */
  | 'exited'
  | 'crash-backoff'
  /** Phase Succeeded or Failed. */
  | 'finished'
  /** deletionTimestamp set. */
  | 'terminating';

/** A failure asked for by the annotation `kubelab.dev/simulate` or an image tag (docs/nodes.md). */
export type SimulateMode = 'none' | 'crash' | 'complete' | 'pull-error' | 'slow-start';

export const SIMULATE_MODES: readonly SimulateMode[] = ['none', 'crash', 'complete', 'pull-error', 'slow-start'];

export interface StageSelector {
  readonly states: readonly PodSimState[];
  /** Only pods simulating one of these (any mode when absent). */
  readonly simulate?: readonly SimulateMode[];
  /** Every container's image is on the node already and its pull policy is not Always. */
  readonly imagesPresent?: boolean;
  /** Bounds on the first container's restartCount. */
  readonly minRestartCount?: number;
  readonly maxRestartCount?: number;
}

export interface StageDelay {
  /** A fixed wait, plus up to jitterMs at random. */
  readonly ms: number;
  readonly jitterMs?: number;
  /**
   * Instead of ms: readinessProbe (the longest initialDelaySeconds of the
   * containers' readiness probes), crashLoopBackOff and imagePullBackOff
   * (the back-off due now), containerStop (ms, cut to the pod's grace
   * period, 0 when nothing runs).
   */
  readonly from?: 'readinessProbe' | 'crashLoopBackOff' | 'imagePullBackOff' | 'containerStop';
}

/** What every container becomes. */
export type ContainerNext =
  | { readonly state: 'waiting'; readonly reason: string; readonly message?: string }
  /** Started (again, with restartCount + 1, when `restart`); ready at once unless it has a readiness probe. */
  | { readonly state: 'running'; readonly restart?: boolean }
  | { readonly state: 'ready' }
  | { readonly state: 'terminated'; readonly reason: string; readonly exitCode: number };

export interface StageEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
  /** start: recorded when the stage begins to wait; end (default): when it writes. */
  readonly at?: 'start' | 'end';
  /** One event per container (default), per running container, or one for the pod. */
  readonly for?: 'container' | 'running-container' | 'pod';
}

export interface StageNext {
  readonly containers?: ContainerNext;
  readonly events?: readonly StageEvent[];
  /** Delete the pod (grace 0, uid precondition) instead of writing its status. */
  readonly delete?: boolean;
}

export interface PodStage {
  readonly name: string;
  readonly selector: StageSelector;
  readonly delay: StageDelay;
  readonly next: StageNext;
}

// Upstream v1.32 wording: pkg/kubelet/images/image_manager.go (Pulling, Pulled,
// Failed, BackOff), pkg/kubelet/kuberuntime/kuberuntime_container.go
// (Created, Started, Killing), kuberuntime_manager.go doBackOff (BackOff).
const pulling: StageEvent = { type: 'Normal', reason: 'Pulling', message: 'Pulling image "{image}"', at: 'start' };
const pulled: StageEvent = {
  type: 'Normal',
  reason: 'Pulled',
  message: 'Successfully pulled image "{image}" in {pullDuration} ({pullDuration} including waiting). Image size: {imageSize} bytes.',
};
const alreadyPresent: StageEvent = { type: 'Normal', reason: 'Pulled', message: 'Container image "{image}" already present on machine' };
const created: StageEvent = { type: 'Normal', reason: 'Created', message: 'Created container {container}' };
const started: StageEvent = { type: 'Normal', reason: 'Started', message: 'Started container {container}' };
const pullFailed: readonly StageEvent[] = [
  { type: 'Warning', reason: 'Failed', message: 'Failed to pull image "{image}": {pullError}' },
  { type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull' },
];
const errImagePull: ContainerNext = { state: 'waiting', reason: 'ErrImagePull', message: '{pullError}' };

export const defaultPodStages: readonly PodStage[] = [
  {
    name: 'pod-terminate',
    selector: { states: ['terminating'] },
    delay: { ms: 1_000, from: 'containerStop' },
    next: { delete: true, events: [{ type: 'Normal', reason: 'Killing', message: 'Stopping container {container}', at: 'start', for: 'running-container' }] },
  },
  {
    name: 'pod-create',
    selector: { states: ['scheduled'] },
    delay: { ms: 0 },
    next: { containers: { state: 'waiting', reason: 'ContainerCreating' } },
  },
  {
    name: 'image-pull-fail',
    selector: { states: ['creating'], simulate: ['pull-error'] },
    delay: { ms: 800, jitterMs: 400 },
    next: { containers: errImagePull, events: [pulling, ...pullFailed] },
  },
  {
    name: 'image-pull-backoff',
    selector: { states: ['pull-failed'] },
    delay: { ms: 500 },
    next: {
      containers: { state: 'waiting', reason: 'ImagePullBackOff', message: 'Back-off pulling image "{image}": ErrImagePull: {pullError}' },
      events: [
        { type: 'Normal', reason: 'BackOff', message: 'Back-off pulling image "{image}"' },
        { type: 'Warning', reason: 'Failed', message: 'Error: ImagePullBackOff' },
      ],
    },
  },
  {
    name: 'image-pull-retry',
    selector: { states: ['pull-backoff'] },
    delay: { ms: 0, from: 'imagePullBackOff' },
    next: { containers: errImagePull, events: [{ ...pulling, at: 'end' }, ...pullFailed] },
  },
  {
    name: 'pod-start-slow',
    selector: { states: ['creating'], simulate: ['slow-start'] },
    delay: { ms: 20_000, jitterMs: 5_000 },
    next: { containers: { state: 'running' }, events: [pulling, pulled, created, started] },
  },
  {
    name: 'pod-start-cached',
    selector: { states: ['creating'], imagesPresent: true },
    delay: { ms: 300, jitterMs: 300 },
    next: { containers: { state: 'running' }, events: [alreadyPresent, created, started] },
  },
  {
    name: 'pod-start',
    selector: { states: ['creating'] },
    delay: { ms: 1_000, jitterMs: 1_000 },
    next: { containers: { state: 'running' }, events: [pulling, pulled, created, started] },
  },
  {
    name: 'container-crash',
    selector: { states: ['running', 'ready'], simulate: ['crash'] },
    delay: { ms: 2_000, jitterMs: 1_000 },
    next: { containers: { state: 'terminated', reason: 'Error', exitCode: 1 } },
  },
  {
    name: 'container-complete',
    selector: { states: ['running', 'ready'], simulate: ['complete'] },
    delay: { ms: 2_000, jitterMs: 1_000 },
    next: { containers: { state: 'terminated', reason: 'Completed', exitCode: 0 } },
  },
  {
    name: 'pod-ready',
    selector: { states: ['running'] },
    delay: { ms: 0, from: 'readinessProbe' },
    next: { containers: { state: 'ready' } },
  },
  {
    // as upstream doBackOff: no back-off is on record before the first restart.
    name: 'container-restart',
    selector: { states: ['exited'], maxRestartCount: 0 },
    delay: { ms: 0 },
    next: { containers: { state: 'running', restart: true }, events: [alreadyPresent, created, started] },
  },
  {
    name: 'container-backoff',
    selector: { states: ['exited'], minRestartCount: 1 },
    delay: { ms: 0 },
    next: {
      containers: { state: 'waiting', reason: 'CrashLoopBackOff', message: 'back-off {backOff} restarting failed container={container} pod={podRef}' },
      events: [{ type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container {container} in pod {podRef}' }],
    },
  },
  {
    name: 'container-backoff-restart',
    selector: { states: ['crash-backoff'] },
    delay: { ms: 0, from: 'crashLoopBackOff' },
    next: { containers: { state: 'running', restart: true }, events: [alreadyPresent, created, started] },
  },
];

/** The same table with every fixed wait multiplied by `factor` (a fast lab, a test). */
export function scaleStageDelays(stages: readonly PodStage[], factor: number): PodStage[] {
  return stages.map((stage) => ({
    ...stage,
    delay: { ...stage.delay, ms: Math.round(stage.delay.ms * factor), jitterMs: Math.round((stage.delay.jitterMs ?? 0) * factor) },
  }));
}
