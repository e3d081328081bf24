// The namespace controller's decisions (upstream
// pkg/controller/namespace/deletion/namespaced_resources_deleter.go and
// status_condition_utils.go) for one namespace being deleted: first, every
// object in it is deleted (in the background, as upstream's
// deletecollection); then, from what is left, the namespace's deletion
// conditions, and either a wait (upstream's estimate of how long the rest
// takes) or the last step, removing the `kubernetes` finalizer. No I/O, no clock.
import type { Namespace, NamespaceCondition } from 'kubernetes-types/core/v1.js';
import type { ObjectMeta } from 'kubernetes-types/meta/v1.js';
import { emptyPlan, type DeleteAction, type KindName, type Plan } from '../runtime/plan.js';
import { metaTime } from '../runtime/time.js';

/** The finalizer the namespace controller owns (upstream v1.FinalizerKubernetes). */
export const KUBERNETES_FINALIZER = 'kubernetes';

/** Upstream finalizerEstimateSeconds: how long objects with finalizers are given before the next look. */
const FINALIZER_ESTIMATE_SECONDS = 15;
const DEFAULT_TERMINATION_GRACE_SECONDS = 30;

export interface ContentObject {
  readonly metadata?: ObjectMeta;
  readonly spec?: unknown;
  readonly status?: unknown;
}

/** The objects of one resource in the namespace, as a live list found them. */
export interface ResourceContent {
  readonly kind: KindName;
  /** For the conditions' messages: `pods.` (the core group is empty), `daemonsets.apps`. */
  readonly plural: string;
  readonly group: string;
  readonly items: readonly ContentObject[];
}

/** Whether the namespace is the controller's to empty: being deleted and still holding its finalizer. */
export function namespaceToEmpty(namespace: Namespace | undefined): boolean {
  return !!namespace?.metadata?.deletionTimestamp && (namespace.spec?.finalizers ?? []).includes(KUBERNETES_FINALIZER);
}

/** Upstream deleteAllContent's deletes: every object not already being deleted, with propagationPolicy Background. */
export function planContentDeletion(content: readonly ResourceContent[]): Plan {
  const deletes: DeleteAction[] = content.flatMap(({ kind, items }) =>
    items
      .filter((item) => !item.metadata?.deletionTimestamp)
      .map((item) => ({ kind, namespace: item.metadata?.namespace, name: item.metadata?.name ?? '', propagationPolicy: 'Background' as const, reason: 'namespace deleted' })),
  );
  return { ...emptyPlan, deletes };
}

export interface NamespaceDecision {
  /** The status conditions, if they change, and when to look again. */
  readonly plan: Plan;
  /** Nothing is left: remove the `kubernetes` finalizer (PUT namespaces/<name>/finalize). */
  readonly finalize: boolean;
}

/** The condition types the deleter maintains, with their reason and message while all is well (upstream okReasons, okMessages). */
const OK_CONDITIONS: readonly [type: string, reason: string, message: string][] = [
  ['NamespaceDeletionDiscoveryFailure', 'ResourcesDiscovered', 'All resources successfully discovered'],
  ['NamespaceDeletionGroupVersionParsingFailure', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'],
  ['NamespaceDeletionContentFailure', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
  ['NamespaceContentRemaining', 'ContentRemoved', 'All content successfully removed'],
  ['NamespaceFinalizersRemaining', 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'],
];

/**
 * Upstream deleteAllContent past its deletes, and namespaceConditionUpdater:
 * `remaining` is what a list found after them. The conditions change (with
 * a new lastTransitionTime) only when their status, reason or message does.
 */
export function planNamespaceStatus(namespace: Namespace, remaining: readonly ResourceContent[], now: number): NamespaceDecision {
  const left = remaining.filter((r) => r.items.length > 0);
  const finalizerCounts = new Map<string, number>();
  for (const r of left) for (const item of r.items) for (const f of item.metadata?.finalizers ?? []) finalizerCounts.set(f, (finalizerCounts.get(f) ?? 0) + 1);

  const failing = new Map<string, { reason: string; message: string }>();
  if (left.length > 0) {
    const resources = left.map((r) => `${r.plural}.${r.group} has ${r.items.length} resource instances`).sort();
    failing.set('NamespaceContentRemaining', { reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${resources.join(', ')}` });
  }
  if (finalizerCounts.size > 0) {
    const finalizers = [...finalizerCounts].map(([f, n]) => `${f} in ${n} resource instances`).sort();
    failing.set('NamespaceFinalizersRemaining', { reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${finalizers.join(', ')}` });
  }
  const conditions = updatedConditions(namespace.status?.conditions ?? [], failing, metaTime(now));
  const plan: Plan = {
    ...emptyPlan,
    patches: conditions
      ? [{ kind: 'Namespace', name: namespace.metadata?.name ?? '', subresource: 'status', patchType: 'merge', patch: { status: { conditions } }, reason: 'deletion conditions' }]
      : [],
    requeueAfterMs: left.length > 0 ? requeueAfterMs(left) : undefined,
  };
  return { plan, finalize: left.length === 0 };
}

/** The conditions with the deleter's brought up to date; undefined when nothing changes. */
function updatedConditions(existing: readonly NamespaceCondition[], failing: ReadonlyMap<string, { reason: string; message: string }>, now: string): NamespaceCondition[] | undefined {
  const next = existing.map((c) => ({ ...c }));
  let changed = false;
  for (const [type, okReason, okMessage] of OK_CONDITIONS) {
    const bad = failing.get(type);
    const wanted = bad ? { type, status: 'True', ...bad } : { type, status: 'False', reason: okReason, message: okMessage };
    const old = next.find((c) => c.type === type);
    if (!old) {
      next.push({ ...wanted, lastTransitionTime: now });
      changed = true;
    } else if (old.status !== wanted.status || old.reason !== wanted.reason || old.message !== wanted.message) {
      Object.assign(old, wanted, { lastTransitionTime: now });
      changed = true;
    }
  }
  return changed ? next : undefined;
}

/**
 * Upstream's estimate and the controller's requeue (estimate/2 + 1 seconds):
 * pods left are given their termination grace period, other objects with
 * finalizers 15 s; objects left for no reason (an unexpected state upstream
 * retries with backoff) a second.
 */
function requeueAfterMs(left: readonly ResourceContent[]): number {
  let estimate = 0;
  for (const r of left) {
    if (r.kind === 'Pod') {
      for (const pod of r.items) {
        const phase = (pod.status as { phase?: string } | undefined)?.phase;
        if (phase === 'Succeeded' || phase === 'Failed') continue;
        estimate = Math.max(estimate, (pod.spec as { terminationGracePeriodSeconds?: number } | undefined)?.terminationGracePeriodSeconds ?? DEFAULT_TERMINATION_GRACE_SECONDS);
      }
    } else if (r.items.some((item) => (item.metadata?.finalizers ?? []).length > 0)) {
      estimate = Math.max(estimate, FINALIZER_ESTIMATE_SECONDS);
    }
  }
  if (estimate === 0) return 1_000;
  return (Math.floor(estimate / 2) + 1) * 1000;
}
