// The API side of a DaemonSet's history (upstream update.go constructHistory,
// snapshot, dedupCurHistories, cleanupHistory); the decisions are history.ts.
import type { ControllerRevision, DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isAlreadyExists, isNotFound, kinds } from '../../client/index.js';
import type { ControllerDeps } from '../runtime/controller.js';
import { newRevision, revisionMatches, revisionsToPrune, revisionToKeep, viewHistory } from './history.js';
import { REVISION_HASH_LABEL } from './pods.js';

export class StaleCollisionCount extends Error {
  constructor(ds: DaemonSet, current: number | undefined) {
    super(`found a stale collision count (${ds.status?.collisionCount}, expected ${current}) of DaemonSet "${ds.metadata?.name}" while processing; will retry until it is updated`);
    this.name = 'StaleCollisionCount';
  }
}

export class HashCollision extends Error {
  constructor(name: string) {
    super(`controllerrevision "${name}" exists with another template; collisionCount raised`);
    this.name = 'HashCollision';
  }
}

const hashOf = (revision: ControllerRevision) => revision.metadata?.labels?.[REVISION_HASH_LABEL] ?? '';

/** upstream snapshot: creates the current revision; on a name taken by another template, raises collisionCount and fails (the sync is retried). */
async function snapshot(ds: DaemonSet, revision: number, deps: ControllerDeps): Promise<ControllerRevision> {
  const revisions = deps.client.resource(kinds.ControllerRevision, ds.metadata?.namespace);
  const object = newRevision(ds, revision);
  try {
    return await revisions.create(object);
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
    const existing = await revisions.get(object.metadata?.name ?? '');
    if (revisionMatches(ds, existing)) return existing;
    const fresh = await deps.client.resource(kinds.DaemonSet, ds.metadata?.namespace).get(ds.metadata?.name ?? '');
    if (fresh.status?.collisionCount !== ds.status?.collisionCount) throw new StaleCollisionCount(ds, fresh.status?.collisionCount);
    const collisionCount = (fresh.status?.collisionCount ?? 0) + 1;
    await deps.client.resource(kinds.DaemonSet, ds.metadata?.namespace).patch(ds.metadata?.name ?? '', { status: { collisionCount } }, 'merge', { subresource: 'status' });
    deps.log.info({ collisionCount }, 'found a hash collision for DaemonSet - bumping collisionCount to resolve it');
    throw new HashCollision(object.metadata?.name ?? '');
  }
}

/**
 * upstream constructHistory: the current revision (made, or renumbered to
 * follow the old ones, duplicates folded into one) and the old ones.
 */
export async function constructHistory(ds: DaemonSet, owned: readonly ControllerRevision[], pods: readonly Pod[], deps: ControllerDeps): Promise<{ hash: string; old: ControllerRevision[] }> {
  const revisions = deps.client.resource(kinds.ControllerRevision, ds.metadata?.namespace);
  const labelled: ControllerRevision[] = [];
  for (const revision of owned) {
    // We use the name rather than a hash, as upstream, so a collision cannot matter.
    if (hashOf(revision)) labelled.push(revision);
    else labelled.push(await revisions.patch(revision.metadata?.name ?? '', { metadata: { labels: { [REVISION_HASH_LABEL]: revision.metadata?.name } } }));
  }
  const view = viewHistory(ds, labelled);
  if (view.current.length === 0) return { hash: hashOf(await snapshot(ds, view.nextRevision, deps)), old: view.old };
  const keep = revisionToKeep(view.current);
  if (view.current.length > 1) {
    const podClient = deps.client.resource(kinds.Pod, ds.metadata?.namespace);
    for (const pod of pods) {
      if (pod.metadata?.labels?.[REVISION_HASH_LABEL] !== hashOf(keep)) await podClient.patch(pod.metadata?.name ?? '', { metadata: { labels: { [REVISION_HASH_LABEL]: hashOf(keep) } } });
    }
    for (const duplicate of view.current) if (duplicate !== keep) await deleteRevision(ds, duplicate, deps);
  }
  if (keep.revision < view.nextRevision) await revisions.patch(keep.metadata?.name ?? '', { revision: view.nextRevision });
  return { hash: hashOf(keep), old: view.old };
}

async function deleteRevision(ds: DaemonSet, revision: ControllerRevision, deps: ControllerDeps): Promise<void> {
  try {
    await deps.client.resource(kinds.ControllerRevision, ds.metadata?.namespace).delete(revision.metadata?.name ?? '');
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

/** upstream cleanupHistory */
export async function cleanupHistory(ds: DaemonSet, old: readonly ControllerRevision[], pods: readonly Pod[], deps: ControllerDeps): Promise<void> {
  for (const revision of revisionsToPrune(ds, old, pods)) await deleteRevision(ds, revision, deps);
}
