// The simulated containers' logs, kept as a kubelet's runtime keeps them: per
// container, the current instance and the previous one (what `kubectl logs
// --previous` reads; older instances are gone, as upstream keeps one). Fed
// level-triggered from the pod objects the informer delivers (STYLE.md 5):
// a container ID never seen starts an instance with its start lines, a
// terminated state ends it with exit lines, a deletionTimestamp stops it. So a
// restarted kubelet-sim rebuilds the logs of the pods it adopts from their
// statuses. Bounded: each instance keeps its last `maxLines` lines, a
// follower is told of each new line and of the end. Pure: no I/O; the clock
// comes in as `now`.
import type { Container, ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import { exitLines, startLines, stopLines } from './image-log-lines.js';

export interface LogLine {
  /** When it was written, ms since the epoch. */
  readonly time: number;
  readonly text: string;
}

export interface LogFollower {
  line(line: LogLine): void;
  /** The instance ended (its container exited or was stopped, or the pod is gone). */
  end(): void;
}

/** One run of one container: what it wrote, whether it has ended, who follows it. */
export class ContainerInstance {
  private readonly buffer: LogLine[] = [];
  private readonly followers = new Set<LogFollower>();
  private endedFlag = false;

  constructor(
    readonly containerID: string,
    private readonly maxLines: number,
  ) {}

  get ended(): boolean {
    return this.endedFlag;
  }

  /** The lines kept, oldest first. */
  lines(): readonly LogLine[] {
    return this.buffer;
  }

  write(time: number, texts: readonly string[]): void {
    if (this.endedFlag) return;
    for (const text of texts) {
      const line = { time, text };
      this.buffer.push(line);
      // as a bounded buffer (STYLE.md 9): the oldest line goes first.
      if (this.buffer.length > this.maxLines) this.buffer.shift();
      for (const f of this.followers) f.line(line);
    }
  }

  end(): void {
    if (this.endedFlag) return;
    this.endedFlag = true;
    for (const f of this.followers) f.end();
    this.followers.clear();
  }

  /** Calls `follower` for each line written from now on; returns the unsubscribe. Ends at once if the instance has. */
  follow(follower: LogFollower): () => void {
    if (this.endedFlag) {
      follower.end();
      return () => undefined;
    }
    this.followers.add(follower);
    return () => this.followers.delete(follower);
  }
}

interface ContainerEntry {
  current?: ContainerInstance;
  previous?: ContainerInstance;
  /** The container's image, for the lines it prints when stopped. */
  image?: string;
}

export const containerLogDefaults = {
  /** Lines kept per container instance. */
  maxLines: 1000,
} as const;

function timeOf(text: string | undefined, fallback: number): number {
  const ms = text ? Date.parse(text) : NaN;
  return Number.isNaN(ms) ? fallback : ms;
}

export class ContainerLogs {
  private readonly pods = new Map<string, Map<string, ContainerEntry>>(); // pod uid -> container name ->

  constructor(
    private readonly now: () => number,
    private readonly maxLines: number = containerLogDefaults.maxLines,
  ) {}

  /** The pod as it is now: start, end or stop instances as its container statuses say. */
  observe(pod: Pod): void {
    const uid = pod.metadata?.uid ?? '';
    if (!uid) return;
    const specs = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
    const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
    for (const status of statuses) {
      const spec = specs.find((c) => c.name === status.name);
      if (spec) this.observeContainer(uid, spec, status, pod.metadata?.deletionTimestamp);
    }
  }

  /**
   * The pod is gone: its instances end (followers stop) and its logs are
   * dropped. A container still running when its pod went (the deletion seen
   * only once the pod was gone, as after a missed watch event) was stopped
   * all the same: its stop lines come first, as the kubelet's kill would print them.
   */
  forget(uid: string): void {
    for (const [container, entry] of this.pods.get(uid) ?? []) {
      const current = entry.current;
      if (current && !current.ended) current.write(this.now(), stopLines(entry.image ?? '', container, this.now()));
      current?.end();
    }
    this.pods.delete(uid);
  }

  /** The current (or, with `previous`, the previous) instance of a container, if it has run. */
  instance(uid: string, container: string, previous = false): ContainerInstance | undefined {
    const entry = this.pods.get(uid)?.get(container);
    return previous ? entry?.previous : entry?.current;
  }

  private entry(uid: string, container: string): ContainerEntry {
    let containers = this.pods.get(uid);
    if (!containers) this.pods.set(uid, (containers = new Map<string, ContainerEntry>()));
    let entry = containers.get(container);
    if (!entry) containers.set(container, (entry = {}));
    return entry;
  }

  private observeContainer(uid: string, spec: Container, status: ContainerStatus, deletionTimestamp: string | undefined): void {
    const entry = this.entry(uid, spec.name);
    const image = spec.image ?? '';
    entry.image = image;
    const restarts = status.restartCount ?? 0;
    const last = status.lastState?.terminated;
    // The previous run: the current instance ended (or, adopted, one rebuilt from lastState).
    if (last?.containerID) {
      if (entry.current?.containerID === last.containerID) {
        this.finish(entry.current, image, spec.name, last);
        entry.previous = entry.current;
        entry.current = undefined;
      } else if (entry.previous?.containerID !== last.containerID) {
        entry.previous = this.rebuilt(last.containerID, image, spec.name, Math.max(0, restarts - 1), last.startedAt);
        this.finish(entry.previous, image, spec.name, last);
      }
    }
    const running = status.state?.running;
    const terminated = status.state?.terminated;
    const id = status.containerID;
    if (id && (running || terminated) && entry.current?.containerID !== id) {
      entry.current?.end();
      entry.current = this.rebuilt(id, image, spec.name, restarts, (running ?? terminated)?.startedAt);
    }
    if (terminated && entry.current) this.finish(entry.current, image, spec.name, terminated);
    if (deletionTimestamp && entry.current && !entry.current.ended) {
      entry.current.write(this.now(), stopLines(image, spec.name, this.now()));
      entry.current.end();
    }
  }

  private rebuilt(id: string, image: string, container: string, restarts: number, startedAt: string | undefined): ContainerInstance {
    const instance = new ContainerInstance(id, this.maxLines);
    const at = timeOf(startedAt, this.now());
    instance.write(at, startLines(image, container, restarts, at));
    return instance;
  }

  private finish(instance: ContainerInstance, image: string, container: string, state: { exitCode: number; reason?: string; finishedAt?: string }): void {
    if (instance.ended) return;
    const at = timeOf(state.finishedAt, this.now());
    instance.write(at, exitLines(image, container, { exitCode: state.exitCode, reason: state.reason ?? 'Error' }, at));
    instance.end();
  }
}
