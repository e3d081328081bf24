// The garbage collector's wiring (upstream pkg/controller/garbagecollector):
// an informer of every kind the catalogue serves (but Events, which upstream
// ignores too) feeds the ownership graph; the graph's work becomes keys,
// `delete/<uid>` (upstream's attemptToDelete queue) and `orphan/<uid>`
// (attemptToOrphan). A sync looks the item up live, as upstream does (a cache
// may lag), and its owners too, then applies the plan's decision.
import type { OwnerReference } from 'kubernetes-types/meta/v1.js';
import { isNotFound, kinds, type KubeObject } from '../../client/index.js';
import { apiVersionOf, resourceForKind } from '../../proto/index.js';
import type { Controller, ControllerDeps } from '../runtime/controller.js';
import { executePlan } from '../runtime/executor.js';
import type { KindName } from '../runtime/plan.js';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, OwnershipGraph, type GraphNode, type GraphWork, type ObjectIdentity } from './graph.js';
import { classifyOwner, planAttemptToDelete, planOrphanDependents, planRemoveFinalizer, type OwnerState } from './plan.js';

/** Upstream ignoredResources: events are never owners nor collected. */
const IGNORED_KINDS: ReadonlySet<KindName> = new Set(['Event']);
/** Upstream absentOwnerCache's size: owners confirmed gone, so their other dependents need no lookup. */
const ABSENT_OWNER_CACHE_SIZE = 500;

/** The kind (as the client names it) of an apiVersion and kind, served or legacy; undefined if kubelab serves no such thing. */
export function kindNameOf(apiVersion: string, kind: string): KindName | undefined {
  const resource = resourceForKind(apiVersion, kind);
  const stored = resource?.storage ?? resource;
  return stored && stored.kind in kinds ? (stored.kind as KindName) : undefined;
}

export function garbageCollectorController(deps: ControllerDeps): Controller {
  const watched = (Object.keys(kinds) as KindName[]).filter((k) => !IGNORED_KINDS.has(k));
  const informers = new Map(watched.map((k) => [k, deps.informers.informerFor(k)]));
  // An owner of a kind kubelab does not serve is taken to live with its dependent.
  const graph = new OwnershipGraph((apiVersion, kind) => resourceForKind(apiVersion, kind)?.scope !== 'Cluster');
  const absentOwners = new Set<string>();
  let enqueue: (key: string) => void = () => undefined;

  const schedule = (work: GraphWork) => {
    for (const node of work.attemptToDelete) enqueue(`delete/${node.identity.uid}`);
    for (const node of work.attemptToOrphan) enqueue(`orphan/${node.identity.uid}`);
  };
  const noteAbsent = (uid: string) => {
    absentOwners.add(uid);
    if (absentOwners.size > ABSENT_OWNER_CACHE_SIZE) absentOwners.delete(absentOwners.values().next().value!);
  };

  /** The object named by `identity` as the API has it now; undefined if gone or replaced. */
  async function liveObject(kind: KindName, identity: Omit<ObjectIdentity, 'apiVersion' | 'kind'>): Promise<KubeObject | undefined> {
    try {
      const object = await deps.client.resource<KubeObject>(kinds[kind], identity.namespace).get(identity.name);
      return object.metadata?.uid === identity.uid ? object : undefined;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Upstream classifyReferences, with its live lookups and absent-owner cache. */
  async function classifyOwners(item: GraphNode, refs: readonly OwnerReference[]): Promise<Map<string, OwnerState>> {
    const states = new Map<string, OwnerState>();
    for (const ref of refs) {
      if (absentOwners.has(ref.uid)) {
        states.set(ref.uid, 'dangling');
        continue;
      }
      const kind = kindNameOf(ref.apiVersion, ref.kind);
      if (!kind) {
        // Upstream retries a kind it cannot map for ever; kubelab keeps the dependent and says why.
        deps.log.debug({ item: item.identity, owner: ref }, 'owner of a kind not served: kept as existing');
        states.set(ref.uid, 'solid');
        continue;
      }
      const namespace = resourceForKind(ref.apiVersion, ref.kind)?.scope === 'Cluster' ? undefined : item.identity.namespace;
      const owner = await liveObject(kind, { namespace, name: ref.name, uid: ref.uid });
      const state = classifyOwner(ref, owner);
      if (state === 'dangling') noteAbsent(ref.uid);
      states.set(ref.uid, state);
    }
    return states;
  }

  async function attemptToDelete(uid: string): Promise<void> {
    const node = graph.get(uid);
    if (!node) return;
    // Being deleted already, and not waiting for its own dependents: nothing to do.
    if (node.beingDeleted && !node.deletingDependents) return;
    const kind = kindNameOf(node.identity.apiVersion, node.identity.kind);
    if (!kind) return;
    const latest = await liveObject(kind, node.identity);
    if (!latest) {
      // Upstream's virtual delete event: the graph forgets it, and its dependents are looked at.
      if (node.dependents.size > 0) noteAbsent(uid);
      schedule(graph.remove(uid));
      return;
    }
    const log = deps.log.child({ key: `delete/${uid}`, item: `${node.identity.kind} ${node.identity.namespace ?? ''}/${node.identity.name}` });
    if (node.deletingDependents) {
      // Upstream processDeletingDependentsItem.
      const blocking = node.blockingDependents();
      if (blocking.length === 0) {
        log.info('no dependent blocks its deletion: removing the foregroundDeletion finalizer');
        await executePlan(planRemoveFinalizer(kind, latest, FOREGROUND_FINALIZER), { ...deps, log });
        return;
      }
      for (const dependent of blocking) if (!dependent.deletingDependents) enqueue(`delete/${dependent.identity.uid}`);
      return;
    }
    const refs = latest.metadata?.ownerReferences ?? [];
    if (refs.length === 0) return;
    const owners = await classifyOwners(node, refs);
    const plan = planAttemptToDelete({
      kind,
      latest,
      owners,
      hasDependents: node.dependents.size > 0,
      aDependentIsDeletingDependents: [...node.dependents].some((d) => d.deletingDependents),
    });
    for (const action of plan.deletes) log.info({ propagationPolicy: action.propagationPolicy }, `deleting: ${action.reason}`);
    await executePlan(plan, { ...deps, log });
  }

  async function attemptToOrphan(uid: string): Promise<void> {
    const node = graph.get(uid);
    if (!node) return;
    const dependents = [...node.dependents].flatMap((d) => {
      const kind = kindNameOf(d.identity.apiVersion, d.identity.kind);
      const key = d.identity.namespace ? `${d.identity.namespace}/${d.identity.name}` : d.identity.name;
      const object = kind ? (informers.get(kind)?.get(key) as KubeObject | undefined) : undefined;
      return kind && object?.metadata?.uid === d.identity.uid ? [{ kind, object }] : [];
    });
    const log = deps.log.child({ key: `orphan/${uid}` });
    await executePlan(planOrphanDependents(uid, dependents), { ...deps, log });
    const kind = kindNameOf(node.identity.apiVersion, node.identity.kind);
    const latest = kind && (await liveObject(kind, node.identity));
    if (kind && latest) {
      log.info({ dependents: dependents.length }, 'dependents orphaned: removing the orphan finalizer');
      await executePlan(planRemoveFinalizer(kind, latest, ORPHAN_FINALIZER), { ...deps, log });
    }
  }

  return {
    name: 'garbagecollector',
    workers: 20, // upstream --concurrent-gc-syncs
    watch(enqueueKey) {
      enqueue = enqueueKey;
      for (const [kind, informer] of informers) {
        const type = kinds[kind];
        const identityOf = (object: KubeObject): ObjectIdentity => ({
          apiVersion: apiVersionOf(type),
          kind: type.kind,
          name: object.metadata?.name ?? '',
          uid: object.metadata?.uid ?? '',
          ...(object.metadata?.namespace ? { namespace: object.metadata.namespace } : {}),
        });
        informer.addEventHandler({
          onAdd: (object) => schedule(graph.observe(identityOf(object), object)),
          onUpdate: (old, object) => schedule(graph.observe(identityOf(object), object, old)),
          onDelete: (object) => {
            const uid = object.metadata?.uid ?? '';
            if ((graph.get(uid)?.dependents.size ?? 0) > 0) noteAbsent(uid);
            schedule(graph.remove(uid));
          },
        });
      }
    },
    async sync(key) {
      const slash = key.indexOf('/');
      const [queue, uid] = [key.slice(0, slash), key.slice(slash + 1)];
      if (queue === 'orphan') await attemptToOrphan(uid);
      else await attemptToDelete(uid);
    },
  };
}
