// The stage table with golden inputs: a pod in, the stage that applies, its
// delay, and the status and events it writes out. No API server, no clock:
// the render context is fixed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { matchStage, podSimState, stageDelay, type DelayInputs, type StageFacts } from './pod-state.js';
import { renderEvents, renderPodStatus, type RenderContext } from './pod-status.js';
import { seededRandom } from './seeded-random.js';
import { defaultPodStages, type PodStage } from './stages.js';

const NOW = Date.parse('2025-01-01T00:00:00Z');
const T0 = '2025-01-01T00:00:00Z';
const noImages: StageFacts = { imagePresent: () => false };
const backOff = { initialMs: 10_000, maxMs: 300_000 };
const delays = (pullFailures = 0): DelayInputs => ({ random: () => 0, crashLoopBackOff: backOff, imagePullBackOff: backOff, pullFailures });

function context(overrides: Partial<RenderContext> = {}): RenderContext {
  return { now: NOW, hostIP: '172.18.0.4', podIP: '10.244.2.2', random: seededRandom(7), waitedMs: 1234, crashLoopBackOff: backOff, ...overrides };
}

/** A pod as the API server stores it once bound: defaults, status Pending with its qosClass and the scheduler's condition. */
function boundPod(spec: Partial<NonNullable<Pod['spec']>> = {}, annotations?: Record<string, string>): Pod {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1', resourceVersion: '10', ...(annotations ? { annotations } : {}) },
    spec: { nodeName: 'node-2', restartPolicy: 'Always', containers: [{ name: 'nginx', image: 'nginx', imagePullPolicy: 'Always' }], ...spec },
    status: {
      phase: 'Pending',
      qosClass: 'BestEffort',
      conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null as unknown as undefined, lastTransitionTime: '2024-12-31T23:59:59Z' }],
    },
  };
}

/** Applies the stage that matches, as the kubelet would once its delay passed; answers the stage and the pod after it. */
function step(pod: Pod, facts: StageFacts = noImages, ctx: RenderContext = context()): { stage: PodStage; pod: Pod } {
  const stage = matchStage(pod, defaultPodStages, facts);
  assert.ok(stage, `a stage for a pod in state ${podSimState(pod)}`);
  const status = stage.next.containers ? renderPodStatus(pod, stage.next.containers, ctx) : pod.status;
  return { stage, pod: { ...pod, status } };
}

const cond = (type: string, status: string, extra: Record<string, string> = {}) => ({ type, status, lastProbeTime: null, lastTransitionTime: T0, ...extra });

describe('the default stage table', () => {
  test('a bound pod goes ContainerCreating at once: host IP, start time, no pod IP yet', () => {
    const pod = boundPod();
    assert.equal(podSimState(pod), 'scheduled');
    const { stage, pod: next } = step(pod);
    assert.equal(stage.name, 'pod-create');
    assert.equal(stageDelay(stage, pod, delays()), 0);
    assert.deepEqual(next.status, {
      phase: 'Pending',
      qosClass: 'BestEffort',
      conditions: [
        cond('PodReadyToStartContainers', 'False'),
        cond('Initialized', 'True'),
        cond('Ready', 'False', { reason: 'ContainersNotReady', message: 'containers with unready status: [nginx]' }),
        cond('ContainersReady', 'False', { reason: 'ContainersNotReady', message: 'containers with unready status: [nginx]' }),
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: '2024-12-31T23:59:59Z' },
      ],
      hostIP: '172.18.0.4',
      hostIPs: [{ ip: '172.18.0.4' }],
      startTime: T0,
      containerStatuses: [
        { name: 'nginx', image: 'nginx', imageID: '', restartCount: 0, lastState: {}, ready: false, started: false, state: { waiting: { reason: 'ContainerCreating' } } },
      ],
    });
  });

  test('a creating pod pulls, creates and starts its container: Running and Ready, with the upstream v1.32 event messages', () => {
    const creating = step(boundPod()).pod;
    const stage = matchStage(creating, defaultPodStages, noImages)!;
    assert.equal(stage.name, 'pod-start');
    assert.equal(stageDelay(stage, creating, delays()), 1000);
    const ctx = context();
    assert.deepEqual(renderEvents(creating, stage.next.events!, 'start', ctx, true), [{ type: 'Normal', reason: 'Pulling', message: 'Pulling image "nginx"', container: 'nginx' }]);
    const [pulled, ...rest] = renderEvents(creating, stage.next.events!, 'end', ctx, true).map((e) => `${e.reason}: ${e.message}`);
    assert.match(pulled!, /^Pulled: Successfully pulled image "nginx" in 1\.234s \(1\.234s including waiting\)\. Image size: \d+ bytes\.$/);
    assert.deepEqual(rest, ['Created: Created container nginx', 'Started: Started container nginx']);
    const running = step(creating).pod;
    const status = running.status!;
    assert.equal(status.phase, 'Running');
    assert.equal(status.podIP, '10.244.2.2');
    assert.deepEqual(status.podIPs, [{ ip: '10.244.2.2' }]);
    assert.deepEqual(status.conditions?.map((c) => `${c.type}=${c.status}`), ['PodReadyToStartContainers=True', 'Initialized=True', 'Ready=True', 'ContainersReady=True', 'PodScheduled=True']);
    const c = status.containerStatuses![0]!;
    assert.equal(c.image, 'docker.io/library/nginx:latest');
    assert.match(c.imageID, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    assert.match(c.containerID!, /^containerd:\/\/[0-9a-f]{64}$/);
    assert.deepEqual({ ...c, imageID: '', containerID: '' }, {
      name: 'nginx', image: 'docker.io/library/nginx:latest', imageID: '', containerID: '', restartCount: 0, lastState: {}, ready: true, started: true, state: { running: { startedAt: T0 } },
    });
    assert.equal(podSimState(running), 'ready');
    assert.equal(matchStage(running, defaultPodStages, noImages), undefined, 'a ready pod waits for nothing');
  });

  test('an image already on the node starts sooner, with "already present on machine"', () => {
    const creating = step(boundPod({ containers: [{ name: 'nginx', image: 'nginx', imagePullPolicy: 'IfNotPresent' }] })).pod;
    const stage = matchStage(creating, defaultPodStages, { imagePresent: (image) => image === 'nginx' })!;
    assert.equal(stage.name, 'pod-start-cached');
    assert.deepEqual(renderEvents(creating, stage.next.events!, 'end', context(), true).map((e) => e.message), [
      'Container image "nginx" already present on machine',
      'Created container nginx',
      'Started container nginx',
    ]);
  });

  test('a readiness probe keeps the pod unready for its initialDelaySeconds', () => {
    const pod = boundPod({ containers: [{ name: 'nginx', image: 'nginx', readinessProbe: { initialDelaySeconds: 5, httpGet: { port: 80 } } }] });
    const running = step(step(pod).pod).pod;
    assert.equal(podSimState(running), 'running');
    assert.equal(running.status?.containerStatuses?.[0]?.ready, false);
    const stage = matchStage(running, defaultPodStages, noImages)!;
    assert.equal(stage.name, 'pod-ready');
    assert.equal(stageDelay(stage, running, delays()), 5000);
    const ready = step(running).pod;
    assert.equal(ready.status?.containerStatuses?.[0]?.ready, true);
    assert.equal(ready.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  });

  test('a crashing container: restarted at once the first time, then CrashLoopBackOff 10 s, 20 s, ... (a worked trace)', () => {
    let pod = boundPod({}, { 'kubelab.dev/simulate': 'crash' });
    const trace: string[] = [];
    const waits: number[] = [];
    for (let i = 0; i < 11; i++) {
      const stage = matchStage(pod, defaultPodStages, noImages)!;
      trace.push(stage.name);
      waits.push(stageDelay(stage, pod, delays()));
      pod = step(pod).pod;
    }
    assert.deepEqual(trace, [
      'pod-create',
      'pod-start',
      'container-crash',
      'container-restart',
      'container-crash',
      'container-backoff',
      'container-backoff-restart',
      'container-crash',
      'container-backoff',
      'container-backoff-restart',
      'container-crash',
    ]);
    assert.deepEqual(waits, [0, 1000, 2000, 0, 2000, 0, 10_000, 2000, 0, 20_000, 2000]);
    const c = pod.status!.containerStatuses![0]!;
    assert.equal(c.restartCount, 3);
    assert.equal(c.state?.terminated?.reason, 'Error');
    assert.deepEqual([c.lastState?.terminated?.reason, c.lastState?.terminated?.exitCode], ['Error', 1]);
    assert.equal(pod.status?.phase, 'Running');
    // The next back-off's message names its length and the pod as upstream's format.Pod does.
    const looping = step(pod).pod;
    assert.deepEqual(looping.status?.containerStatuses?.[0]?.state, {
      waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=nginx pod=web_default(uid-1)' },
    });
    assert.equal(looping.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode, 1);
  });

  test('restartPolicy decides what follows an exit: Never fails or succeeds, OnFailure restarts only failures', () => {
    const run = (restartPolicy: string, simulate: string) => {
      let pod = boundPod({ restartPolicy }, { 'kubelab.dev/simulate': simulate });
      for (let i = 0; i < 3; i++) pod = step(pod).pod;
      return pod;
    };
    const succeeded = run('Never', 'complete');
    assert.equal(succeeded.status?.phase, 'Succeeded');
    assert.deepEqual(succeeded.status?.containerStatuses?.[0]?.state?.terminated && [succeeded.status.containerStatuses[0].state.terminated.reason, succeeded.status.containerStatuses[0].state.terminated.exitCode], ['Completed', 0]);
    assert.equal(podSimState(succeeded), 'finished');
    assert.equal(matchStage(succeeded, defaultPodStages, noImages), undefined);
    assert.equal(run('Never', 'crash').status?.phase, 'Failed');
    assert.equal(run('OnFailure', 'complete').status?.phase, 'Succeeded');
    const onFailure = run('OnFailure', 'crash');
    assert.equal(onFailure.status?.phase, 'Running');
    assert.equal(podSimState(onFailure), 'exited');
    // Always restarts even a clean exit (upstream shows Completed, then CrashLoopBackOff).
    assert.equal(podSimState(run('Always', 'complete')), 'exited');
  });

  test('an image that cannot be pulled: ErrImagePull, ImagePullBackOff, retried after a growing back-off', () => {
    let pod = step(boundPod({ containers: [{ name: 'app', image: 'example.com/app:pull-error' }] })).pod;
    let stage = matchStage(pod, defaultPodStages, noImages)!;
    assert.equal(stage.name, 'image-pull-fail');
    assert.deepEqual(renderEvents(pod, stage.next.events!, 'end', context(), true).map((e) => `${e.type} ${e.reason} ${e.message}`), [
      'Warning Failed Failed to pull image "example.com/app:pull-error": rpc error: code = NotFound desc = failed to pull and unpack image "example.com/app:pull-error": failed to resolve reference "example.com/app:pull-error": example.com/app:pull-error: not found',
      'Warning Failed Error: ErrImagePull',
    ]);
    pod = step(pod).pod;
    assert.equal(pod.status?.phase, 'Pending');
    assert.equal(pod.status?.podIP, '10.244.2.2', 'the sandbox is up');
    stage = matchStage(pod, defaultPodStages, noImages)!;
    assert.equal(stage.name, 'image-pull-backoff');
    pod = step(pod).pod;
    assert.deepEqual(pod.status?.containerStatuses?.[0]?.state?.waiting?.reason, 'ImagePullBackOff');
    assert.match(pod.status?.containerStatuses?.[0]?.state?.waiting?.message ?? '', /^Back-off pulling image "example.com\/app:pull-error": ErrImagePull: rpc error/);
    stage = matchStage(pod, defaultPodStages, noImages)!;
    assert.equal(stage.name, 'image-pull-retry');
    assert.deepEqual([1, 2, 3, 10].map((failures) => stageDelay(stage, pod, delays(failures))), [10_000, 20_000, 40_000, 300_000]);
  });

  test('a pod being deleted: Killing for each running container, then deleted after the stop time, cut to its grace period', () => {
    const running = step(step(boundPod()).pod).pod;
    const deleting: Pod = { ...running, metadata: { ...running.metadata, deletionTimestamp: T0, deletionGracePeriodSeconds: 30 } };
    const stage = matchStage(deleting, defaultPodStages, noImages)!;
    assert.equal(stage.name, 'pod-terminate');
    assert.equal(stage.next.delete, true);
    assert.equal(stageDelay(stage, deleting, delays()), 1000);
    const quick: Pod = { ...deleting, metadata: { ...deleting.metadata, deletionGracePeriodSeconds: 0 } };
    assert.equal(stageDelay(stage, quick, delays()), 0);
    assert.deepEqual(renderEvents(deleting, stage.next.events!, 'start', context(), false), [{ type: 'Normal', reason: 'Killing', message: 'Stopping container nginx', container: 'nginx' }]);
    const notStarted: Pod = { ...boundPod(), metadata: { ...boundPod().metadata, deletionTimestamp: T0 } };
    assert.equal(stageDelay(stage, notStarted, delays()), 0);
    assert.deepEqual(renderEvents(notStarted, stage.next.events!, 'start', context(), true), []);
  });

  test('init containers: PodInitializing while the pod is created, run to completion before the app starts', () => {
    const pod = boundPod({ initContainers: [{ name: 'setup', image: 'busybox' }] });
    const creating = step(pod).pod;
    assert.deepEqual(creating.status?.initContainerStatuses?.map((s) => s.state?.waiting?.reason), ['PodInitializing']);
    assert.equal(creating.status?.conditions?.find((c) => c.type === 'Initialized')?.message, 'containers with incomplete status: [setup]');
    const stage = matchStage(creating, defaultPodStages, noImages)!;
    assert.deepEqual(renderEvents(creating, stage.next.events!, 'end', context(), true).map((e) => `${e.reason} ${e.container}`), [
      'Pulled setup', 'Created setup', 'Started setup', 'Pulled nginx', 'Created nginx', 'Started nginx',
    ]);
    const running = step(creating).pod;
    const init = running.status?.initContainerStatuses?.[0];
    assert.deepEqual([init?.state?.terminated?.reason, init?.state?.terminated?.exitCode, init?.ready], ['Completed', 0, true]);
    assert.equal(running.status?.phase, 'Running');
    assert.equal(running.status?.conditions?.find((c) => c.type === 'Initialized')?.status, 'True');
  });

  test('an image tag asks for a failure as the annotation does', () => {
    const pod = step(boundPod({ containers: [{ name: 'app', image: 'busybox:slow-start' }] })).pod;
    assert.equal(matchStage(pod, defaultPodStages, noImages)?.name, 'pod-start-slow');
  });
});
