// Moves the pods bound to this process's nodes through the stage table, as
// upstream's pod workers (pkg/kubelet/pod_workers.go) sync each pod and the
// status manager (pkg/kubelet/status/status_manager.go) writes its status:
// for each pod, the stage that matches it waits its delay, then writes the
// next status (a JSON patch with a uid test, so a pod deleted and created
// again under the same name is never written to) or deletes it (grace 0, uid
// precondition), and records its events. The informer's next delivery of the
// pod picks the next stage. One timer per pod at most.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from 'pino';
import { isConflict, isInvalid, isNotFound, kinds, objectKey, type Clock, type EventRecorder, type KubeClient, type Timer } from '../client/index.js';
import type { RegisteredNode } from './node-agent.js';
import type { BackOffOptions } from './options.js';
import { allContainers, matchStage, podSimState, stageDelay, type StageFacts } from './pod-state.js';
import { renderEvents, renderPodStatus, type PodEvent, type RenderContext } from './pod-status.js';
import type { PodStage } from './stages.js';

/** Images a node remembers having pulled (a bounded set: the oldest is forgotten first). */
const MAX_IMAGES_PER_NODE = 500;

export interface PodLifecycleDeps {
  readonly client: KubeClient;
  readonly clock: Clock;
  readonly random: () => number;
  readonly log: Logger;
  readonly stages: readonly PodStage[];
  readonly crashLoopBackOff: BackOffOptions;
  readonly imagePullBackOff: BackOffOptions;
  /** The registered node of that name hosted here, if any. */
  readonly node: (name: string) => RegisteredNode | undefined;
  readonly recorder: (nodeName: string) => EventRecorder | undefined;
  /** The informer's current copy of the pod with this `namespace/name` key. */
  readonly cachedPod: (key: string) => Pod | undefined;
  readonly retryMs: number;
}

interface Waiting {
  readonly stage: string;
  readonly timer: Timer;
}

export class PodLifecycle {
  private readonly waiting = new Map<string, Waiting>(); // pod uid ->
  private readonly writing = new Set<string>(); // pod uids with a write in flight
  private readonly dirty = new Set<string>(); // changed while a write was in flight
  /** The resourceVersion each pod had when a stage last acted on it: never act twice on one version. */
  private readonly actedOn = new Map<string, string>();
  private readonly pullFailures = new Map<string, number>();
  private readonly images = new Map<string, Set<string>>(); // node -> images pulled
  private stopped = false;

  constructor(private readonly deps: PodLifecycleDeps) {}

  /** A pod was added or changed (informer onAdd / onUpdate). */
  observe(pod: Pod): void {
    if (this.stopped) return;
    const uid = pod.metadata?.uid ?? '';
    const node = this.deps.node(pod.spec?.nodeName ?? '');
    if (!node || !uid) return;
    if (pod.status?.podIP) node.podIPs.reserve(uid, pod.status.podIP);
    if (this.writing.has(uid)) {
      this.dirty.add(uid);
      return;
    }
    if (this.actedOn.get(uid) === pod.metadata?.resourceVersion) return;
    const stage = matchStage(pod, this.deps.stages, this.facts(node.name));
    const current = this.waiting.get(uid);
    if (current && current.stage === stage?.name) return; // the same stage goes on waiting
    current?.timer.cancel();
    this.waiting.delete(uid);
    if (podSimState(pod) === 'finished') node.podIPs.release(uid);
    if (!stage) return;
    const delay = stageDelay(stage, pod, {
      random: this.deps.random,
      crashLoopBackOff: this.deps.crashLoopBackOff,
      imagePullBackOff: this.deps.imagePullBackOff,
      pullFailures: this.pullFailures.get(uid) ?? 0,
    });
    const log = this.logFor(pod);
    log.debug({ stage: stage.name, delay }, 'stage scheduled');
    this.record(pod, renderEvents(pod, stage.next.events ?? [], 'start', this.context(pod, node, 0), this.isFirstStart(pod)));
    const key = objectKey(pod);
    const timer = this.deps.clock.schedule(delay, () => void this.apply(key, uid, stage.name, delay));
    this.waiting.set(uid, { stage: stage.name, timer });
  }

  /** A pod is gone (informer onDelete): forget it and free its address. */
  forget(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    this.waiting.get(uid)?.timer.cancel();
    this.waiting.delete(uid);
    this.dirty.delete(uid);
    this.actedOn.delete(uid);
    this.pullFailures.delete(uid);
    this.deps.node(pod.spec?.nodeName ?? '')?.podIPs.release(uid);
  }

  /** How many pods have a stage waiting. */
  get waitingCount(): number {
    return this.waiting.size;
  }

  stop(): void {
    this.stopped = true;
    for (const { timer } of this.waiting.values()) timer.cancel();
    this.waiting.clear();
  }

  private async apply(key: string, uid: string, stageName: string, waited: number): Promise<void> {
    this.waiting.delete(uid);
    const pod = this.deps.cachedPod(key);
    if (this.stopped || !pod || pod.metadata?.uid !== uid) return;
    const node = this.deps.node(pod.spec?.nodeName ?? '');
    const stage = node && matchStage(pod, this.deps.stages, this.facts(node.name));
    if (!node || !stage || stage.name !== stageName) return this.observe(pod);
    const log = this.logFor(pod).child({ stage: stage.name });
    this.writing.add(uid);
    const context = this.context(pod, node, waited);
    try {
      const pods = this.deps.client.resource(kinds.Pod, pod.metadata?.namespace);
      const name = pod.metadata?.name ?? '';
      if (stage.next.delete) {
        await pods.delete(name, { gracePeriodSeconds: 0, preconditions: { uid } });
      } else if (stage.next.containers) {
        const status = renderPodStatus(pod, stage.next.containers, context);
        // as upstream's status manager: a patch that holds only for this uid.
        const patch = [
          { op: 'test', path: '/metadata/uid', value: uid },
          { op: 'replace', path: '/status', value: status },
        ];
        await pods.patch(name, patch, 'json', { subresource: 'status' });
        this.noteApplied(pod, node.name, stage);
      }
      this.actedOn.set(uid, pod.metadata?.resourceVersion ?? '');
      this.record(pod, renderEvents(pod, stage.next.events ?? [], 'end', context, this.isFirstStart(pod)));
      log.debug('stage applied');
    } catch (error) {
      if (isNotFound(error)) return this.forget(pod);
      // A failed uid test (the pod was replaced) answers 422 or 409: the informer brings the new one.
      if (isConflict(error) || isInvalid(error)) return log.debug({ err: error }, 'pod changed under the write');
      log.warn({ err: error }, 'pod status write failed, retrying');
      this.dirty.delete(uid);
      const timer = this.deps.clock.schedule(this.deps.retryMs, () => void this.apply(key, uid, stageName, waited));
      this.waiting.set(uid, { stage: stageName, timer });
    } finally {
      this.writing.delete(uid);
      if (this.dirty.delete(uid)) {
        const latest = this.deps.cachedPod(key);
        if (latest?.metadata?.uid === uid) this.observe(latest);
      }
    }
  }

  /** After a write: the images a start pulled are on the node; a failed pull counts towards the back-off. */
  private noteApplied(pod: Pod, nodeName: string, stage: PodStage): void {
    const next = stage.next.containers;
    const uid = pod.metadata?.uid ?? '';
    if (next?.state === 'running') {
      const images = this.images.get(nodeName) ?? new Set<string>();
      this.images.set(nodeName, images);
      for (const c of allContainers(pod)) {
        images.delete(c.image ?? '');
        images.add(c.image ?? '');
        if (images.size > MAX_IMAGES_PER_NODE) images.delete(images.values().next().value!);
      }
    }
    if (next?.state === 'waiting' && next.reason === 'ErrImagePull') this.pullFailures.set(uid, (this.pullFailures.get(uid) ?? 0) + 1);
  }

  private facts(nodeName: string): StageFacts {
    const images = this.images.get(nodeName);
    return { imagePresent: (image) => images?.has(image) ?? false };
  }

  private context(pod: Pod, node: RegisteredNode, waitedMs: number): RenderContext {
    const uid = pod.metadata?.uid ?? '';
    return {
      now: this.deps.clock.now(),
      hostIP: node.hostIP,
      podIP: pod.status?.podIP ?? node.podIPs.allocate(uid),
      random: this.deps.random,
      waitedMs,
      crashLoopBackOff: this.deps.crashLoopBackOff,
    };
  }

  /** No container has run yet: the init containers run before the app containers. */
  private isFirstStart(pod: Pod): boolean {
    return !(pod.status?.containerStatuses ?? []).some((s) => s.containerID);
  }

  private record(pod: Pod, events: readonly PodEvent[]): void {
    if (events.length === 0) return;
    const recorder = this.deps.recorder(pod.spec?.nodeName ?? '');
    const subject = { ...pod, apiVersion: 'v1', kind: 'Pod' };
    for (const e of events) recorder?.event(subject, e.type, e.reason, e.message);
  }

  private logFor(pod: Pod): Logger {
    return this.deps.log.child({ pod: objectKey(pod), node: pod.spec?.nodeName });
  }
}
