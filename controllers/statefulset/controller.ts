// The StatefulSet controller's wiring (upstream pkg/controller/statefulset
// stateful_set.go, stateful_set_control.go, stateful_pod_control.go): keys
// are StatefulSets (`namespace/name`); changes of their pods and
// ControllerRevisions wake them. A sync claims the pods and revisions,
// settles the current and update revisions, asks plan.ts what to do, does
// it (claims before pods, events as upstream's StatefulPodControl), writes
// the status when it changed, and prunes the history. As upstream, no
// expectations: pod names are fixed, so a create the cache has not seen yet
// fails with AlreadyExists and is let be.
import type { ControllerRevision, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import { isAlreadyExists, isNotFound, kinds } from '../../client/index.js';
import { selectorFromLabelSelector } from '../../proto/index.js';
import { applyClaim } from '../runtime/adoption.js';
import { adoptPatch, claimObjects, releasePatch } from '../runtime/claim.js';
import type { Controller, ControllerDeps } from '../runtime/controller.js';
import { executePlan } from '../runtime/executor.js';
import { claimOwnerReferences } from './claims.js';
import { controllerRefTo } from './identity.js';
import { planStatefulSet, type StatefulSetAction } from './plan.js';
import { applyRevision, equalRevisions, newRevision, revisionsToTruncate, updateRevisionStep } from './revisions.js';
import { computeStatus, statusPatch } from './status.js';

export interface StatefulSetControllerOptions {
  /** upstream --concurrent-statefulset-syncs */
  readonly workers: number;
}

export const statefulSetControllerDefaults: StatefulSetControllerOptions = { workers: 2 };

const keyOf = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
const controllerRefOf = (o: Pod | ControllerRevision) => o.metadata?.ownerReferences?.find((r) => r.controller);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));
/** The set as an event's subject (an informer's objects carry no kind). */
const setObject = (set: StatefulSet) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { namespace: set.metadata?.namespace, name: set.metadata?.name, uid: set.metadata?.uid } });

function selectorOf(set: StatefulSet) {
  try {
    return selectorFromLabelSelector(set.spec?.selector ?? {});
  } catch {
    return undefined;
  }
}

export function statefulSetController(deps: ControllerDeps, options: Partial<StatefulSetControllerOptions> = {}): Controller {
  const { workers } = { ...statefulSetControllerDefaults, ...options };
  const sets = deps.informers.informerFor('StatefulSet');
  const pods = deps.informers.informerFor('Pod');
  const revisions = deps.informers.informerFor('ControllerRevision');
  const claims = deps.informers.informerFor('PersistentVolumeClaim');

  const controllingKey = (o: Pod | ControllerRevision): string | undefined => {
    const ref = controllerRefOf(o);
    if (ref?.kind !== 'StatefulSet') return undefined;
    const key = `${o.metadata?.namespace ?? ''}/${ref.name}`;
    return sets.get(key)?.metadata?.uid === ref.uid ? key : undefined;
  };
  /** upstream getStatefulSetsForPod: the sets an orphan would match. */
  const matchingKeys = (pod: Pod) =>
    sets
      .list()
      .filter((s) => s.metadata?.namespace === pod.metadata?.namespace && selectorOf(s)?.matches(pod.metadata?.labels ?? {}))
      .map(keyOf);

  async function claim(set: StatefulSet) {
    const selector = selectorOf(set);
    const matches = (labels: Record<string, string>) => selector?.matches(labels) ?? false;
    const inNamespace = <T extends Pod | ControllerRevision>(list: T[]) => list.filter((o) => o.metadata?.namespace === set.metadata?.namespace);
    const podClaim = claimObjects(set, inNamespace(pods.list()), matches);
    const revisionClaim = claimObjects(set, inNamespace(revisions.list()), matches);
    const ref = controllerRefTo(set);
    const adoptions = [...podClaim.adopt.map((p) => adoptPatch('Pod', ref, p)), ...revisionClaim.adopt.map((r) => adoptPatch('ControllerRevision', ref, r))];
    const releases = [...podClaim.release.map((p) => releasePatch('Pod', set.metadata?.uid, p)), ...revisionClaim.release.map((r) => releasePatch('ControllerRevision', set.metadata?.uid, r))];
    await applyClaim({ kind: 'StatefulSet', namespace: set.metadata?.namespace, name: set.metadata?.name ?? '', uid: set.metadata?.uid }, adoptions, releases, deps);
    return { pods: podClaim.owned, revisions: revisionClaim.owned };
  }

  /** upstream getStatefulSetRevisions: the current and update revisions, and the collision count used. */
  async function settleRevisions(set: StatefulSet, owned: readonly ControllerRevision[]) {
    const client = deps.client.resource(kinds.ControllerRevision, set.metadata?.namespace);
    let collisionCount = set.status?.collisionCount ?? 0;
    const step = updateRevisionStep(set, owned);
    let update: ControllerRevision;
    if (step.kind === 'unchanged') update = step.revision;
    else if (step.kind === 'renumber') update = await client.patch(step.revision.metadata?.name ?? '', { revision: step.to }, 'merge');
    else {
      // upstream CreateControllerRevision: on a name taken by other data, raise collisionCount and try again.
      for (;;) {
        const wanted = newRevision(set, step.revision.revision, collisionCount);
        try {
          update = await client.create(wanted);
          break;
        } catch (error) {
          if (!isAlreadyExists(error)) throw error;
          const existing = await client.get(wanted.metadata?.name ?? '');
          if (equalRevisions(existing, wanted)) {
            update = existing;
            break;
          }
          collisionCount++;
        }
      }
    }
    const current = owned.find((r) => r.metadata?.name === set.status?.currentRevision) ?? update;
    return { current, update, collisionCount };
  }

  async function act(set: StatefulSet, action: StatefulSetAction): Promise<void> {
    const subject = setObject(set);
    const setName = set.metadata?.name ?? '';
    const podClient = deps.client.resource(kinds.Pod, set.metadata?.namespace);
    if (action.type === 'claims') {
      await executePlan({ events: [], patches: action.patches, deletes: [] }, deps);
      return;
    }
    if (action.type === 'delete') {
      const name = action.pod.metadata?.name ?? '';
      try {
        await podClient.delete(name, { preconditions: { uid: action.pod.metadata?.uid } });
        deps.recorder.event(subject, 'Normal', 'SuccessfulDelete', `delete Pod ${name} in StatefulSet ${setName} successful`);
      } catch (error) {
        if (isNotFound(error)) return;
        deps.recorder.event(subject, 'Warning', 'FailedDelete', `delete Pod ${name} in StatefulSet ${setName} failed error: ${messageOf(error)}`);
        throw error;
      }
      return;
    }
    const podName = action.pod.metadata?.name ?? '';
    const claimClient = deps.client.resource(kinds.PersistentVolumeClaim, set.metadata?.namespace);
    for (const claim of action.claims) {
      const name = claim.metadata?.name ?? '';
      // upstream createPersistentVolumeClaims sets the retention owners at creation (the pod has no uid yet).
      const owners = claimOwnerReferences(claim, set, action.pod, action.ordinal);
      const object: PersistentVolumeClaim = { ...claim, metadata: { ...claim.metadata, ...(owners.length > 0 ? { ownerReferences: owners } : {}) } };
      try {
        await claimClient.create(object);
        deps.recorder.event(subject, 'Normal', 'SuccessfulCreate', `create Claim ${name} Pod ${podName} in StatefulSet ${setName} success`);
      } catch (error) {
        if (isAlreadyExists(error)) continue;
        deps.recorder.event(subject, 'Warning', 'FailedCreate', `create Claim ${name} for Pod ${podName} in StatefulSet ${setName} failed error: ${messageOf(error)}`);
        throw error;
      }
    }
    try {
      await podClient.create(action.pod);
      deps.recorder.event(subject, 'Normal', 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${setName} successful`);
    } catch (error) {
      // The cache has not seen our own create yet: the next sync will.
      if (isAlreadyExists(error)) return;
      deps.recorder.event(subject, 'Warning', 'FailedCreate', `create Pod ${podName} in StatefulSet ${setName} failed error: ${messageOf(error)}`);
      throw error;
    }
  }

  return {
    name: 'statefulset',
    workers,
    watch(enqueue) {
      sets.addEventHandler({ onAdd: (s) => enqueue(keyOf(s)), onUpdate: (_, s) => enqueue(keyOf(s)), onDelete: (s) => enqueue(keyOf(s)) });
      const podChanged = (pod: Pod) => {
        const key = controllingKey(pod);
        if (key) enqueue(key);
        else if (!controllerRefOf(pod)) for (const k of matchingKeys(pod)) enqueue(k);
      };
      pods.addEventHandler({
        onAdd: podChanged,
        onUpdate: (old, pod) => {
          if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
          const oldKey = controllingKey(old);
          if (oldKey && oldKey !== controllingKey(pod)) enqueue(oldKey);
          podChanged(pod);
        },
        onDelete: (pod) => {
          const key = controllingKey(pod);
          if (key) enqueue(key);
        },
      });
      const revisionChanged = (revision: ControllerRevision) => {
        const key = controllingKey(revision);
        if (key) enqueue(key);
      };
      revisions.addEventHandler({ onAdd: revisionChanged, onUpdate: (_, r) => revisionChanged(r), onDelete: revisionChanged });
    },
    async sync(key) {
      const set = sets.get(key);
      if (!set) return;
      if (selectorOf(set)?.isEverything() ?? true) {
        deps.recorder.event(setObject(set), 'Warning', 'SelectingAll', 'This statefulset is selecting all pods. A non-empty selector is required.');
        return;
      }
      const owned = await claim(set);
      const { current, update, collisionCount } = await settleRevisions(set, owned.revisions);
      const currentRevision = current.metadata?.name ?? '';
      const updateRevision = update.metadata?.name ?? '';
      const now = deps.clock.now();
      const claimsByName = new Map<string, PersistentVolumeClaim>();
      for (const c of claims.list()) if (c.metadata?.namespace === set.metadata?.namespace) claimsByName.set(c.metadata?.name ?? '', c);
      const plan = planStatefulSet({ set, currentSet: applyRevision(set, current), currentRevision, updateRevision, pods: owned.pods, claims: claimsByName, now });
      if (plan.actions.length > 0) deps.log.debug({ key, actions: plan.actions.map((a) => (a.type === 'claims' ? 'claims' : `${a.type} ${a.pod.metadata?.name}`)) }, 'syncing pods');
      for (const action of plan.actions) await act(set, action);
      const status = computeStatus({ set, pods: owned.pods, currentRevision, updateRevision, collisionCount, now });
      const patch = statusPatch(set, status);
      if (patch) await executePlan({ events: [], patches: [patch], deletes: [] }, deps);
      const revisionClient = deps.client.resource(kinds.ControllerRevision, set.metadata?.namespace);
      for (const revision of revisionsToTruncate(set, owned.revisions, owned.pods, currentRevision, updateRevision)) {
        try {
          await revisionClient.delete(revision.metadata?.name ?? '');
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      }
      return plan.requeueAfterMs !== undefined ? { requeueAfterMs: plan.requeueAfterMs } : undefined;
    },
  };
}
