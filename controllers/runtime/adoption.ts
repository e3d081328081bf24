// Applying a claim (runtime/claim.ts) as upstream's ControllerRefManager
// does: adoptions only after an uncached read shows the controller still
// there and not being deleted (RecheckDeletionTimestamp, #42639); releases one
// by one, where an object gone or no longer ours (NotFound, Invalid) is fine.
import { isInvalid, isNotFound, kinds, type KubeObject } from '../../client/index.js';
import type { ControllerDeps } from './controller.js';
import { executePlan } from './executor.js';
import type { KindName, PatchAction } from './plan.js';

export interface ClaimingController {
  readonly kind: KindName;
  readonly namespace?: string;
  readonly name: string;
  readonly uid?: string;
}

export async function applyClaim(controller: ClaimingController, adoptions: readonly PatchAction[], releases: readonly PatchAction[], deps: Pick<ControllerDeps, 'client' | 'recorder' | 'log'>): Promise<void> {
  if (adoptions.length > 0) {
    const { kind, namespace, name, uid } = controller;
    const fresh = await deps.client.resource<KubeObject>(kinds[kind], namespace).get(name);
    if (fresh.metadata?.uid !== uid) throw new Error(`original ${kind} ${namespace}/${name} is gone: got uid ${fresh.metadata?.uid}, wanted ${uid}`);
    if (fresh.metadata?.deletionTimestamp) throw new Error(`${namespace}/${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    await executePlan({ events: [], patches: adoptions, deletes: [] }, deps);
  }
  for (const release of releases) {
    try {
      await executePlan({ events: [], patches: [release], deletes: [] }, deps);
    } catch (error) {
      if (!isNotFound(error) && !isInvalid(error)) throw error;
    }
  }
}
