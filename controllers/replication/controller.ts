// The ReplicationController controller's wiring (upstream
// pkg/controller/replication, which is pkg/controller/replicaset's
// ReplicaSetController run over RCs: replica_set.go syncReplicaSet,
// manageReplicas, addPod/updatePod/deletePod). Keys are RCs (`namespace/name`);
// changes of their pods wake them. A sync takes the active pods, claims them
// (adopting orphans that match, releasing its own that no longer do), and,
// once the creates and deletes of the last sync have all been seen, asks
// plan.ts for the difference and applies it; then writes the status.
import type { Pod, ReplicationController } from 'kubernetes-types/core/v1.js';
import { hasStatusCause, isNotFound } from '../../client/index.js';
import { applyClaim } from '../runtime/adoption.js';
import { adoptPatch, claimObjects, controllerRefOf, releasePatch } from '../runtime/claim.js';
import type { Controller, ControllerDeps } from '../runtime/controller.js';
import { executePlan } from '../runtime/executor.js';
import { UIDTrackingExpectations } from '../runtime/expectations.js';
import { messageOf, podControl } from '../runtime/pod-control.js';
import { isPodActive, isPodReady } from '../runtime/pod-readiness.js';
import { slowStartBatch } from '../runtime/slow-start.js';
import { BURST_REPLICAS, planReplicas } from './plan.js';
import { fromReplicationController, indirectlyRelatedPods, type ReplicatedSet } from './replicated.js';
import { availabilityRequeueMs, calculateStatus, statusPatch } from './status.js';

export interface ReplicationManagerOptions {
  /** upstream BurstReplicas: at most this many creates (or deletes) a sync. */
  readonly burstReplicas: number;
  /** upstream --concurrent-rc-syncs */
  readonly workers: number;
}

export const replicationManagerDefaults: ReplicationManagerOptions = { burstReplicas: BURST_REPLICAS, workers: 5 };

const keyOf = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
const labelsOf = (pod: Pod) => JSON.stringify(pod.metadata?.labels ?? {});

export function replicationManager(deps: ControllerDeps, options: Partial<ReplicationManagerOptions> = {}): Controller {
  const { burstReplicas, workers } = { ...replicationManagerDefaults, ...options };
  const rcs = deps.informers.informerFor('ReplicationController');
  const pods = deps.informers.informerFor('Pod');
  const expectations = new UIDTrackingExpectations(deps.clock);

  /** upstream resolveControllerRef: the RC a pod names as controller, if it is in the cache with that uid. */
  const controllingRC = (pod: Pod): ReplicationController | undefined => {
    const ref = controllerRefOf(pod);
    if (ref?.kind !== 'ReplicationController') return undefined;
    const rc = rcs.get(`${pod.metadata?.namespace ?? ''}/${ref.name}`);
    return rc?.metadata?.uid === ref.uid ? rc : undefined;
  };
  /** upstream getPodReplicaSets: the RCs an orphan would match. */
  const matchingKeys = (pod: Pod) =>
    rcs
      .list()
      .map(fromReplicationController)
      .filter((set) => set.namespace === pod.metadata?.namespace && set.selector.matches(pod.metadata?.labels ?? {}))
      .map((set) => `${set.namespace}/${set.name}`);

  /** upstream claimPods through a ControllerRefManager. */
  async function claim(rc: ReplicationController, set: ReplicatedSet, active: readonly Pod[]): Promise<Pod[]> {
    const claimed = claimObjects(rc, active, (labels) => set.selector.matches(labels));
    const adoptions = claimed.adopt.map((p) => adoptPatch('Pod', set.controllerRef, p));
    const releases = claimed.release.map((p) => releasePatch('Pod', set.uid, p));
    await applyClaim(set, adoptions, releases, deps);
    return claimed.owned;
  }

  /** upstream manageReplicas: the plan's creates in slow-start batches, its deletes at once; expectations first. */
  async function manageReplicas(key: string, set: ReplicatedSet, owned: readonly Pod[]): Promise<void> {
    const related = indirectlyRelatedPods(set, rcs.list().map(fromReplicationController), pods.list());
    const plan = planReplicas({ set, pods: owned, relatedPods: related, burstReplicas, now: deps.clock.now() });
    const control = podControl(set.subject, deps);
    const log = deps.log.child({ key });
    if (plan.creates.length > 0) {
      expectations.expectCreations(key, plan.creates.length);
      log.debug({ need: set.replicas, creating: plan.creates.length }, 'too few replicas');
      const result = await slowStartBatch(plan.creates.length, async (i) => {
        try {
          await control.createPod(plan.creates[i]!);
        } catch (error) {
          // A namespace being deleted refuses every create: nothing to retry (upstream ignores it).
          if (!hasStatusCause(error, 'NamespaceTerminating')) throw error;
        }
      });
      // Creates never attempted, or failed, will never be observed.
      const unobserved = plan.creates.length - result.successes;
      if (unobserved > 0) log.debug({ unobserved }, 'slow-start failure: skipping the remaining creations');
      for (let i = 0; i < unobserved; i++) expectations.creationObserved(key);
      if (result.error !== undefined) throw result.error as Error;
      return;
    }
    if (plan.deletes.length === 0) return;
    log.debug({ need: set.replicas, deleting: plan.deletes.map((p) => p.metadata?.name) }, 'too many replicas');
    expectations.expectDeletionsOf(key, plan.deletes.map(keyOf));
    const errors: unknown[] = [];
    await Promise.all(
      plan.deletes.map(async (pod) => {
        try {
          await control.deletePod(pod.metadata?.name ?? '');
        } catch (error) {
          expectations.deletionObservedOf(key, keyOf(pod));
          if (!isNotFound(error)) errors.push(error);
        }
      }),
    );
    if (errors.length > 0) throw errors[0];
  }

  /** upstream deletePod: a pod going (or gone) that its RC may have been waiting for. */
  const podGone = (pod: Pod, enqueue: (key: string) => void) => {
    const rc = controllingRC(pod);
    if (!rc) return;
    const key = keyOf(rc);
    expectations.deletionObservedOf(key, keyOf(pod));
    enqueue(key);
  };

  return {
    name: 'replicationcontroller',
    workers,
    watch(enqueue) {
      rcs.addEventHandler({ onAdd: (rc) => enqueue(keyOf(rc)), onUpdate: (_, rc) => enqueue(keyOf(rc)), onDelete: (rc) => enqueue(keyOf(rc)) });
      pods.addEventHandler({
        onAdd: (pod) => {
          if (pod.metadata?.deletionTimestamp) return podGone(pod, enqueue);
          const rc = controllingRC(pod);
          if (rc) {
            expectations.creationObserved(keyOf(rc));
            enqueue(keyOf(rc));
          } else if (!controllerRefOf(pod)) {
            for (const key of matchingKeys(pod)) enqueue(key);
          }
        },
        onUpdate: (old, pod) => {
          if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
          const labelsChanged = labelsOf(old) !== labelsOf(pod);
          if (pod.metadata?.deletionTimestamp) {
            podGone(pod, enqueue);
            if (labelsChanged) podGone(old, enqueue);
            return;
          }
          const oldRef = controllerRefOf(old);
          const ref = controllerRefOf(pod);
          const refChanged = JSON.stringify(oldRef) !== JSON.stringify(ref);
          if (refChanged && oldRef) {
            const oldRC = controllingRC(old);
            if (oldRC) enqueue(keyOf(oldRC));
          }
          if (ref) {
            const rc = controllingRC(pod);
            if (!rc) return;
            enqueue(keyOf(rc));
            // A pod just ready becomes available after minReadySeconds: look again then (and a second more, as upstream).
            const minReady = rc.spec?.minReadySeconds ?? 0;
            if (!isPodReady(old) && isPodReady(pod) && minReady > 0) enqueue.after(keyOf(rc), (minReady + 1) * 1000);
            return;
          }
          if (labelsChanged || refChanged) for (const key of matchingKeys(pod)) enqueue(key);
        },
        onDelete: (pod) => podGone(pod, enqueue),
      });
    },
    async sync(key) {
      const rc = rcs.get(key);
      if (!rc) {
        expectations.delete(key);
        return;
      }
      const set = fromReplicationController(rc);
      const needsSync = expectations.satisfied(key);
      const active = pods.list().filter((p) => p.metadata?.namespace === set.namespace && isPodActive(p));
      const owned = await claim(rc, set, active);
      let manageError: unknown;
      if (needsSync && !set.deleting) {
        try {
          await manageReplicas(key, set, owned);
        } catch (error) {
          manageError = error;
        }
      }
      const status = calculateStatus(set, owned, manageError === undefined ? undefined : messageOf(manageError), deps.clock.now());
      const patch = statusPatch(set, status);
      if (patch) await executePlan({ events: [], patches: [patch], deletes: [] }, deps);
      if (manageError !== undefined) throw manageError as Error;
      const requeueAfterMs = availabilityRequeueMs(set, status);
      return requeueAfterMs === undefined ? undefined : { requeueAfterMs };
    },
  };
}
