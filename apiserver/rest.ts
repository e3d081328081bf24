// The verbs on resources (upstream staging/src/k8s.io/apiserver/pkg/endpoints/handlers:
// create.go, get.go, update.go, patch.go, delete.go), over the registry and
// the watch cache. Each verb takes a parsed RequestInfo and the request's
// query and body, and returns what to send; it knows no kind by name.
import { isDeepStrictEqual } from 'node:util';
import {
  ApiError,
  apiVersionOf,
  badRequest,
  conflict,
  expired,
  methodNotAllowed,
  timeout,
  unsupportedMediaType,
  type ResourceType,
} from '../proto/index.js';
import { CompactedError, FutureRevisionError, type Clock, type Store } from '../store/index.js';
import { Admission } from './admission.js';
import { applyConfig, ApplyConflictError, checkPatchOptions, checkWriteOptions, managerName, trackUpdate } from './apply/index.js';
import { APPLY_PATCH_TYPE, bodySource, decodeBody, decodeObjectBody, mediaType, PATCH_TYPES, type PatchType } from './content.js';
import { checkBodyFields, checkPatchedFields, fieldValidationOf, goValueText } from './field-validation/index.js';
import { applyPatch, PatchError } from './patch/index.js';
import { checkDeletePreconditions, deleteOptions, deleteOptionsOf, type DeleteOptions } from './delete-options.js';
import { finalizersForGarbageCollection } from './registry/deletion.js';
import { sharedObject, timestamp, writtenJson, type ObjectStore, type WriteOptions, type WritePart } from './registry/object-store.js';
import type { Registry } from './registry/registry.js';
import type { KubeObject } from './registry/strategy.js';
import type { RequestInfo } from './request-info.js';
import { parseSelection, type Selection } from './selection.js';
import type { WatchCache } from './watch-cache.js';

export type Query = Record<string, string | undefined>;

/** A request's query as the REST handlers read it: a repeated parameter by its first value, as upstream's url.Values.Get (Fastify gives an array). */
export function firstValues(raw: unknown): Query {
  const query: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries((raw ?? {}) as Record<string, unknown>)) query[key] = Array.isArray(value) ? (value[0] as string | undefined) : (value as string | undefined);
  return query;
}

/** What a verb answers: a status code and a body (an object, list or Status). */
export interface Answer {
  readonly code: number;
  readonly body: Record<string, unknown>;
  /** The body already encoded (the JSON this server stored for a write, with its resourceVersion): sent instead of encoding `body`. */
  readonly json?: string;
  /** The objects a Table is made of, when the client asks for one. */
  readonly objects?: readonly KubeObject[];
  readonly listMeta?: ListMeta;
  /** Warning header texts (unknown fields of a fieldValidation=Warn write). */
  readonly warnings?: readonly string[];
}

export interface ListMeta {
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

/** How many keys a paginated list reads from the store at a time while filtering. */
const PAGE_READ = 500;
/**
 * How often an update, patch or delete without a resourceVersion precondition is
 * tried again after a concurrent write got in first (upstream's GuaranteedUpdate): each round lets at least one writer of the
 * key through, so only a pathological loop ever meets this bound (upstream has none).
 */
const UNCONDITIONAL_UPDATE_ATTEMPTS = 1000;

export class RestHandlers {
  constructor(
    private readonly registry: Registry,
    private readonly store: Store,
    private readonly cache: WatchCache,
    private readonly clock: Clock,
    private readonly admission = new Admission(registry, cache),
    /** The most items one page holds (limits.ts); a bigger `limit` gets this many and a continue token. */
    private readonly maxPageSize = Number.MAX_SAFE_INTEGER,
  ) {}

  // --- reads ---------------------------------------------------------------

  async get(info: RequestInfo): Promise<Answer> {
    const objects = this.registry.of(info.resource);
    const object = await objects.get(info.namespace, info.name!);
    if (info.subresource === 'scale') return { code: 200, body: toScale(info.resource, object) };
    return { code: 200, body: withType(info.resource, object), objects: [object] };
  }

  async list(info: RequestInfo, query: Query): Promise<Answer> {
    const objects = this.registry.of(info.resource);
    const selection = parseSelection(objects.strategy, query.labelSelector, query.fieldSelector, { metadata: {} });
    const limit = Math.min(parseNonNegative('limit', query.limit), this.maxPageSize);
    let items: KubeObject[];
    let listMeta: ListMeta;
    if (limit > 0 || query.continue) {
      ({ items, listMeta } = await this.listPage(objects, info.namespace, selection, limit, query));
    } else {
      ({ items, listMeta } = await this.listAll(info, selection, query));
    }
    const body = {
      kind: `${info.resource.kind}List`,
      apiVersion: apiVersionOf(info.resource),
      metadata: listMeta,
      items: items.map(withoutType),
    };
    return { code: 200, body, objects: items, listMeta };
  }

  /** A whole list from the watch cache, as fresh as resourceVersion and resourceVersionMatch ask. */
  private async listAll(info: RequestInfo, selection: Selection, query: Query): Promise<{ items: KubeObject[]; listMeta: ListMeta }> {
    const rv = query.resourceVersion ?? '';
    const match = query.resourceVersionMatch ?? '';
    if (match !== '' && match !== 'Exact' && match !== 'NotOlderThan') {
      throw badRequest(`resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`);
    }
    if (match !== '' && rv === '') throw badRequest('resourceVersionMatch is forbidden unless resourceVersion is provided');
    if (match === 'Exact') {
      if (rv === '0') throw badRequest('resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
      return this.listAt(info, selection, parseRevision(rv));
    }
    if (rv === '') await this.cache.waitFresh();
    else if (rv !== '0') {
      const wanted = parseRevision(rv);
      if (!(await this.cache.waitFor(wanted, 3_000))) {
        throw timeout(`Too large resource version: ${wanted}, current: ${this.cache.revision}`);
      }
    }
    const revision = this.cache.revision;
    const items = this.cache.list(info.resource, info.namespace).filter((o) => !selection.matches || selection.matches(o));
    return { items, listMeta: { resourceVersion: String(revision) } };
  }

  private async listAt(info: RequestInfo, selection: Selection, revision: number): Promise<{ items: KubeObject[]; listMeta: ListMeta }> {
    const prefix = this.registry.of(info.resource).prefix(info.namespace);
    try {
      const result = await this.store.range({ prefix, revision });
      const items = result.kvs.map((kv) => sharedObject(kv, this.store)).filter((o) => !selection.matches || selection.matches(o));
      return { items, listMeta: { resourceVersion: String(revision) } };
    } catch (error) {
      if (error instanceof CompactedError) throw expired(`too old resource version: ${revision} (${this.store.compactRevision})`);
      if (error instanceof FutureRevisionError) throw expired(`too large resource version: ${revision}`);
      throw error;
    }
  }

  /** One page of a list (limit and continue), read from the store at one revision, as upstream's etcd pagination. */
  private async listPage(
    objects: ObjectStore,
    namespace: string | undefined,
    selection: Selection,
    limit: number,
    query: Query,
  ): Promise<{ items: KubeObject[]; listMeta: ListMeta }> {
    const prefix = objects.prefix(namespace);
    let revision: number;
    let fromKey: string;
    if (query.continue) {
      const token = decodeContinue(query.continue);
      revision = token.rv;
      fromKey = prefix + token.start;
      if (!fromKey.startsWith(prefix)) throw badRequest('continue key is not valid: the key is outside the list');
    } else {
      const rv = query.resourceVersion;
      revision = rv && rv !== '0' && query.resourceVersionMatch === 'Exact' ? parseRevision(rv) : this.store.revision;
      fromKey = prefix;
    }
    const items: KubeObject[] = [];
    let lastKey: string | undefined;
    let more = false;
    let remaining = 0;
    try {
      for (;;) {
        const page = await this.store.range({ prefix, fromKey, limit: PAGE_READ, revision });
        for (const kv of page.kvs) {
          const object = sharedObject(kv, this.store);
          if (selection.matches && !selection.matches(object)) continue;
          if (limit > 0 && items.length === limit) {
            more = true;
            break;
          }
          items.push(object);
          lastKey = kv.key;
        }
        if (more || !page.more) {
          if (more && !selection.matches) remaining = page.count - items.length;
          break;
        }
        fromKey = page.kvs[page.kvs.length - 1]!.key + '\x00';
      }
    } catch (error) {
      if (error instanceof CompactedError) {
        throw expired(
          query.continue
            ? 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.'
            : `too old resource version: ${revision} (${this.store.compactRevision})`,
        );
      }
      throw error;
    }
    const listMeta: ListMeta = { resourceVersion: String(revision) };
    if (more && lastKey !== undefined) {
      listMeta.continue = encodeContinue(revision, lastKey.slice(prefix.length) + '\x00');
      if (!selection.matches) listMeta.remainingItemCount = remaining;
    }
    return { items, listMeta };
  }

  // --- writes --------------------------------------------------------------

  /** A create's body, decoded and checked against its kind and the create options (upstream's create.go): the reviews' too. */
  decodeCreate(info: RequestInfo, body: Buffer | undefined, contentType: string | undefined, query: Query): { object: KubeObject; warnings: string[] } {
    checkWriteOptions('CreateOptions', query.fieldManager);
    const object = decodeObjectBody(body, contentType);
    checkType(info.resource, object);
    const { warnings } = checkBodyFields(info.resource, object, fieldValidationOf(query.fieldValidation, 'CreateOptions'), bodySource(body, contentType));
    return { object, warnings };
  }

  async create(info: RequestInfo, body: Buffer | undefined, contentType: string | undefined, query: Query, userAgent?: string): Promise<Answer> {
    if (info.subresource === 'binding') return this.bind(info, body, contentType);
    if (info.subresource === 'eviction') return this.evict(info, body, contentType, query);
    if (info.name !== undefined) throw methodNotAllowed();
    const { object, warnings } = this.decodeCreate(info, body, contentType, query);
    const meta = (object.metadata ??= {});
    this.placeInNamespace(info, meta);
    await this.admission.admitCreate(info, object);
    const objects = this.registry.of(info.resource);
    objects.strategy.assignOnCreate?.(object, this.cache.list(info.resource));
    const created = await objects.create(object, this.writeOptions(info, query, userAgent));
    return { code: 201, body: withType(info.resource, created), json: answerJson(info.resource, created), objects: [created], warnings };
  }

  /** The object's namespace must be the path's (or is taken from it); cluster-scoped objects have none. */
  private placeInNamespace(info: RequestInfo, meta: NonNullable<KubeObject['metadata']>): void {
    if (info.resource.scope === 'Cluster') {
      delete meta.namespace;
      return;
    }
    if (meta.namespace && meta.namespace !== info.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    meta.namespace = info.namespace;
  }

  async update(info: RequestInfo, body: Buffer | undefined, contentType: string | undefined, query: Query, userAgent?: string): Promise<Answer> {
    checkWriteOptions('UpdateOptions', query.fieldManager);
    const object = decodeObjectBody(body, contentType);
    const objects = this.registry.of(info.resource);
    if (info.subresource === 'scale') return this.updateScale(info, object, query);
    if (info.subresource === 'binding') throw methodNotAllowed();
    if (info.subresource === undefined) checkType(info.resource, object);
    const { warnings } = checkBodyFields(info.resource, object, fieldValidationOf(query.fieldValidation, 'UpdateOptions'), bodySource(body, contentType));
    const meta = (object.metadata ??= {});
    if (meta.name !== undefined && meta.name !== info.name) {
      throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${info.name})`);
    }
    meta.name = info.name;
    this.placeInNamespace(info, meta);
    // As upstream's GuaranteedUpdate: without a resourceVersion the update is
    // unconditional, so a concurrent write in between is no conflict: it is
    // tried again on the newer object.
    const unconditional = !meta.resourceVersion;
    for (let attempt = 1; ; attempt++) {
      const current = await objects.get(info.namespace, info.name!);
      // As upstream's DefaultUpdatedObjectInfo: a uid in the body of a PUT is a precondition.
      if (meta.uid && meta.uid !== current.metadata?.uid) {
        throw conflict(objects.subject(info.name), `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${current.metadata?.uid ?? ''}`);
      }
      try {
        const given = unconditional ? structuredClone(object) : object;
        const updated = await objects.replace(current, given, writePartOf(info.subresource), this.writeOptions(info, query, userAgent));
        await this.finishIfDeleted(objects, updated);
        return { code: 200, body: withType(info.resource, updated), json: answerJson(info.resource, updated), objects: [updated], warnings };
      } catch (error) {
        const raced = error instanceof ApiError && error.reason === 'Conflict';
        if (!unconditional || !raced || attempt >= UNCONDITIONAL_UPDATE_ATTEMPTS) throw error;
      }
    }
  }

  /** dryRun, and the field manager that records the write in metadata.managedFields (apiserver/apply). */
  private writeOptions(info: RequestInfo, query: Query, userAgent: string | undefined): WriteOptions {
    const manager = managerName(query.fieldManager, userAgent);
    const subresource = info.subresource === 'status' ? ('status' as const) : undefined;
    return {
      dryRun: isDryRun(query),
      trackFields: (object, live) => trackUpdate(object, live, { resource: info.resource, subresource, manager, now: timestamp(this.clock.now()) }),
    };
  }

  /** As upstream: an object marked for deletion whose last finalizer went is deleted. */
  private async finishIfDeleted(objects: ObjectStore, object: KubeObject): Promise<void> {
    const meta = object.metadata!;
    const deletable = objects.strategy.deletableAfterUpdate?.(object) ?? true;
    if (deletable && meta.deletionTimestamp && (meta.finalizers ?? []).length === 0 && (meta.deletionGracePeriodSeconds ?? 0) === 0) {
      await objects.remove(object).catch(() => undefined);
    }
  }

  async patch(info: RequestInfo, body: Buffer | undefined, contentType: string | undefined, query: Query, userAgent?: string): Promise<Answer> {
    const type = mediaType(contentType);
    const isApply = type === APPLY_PATCH_TYPE;
    if (!isApply && !(PATCH_TYPES as readonly string[]).includes(type)) throw unsupportedMediaType(type);
    checkPatchOptions(isApply, query.fieldManager, query.force);
    if (isApply) return this.apply(info, body, contentType, query);
    const patch = decodeBody(body, contentType);
    const directive = fieldValidationOf(query.fieldValidation, 'PatchOptions');
    const objects = this.registry.of(info.resource);
    // Retried on a conflict with a concurrent writer unless the patch names a resourceVersion itself.
    for (let attempt = 0; ; attempt++) {
      const current = await objects.get(info.namespace, info.name!);
      const isScale = info.subresource === 'scale';
      const original = isScale ? toScale(info.resource, current) : withType(info.resource, structuredClone(current));
      const kind = isScale ? { group: 'autoscaling', version: 'v1', kind: 'Scale' } : info.resource;
      let patched: KubeObject;
      try {
        patched = applyPatch(original, type as PatchType, patch, kind) as KubeObject;
      } catch (error) {
        if (error instanceof PatchError) throw patchErrorToStatus(error);
        throw error;
      }
      const patchText = () => (type === 'application/strategic-merge-patch+json' ? goValueText(patch) : JSON.stringify(patched));
      const mergeSource = type === 'application/json-patch+json' ? undefined : bodySource(body, contentType);
      const { warnings } = checkPatchedFields(kind, patched, directive, patchText, mergeSource);
      const pinned = patched.metadata?.resourceVersion !== original.metadata?.resourceVersion;
      try {
        if (isScale) return await this.updateScale(info, patched, query, current);
        const meta = (patched.metadata ??= {});
        if (meta.name !== info.name) throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${info.name})`);
        this.placeInNamespace(info, meta);
        const updated = await objects.replace(current, patched, info.subresource === 'status' ? 'status' : 'main', this.writeOptions(info, query, userAgent));
        await this.finishIfDeleted(objects, updated);
        return { code: 200, body: withType(info.resource, updated), json: answerJson(info.resource, updated), objects: [updated], warnings };
      } catch (error) {
        const retry = !pinned && attempt < UNCONDITIONAL_UPDATE_ATTEMPTS && error instanceof Error && 'reason' in error && error.reason === 'Conflict';
        if (!retry) throw error;
      }
    }
  }

  /**
   * Server-side apply (upstream handlers/patch.go applyPatcher): the config
   * merged into the live object by apiserver/apply, which creates it when
   * absent; retried when a concurrent writer got in first, never on a
   * conflict between managers.
   */
  private async apply(info: RequestInfo, body: Buffer | undefined, contentType: string | undefined, query: Query): Promise<Answer> {
    if (info.subresource === 'scale') throw unsupportedMediaType(APPLY_PATCH_TYPE);
    const config = decodeObjectBody(body, contentType);
    if (config.kind !== info.resource.kind) throw badRequest(`the kind in the data (${String(config.kind ?? '')}) does not match the expected kind (${info.resource.kind})`);
    const meta = (config.metadata ??= {});
    if (meta.name !== info.name) throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${info.name})`);
    this.placeInNamespace(info, meta);
    const directive = fieldValidationOf(query.fieldValidation, 'PatchOptions');
    const objects = this.registry.of(info.resource);
    const part = info.subresource === 'status' ? 'status' : 'main';
    const write = { resource: info.resource, subresource: part === 'status' ? ('status' as const) : undefined, manager: query.fieldManager!, force: query.force === 'true' };
    for (let attempt = 0; ; attempt++) {
      const current = await objects.get(info.namespace, info.name!).catch((error: unknown) => {
        if (part === 'main' && error instanceof ApiError && error.reason === 'NotFound') return undefined;
        throw error;
      });
      const applied = applyConfig(current && withType(info.resource, current), structuredClone(config), { ...write, now: timestamp(this.clock.now()) });
      const { warnings } = checkPatchedFields(info.resource, applied, directive, () => JSON.stringify(applied));
      try {
        if (current === undefined) {
          await this.admission.admitCreate(info, applied);
          objects.strategy.assignOnCreate?.(applied, this.cache.list(info.resource));
          const created = await objects.create(applied, { dryRun: isDryRun(query) });
          return { code: 201, body: withType(info.resource, created), json: answerJson(info.resource, created), objects: [created], warnings };
        }
        const updated = await objects.replace(current, applied, part, { dryRun: isDryRun(query) });
        await this.finishIfDeleted(objects, updated);
        return { code: 200, body: withType(info.resource, updated), json: answerJson(info.resource, updated), objects: [updated], warnings };
      } catch (error) {
        const raced = error instanceof ApiError && (error.reason === 'AlreadyExists' || error.reason === 'Conflict') && !(error instanceof ApplyConflictError);
        if (!raced || attempt >= UNCONDITIONAL_UPDATE_ATTEMPTS) throw error;
      }
    }
  }

  /** PUT or PATCH of /scale: spec.replicas of the object, guarded like any update. */
  private async updateScale(info: RequestInfo, scale: KubeObject, query: Query, current?: KubeObject): Promise<Answer> {
    const objects = this.registry.of(info.resource);
    current ??= await objects.get(info.namespace, info.name!);
    const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw new ApiError(
        422,
        'Invalid',
        `Scale.autoscaling "${info.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas ?? null)}: must be greater than or equal to 0`,
      );
    }
    const next = structuredClone(current);
    next.metadata!.resourceVersion = scale.metadata?.resourceVersion || current.metadata!.resourceVersion;
    (next.spec as { replicas?: number }).replicas = replicas;
    const updated = await objects.replace(current, next, 'main', { dryRun: isDryRun(query) });
    return { code: 200, body: toScale(info.resource, updated) };
  }

  /** POST pods/<name>/binding: assigns an unassigned pod to a node (upstream pkg/registry/core/pod/storage BindingREST). */
  private async bind(info: RequestInfo, body: Buffer | undefined, contentType: string | undefined): Promise<Answer> {
    const binding = decodeObjectBody(body, contentType);
    const target = binding.target as { kind?: string; name?: string } | undefined;
    if (!target?.name) {
      throw new ApiError(422, 'Invalid', `Binding "${info.name}" is invalid: target.name: Required value`);
    }
    if (target.kind && target.kind !== 'Node') {
      throw new ApiError(422, 'Invalid', `Binding "${info.name}" is invalid: target.kind: Invalid value: "${target.kind}": must be empty or 'Node'`);
    }
    const objects = this.registry.of(info.resource);
    const pod = await objects.get(info.namespace, info.name!);
    const spec = (pod.spec ??= {}) as { nodeName?: string };
    if (pod.metadata?.deletionTimestamp) throw conflict(objects.subject(info.name), 'pod is being deleted, cannot be assigned to a host');
    if (spec.nodeName) throw conflict(objects.subject(info.name), `pod ${info.name} is already assigned to node "${spec.nodeName}"`);
    spec.nodeName = target.name;
    const status = (pod.status ??= {}) as { conditions?: { type: string; status: string; lastProbeTime: null; lastTransitionTime: string }[] };
    const conditions = (status.conditions ??= []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: timestamp(this.clock.now()) });
    status.conditions = conditions;
    await objects.writeSystem(pod);
    return { code: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } };
  }

  /**
   * POST pods/<name>/eviction (upstream pkg/registry/core/pod/storage
   * EvictionREST): deletes the pod with the Eviction's DeleteOptions.
   * kubelab serves no PodDisruptionBudgets, so no budget ever refuses an
   * eviction with 429 as upstream's can.
   */
  private async evict(info: RequestInfo, body: Buffer | undefined, contentType: string | undefined, query: Query): Promise<Answer> {
    const eviction = decodeObjectBody(body, contentType);
    if (eviction.apiVersion !== undefined && eviction.apiVersion !== 'policy/v1' && eviction.apiVersion !== 'policy/v1beta1') {
      throw badRequest(`the API version in the data (${String(eviction.apiVersion)}) does not match the expected API version (policy/v1)`);
    }
    if (eviction.kind !== undefined && eviction.kind !== 'Eviction') {
      throw badRequest(`Eviction in version "v1" cannot be handled as a ${String(eviction.kind)}: the kind in the data does not match Eviction`);
    }
    if (eviction.metadata?.name !== info.name) throw badRequest('name in URL does not match name in Eviction object');
    const embedded = (eviction as { deleteOptions?: unknown }).deleteOptions ?? {};
    if (embedded === null || typeof embedded !== 'object' || Array.isArray(embedded)) throw badRequest('deleteOptions must be DeleteOptions');
    const options = deleteOptionsOf(embedded as Record<string, unknown>, {});
    // As upstream's propagateDryRun: the request's dryRun and the Eviction's must agree.
    const requestDryRun = isDryRun(query);
    if (requestDryRun && (embedded as { dryRun?: unknown }).dryRun !== undefined && !options.dryRun) {
      throw badRequest(`Non-matching dry-run options in request and content: [All] and ${JSON.stringify((embedded as { dryRun?: unknown }).dryRun)}`);
    }
    const objects = this.registry.of(info.resource);
    const pod = await objects.get(info.namespace, info.name!);
    await this.deleteObject(info.resource, objects, pod, { ...options, dryRun: options.dryRun || requestDryRun });
    return { code: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } };
  }

  // --- deletes -------------------------------------------------------------

  async delete(info: RequestInfo, body: Buffer | undefined, contentType: string | undefined, query: Query): Promise<Answer> {
    const options = deleteOptions(body, contentType, query);
    const objects = this.registry.of(info.resource);
    const current = await objects.get(info.namespace, info.name!);
    return this.deleteObject(info.resource, objects, current, options);
  }

  async deleteCollection(info: RequestInfo, body: Buffer | undefined, contentType: string | undefined, query: Query): Promise<Answer> {
    const options = deleteOptions(body, contentType, query);
    const listed = await this.list(info, { ...query, limit: undefined, continue: undefined });
    const objects = this.registry.of(info.resource);
    const deleted: KubeObject[] = [];
    for (const object of listed.objects ?? []) {
      try {
        await this.deleteObject(info.resource, objects, object, options);
        deleted.push(object);
      } catch (error) {
        // Gone meanwhile: nothing left to delete.
        if (!(error instanceof Error && 'reason' in error && error.reason === 'NotFound')) throw error;
      }
    }
    // As upstream: the answer lists what was deleted.
    const list = { kind: `${info.resource.kind}List`, apiVersion: apiVersionOf(info.resource), metadata: listed.listMeta ?? {}, items: deleted.map(withoutType) };
    return { code: 200, body: list };
  }

  /**
   * Upstream's graceful deletion (registry/rest/delete.go BeforeDelete and
   * store.go Delete): preconditions, then either a mark (deletionTimestamp,
   * while a grace period runs or finalizers remain) or removal.
   */
  private async deleteObject(resource: ResourceType, objects: ObjectStore, first: KubeObject, options: DeleteOptions): Promise<Answer> {
    // As upstream's conditionalDelete and GuaranteedUpdate: a concurrent write
    // between the read and the (modRevision-guarded) write is no conflict; the
    // delete is decided again on the newer object, its preconditions checked
    // against that one. Only a failed precondition is a 409.
    let current = first;
    for (let attempt = 1; ; attempt++) {
      checkDeletePreconditions(objects, current, options.preconditions);
      try {
        return await this.deleteOnce(resource, objects, current, options);
      } catch (error) {
        const raced = error instanceof ApiError && error.reason === 'Conflict';
        if (!raced || attempt >= UNCONDITIONAL_UPDATE_ATTEMPTS) throw error;
        current = await objects.get(current.metadata!.namespace, current.metadata!.name!);
      }
    }
  }

  /** One try of deleteObject on the object as read. */
  private async deleteOnce(resource: ResourceType, objects: ObjectStore, current: KubeObject, options: DeleteOptions): Promise<Answer> {
    const meta = current.metadata!;
    const name = meta.name!;
    const held = objects.strategy.holdDeletion?.(structuredClone(current), timestamp(this.clock.now()));
    if (held) {
      if (options.dryRun) return { code: 200, body: withType(resource, held) };
      const written = isDeepStrictEqual(held, current) ? current : await objects.writeSystem(held);
      return { code: 200, body: withType(resource, written), objects: [written] };
    }
    const grace = objects.strategy.gracefulDeleteSeconds?.(current, options.gracePeriodSeconds) ?? 0;
    const marked = meta.deletionTimestamp !== undefined;
    const now = this.clock.now();
    // A shorter grace period may cut a running one short, never lengthen it.
    const remaining = marked ? (Date.parse(meta.deletionTimestamp!) - now) / 1000 : Infinity;
    // As upstream's BeforeDelete and updateForGracefulDeletionAndFinalizers: while a grace period
    // runs (and is not cut short) the finalizers stay as they are; otherwise the delete's
    // propagation policy sets the garbage collector's finalizers.
    const gracePending = marked && (meta.deletionGracePeriodSeconds ?? 0) > 0 && !(grace < remaining);
    const gcPolicy = objects.strategy.defaultGarbageCollectionPolicy?.(apiVersionOf(resource)) ?? 'DeleteDependents';
    const finalizers = gracePending ? (meta.finalizers ?? []) : finalizersForGarbageCollection(meta.finalizers ?? [], options, gcPolicy);
    if (grace > 0 || finalizers.length > 0) {
      if (options.dryRun) return { code: 200, body: withType(resource, current) };
      const next = structuredClone(current);
      const nextMeta = next.metadata!;
      if (!marked || grace < remaining) {
        nextMeta.deletionTimestamp = timestamp(now + grace * 1000);
        nextMeta.deletionGracePeriodSeconds = grace;
      }
      if (finalizers.length > 0) nextMeta.finalizers = finalizers;
      else delete nextMeta.finalizers;
      const changed = !isDeepStrictEqual(next, current);
      const written = changed ? await objects.writeSystem(next) : current;
      // As upstream's delete handler: 202 only for a delete left pending that asked orphanDependents=false.
      const accepted = options.orphanDependents === false;
      return { code: accepted ? 202 : 200, body: withType(resource, written), objects: [written] };
    }
    if (!options.dryRun) await objects.remove(current);
    return {
      code: 200,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Success',
        details: { name, ...(resource.group ? { group: resource.group } : {}), kind: resource.plural, uid: meta.uid },
      },
    };
  }
}

// --- helpers ---------------------------------------------------------------

/** The part of an object a PUT of this subresource writes. */
function writePartOf(subresource: string | undefined): WritePart {
  return subresource === 'status' || subresource === 'finalize' ? subresource : 'main';
}

function isDryRun(query: Query): boolean {
  if (query.dryRun === undefined) return false;
  if (query.dryRun !== 'All') throw badRequest(`dryRun: Unsupported value: "${query.dryRun}": supported values: "All"`);
  return true;
}

function parseNonNegative(name: string, value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw badRequest(`${name} must be a whole number of 0 or more, not ${JSON.stringify(value)}`);
  return n;
}

export function parseRevision(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw badRequest(`Invalid value for resourceVersion: ${JSON.stringify(value)}`);
  return n;
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: unknown; rv?: unknown; start?: unknown };
    if (parsed.v === 'meta.k8s.io/v1' && typeof parsed.rv === 'number' && typeof parsed.start === 'string') return { rv: parsed.rv, start: parsed.start };
  } catch {
    // falls through to the error below
  }
  throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
}

/** The stored JSON of an object just written, when it is also the answer: stored as the version served. */
function answerJson(resource: ResourceType, object: KubeObject): string | undefined {
  return object.apiVersion === apiVersionOf(resource) && object.kind === resource.kind ? writtenJson(object) : undefined;
}

/** The object as the API answers it: with its apiVersion and kind. */
function withType(resource: ResourceType, object: KubeObject): KubeObject {
  return { apiVersion: apiVersionOf(resource), kind: resource.kind, ...withoutType(object) };
}

function withoutType(object: KubeObject): KubeObject {
  const { apiVersion: _a, kind: _k, ...rest } = object;
  return rest;
}

/**
 * Label and annotation values must be strings, wherever an ObjectMeta sits
 * (a pod template's too): upstream's typed decoding refuses anything else,
 * as in YAML's `app: y`, which kubectl sends as true.
 */
function checkStringMaps(resource: ResourceType, value: unknown, path: string): void {
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if ((key === 'labels' || key === 'annotations') && path.endsWith('metadata') && child !== null && typeof child === 'object') {
      for (const item of Object.values(child as Record<string, unknown>)) {
        if (typeof item !== 'string') {
          throw badRequest(
            `${resource.kind} in version "${resource.version}" cannot be handled as a ${resource.kind}: json: cannot unmarshal ${item === null ? 'null' : typeof item === 'boolean' ? 'bool' : typeof item} into Go struct field ObjectMeta.${at} of type string`,
          );
        }
      }
    } else if (key === 'metadata' || key === 'spec' || key === 'template') {
      checkStringMaps(resource, child, at);
    }
  }
}

/** A body's apiVersion and kind, when given, must be the path's. */
function checkType(resource: ResourceType, object: KubeObject): void {
  checkStringMaps(resource, object, '');
  const expected = apiVersionOf(resource);
  if (object.apiVersion !== undefined && object.apiVersion !== expected) {
    throw badRequest(`the API version in the data (${String(object.apiVersion)}) does not match the expected API version (${expected})`);
  }
  if (object.kind !== undefined && object.kind !== resource.kind) {
    throw badRequest(`the kind in the data (${String(object.kind)}) does not match the expected kind (${resource.kind})`);
  }
}

/** The autoscaling/v1 Scale of a replicated object (upstream's scale subresources). */
function toScale(resource: ResourceType, object: KubeObject): KubeObject {
  const meta = object.metadata ?? {};
  const spec = (object.spec ?? {}) as { replicas?: number; selector?: { matchLabels?: Record<string, string> } | Record<string, string> };
  const status = (object.status ?? {}) as { replicas?: number };
  // An RC's selector is a plain map; a StatefulSet's a LabelSelector.
  const labels = resource.group === '' ? (spec.selector as Record<string, string> | undefined) : (spec.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
  const selector = Object.entries(labels ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, ...(selector ? { selector } : {}) },
  };
}

function patchErrorToStatus(error: PatchError): Error {
  if (error.code === 415) return unsupportedMediaType(error.message);
  if (error.code === 422) return new ApiError(422, 'Invalid', error.message);
  return badRequest(error.message);
}
