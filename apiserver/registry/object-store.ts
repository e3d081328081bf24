// The generic registry of one resource (upstream
// staging/src/k8s.io/apiserver/pkg/registry/generic/registry/store.go): the
// create, update and delete rules every kind shares, around the kind's
// strategy, over the revisioned store. Objects are stored as JSON without
// their resourceVersion, which is the key's modRevision, as upstream's etcd3
// storage does.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import {
  alreadyExists,
  apiVersionOf,
  conflict,
  invalid,
  notFound,
  OPTIMISTIC_LOCK_MESSAGE,
  storageKey,
  storagePrefix,
  type FieldError,
  type ResourceType,
  type Subject,
} from '../../proto/index.js';
import { ConflictError, KeyExistsError, KeyNotFoundError, type Clock, type KeyValue, type Store } from '../../store/index.js';
import type { KubeObject, ObjectMetaLike, Strategy } from './strategy.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** An object as stored, with its resourceVersion filled in from the key's modRevision: a fresh copy, the caller's to change. */
export function decodeObject(kv: Pick<KeyValue, 'value' | 'modRevision'>): KubeObject {
  const object = JSON.parse(decoder.decode(kv.value)) as KubeObject;
  object.metadata ??= {};
  object.metadata.resourceVersion = String(kv.modRevision);
  return object;
}

/**
 * The objects this server encoded, by the bytes it handed the store. The
 * embedded store gives the very same bytes back in its watch events (Store:
 * values are handed over), so the watch cache takes the object instead of
 * parsing its own write again. Entries go with their bytes.
 */
const encodedObjects = new WeakMap<Uint8Array, KubeObject>();

/**
 * The same for a store whose values come back as new bytes (etcd): the
 * objects this server wrote, by store, key and modRevision, which name one
 * value for good. Bounded: the oldest go first; a miss only costs a parse.
 */
const writtenObjects = new WeakMap<Store, Map<string, KubeObject>>();
const WRITTEN_OBJECTS_KEPT = 4096;

function writtenAt(key: string, modRevision: number): string {
  return `${modRevision} ${key}`;
}

/** Notes an object this server has just written, for `sharedObject` to find by revision. */
function rememberWritten(store: Store, kv: KeyValue, object: KubeObject): void {
  let written = writtenObjects.get(store);
  if (!written) writtenObjects.set(store, (written = new Map<string, KubeObject>()));
  written.set(writtenAt(kv.key, kv.modRevision), object);
  if (written.size > WRITTEN_OBJECTS_KEPT) written.delete(written.keys().next().value!);
}

/**
 * The object of a stored value, shared: the object that was written when this
 * server wrote it (found by its bytes, or by `store`, key and modRevision),
 * else a decoded one. For readers that never change what they get (the watch
 * cache, lists); a writer must not change an object once written.
 */
export function sharedObject(kv: Pick<KeyValue, 'key' | 'value' | 'modRevision'>, store?: Store): KubeObject {
  const object = encodedObjects.get(kv.value) ?? (store && writtenObjects.get(store)?.get(writtenAt(kv.key, kv.modRevision)));
  if (object === undefined) return decodeObject(kv);
  (object.metadata ??= {}).resourceVersion = String(kv.modRevision);
  return object;
}

/** The JSON this server stored for an object it wrote, by the object: the answer to the write is made from it. */
const encodedTexts = new WeakMap<KubeObject, string>();

const METADATA_PREFIX = '{"metadata":{';

/**
 * The bytes stored for an object: its JSON without resourceVersion, metadata
 * first (so an answer can put the resourceVersion in without encoding the
 * object again). The object must not change afterwards.
 */
export function encodeObject(object: KubeObject): Uint8Array {
  const { resourceVersion: _dropped, ...metadata } = object.metadata ?? {};
  const { metadata: _replaced, ...rest } = object;
  const text = JSON.stringify({ metadata, ...rest });
  const bytes = encoder.encode(text);
  encodedObjects.set(bytes, object);
  encodedTexts.set(object, text);
  return bytes;
}

/** Upstream's generateName suffix alphabet: no vowels, no look-alike digits. */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function generateName(base: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += NAME_ALPHABET[Math.floor(Math.random() * NAME_ALPHABET.length)];
  // As upstream SimpleNameGenerator: the base is cut so the name stays within 63 characters.
  return base.slice(0, 58) + suffix;
}

let lastSecond = NaN;
let lastTimestamp = '';

/** RFC 3339 with whole seconds, as metav1.Time marshals. */
export function timestamp(ms: number): string {
  const second = Math.floor(ms / 1000);
  // Every write of a second carries the same text: format it once.
  if (second !== lastSecond) {
    lastSecond = second;
    lastTimestamp = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
  }
  return lastTimestamp;
}

/** Everything but metadata and status: what a spec change is measured on. */
function specPart(object: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = object;
  return rest;
}

function withoutType(object: KubeObject): KubeObject {
  const { apiVersion: _a, kind: _k, ...rest } = object;
  return rest;
}

/** What of an object a write replaces: all a client may change, its status, or a namespace's spec.finalizers. */
export type WritePart = 'main' | 'status' | 'finalize';

/**
 * The JSON of an object this server has just written, with its
 * resourceVersion, made from the stored text instead of encoding the object
 * again; undefined when this server did not encode it.
 */
export function writtenJson(object: KubeObject): string | undefined {
  const text = encodedTexts.get(object);
  const resourceVersion = object.metadata?.resourceVersion;
  if (text === undefined || resourceVersion === undefined || !text.startsWith(METADATA_PREFIX)) return undefined;
  const field = `"resourceVersion":${JSON.stringify(resourceVersion)}`;
  const rest = text.slice(METADATA_PREFIX.length);
  return METADATA_PREFIX + field + (rest.startsWith('}') ? '' : ',') + rest;
}

export interface WriteOptions {
  /** dryRun=All: validate and answer, store nothing. */
  readonly dryRun?: boolean;
  /**
   * Records the write's field manager in metadata.managedFields (apiserver/apply):
   * called with the defaulted object and the live one (undefined on create),
   * where upstream's handlers call the field manager, before the strategy's
   * own changes are validated.
   */
  readonly trackFields?: (object: KubeObject, live: KubeObject | undefined) => void;
}

export class ObjectStore {
  constructor(
    readonly resource: ResourceType,
    readonly strategy: Strategy,
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  subject(name?: string): Subject {
    return { group: this.resource.group, resource: this.resource.plural, name };
  }

  key(namespace: string | undefined, name: string): string {
    return storageKey(this.resource, namespace, name);
  }

  prefix(namespace?: string): string {
    return storagePrefix(this.resource, namespace);
  }

  async get(namespace: string | undefined, name: string): Promise<KubeObject> {
    const kv = await this.store.get(this.key(namespace, name));
    if (!kv) throw notFound(this.subject(name));
    return decodeObject(kv);
  }

  /** Creates `object` (already decoded, its namespace set); upstream's BeforeCreate, then the store. */
  async create(object: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    this.toStoredVersion(object);
    const meta = (object.metadata ??= {});
    if (!meta.name && meta.generateName) meta.name = generateName(meta.generateName);
    this.strategy.defaults?.(object);
    options.trackFields?.(object, undefined);
    this.strategy.prepareForCreate?.(object);
    this.fillSystemFields(meta);
    dropEmptyCollections(meta);
    if (this.strategy.tracksGeneration) meta.generation = 1;
    this.assertValid(object, this.strategy.validate(object));
    if (options.dryRun) return object;
    try {
      const kv = await this.store.create(this.key(meta.namespace, meta.name!), encodeObject(object));
      rememberWritten(this.store, kv, object);
      meta.resourceVersion = String(kv.modRevision);
      return object;
    } catch (error) {
      if (error instanceof KeyExistsError) throw alreadyExists(this.subject(meta.name));
      throw error;
    }
  }

  /** An object of a legacy version is stored as the version it stands for (answers put the served version back). */
  private toStoredVersion(object: KubeObject): void {
    const stored = this.resource.storage;
    if (stored && object.apiVersion !== undefined) object.apiVersion = apiVersionOf(stored);
  }

  private fillSystemFields(meta: ObjectMetaLike): void {
    meta.uid = randomUUID();
    meta.creationTimestamp = timestamp(this.clock.now());
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
  }

  /**
   * Replaces an object (PUT). A resourceVersion in the object is a
   * precondition (409 Conflict when stale); without one the update is
   * unconditional, as upstream allows for its built-in kinds.
   */
  async update(object: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    const meta = object.metadata ?? {};
    const name = meta.name!;
    const current = await this.get(meta.namespace, name);
    return this.replace(current, object, 'main', options);
  }

  /** PUT .../status: only the status changes (the rest is kept from the stored object). */
  async updateStatus(object: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    const meta = object.metadata ?? {};
    const current = await this.get(meta.namespace, meta.name!);
    return this.replace(current, object, 'status', options);
  }

  /**
   * Writes `object` over `current`: keeps what the client may not change,
   * validates, then stores guarded by current's modRevision.
   */
  async replace(current: KubeObject, object: KubeObject, part: WritePart, options: WriteOptions = {}): Promise<KubeObject> {
    this.toStoredVersion(object);
    const meta = (object.metadata ??= {});
    const old = current.metadata!;
    const name = old.name!;
    if (meta.resourceVersion && meta.resourceVersion !== old.resourceVersion) {
      throw conflict(this.subject(name), OPTIMISTIC_LOCK_MESSAGE);
    }
    // As upstream BeforeUpdate: system fields come from the stored object.
    meta.uid ??= old.uid;
    meta.creationTimestamp = old.creationTimestamp;
    meta.deletionTimestamp = old.deletionTimestamp;
    meta.deletionGracePeriodSeconds = old.deletionGracePeriodSeconds;
    if (meta.deletionTimestamp === undefined) delete meta.deletionTimestamp;
    if (meta.deletionGracePeriodSeconds === undefined) delete meta.deletionGracePeriodSeconds;
    meta.resourceVersion = old.resourceVersion;
    let errors: FieldError[];
    if (part === 'status') {
      this.keepAllButStatus(object, current);
      options.trackFields?.(object, current);
      this.strategy.prepareForStatusUpdate?.(object, current);
      errors = [...this.strategy.validate(object), ...(this.strategy.validateStatusUpdate?.(object, current) ?? [])];
    } else if (part === 'finalize') {
      this.keepAllButSpecFinalizers(object, current);
      options.trackFields?.(object, current);
      errors = [...this.strategy.validate(object), ...(this.strategy.validateUpdate?.(object, current) ?? [])];
    } else {
      this.strategy.defaults?.(object);
      options.trackFields?.(object, current);
      if (this.resource.subresources.some((s) => s.name === 'status')) {
        if (current.status === undefined) delete object.status;
        else object.status = current.status;
      }
      this.strategy.prepareForUpdate?.(object, current);
      errors = [...this.strategy.validate(object), ...(this.strategy.validateUpdate?.(object, current) ?? [])];
    }
    dropEmptyCollections(object.metadata);
    if (this.strategy.tracksGeneration) {
      meta.generation = (old.generation ?? 1) + (isDeepStrictEqual(specPart(object), specPart(current)) ? 0 : 1);
    }
    if (old.uid !== undefined && meta.uid !== old.uid) {
      errors.push({ type: 'FieldValueInvalid', field: 'metadata.uid', value: meta.uid, detail: 'field is immutable' });
    }
    this.assertValid(object, errors);
    // An update that changes nothing writes nothing and keeps the resourceVersion (upstream's no-op check),
    // whatever the order of the fields the client sent.
    if (options.dryRun || isDeepStrictEqual(withoutType(object), withoutType(current))) return object;
    return this.write(object, encodeObject(object), Number(old.resourceVersion));
  }

  /** Upstream's namespaces/finalize: only spec.finalizers is taken from the request. */
  private keepAllButSpecFinalizers(object: KubeObject, current: KubeObject): void {
    const finalizers = (object.spec as { finalizers?: unknown } | undefined)?.finalizers;
    for (const field of Object.keys(object)) delete object[field];
    Object.assign(object, structuredClone(current));
    const spec = (object.spec ??= {}) as { finalizers?: unknown };
    if (finalizers === undefined || finalizers === null) delete spec.finalizers;
    else spec.finalizers = finalizers;
  }

  private keepAllButStatus(object: KubeObject, current: KubeObject): void {
    const status = object.status;
    const meta = object.metadata!;
    for (const field of Object.keys(object)) delete object[field];
    Object.assign(object, structuredClone(current));
    if (status === undefined) delete object.status;
    else object.status = status;
    // Labels, annotations, finalizers and owners may change with the status, as upstream allows.
    object.metadata = { ...current.metadata, ...pickMutableMeta(meta) };
  }

  private async write(object: KubeObject, bytes: Uint8Array, expectedModRevision: number): Promise<KubeObject> {
    const meta = object.metadata!;
    try {
      const kv = await this.store.update(this.key(meta.namespace, meta.name!), bytes, { expectedModRevision });
      rememberWritten(this.store, kv, object);
      meta.resourceVersion = String(kv.modRevision);
      return object;
    } catch (error) {
      if (error instanceof ConflictError) throw conflict(this.subject(meta.name), OPTIMISTIC_LOCK_MESSAGE);
      if (error instanceof KeyNotFoundError) throw notFound(this.subject(meta.name));
      throw error;
    }
  }

  /**
   * Writes the stored object with a change the server itself makes (deletion
   * timestamps, finalizers), guarded by its modRevision; no strategy runs.
   */
  async writeSystem(object: KubeObject): Promise<KubeObject> {
    return this.write(object, encodeObject(object), Number(object.metadata!.resourceVersion));
  }

  /** Removes the object now, guarded by the modRevision it was read at. */
  async remove(object: KubeObject): Promise<void> {
    const meta = object.metadata!;
    try {
      await this.store.delete(this.key(meta.namespace, meta.name!), { expectedModRevision: Number(meta.resourceVersion) });
    } catch (error) {
      if (error instanceof ConflictError) throw conflict(this.subject(meta.name), OPTIMISTIC_LOCK_MESSAGE);
      if (error instanceof KeyNotFoundError) throw notFound(this.subject(meta.name));
      throw error;
    }
  }

  private assertValid(object: KubeObject, errors: readonly FieldError[]): void {
    if (errors.length === 0) return;
    throw invalid(this.resource.kind, this.resource.group, object.metadata?.name ?? '', dedupe(errors));
  }
}

/**
 * ObjectMeta's lists and maps are omitempty in Go: one emptied (the last
 * ownerReference removed by a patch, `labels: {}`) is absent from what a real
 * cluster stores and shows, not `[]` or `{}`.
 */
function dropEmptyCollections(meta: ObjectMetaLike): void {
  for (const field of ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const) {
    const value = meta[field] as unknown;
    const empty = Array.isArray(value) ? value.length === 0 : typeof value === 'object' && value !== null && Object.keys(value).length === 0;
    if (empty) delete meta[field];
  }
}

function pickMutableMeta(meta: ObjectMetaLike): Partial<ObjectMetaLike> {
  const picked: Partial<ObjectMetaLike> = {};
  for (const field of ['labels', 'annotations', 'finalizers', 'ownerReferences'] as const) {
    if (meta[field] !== undefined) picked[field] = meta[field] as never;
  }
  return picked;
}

/** As upstream's aggregate: the same message once. */
function dedupe(errors: readonly FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const id = JSON.stringify([e.type, e.field, e.value, e.detail]);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
