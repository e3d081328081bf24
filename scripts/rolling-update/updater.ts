// The rolling update loop over the API, after old kubectl's RollingUpdater.Update
// (v1.17 staging/src/k8s.io/kubectl/pkg/cmd/rollingupdate/rolling_updater.go):
// create (or find) the new controller at 0 replicas, then scale it up and the
// old one down a step at a time (steps.ts decides how far), waiting for each
// scale to take and for the new pods to become available, then clean up.
// A thin driver: the decisions are in steps.ts and controllers.ts.
import type { Pod, ReplicationController } from 'kubernetes-types/core/v1.js';
import { isConflict, isNotFound, kinds, sleep, type Clock, type KubeClient, type ResourceClient } from '../../client/index.js';
import { isPodAvailable } from '../../controllers/index.js';
import {
  annotationOf,
  annotations,
  asNewObject,
  checkExistingTarget,
  desiredReplicasOf,
  nameOf,
  replicasOf,
  sourceIdOf,
  targetToCreate,
} from './controllers.js';
import { RollingUpdateError } from './errors.js';
import { lines } from './output.js';
import { scaleDownTarget, scaleUpTarget, updateBounds, updateDone } from './steps.js';

/** What happens to the controllers once the new one is complete (upstream RollingUpdaterCleanupPolicy). */
export type CleanupPolicy = 'Delete' | 'Rename' | 'Preserve';

export interface UpdaterDeps {
  readonly client: KubeClient;
  readonly namespace: string;
  readonly clock: Clock;
  /** Prints one line of progress (the command's stdout). */
  readonly print: (line: string) => void;
}

export interface UpdaterConfig {
  readonly oldRc: ReplicationController;
  readonly newRc: ReplicationController;
  readonly updatePeriodMs: number;
  readonly pollIntervalMs: number;
  readonly timeoutMs: number;
  /** How long a new pod must be Ready to count as available (old kubectl always passed 0). */
  readonly minReadySeconds: number;
  readonly cleanup: CleanupPolicy;
}

export const selectorText = (selector: Readonly<Record<string, string>> | undefined): string =>
  Object.entries(selector ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(',');

/** Polls `condition` every `intervalMs` (first at once when `immediate`) until it holds; rejects with `timeoutMessage` after `timeoutMs`. */
export async function poll(clock: Clock, options: { intervalMs: number; timeoutMs: number; immediate: boolean; timeoutMessage: string }, condition: () => Promise<boolean>): Promise<void> {
  const deadline = clock.now() + options.timeoutMs;
  if (!options.immediate) await sleep(clock, options.intervalMs);
  for (;;) {
    if (await condition()) return;
    if (clock.now() >= deadline) throw new RollingUpdateError(options.timeoutMessage);
    await sleep(clock, options.intervalMs);
  }
}

export class RollingUpdater {
  private readonly rcs: ResourceClient<ReplicationController>;
  private readonly pods: ResourceClient<Pod>;

  constructor(private readonly deps: UpdaterDeps) {
    this.rcs = deps.client.resource(kinds.ReplicationController, deps.namespace);
    this.pods = deps.client.resource(kinds.Pod, deps.namespace);
  }

  /** upstream Update: drives the pair until the new controller has all the replicas, then cleans up. */
  async update(config: UpdaterConfig): Promise<void> {
    const { print, clock } = this.deps;
    let oldRc = config.oldRc;
    const { rc: target, existed } = await this.targetController(config.newRc, sourceIdOf(oldRc));
    let newRc = target;
    print(existed ? lines.continuing(nameOf(newRc)) : lines.creating(nameOf(newRc)));
    const desired = desiredReplicasOf(newRc);
    // What a later --rollback goes back to.
    if (annotationOf(oldRc, annotations.originalReplicas) === undefined) {
      const existing = await this.rcs.get(nameOf(oldRc));
      oldRc = await this.annotate(nameOf(oldRc), { [annotations.originalReplicas]: String(replicasOf(existing)) });
    }
    const bounds = updateBounds(desired, replicasOf(oldRc));
    const pair = (oldReplicas: number, newReplicas: number) => ({ oldName: nameOf(oldRc), oldReplicas, newName: nameOf(newRc), newReplicas });

    // A scale either way is progress; none for the whole timeout is an error.
    let progressDeadline = clock.now() + config.timeoutMs;
    while (!updateDone({ oldReplicas: replicasOf(oldRc), newReplicas: replicasOf(newRc) }, bounds)) {
      const before = { oldReplicas: replicasOf(oldRc), newReplicas: replicasOf(newRc) };
      const up = scaleUpTarget(before, bounds);
      // Where the round is going: the new controller one up (at most), the old one down as far as that allows.
      const newTarget = up ?? before.newReplicas;
      const going = pair(Math.max(0, Math.min(before.oldReplicas, bounds.desired - newTarget)), newTarget);
      print(lines.loopStart(going));
      print(lines.updating(going));
      if (up !== undefined) newRc = await this.scaleAndWait(newRc, up, config);
      // Wait between scaling operations for things to settle.
      await sleep(clock, config.updatePeriodMs);
      const newAvailable = await this.availablePods(newRc, config.minReadySeconds);
      const down = scaleDownTarget({ oldReplicas: replicasOf(oldRc), newReplicas: replicasOf(newRc), newAvailable }, bounds);
      if (down !== undefined) oldRc = await this.scaleAndWait(oldRc, down, config);
      print(lines.loopEnd(pair(replicasOf(oldRc), replicasOf(newRc))));
      if (replicasOf(newRc) !== before.newReplicas || replicasOf(oldRc) !== before.oldReplicas) progressDeadline = clock.now() + config.timeoutMs;
      else if (clock.now() > progressDeadline) throw new RollingUpdateError('timed out waiting for any update progress to be made');
    }
    await this.cleanup(oldRc, newRc, config);
  }

  /** upstream getOrCreateTargetControllerWithClient: the new controller, created at 0 replicas unless an interrupted update left it. */
  private async targetController(rc: ReplicationController, sourceId: string): Promise<{ rc: ReplicationController; existed: boolean }> {
    try {
      const existing = await this.rcs.get(nameOf(rc));
      checkExistingTarget(existing, sourceId);
      return { rc: existing, existed: true };
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    return { rc: await this.rcs.create(targetToCreate(rc, sourceId)), existed: false };
  }

  /** upstream readyPods: the new controller's pods that are available and not being deleted. */
  private async availablePods(rc: ReplicationController, minReadySeconds: number): Promise<number> {
    const pods = await this.pods.list({ labelSelector: selectorText(rc.spec?.selector) });
    const now = this.deps.clock.now();
    return pods.items.filter((pod) => !pod.metadata?.deletionTimestamp && isPodAvailable(pod, minReadySeconds, now)).length;
  }

  /**
   * upstream scaleAndWaitWithScaler: sets replicas through the scale
   * subresource (again on a conflict), waits until the controller reports
   * that many pods, and answers the controller as it is now.
   */
  private async scaleAndWait(rc: ReplicationController, replicas: number, config: UpdaterConfig): Promise<ReplicationController> {
    const name = nameOf(rc);
    const timing = { intervalMs: config.pollIntervalMs, timeoutMs: config.timeoutMs, immediate: true };
    await poll(this.deps.clock, { ...timing, timeoutMessage: `timed out scaling "${name}" to ${replicas}` }, async () => {
      const scale = await this.rcs.getScale(name);
      try {
        await this.rcs.updateScale(name, { ...scale, spec: { replicas } });
        return true;
      } catch (error) {
        if (isConflict(error)) return false;
        throw error;
      }
    });
    await poll(this.deps.clock, { ...timing, timeoutMessage: `timed out waiting for "${name}" to be synced` }, async () => {
      const scale = await this.rcs.getScale(name);
      // Someone else set another size: nothing more to wait for.
      if (scale.spec?.replicas !== replicas) return true;
      return scale.status?.replicas === replicas;
    });
    return this.rcs.get(name);
  }

  /** upstream cleanupWithClients: the update's annotations off, the new controller complete, then the policy. */
  private async cleanup(oldRc: ReplicationController, newRc: ReplicationController, config: UpdaterConfig): Promise<void> {
    const { print, clock } = this.deps;
    const cleaned = await this.annotate(nameOf(newRc), { [annotations.sourceId]: null, [annotations.desiredReplicas]: null });
    await poll(clock, { intervalMs: config.pollIntervalMs, timeoutMs: config.timeoutMs, immediate: false, timeoutMessage: 'timed out waiting for the condition' }, async () => {
      const current = await this.rcs.get(nameOf(cleaned));
      return (current.status?.observedGeneration ?? 0) >= (cleaned.metadata?.generation ?? 0) && (current.status?.replicas ?? 0) === replicasOf(current);
    });
    const complete = await this.rcs.get(nameOf(cleaned));
    if (config.cleanup === 'Delete') {
      print(lines.deleting(nameOf(oldRc)));
      await this.rcs.delete(nameOf(oldRc));
    } else if (config.cleanup === 'Rename') {
      print(lines.deletingOld(nameOf(oldRc)));
      await this.rcs.delete(nameOf(oldRc));
      print(lines.renaming(nameOf(complete), nameOf(oldRc)));
      await this.rename(complete, nameOf(oldRc), config.pollIntervalMs);
    }
  }

  /**
   * upstream Rename: the controller created again under `newName`. The old
   * name is deleted with its pods orphaned, so that the controller created
   * under the new name adopts them (its selector is the same).
   */
  async rename(rc: ReplicationController, newName: string, pollIntervalMs: number): Promise<void> {
    const oldName = nameOf(rc);
    try {
      await this.rcs.delete(oldName, { propagationPolicy: 'Orphan' });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    // upstream waits for the old name only (every 5 s for 60 s); the name being
    // taken must be free too, and the orphan finalizer may keep it a moment.
    const gone = async (name: string) => {
      try {
        await this.rcs.get(name);
        return false;
      } catch (error) {
        if (isNotFound(error)) return true;
        throw error;
      }
    };
    await poll(this.deps.clock, { intervalMs: pollIntervalMs, timeoutMs: 60_000, immediate: true, timeoutMessage: 'timed out waiting for the condition' }, async () => (await gone(oldName)) && (await gone(newName)));
    await this.rcs.create(asNewObject({ ...rc, metadata: { ...rc.metadata, name: newName } }));
  }

  /** Sets (a string) or removes (null) annotations with one merge patch. */
  annotate(name: string, changes: Readonly<Record<string, string | null>>): Promise<ReplicationController> {
    return this.rcs.patch(name, { metadata: { annotations: changes } });
  }
}
