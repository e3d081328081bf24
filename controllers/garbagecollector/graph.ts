// The garbage collector's picture of who owns whom (upstream
// pkg/controller/garbagecollector/graph.go and graph_builder.go's
// processGraphChanges), kept from the informers' events of every kind.
// A node per uid; an owner named by an ownerReference but not (yet) seen is
// a "virtual" node, to be checked against the API. Each change answers which
// nodes the collector should look at again; the graph itself does no I/O.
//
// Invariants: a node is in its owners' `dependents` exactly while one of its
// ownerReferences names them; `deletingDependents` is set once (upstream
// markDeletingDependents) when the object is first seen being deleted with
// the foregroundDeletion finalizer, and never cleared.
import type { ObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1.js';

export const ORPHAN_FINALIZER = 'orphan';
export const FOREGROUND_FINALIZER = 'foregroundDeletion';

/** Upstream objectReference: an object's coordinates and uid. */
export interface ObjectIdentity {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly uid: string;
}

export class GraphNode {
  owners: OwnerReference[];
  readonly dependents = new Set<GraphNode>();
  beingDeleted = false;
  deletingDependents = false;

  constructor(
    public identity: ObjectIdentity,
    owners: OwnerReference[],
    /** False for a virtual node: an owner only named so far. */
    public observed: boolean,
  ) {
    this.owners = owners;
  }

  /** Upstream blockingDependents: dependents whose reference to this node has blockOwnerDeletion. */
  blockingDependents(): GraphNode[] {
    return [...this.dependents].filter((d) => d.owners.some((o) => o.uid === this.identity.uid && o.blockOwnerDeletion === true));
  }
}

/** What the collector should do after a change: nodes to attempt to delete (or finish), owners to orphan. */
export interface GraphWork {
  readonly attemptToDelete: GraphNode[];
  readonly attemptToOrphan: GraphNode[];
}

interface MetaObject {
  readonly metadata?: ObjectMeta;
}

const hasFinalizer = (object: MetaObject | undefined, finalizer: string) => (object?.metadata?.finalizers ?? []).includes(finalizer);
const beingDeleted = (object: MetaObject | undefined) => object?.metadata?.deletionTimestamp != null;
/** Upstream startsWaitingForDependentsOrphaned / ...Deleted: newly marked and holding the finalizer. */
const startsWaiting = (old: MetaObject | undefined, object: MetaObject, finalizer: string) =>
  beingDeleted(object) && hasFinalizer(object, finalizer) && !(beingDeleted(old) && hasFinalizer(old, finalizer));

export class OwnershipGraph {
  private readonly nodes = new Map<string, GraphNode>();

  /** `isNamespaced(apiVersion, kind)`: where an owner named by a namespaced dependent lives. */
  constructor(private readonly isNamespaced: (apiVersion: string, kind: string) => boolean) {}

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  get size(): number {
    return this.nodes.size;
  }

  /** An object added or updated, as an informer saw it. */
  observe(identity: ObjectIdentity, object: MetaObject, old?: MetaObject): GraphWork {
    const work: GraphWork = { attemptToDelete: [], attemptToOrphan: [] };
    const owners = [...(object.metadata?.ownerReferences ?? [])];
    let node = this.nodes.get(identity.uid);
    if (!node) {
      node = new GraphNode(identity, owners, true);
      this.nodes.set(identity.uid, node);
      this.addToOwners(node, owners, work);
    } else {
      if (!node.observed) {
        node.observed = true;
        node.identity = identity;
      }
      const before = new Map(node.owners.map((o) => [o.uid, o]));
      const after = new Map(owners.map((o) => [o.uid, o]));
      const added = owners.filter((o) => !before.has(o.uid));
      const removed = node.owners.filter((o) => !after.has(o.uid));
      // Upstream addUnblockedOwnersToDeleteQueue: an owner waiting in the foreground for this node need wait no more.
      const unblocked = [
        ...removed.filter((o) => o.blockOwnerDeletion === true),
        ...node.owners.filter((o) => o.blockOwnerDeletion === true && after.has(o.uid) && after.get(o.uid)!.blockOwnerDeletion !== true),
      ];
      for (const ref of unblocked) {
        const owner = this.nodes.get(ref.uid);
        if (owner?.deletingDependents) work.attemptToDelete.push(owner);
      }
      node.owners = owners;
      this.addToOwners(node, added, work);
      this.removeFromOwners(node, removed);
    }
    node.beingDeleted = beingDeleted(object);
    // Upstream processTransitions.
    if (startsWaiting(old, object, ORPHAN_FINALIZER)) {
      work.attemptToOrphan.push(node);
    } else if (startsWaiting(old, object, FOREGROUND_FINALIZER)) {
      node.deletingDependents = true;
      work.attemptToDelete.push(...node.dependents, node);
    }
    return work;
  }

  /**
   * An object gone: seen deleted by an informer, or found absent by a live
   * lookup (upstream's virtual delete event). Its dependents are looked at
   * again, and so are its owners that wait for their dependents.
   */
  remove(uid: string): GraphWork {
    const node = this.nodes.get(uid);
    if (!node) return { attemptToDelete: [], attemptToOrphan: [] };
    this.nodes.delete(uid);
    this.removeFromOwners(node, node.owners);
    const waitingOwners = node.owners.map((o) => this.nodes.get(o.uid)).filter((o): o is GraphNode => o?.deletingDependents === true);
    return { attemptToDelete: [...node.dependents, ...waitingOwners], attemptToOrphan: [] };
  }

  /** Upstream addDependentToOwners: an owner not seen yet becomes a virtual node, to be checked. */
  private addToOwners(node: GraphNode, refs: readonly OwnerReference[], work: GraphWork): void {
    for (const ref of refs) {
      let owner = this.nodes.get(ref.uid);
      if (!owner) {
        const namespace = this.isNamespaced(ref.apiVersion, ref.kind) ? node.identity.namespace : undefined;
        owner = new GraphNode({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, ...(namespace ? { namespace } : {}) }, [], false);
        this.nodes.set(ref.uid, owner);
        work.attemptToDelete.push(owner);
      }
      owner.dependents.add(node);
    }
  }

  private removeFromOwners(node: GraphNode, refs: readonly OwnerReference[]): void {
    for (const ref of refs) this.nodes.get(ref.uid)?.dependents.delete(node);
  }
}
