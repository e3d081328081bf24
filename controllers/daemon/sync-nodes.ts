// upstream daemon_controller.go syncNodes: the creates and deletes a decision
// asked for, at most burstReplicas of each, with expectations set first so
// that a sync on a stale cache does nothing twice. Creates go in slow-start
// batches (runtime/slow-start.ts): those skipped after a failed batch are no
// longer expected and are tried again at the next sync. Events as upstream's RealPodControl
// (runtime/pod-control.ts).
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isNotFound } from '../../client/index.js';
import type { ControllerDeps } from '../runtime/controller.js';
import type { Expectations } from '../runtime/expectations.js';
import { podControl } from '../runtime/pod-control.js';
import { slowStartBatch } from '../runtime/slow-start.js';
import { newDaemonPod } from './pods.js';
import { dsSubject } from './state.js';

export const BURST_REPLICAS = 250;

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

export async function syncNodes(input: SyncNodesInput, deps: ControllerDeps, expectations: Expectations): Promise<void> {
  const { ds, key, hash } = input;
  const creates = input.nodesNeedingPods.slice(0, input.burstReplicas);
  const deletes = input.podsToDelete.slice(0, input.burstReplicas);
  expectations.set(key, creates.length, deletes.length);
  const pods = podControl(dsSubject(ds), deps);
  const errors: unknown[] = [];

  const createOne = async (index: number) => {
    try {
      await pods.createPod(newDaemonPod(ds, creates[index]!, hash));
    } catch (error) {
      expectations.creationObserved(key);
      throw error;
    }
  };
  const created = await slowStartBatch(creates.length, createOne);
  if (created.error !== undefined) errors.push(created.error);
  if (created.skipped > 0) {
    deps.log.info({ key, skipped: created.skipped }, 'slow-start failure: skipping the remaining creations');
    expectations.raise(key, -created.skipped, 0);
  }

  await Promise.all(
    deletes.map(async (pod) => {
      try {
        await pods.deletePod(pod.metadata?.name ?? '');
      } catch (error) {
        expectations.deletionObserved(key);
        if (!isNotFound(error)) errors.push(error);
      }
    }),
  );
  if (errors.length > 0) throw errors[0];
}
