// metadata.managedFields on every write (upstream
// managedfields/internal/fieldmanager.go FieldManager, with
// IgnoreManagedFieldsTimestampsTransformer): decode the managers, let the
// updater say who owns what, encode them back into the object.
import { isDeepStrictEqual } from 'node:util';
import { apiVersionOf, badRequest, fieldError, invalid, type ResourceType } from '../../proto/index.js';
import type { KubeObject } from '../registry/strategy.js';
import { ApplyConflictError } from './conflict.js';
import { FieldSet } from './field-set.js';
import { fieldsStillLastApplied, KUBECTL_MANAGER, syncLastApplied } from './last-applied.js';
import { capUpdateManagers, decodeManagedFields, encodeManagedFields, ManagedFieldsDecodeError, type Managers } from './managers.js';
import { emptyObjectOf, typeOfKind } from './schema.js';
import { recordApply, recordUpdate, type Actor, type Tracked } from './updater.js';

export interface FieldManagerWrite {
  readonly resource: ResourceType;
  /** 'status' for writes of the status subresource. */
  readonly subresource?: 'status';
  readonly manager: string;
  /** RFC 3339, whole seconds: the entries' time. */
  readonly now: string;
}

function trackedOf(write: FieldManagerWrite, live: KubeObject | undefined, object: KubeObject): Tracked {
  const stored = write.resource.storage ?? write.resource;
  const node = typeOfKind({ group: stored.group, version: stored.version, kind: write.resource.kind });
  const ignored = new FieldSet();
  if (write.subresource === 'status') {
    // As upstream's status strategies' reset fields: a status write owns the status (and metadata) only.
    for (const key of new Set([...Object.keys(live ?? {}), ...Object.keys(object)])) if (key !== 'status' && key !== 'metadata') ignored.insert([`f:${key}`]);
  } else if (write.resource.subresources.some((s) => s.name === 'status')) {
    ignored.insert(['f:status']);
  }
  return { node, ignored };
}

function actorOf(write: FieldManagerWrite): Actor {
  return { manager: write.manager, apiVersion: apiVersionOf(write.resource), ...(write.subresource ? { subresource: write.subresource } : {}) };
}

function withoutManagedFields(object: KubeObject): KubeObject {
  const { managedFields: _m, ...metadata } = object.metadata ?? {};
  return { ...object, metadata };
}

function liveManagers(live: KubeObject | undefined): Managers {
  try {
    return decodeManagedFields(live?.metadata?.managedFields);
  } catch (error) {
    if (error instanceof ManagedFieldsDecodeError) return new Map();
    throw error;
  }
}

/**
 * The managers a create, update or patch starts from (upstream decodeManagedFields):
 * `[]` or `[{}]` resets them; entries that do not decode, or none, fall back
 * to live's, so a client unaware of managedFields never drops them; a
 * subresource write always starts from live's.
 */
function requestManagers(object: KubeObject, live: KubeObject | undefined, write: FieldManagerWrite): Managers {
  const given = object.metadata?.managedFields;
  if (write.subresource) return liveManagers(live);
  if (Array.isArray(given) && (given.length === 0 || (given.length === 1 && isDeepStrictEqual(given[0], {})))) return new Map();
  try {
    const managers = decodeManagedFields(given);
    if (managers.size > 0) return managers;
  } catch (error) {
    if (!(error instanceof ManagedFieldsDecodeError)) throw error;
  }
  return liveManagers(live);
}

/**
 * Sets object.metadata.managedFields for an Update of live (undefined on
 * create) into object, after defaulting, as upstream's handlers do before the
 * registry's strategy runs.
 */
export function trackUpdate(object: KubeObject, live: KubeObject | undefined, write: FieldManagerWrite): void {
  const tracked = trackedOf(write, live, object);
  const managers = requestManagers(object, live, write);
  const before = live ? withoutManagedFields(live) : emptyObjectOf(tracked.node);
  const after = withoutManagedFields(object);
  const next = capUpdateManagers(recordUpdate(before, after, tracked, managers, actorOf(write), write.now));
  setManagedFields(object, next, live, write);
}

/** The object after a server-side apply of config onto live (undefined: apply creates). Throws ApplyConflictError. */
export function applyConfig(live: KubeObject | undefined, config: KubeObject, write: FieldManagerWrite & { readonly force: boolean }): KubeObject {
  const expected = apiVersionOf(write.resource);
  if (config.apiVersion !== expected) {
    throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${String(config.apiVersion ?? '')}, expected: ${expected}`);
  }
  if (config.metadata?.managedFields !== undefined) throw badRequest('metadata.managedFields must be nil');
  const tracked = trackedOf(write, live, config);
  const managers = liveManagers(live);
  const base = live ? withoutManagedFields(live) : undefined;
  const actor = actorOf(write);
  let result;
  try {
    result = recordApply(base, config, tracked, managers, actor, write.force, write.now);
  } catch (error) {
    if (!(error instanceof ApplyConflictError) || write.manager !== KUBECTL_MANAGER) throw error;
    // Fields client-side apply set, still as it set them, are kubectl's own: not conflicts.
    const allowed = fieldsStillLastApplied(base, expected, tracked.node);
    if (!allowed) throw error;
    const remaining = error.conflicts.filter((c) => !allowed.has(c.path));
    if (remaining.length > 0) throw new ApplyConflictError(remaining);
    result = recordApply(base, config, tracked, managers, actor, true, write.now);
  }
  const object = structuredClone(result.object) as KubeObject;
  if (write.manager === KUBECTL_MANAGER) syncLastApplied(base, object, config);
  setManagedFields(object, result.managers, live, write);
  return object;
}

function setManagedFields(object: KubeObject, managers: Managers, live: KubeObject | undefined, write: FieldManagerWrite): void {
  const meta = (object.metadata ??= {});
  const entries = encodeManagedFields(managers);
  entries.forEach((entry, i) => {
    if (entry.operation !== 'Apply' && entry.operation !== 'Update') {
      const { kind, group } = write.resource;
      throw invalid(kind, group, meta.name ?? '', [fieldError.invalid(`metadata.managedFields[${i}].operation`, entry.operation, 'must be `Apply` or `Update`')]);
    }
  });
  // As upstream's IgnoreManagedFieldsTimestampsTransformer: a write that changes nothing keeps live's entries, times included.
  const liveEntries = live?.metadata?.managedFields;
  if (Array.isArray(liveEntries) && sameButTimes(entries, liveEntries) && isDeepStrictEqual(withoutManagedFields(object), withoutManagedFields(live!))) {
    meta.managedFields = liveEntries;
    return;
  }
  if (entries.length > 0) meta.managedFields = entries;
  else delete meta.managedFields;
}

function sameButTimes(a: readonly object[], b: readonly unknown[]): boolean {
  const untimed = (list: readonly unknown[]) => list.map((entry) => ({ ...(entry as object), time: undefined }));
  return a.length === b.length && isDeepStrictEqual(untimed(a), untimed(b));
}
