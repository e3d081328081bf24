// The DaemonSet controller's wiring (upstream pkg/controller/daemon
// daemon_controller.go): keys are DaemonSets (`namespace/name`); changes of
// their pods, their ControllerRevisions and of nodes wake them. A sync claims
// the pods and revisions, brings the history up to date, then (once the
// creates and deletes of the last sync have been seen) asks plan.ts what to
// create and delete, and writes the status.
import type { ControllerRevision, DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { selectorFromLabelSelector } from '../../proto/index.js';
import type { Controller, ControllerDeps } from '../runtime/controller.js';
import { applyClaim } from '../runtime/adoption.js';
import { adoptPatch, claimObjects, releasePatch } from '../runtime/claim.js';
import { executePlan } from '../runtime/executor.js';
import { Expectations } from '../runtime/expectations.js';
import { earliestRequeue } from '../runtime/plan.js';
import { backoffExpired, type BackoffEntry } from './failed-pod-backoff.js';
import { cleanupHistory, constructHistory } from './history-sync.js';
import { planDaemonSet, planStatus } from './plan.js';
import { controllerRefTo } from './pods.js';
import { podsByTargetNode, type DaemonSetState } from './state.js';
import { BURST_REPLICAS, dsObject, syncNodes } from './sync-nodes.js';

export interface DaemonSetControllerOptions {
  /** upstream BurstReplicas: at most this many creates (and deletes) a sync. */
  readonly burstReplicas: number;
  /** upstream --concurrent-daemonset-syncs */
  readonly workers: number;
}

export const daemonSetControllerDefaults: DaemonSetControllerOptions = { burstReplicas: BURST_REPLICAS, workers: 2 };

const keyOf = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
const controllerRefOf = (o: Pod | ControllerRevision) => o.metadata?.ownerReferences?.find((r) => r.controller);
const placementInputs = (node: Node) => JSON.stringify([node.metadata?.labels, node.spec?.taints, node.spec?.unschedulable]);

function selectorOf(ds: DaemonSet) {
  try {
    return selectorFromLabelSelector(ds.spec?.selector ?? {});
  } catch {
    return undefined;
  }
}

export function daemonSetController(deps: ControllerDeps, options: Partial<DaemonSetControllerOptions> = {}): Controller {
  const { burstReplicas, workers } = { ...daemonSetControllerDefaults, ...options };
  const daemonSets = deps.informers.informerFor('DaemonSet');
  const nodes = deps.informers.informerFor('Node');
  const pods = deps.informers.informerFor('Pod');
  const revisions = deps.informers.informerFor('ControllerRevision');
  const expectations = new Expectations(deps.clock);
  const backoff = new Map<string, BackoffEntry>();

  /** The DaemonSet controlling an object, if it is in the cache with that uid. */
  const controllingKey = (o: Pod | ControllerRevision): string | undefined => {
    const ref = controllerRefOf(o);
    if (ref?.kind !== 'DaemonSet') return undefined;
    const key = `${o.metadata?.namespace ?? ''}/${ref.name}`;
    return daemonSets.get(key)?.metadata?.uid === ref.uid ? key : undefined;
  };
  /** upstream getDaemonSetsForPod: the DaemonSets an orphan would match. */
  const matchingKeys = (pod: Pod) =>
    daemonSets
      .list()
      .filter((ds) => ds.metadata?.namespace === pod.metadata?.namespace && selectorOf(ds)?.matches(pod.metadata?.labels ?? {}))
      .map(keyOf);

  async function claim(ds: DaemonSet) {
    const selector = selectorOf(ds);
    const matches = (labels: Record<string, string>) => selector?.matches(labels) ?? false;
    const inNamespace = <T extends Pod | ControllerRevision>(list: T[]) => list.filter((o) => o.metadata?.namespace === ds.metadata?.namespace);
    const podClaim = claimObjects(ds, inNamespace(pods.list()), matches);
    const revisionClaim = claimObjects(ds, inNamespace(revisions.list()), matches);
    const ref = controllerRefTo(ds);
    const adoptions = [...podClaim.adopt.map((p) => adoptPatch('Pod', ref, p)), ...revisionClaim.adopt.map((r) => adoptPatch('ControllerRevision', ref, r))];
    const releases = [...podClaim.release.map((p) => releasePatch('Pod', ds.metadata?.uid, p)), ...revisionClaim.release.map((r) => releasePatch('ControllerRevision', ds.metadata?.uid, r))];
    await applyClaim({ kind: 'DaemonSet', namespace: ds.metadata?.namespace, name: ds.metadata?.name ?? '', uid: ds.metadata?.uid }, adoptions, releases, deps);
    return { pods: podClaim.owned, revisions: revisionClaim.owned };
  }

  return {
    name: 'daemonset',
    workers,
    watch(enqueue) {
      daemonSets.addEventHandler({ onAdd: (ds) => enqueue(keyOf(ds)), onUpdate: (_, ds) => enqueue(keyOf(ds)), onDelete: (ds) => enqueue(keyOf(ds)) });
      const podGone = (pod: Pod) => {
        const key = controllingKey(pod);
        if (!key) return;
        expectations.deletionObserved(key);
        enqueue(key);
      };
      pods.addEventHandler({
        onAdd: (pod) => {
          if (pod.metadata?.deletionTimestamp) return podGone(pod);
          const key = controllingKey(pod);
          if (key) {
            expectations.creationObserved(key);
            enqueue(key);
          } else if (!controllerRefOf(pod)) {
            for (const k of matchingKeys(pod)) enqueue(k);
          }
        },
        onUpdate: (old, pod) => {
          if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
          if (pod.metadata?.deletionTimestamp) return podGone(pod);
          const oldKey = controllingKey(old);
          const key = controllingKey(pod);
          if (oldKey && oldKey !== key) enqueue(oldKey);
          if (key) enqueue(key);
          else if (!controllerRefOf(pod)) for (const k of matchingKeys(pod)) enqueue(k);
        },
        onDelete: podGone,
      });
      const enqueueAll = () => {
        for (const ds of daemonSets.list()) enqueue(keyOf(ds));
      };
      nodes.addEventHandler({
        onAdd: enqueueAll,
        onUpdate: (old, node) => {
          if (placementInputs(old) !== placementInputs(node)) enqueueAll();
        },
        onDelete: enqueueAll,
      });
      const revisionChanged = (revision: ControllerRevision) => {
        const key = controllingKey(revision);
        if (key) enqueue(key);
      };
      revisions.addEventHandler({ onAdd: revisionChanged, onUpdate: (_, r) => revisionChanged(r), onDelete: revisionChanged });
    },
    async sync(key) {
      const ds = daemonSets.get(key);
      if (!ds) {
        expectations.delete(key);
        return;
      }
      if (selectorOf(ds)?.isEverything() ?? true) {
        deps.recorder.event(dsObject(ds), 'Warning', 'SelectingAll', 'This daemon set is selecting all pods. A non-empty selector is required.');
        return;
      }
      // Being deleted: the garbage collector may be removing its pods and revisions; leave them be.
      if (ds.metadata?.deletionTimestamp) return;
      const log = deps.log.child({ key });
      const owned = await claim(ds);
      const { hash, old } = await constructHistory(ds, owned.revisions, owned.pods, { ...deps, log });
      const now = deps.clock.now();
      for (const [k, entry] of backoff) if (backoffExpired(entry, now)) backoff.delete(k);
      const state: DaemonSetState = { ds, nodes: nodes.list(), podsByNode: podsByTargetNode(owned.pods), hash, now, backoff };
      const satisfied = expectations.satisfied(key);
      let requeueAfterMs: number | undefined;
      if (satisfied) {
        const actions = planDaemonSet(state);
        await executePlan({ events: actions.events, patches: [], deletes: [] }, deps);
        for (const [k, entry] of actions.backoff) backoff.set(k, entry);
        requeueAfterMs = actions.requeueAfterMs;
        if (actions.nodesNeedingPods.length > 0 || actions.podsToDelete.length > 0) {
          log.debug({ create: actions.nodesNeedingPods, delete: actions.podsToDelete.map((p) => p.metadata?.name) }, 'syncing nodes');
        }
        await syncNodes({ ds, key, hash, nodesNeedingPods: actions.nodesNeedingPods, podsToDelete: actions.podsToDelete, burstReplicas }, deps, expectations);
        await cleanupHistory(ds, old, owned.pods, deps);
      }
      const status = planStatus(state, satisfied);
      if (status.patch) await executePlan({ events: [], patches: [status.patch], deletes: [] }, deps);
      return { requeueAfterMs: earliestRequeue(requeueAfterMs, status.requeueAfterMs) };
    },
  };
}
