// A delete's options (upstream's DeleteOptions), read from its body or else
// its query as upstream's delete handler does, and its preconditions checked
// against the object as stored.
import { ApiError, badRequest, conflict } from '../proto/index.js';
import { decodeBody } from './content.js';
import type { ObjectStore } from './registry/object-store.js';
import type { KubeObject } from './registry/strategy.js';
import type { Query } from './rest.js';

/** A delete's preconditions (uid, resourceVersion) against the object as stored: 409 when either differs. */
export function checkDeletePreconditions(objects: ObjectStore, current: KubeObject, pre: DeleteOptions['preconditions']): void {
  const meta = current.metadata!;
  if (pre?.uid && pre.uid !== meta.uid) {
    throw conflict(objects.subject(meta.name), `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid}`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
    throw conflict(objects.subject(meta.name), `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`);
  }
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  orphanDependents?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

export function deleteOptions(body: Buffer | undefined, contentType: string | undefined, query: Query): DeleteOptions {
  const fromBody = body && body.length > 0 && body.toString('utf8').trim() !== '' ? (decodeBody(body, contentType) as Record<string, unknown>) : {};
  if (fromBody === null || typeof fromBody !== 'object') throw badRequest('the body of a delete must be DeleteOptions');
  return deleteOptionsOf(fromBody, query);
}

/** DeleteOptions from a body's fields, or else the query's (a delete's own, or an Eviction's). */
export function deleteOptionsOf(fromBody: Record<string, unknown>, query: Query): DeleteOptions {
  const grace = fromBody.gracePeriodSeconds ?? (query.gracePeriodSeconds !== undefined ? Number(query.gracePeriodSeconds) : undefined);
  if (grace !== undefined && (typeof grace !== 'number' || !Number.isInteger(grace))) throw badRequest('gracePeriodSeconds must be a whole number');
  const policy = fromBody.propagationPolicy ?? query.propagationPolicy;
  if (policy !== undefined && policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
    throw new ApiError(422, 'Invalid', `propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan"`);
  }
  const dryRun = fromBody.dryRun ?? (query.dryRun !== undefined ? [query.dryRun] : undefined);
  const orphanDependents = fromBody.orphanDependents ?? (query.orphanDependents !== undefined ? query.orphanDependents === 'true' : undefined);
  // As upstream's ValidateDeleteOptions.
  if (orphanDependents !== undefined && policy !== undefined) {
    throw new ApiError(
      422,
      'Invalid',
      `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: ${JSON.stringify(policy)}: orphanDependents and deletionPropagation cannot be both set`,
    );
  }
  return {
    gracePeriodSeconds: grace,
    propagationPolicy: policy,
    orphanDependents: orphanDependents as boolean | undefined,
    preconditions: fromBody.preconditions as DeleteOptions['preconditions'],
    dryRun: Array.isArray(dryRun) && dryRun.includes('All'),
  };
}
