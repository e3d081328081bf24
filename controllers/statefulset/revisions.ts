// A StatefulSet's history (upstream stateful_set_utils.go newRevision,
// getPatch, ApplyRevision; stateful_set_control.go getStatefulSetRevisions,
// truncateHistory; pkg/controller/history NewControllerRevision,
// HashControllerRevision, FindEqualRevisions).
//
// Unlike a DaemonSet's, a StatefulSet's revision is named after the hash of
// its data (FNV-32 over the data and the collision count), carries the
// template's labels plus controller-revision-hash (the hash), and pods carry
// its full name as controller-revision-hash. The data is hashed as canonical JSON (see
// ../daemon/history.ts: upstream hashes the raw bytes Go wrote).
import type { ControllerRevision, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { canonicalJson, fnv32, safeEncodeString } from '../runtime/revision-hash.js';
import { controllerRefTo, podRevision, REVISION_LABEL } from './identity.js';

/** upstream getPatch: what `kubectl rollout undo` applies as a strategic merge patch. */
export function revisionData(set: StatefulSet): { spec: { template: Record<string, unknown> } } {
  return { spec: { template: { ...structuredClone(set.spec?.template ?? {}), $patch: 'replace' } } };
}

/** upstream HashControllerRevision(revision, probe) */
export function hashRevisionData(data: unknown, collisionCount: number | undefined): string {
  let text = canonicalJson(data);
  if (collisionCount !== undefined) text += String(collisionCount);
  return safeEncodeString(String(fnv32(new TextEncoder().encode(text))));
}

/** upstream newRevision + history.NewControllerRevision */
export function newRevision(set: StatefulSet, revision: number, collisionCount: number): ControllerRevision {
  const data = revisionData(set);
  const hash = hashRevisionData(data, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `${set.metadata?.name ?? ''}-${hash}`,
      namespace: set.metadata?.namespace,
      labels: { ...set.spec?.template.metadata?.labels, [REVISION_LABEL]: hash },
      ...(set.metadata?.annotations ? { annotations: set.metadata.annotations } : {}),
      ownerReferences: [controllerRefTo(set)],
    },
    data,
    revision,
  };
}

/** upstream ApplyRevision: the set with the revision's template. */
export function applyRevision(set: StatefulSet, revision: ControllerRevision): StatefulSet {
  type Template = NonNullable<StatefulSet['spec']>['template'];
  const data: { spec?: { template?: Template & { $patch?: string } } } | undefined = revision.data;
  const { $patch: _replace, ...template } = structuredClone(data?.spec?.template ?? {});
  return { ...set, spec: { ...set.spec, selector: set.spec?.selector ?? {}, serviceName: set.spec?.serviceName ?? '', template } };
}

export const equalRevisions = (a: ControllerRevision, b: ControllerRevision): boolean => canonicalJson(a.data) === canonicalJson(b.data);

const byRevision = (a: ControllerRevision, b: ControllerRevision) => a.revision - b.revision || ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1);

/** What getStatefulSetRevisions must do for the update revision. */
export type UpdateRevisionStep =
  /** The newest revision already holds the template. */
  | { readonly kind: 'unchanged'; readonly revision: ControllerRevision }
  /** An older revision holds it (a rollback): renumber it to `revision`. */
  | { readonly kind: 'renumber'; readonly revision: ControllerRevision; readonly to: number }
  /** None does: create this one. */
  | { readonly kind: 'create'; readonly revision: ControllerRevision };

/** upstream getStatefulSetRevisions' choice of the update revision. */
export function updateRevisionStep(set: StatefulSet, revisions: readonly ControllerRevision[]): UpdateRevisionStep {
  const sorted = [...revisions].sort(byRevision);
  const next = sorted.length === 0 ? 1 : sorted[sorted.length - 1]!.revision + 1;
  const wanted = newRevision(set, next, set.status?.collisionCount ?? 0);
  const equal = sorted.filter((r) => equalRevisions(r, wanted));
  const latestEqual = equal[equal.length - 1];
  if (latestEqual && latestEqual === sorted[sorted.length - 1]) return { kind: 'unchanged', revision: latestEqual };
  if (latestEqual) return { kind: 'renumber', revision: latestEqual, to: next };
  return { kind: 'create', revision: wanted };
}

/**
 * upstream truncateHistory: the oldest revisions beyond revisionHistoryLimit
 * that are neither current, nor the update revision, nor any pod's.
 */
export function revisionsToTruncate(set: StatefulSet, revisions: readonly ControllerRevision[], pods: readonly Pod[], current: string, update: string): ControllerRevision[] {
  const live = new Set([current, update, ...pods.map(podRevision)]);
  const history = [...revisions].sort(byRevision).filter((r) => !live.has(r.metadata?.name ?? ''));
  const limit = set.spec?.revisionHistoryLimit ?? 10;
  return history.length <= limit ? [] : history.slice(0, history.length - limit);
}
