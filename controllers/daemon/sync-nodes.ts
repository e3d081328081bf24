// upstream daemon_controller.go syncNodes: the creates and deletes a decision
// asked for, at most burstReplicas of each, with expectations set first so
// that a sync on a stale cache does nothing twice. Creates go in slow-start
// batches (1, 2, 4, ...; upstream controller.SlowStartInitialBatchSize): a
// batch with a failure stops the rest, which are no longer expected and are
// tried again at the next sync. Events as upstream's RealPodControl.
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isNotFound, kinds } from '../../client/index.js';
import type { ControllerDeps } from '../runtime/controller.js';
import type { Expectations } from '../runtime/expectations.js';
import { newDaemonPod } from './pods.js';

export const BURST_REPLICAS = 250;
const SLOW_START_INITIAL_BATCH_SIZE = 1;

export interface SyncNodesInput {
  readonly ds: DaemonSet;
  readonly key: string;
  readonly hash: string;
  readonly nodesNeedingPods: readonly string[];
  readonly podsToDelete: readonly Pod[];
  readonly burstReplicas: number;
}

/** The DaemonSet as an event's subject (an informer's objects carry no kind). */
export const dsObject = (ds: DaemonSet) => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { namespace: ds.metadata?.namespace, name: ds.metadata?.name, uid: ds.metadata?.uid } });

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export async function syncNodes(input: SyncNodesInput, deps: ControllerDeps, expectations: Expectations): Promise<void> {
  const { ds, key, hash } = input;
  const creates = input.nodesNeedingPods.slice(0, input.burstReplicas);
  const deletes = input.podsToDelete.slice(0, input.burstReplicas);
  expectations.set(key, creates.length, deletes.length);
  const pods = deps.client.resource(kinds.Pod, ds.metadata?.namespace);
  const errors: unknown[] = [];

  const createOne = async (nodeName: string) => {
    try {
      const created = await pods.create(newDaemonPod(ds, nodeName, hash));
      deps.recorder.event(dsObject(ds), 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
    } catch (error) {
      expectations.creationObserved(key);
      deps.recorder.event(dsObject(ds), 'Warning', 'FailedCreate', `Error creating: ${messageOf(error)}`);
      errors.push(error);
    }
  };
  for (let pos = 0, batch = Math.min(creates.length, SLOW_START_INITIAL_BATCH_SIZE); pos < creates.length; pos += batch, batch = Math.min(2 * batch, creates.length - pos)) {
    const failedBefore = errors.length;
    await Promise.all(creates.slice(pos, pos + batch).map(createOne));
    const skipped = creates.length - (pos + batch);
    if (errors.length > failedBefore && skipped > 0) {
      deps.log.info({ key, skipped }, 'slow-start failure: skipping the remaining creations');
      expectations.raise(key, -skipped, 0);
      break;
    }
  }

  await Promise.all(
    deletes.map(async (pod) => {
      const name = pod.metadata?.name ?? '';
      try {
        await pods.delete(name);
        deps.recorder.event(dsObject(ds), 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
      } catch (error) {
        expectations.deletionObserved(key);
        if (isNotFound(error)) return;
        deps.recorder.event(dsObject(ds), 'Warning', 'FailedDelete', `Error deleting: ${messageOf(error)}`);
        errors.push(error);
      }
    }),
  );
  if (errors.length > 0) throw errors[0];
}
