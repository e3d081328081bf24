// A DaemonSet's history: one ControllerRevision per distinct pod template
// (upstream daemon update.go constructHistory, snapshot, getPatch, Match,
// cleanupHistory; pkg/controller/controller_utils.go ComputeHash).
//
// The hash: upstream hashes a go-spew dump of the template with FNV-32a and
// writes the 32-bit sum's decimal digits through rand.SafeEncodeString.
// A spew dump cannot be reproduced outside Go, so kubelab hashes the
// template's canonical JSON (keys sorted) instead, with the same FNV-32a,
// collisionCount suffix and encoding: names look like upstream's
// (`fluentd-elasticsearch-6b9c8d5f7b`), the digits differ.
import type { ControllerRevision, DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { canonicalJson, fnv32a, safeEncodeString } from '../runtime/revision-hash.js';
import { controllerRefTo, REVISION_HASH_LABEL } from './pods.js';

export { canonicalJson, fnv32a, safeEncodeString } from '../runtime/revision-hash.js';

/** upstream controller.ComputeHash(template, collisionCount), over canonical JSON (see above). */
export function computeHash(template: unknown, collisionCount?: number): string {
  let hash = fnv32a(new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined && collisionCount !== null) {
    const suffix = new Uint8Array(8);
    new DataView(suffix.buffer).setUint32(0, collisionCount >>> 0, true);
    hash = fnv32a(suffix, hash);
  }
  return safeEncodeString(String(hash));
}

/** upstream getPatch: a strategic merge patch that puts this template back (what `kubectl rollout undo` applies). */
export function revisionData(ds: DaemonSet): { spec: { template: Record<string, unknown> } } {
  return { spec: { template: { ...structuredClone(ds.spec?.template ?? {}), $patch: 'replace' } } };
}

/** upstream Match: the revision holds this DaemonSet's template (compared as canonical JSON, not bytes). */
export function revisionMatches(ds: DaemonSet, revision: ControllerRevision): boolean {
  return canonicalJson(revision.data) === canonicalJson(revisionData(ds));
}

/** upstream snapshot: the revision object for the current template. */
export function newRevision(ds: DaemonSet, revision: number): ControllerRevision {
  const hash = computeHash(ds.spec?.template, ds.status?.collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: `${ds.metadata?.name ?? ''}-${hash}`,
      namespace: ds.metadata?.namespace,
      labels: { ...ds.spec?.template.metadata?.labels, [REVISION_HASH_LABEL]: hash },
      ...(ds.metadata?.annotations ? { annotations: ds.metadata.annotations } : {}),
      ownerReferences: [controllerRefTo(ds)],
    },
    data: revisionData(ds),
    revision,
  };
}

export interface HistoryView {
  /** Revisions holding the current template (more than one: duplicates to fold). */
  readonly current: ControllerRevision[];
  readonly old: ControllerRevision[];
  /** The number the current revision should have: one more than any old one. */
  readonly nextRevision: number;
}

/** upstream constructHistory's split of the DaemonSet's revisions. */
export function viewHistory(ds: DaemonSet, revisions: readonly ControllerRevision[]): HistoryView {
  const current: ControllerRevision[] = [];
  const old: ControllerRevision[] = [];
  for (const revision of revisions) (revisionMatches(ds, revision) ? current : old).push(revision);
  return { current, old, nextRevision: Math.max(0, ...old.map((r) => r.revision)) + 1 };
}

/** upstream dedupCurHistories: the duplicate with the highest revision is kept. */
export function revisionToKeep(current: readonly ControllerRevision[]): ControllerRevision {
  let keep = current[0]!;
  for (const revision of current) if (revision.revision >= keep.revision) keep = revision;
  return keep;
}

/**
 * upstream cleanupHistory: beyond revisionHistoryLimit, the oldest old
 * revisions that no pod (even a finished one) still carries the hash of.
 */
export function revisionsToPrune(ds: DaemonSet, old: readonly ControllerRevision[], pods: readonly Pod[]): ControllerRevision[] {
  let toKill = old.length - (ds.spec?.revisionHistoryLimit ?? 10);
  if (toKill <= 0) return [];
  const liveHashes = new Set(pods.map((p) => p.metadata?.labels?.[REVISION_HASH_LABEL]).filter((h) => h));
  const pruned: ControllerRevision[] = [];
  for (const revision of [...old].sort((a, b) => a.revision - b.revision)) {
    if (toKill <= 0) break;
    if (liveHashes.has(revision.metadata?.labels?.[REVISION_HASH_LABEL])) continue;
    pruned.push(revision);
    toKill--;
  }
  return pruned;
}
