// What a controller's decision module answers: the changes to make, as data
// (STYLE.md 4). A dumb executor (executor.ts) applies them; the decision
// modules import only these types, never the client.
import type { kinds, EventType, PatchType } from '../../client/index.js';

/** A kind the client knows, by name: 'Node', 'Pod', ... */
export type KindName = keyof typeof kinds;

/** A patch of one object (or its status). */
export interface PatchAction {
  readonly kind: KindName;
  readonly namespace?: string;
  readonly name: string;
  readonly patchType: PatchType;
  readonly patch: unknown;
  readonly subresource?: 'status';
  /** The patch's field manager (an apply names one), and whether an apply takes over others' fields. */
  readonly fieldManager?: string;
  readonly force?: boolean;
  /** Why, for the log. */
  readonly reason?: string;
}

/** A delete of one object; one already gone counts as done. */
export interface DeleteAction {
  readonly kind: KindName;
  readonly namespace?: string;
  readonly name: string;
  readonly preconditions?: { readonly uid?: string; readonly resourceVersion?: string };
  /** What happens to its dependents (the garbage collector's deletes name it, as upstream's). */
  readonly propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  /** 0: a force delete (upstream's pod GC). */
  readonly gracePeriodSeconds?: number;
  readonly reason?: string;
}

/** The object an Event is about (upstream builds this ObjectReference by hand, as here). */
export interface EventSubject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly uid?: string;
}

/** A create of one object (in `namespace` when the kind is namespaced). */
export interface CreateAction {
  readonly kind: KindName;
  readonly namespace?: string;
  readonly object: { readonly metadata?: object } & Record<string, unknown>;
  readonly reason?: string;
}

/** A POST of pods/<name>/binding: the scheduler's one write (upstream DefaultBinder). */
export interface BindAction {
  readonly namespace: string;
  readonly name: string;
  readonly uid?: string;
  readonly nodeName: string;
}

export interface EventAction {
  readonly regarding: EventSubject;
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
}

/**
 * A controller's decision for one key. Applied in this order: events, creates,
 * bindings, patches (in order), deletes (in order); then the key is synced
 * again after `requeueAfterMs`, if given. Creates and bindings are optional so
 * that a controller which never makes objects need not mention them.
 */
export interface Plan {
  readonly events: readonly EventAction[];
  readonly creates?: readonly CreateAction[];
  readonly bindings?: readonly BindAction[];
  readonly patches: readonly PatchAction[];
  readonly deletes: readonly DeleteAction[];
  readonly requeueAfterMs?: number;
}

export const emptyPlan: Plan = { events: [], patches: [], deletes: [] };

/** The earliest of several requeue delays (undefined: none asked for). */
export function earliestRequeue(...delays: (number | undefined)[]): number | undefined {
  const asked = delays.filter((d): d is number => d !== undefined);
  return asked.length === 0 ? undefined : Math.min(...asked);
}

/** Several plans as one, their actions in order and the earliest requeue. */
export function mergePlans(...plans: Plan[]): Plan {
  return {
    events: plans.flatMap((p) => p.events),
    creates: plans.flatMap((p) => p.creates ?? []),
    bindings: plans.flatMap((p) => p.bindings ?? []),
    patches: plans.flatMap((p) => p.patches),
    deletes: plans.flatMap((p) => p.deletes),
    requeueAfterMs: earliestRequeue(...plans.map((p) => p.requeueAfterMs)),
  };
}
