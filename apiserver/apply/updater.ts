// Who owns what after a write (structured-merge-diff merge/update.go Updater,
// with upstream's managedFieldsUpdater and stripMetaManager around it).
//
// Update (create, update, every non-apply patch): the fields the write added
// or changed go to its manager, merged into that manager's earlier Update
// entry; other managers lose them (an Update never conflicts); removed fields
// leave every manager.
//
// Apply: the config's fields are set on the live object; the applier now
// owns exactly the config's field set; what it applied last time and no
// longer applies is removed from the object unless another manager owns it;
// a change to a field another manager owns is a conflict, unless forced,
// which takes the field over.
import { FieldSet } from './field-set.js';
import { ApplyConflictError, type FieldConflict } from './conflict.js';
import { managerIdentifier, type ManagerEntry, type Managers } from './managers.js';
import { mergeValues, removeFields } from './merge.js';
import type { TypeNode } from './schema.js';
import { changedFieldSet, compare, fieldSetOf, type Comparison, type Json } from './walk.js';

/** The manager of a write: who, through which version and subresource. */
export interface Actor {
  readonly manager: string;
  readonly apiVersion: string;
  readonly subresource?: string;
}

/** Paths never tracked: the type and the system's metadata (upstream stripMetaManager's stripSet). */
const STRIPPED = (() => {
  const set = new FieldSet();
  for (const field of ['apiVersion', 'kind', 'metadata']) set.insert([`f:${field}`]);
  for (const field of ['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion']) {
    set.insert(['f:metadata', `f:${field}`]);
  }
  return set;
})();

export interface Tracked {
  readonly node: TypeNode;
  /** Fields the write's part does not own (status on the main resource; the rest on /status), as upstream's reset fields. */
  readonly ignored: FieldSet;
}

function copyManagers(managers: Managers): Managers {
  return new Map([...managers].map(([id, entry]) => [id, { ...entry }]));
}

/**
 * Takes the fields `next` changes from every manager but `skip`; the conflicts
 * are those fields, by manager. Unforced, nothing is taken when there are any.
 */
function takeOver(live: Json, next: Json, tracked: Tracked, managers: Managers, skip: string | undefined, force: boolean): { comparison: Comparison; conflicts: FieldConflict[] } {
  const raw = compare(live, next, tracked.node);
  const comparison: Comparison = {
    added: raw.added.recursiveDifference(tracked.ignored),
    modified: raw.modified.recursiveDifference(tracked.ignored),
    removed: raw.removed.recursiveDifference(tracked.ignored),
  };
  const changed = comparison.modified.union(comparison.added);
  const conflicts: FieldConflict[] = [];
  for (const [id, entry] of managers) {
    if (id === skip) continue;
    for (const path of entry.fields.intersection(changed).paths()) conflicts.push({ manager: entry, path });
  }
  if (conflicts.length > 0 && !force) return { comparison, conflicts };
  for (const [id, entry] of managers) {
    if (id === skip) continue;
    entry.fields = entry.fields.difference(changed).difference(comparison.removed);
    if (entry.fields.isEmpty()) managers.delete(id);
  }
  return { comparison, conflicts };
}

const changedFields = (comparison: Comparison) => comparison.modified.union(comparison.added);

/** Managers after an Update by `actor` from live to next (neither carries managedFields). */
export function recordUpdate(live: Json, next: Json, tracked: Tracked, given: Managers, actor: Actor, now: string): Managers {
  const managers = copyManagers(given);
  // With no managers to take fields from (a create, mostly), only what changed matters.
  const changed = given.size === 0 ? changedFieldSet(live, next, tracked.node) : changedFields(takeOver(live, next, tracked, managers, undefined, true).comparison);
  const owned = changed.recursiveDifference(tracked.ignored).difference(STRIPPED);
  if (owned.isEmpty()) return managers;
  // As upstream's managedFieldsUpdater: merged into the manager's earlier entry, whose time moves on.
  const entry: ManagerEntry = { manager: actor.manager, operation: 'Update', apiVersion: actor.apiVersion, ...(actor.subresource ? { subresource: actor.subresource } : {}), fields: owned, time: now };
  const id = managerIdentifier(entry);
  const earlier = managers.get(id);
  if (earlier) entry.fields = earlier.fields.union(owned);
  managers.set(id, entry);
  return managers;
}

/** The object after `actor` applies `config` to live (undefined: the object is created), and its managers. */
export function recordApply(
  live: Json,
  config: Json,
  tracked: Tracked,
  given: Managers,
  actor: Actor,
  force: boolean,
  now: string,
): { object: Json; managers: Managers } {
  const managers = copyManagers(given);
  const entry: ManagerEntry = { manager: actor.manager, operation: 'Apply', apiVersion: actor.apiVersion, ...(actor.subresource ? { subresource: actor.subresource } : {}), fields: new FieldSet(), time: now };
  const id = managerIdentifier(entry);
  const last = managers.get(id)?.fields;
  entry.fields = fieldSetOf(config, tracked.node).recursiveDifference(tracked.ignored);
  managers.set(id, entry);
  let object = live === undefined ? config : mergeValues(live, config, tracked.node);
  if (last) object = pruneReleased(object, last, entry.fields, managers, tracked.node);
  if (live !== undefined) {
    const { conflicts } = takeOver(live, object, tracked, managers, id, force);
    if (conflicts.length > 0 && !force) throw new ApplyConflictError(conflicts);
  }
  entry.fields = entry.fields.difference(STRIPPED);
  if (entry.fields.isEmpty()) managers.delete(id);
  return { object, managers };
}

/** Removes what the applier applied last time and no longer applies, unless a manager (the applier included) still owns it or anything below it. */
function pruneReleased(object: Json, last: FieldSet, applied: FieldSet, managers: Managers, node: TypeNode): Json {
  const owned = new FieldSet();
  for (const entry of managers.values()) owned.addAll(entry.fields);
  const release = new FieldSet();
  for (const path of last.difference(applied).paths()) if (!owned.touches(path)) release.insert(path);
  if (release.isEmpty()) return object;
  return removeFields(object, release, owned, node);
}
