// metadata.managedFields on the wire and in memory (upstream
// k8s.io/apimachinery/pkg/util/managedfields/internal: managedfields.go,
// buildmanagerinfo.go): one entry per manager, known by its name, operation,
// subresource and, for Update, apiVersion (an applier keeps one identity
// whatever version it applies with).
import { FieldSet, FieldsV1Error } from './field-set.js';

export type Operation = 'Apply' | 'Update';

/** One manager's fields. `operation` is as the client wrote it: validation refuses anything but Apply and Update. */
export interface ManagerEntry {
  readonly manager: string;
  readonly operation: string;
  readonly apiVersion: string;
  readonly subresource?: string;
  time?: string;
  fields: FieldSet;
}

/** By identifier (managerIdentifier). */
export type Managers = Map<string, ManagerEntry>;

export class ManagedFieldsDecodeError extends Error {}

export function managerIdentifier(entry: Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  // As upstream BuildManagerIdentifier: the entry without time and fields; an applier without its apiVersion.
  return JSON.stringify({
    manager: entry.manager,
    operation: entry.operation,
    ...(entry.operation === 'Apply' ? {} : { apiVersion: entry.apiVersion }),
    ...(entry.subresource ? { subresource: entry.subresource } : {}),
  });
}

/** Decodes metadata.managedFields; throws ManagedFieldsDecodeError on anything upstream's decoder refuses. */
export function decodeManagedFields(value: unknown): Managers {
  const managers: Managers = new Map();
  if (value === undefined || value === null) return managers;
  if (!Array.isArray(value)) throw new ManagedFieldsDecodeError('managedFields must be a list');
  for (const raw of value) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ManagedFieldsDecodeError('an entry must be an object');
    const entry = raw as Record<string, unknown>;
    if (entry.fieldsType !== 'FieldsV1') throw new ManagedFieldsDecodeError(`unsupported FieldsType: ${String(entry.fieldsType)}`);
    let fields: FieldSet;
    try {
      fields = FieldSet.fromFieldsV1(entry.fieldsV1 ?? {});
    } catch (error) {
      if (error instanceof FieldsV1Error) throw new ManagedFieldsDecodeError(error.message);
      throw error;
    }
    const decoded: ManagerEntry = {
      manager: stringOf(entry.manager),
      operation: stringOf(entry.operation),
      apiVersion: stringOf(entry.apiVersion),
      ...(entry.subresource ? { subresource: stringOf(entry.subresource) } : {}),
      ...(typeof entry.time === 'string' ? { time: entry.time } : {}),
      fields,
    };
    const id = managerIdentifier(decoded);
    if (managers.has(id)) throw new ManagedFieldsDecodeError(`duplicate manager ${id}`);
    managers.set(id, decoded);
  }
  return managers;
}

function stringOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new ManagedFieldsDecodeError('manager, operation, apiVersion and subresource must be strings');
  return value;
}

export interface ManagedFieldsEntry {
  manager: string;
  operation: string;
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** The wire form, sorted as upstream's sortEncodedManagedFields: operation, time, manager, apiVersion, subresource. */
export function encodeManagedFields(managers: Managers): ManagedFieldsEntry[] {
  const entries = [...managers.values()].filter((m) => !m.fields.isEmpty());
  entries.sort(
    (p, q) =>
      compare(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      compare(p.manager, q.manager) ||
      compare(p.apiVersion, q.apiVersion) ||
      compare(p.subresource ?? '', q.subresource ?? ''),
  );
  return entries.map((m) => ({
    manager: m.manager,
    operation: m.operation,
    apiVersion: m.apiVersion,
    ...(m.time !== undefined ? { time: m.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: m.fields.toFieldsV1(),
    ...(m.subresource ? { subresource: m.subresource } : {}),
  }));
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const seconds = (time: string | undefined) => (time ? Math.floor(Date.parse(time) / 1000) || 0 : 0);

/** As upstream's printManager: `"kubectl-set" using v1`, `"kubectl"`, `"kubelet" with subresource "status" using v1`. */
export function managerText(entry: Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  let text = JSON.stringify(entry.manager);
  if (entry.subresource) text += ` with subresource ${JSON.stringify(entry.subresource)}`;
  if (entry.operation === 'Update') text += ` using ${entry.apiVersion}`;
  return text;
}

/** upstream's DefaultMaxUpdateManagers: past this many Update managers the oldest merge into `ancient-changes`. */
export const MAX_UPDATE_MANAGERS = 10;
const ANCIENT_CHANGES = 'ancient-changes';

/**
 * Caps the Update managers at `max` (upstream capmanagers.go, after every
 * Update but not after an Apply): oldest first (by time in seconds, then
 * identifier), each entry after the first of its apiVersion is merged into
 * that version's `ancient-changes` bucket, which takes over the first one's
 * fields and the time of the latest merged entry, until `max` remain.
 */
export function capUpdateManagers(managers: Managers, max = MAX_UPDATE_MANAGERS): Managers {
  const updaters = [...managers.entries()].filter(([, entry]) => entry.operation !== 'Apply').map(([id]) => id);
  if (updaters.length <= max) return managers;
  const secondsOf = (id: string) => seconds(managers.get(id)!.time);
  updaters.sort((p, q) => secondsOf(p) - secondsOf(q) || compare(p, q));
  const capped: Managers = new Map(managers);
  const firstOfVersion = new Map<string, string>();
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > max; i++) {
    const id = updaters[i]!;
    const entry = capped.get(id)!;
    const bucketId = managerIdentifier({ manager: ANCIENT_CHANGES, operation: 'Update', apiVersion: entry.apiVersion });
    const first = firstOfVersion.get(entry.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(entry.apiVersion, id);
      continue;
    }
    // The bucket starts as the version's first entry, moved; later entries of the version merge into it.
    const existing = capped.get(bucketId);
    const bucketFields = existing ? existing.fields : capped.get(first)!.fields;
    if (!existing) capped.delete(first);
    capped.set(bucketId, {
      manager: ANCIENT_CHANGES,
      operation: 'Update',
      apiVersion: entry.apiVersion,
      ...(entry.time !== undefined ? { time: entry.time } : {}),
      fields: entry.fields.union(bucketFields),
    });
    capped.delete(id);
    length--;
  }
  return capped;
}
