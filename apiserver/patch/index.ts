// PATCH (upstream staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go):
// JSON patch (RFC 6902, through fast-json-patch), JSON merge patch (RFC 7386)
// and strategic merge patch, applied to a copy of the object; the original is
// never changed. A malformed patch is a PatchError of 400, one that cannot
// apply 422, as upstream answers.
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import { metaOfKind, type FieldMeta, type TypeMeta } from './patch-meta.js';

export type PatchType = 'application/json-patch+json' | 'application/merge-patch+json' | 'application/strategic-merge-patch+json';

export class PatchError extends Error {
  constructor(
    message: string,
    readonly code: 400 | 415 | 422,
  ) {
    super(message);
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export function applyPatch(original: object, type: PatchType, patch: unknown, kind: { readonly group?: string; readonly version?: string; readonly kind: string }): object {
  const document = structuredClone(original) as JsonObject;
  switch (type) {
    case 'application/json-patch+json':
      return applyJsonPatch(document, patch);
    case 'application/merge-patch+json':
      if (!isObject(patch)) throw new PatchError('a merge patch must be a JSON object', 400);
      return mergePatch(document, patch) as JsonObject;
    case 'application/strategic-merge-patch+json':
      if (!isObject(patch)) throw new PatchError('a strategic merge patch must be a JSON object', 400);
      return strategicMerge(document, patch, metaOfKind(kind.kind)) ?? {};
  }
}

// --- JSON patch -------------------------------------------------------------

function applyJsonPatch(document: JsonObject, patch: unknown): object {
  if (!Array.isArray(patch)) throw new PatchError('the json patch must be a list of operations', 400);
  const problem = fastJsonPatch.validate(patch as Operation[]);
  if (problem) throw new PatchError(`invalid json patch: ${problem.message.split('\n')[0]}`, 400);
  let patched: unknown;
  try {
    patched = fastJsonPatch.applyPatch(document, patch as Operation[], true, true).newDocument;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new PatchError(`the json patch cannot be applied: ${message}`, 422);
  }
  // An op on the path "" replaces the whole document; upstream's decoding of a non-object then fails (422 on "patch").
  if (!isObject(patched)) throw new PatchError(`the json patch cannot be applied: the patched document is ${JSON.stringify(patched)?.slice(0, 100)}, not an object`, 422);
  return patched;
}

// --- merge patch (RFC 7386) ---------------------------------------------------

export function mergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const result: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

// --- strategic merge patch -------------------------------------------------------

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

/** Merges a patch map into an object of the given type; undefined when the patch deletes it. */
function strategicMerge(original: JsonObject | undefined, patch: JsonObject, type: TypeMeta | undefined): JsonObject | undefined {
  const directive = patch[DIRECTIVE];
  if (directive !== undefined) {
    if (directive === 'delete') return undefined;
    if (directive === 'replace') return withoutDirectives(patch) as JsonObject;
    throw new PatchError(`unknown patch type: ${JSON.stringify(directive)} in map: only "replace" and "delete" are known`, 400);
  }
  const result: JsonObject = { ...original };
  const orders: [string, Json][] = [];
  for (const [key, value] of Object.entries(patch)) {
    if (key === RETAIN_KEYS) continue;
    if (key.startsWith(SET_ORDER)) {
      orders.push([key.slice(SET_ORDER.length), value]);
      continue;
    }
    if (key.startsWith(DELETE_FROM)) {
      const field = key.slice(DELETE_FROM.length);
      if (!Array.isArray(value)) throw new PatchError(`${key} must be a list`, 400);
      const current = result[field];
      if (Array.isArray(current)) result[field] = current.filter((item) => !value.includes(item));
      continue;
    }
    if (value === null) {
      delete result[key];
      continue;
    }
    const field = type?.fields?.[key];
    result[key] = mergeValue(result[key], value, field);
  }
  for (const [field, order] of orders) {
    if (!Array.isArray(order)) throw new PatchError(`${SET_ORDER}${field} must be a list`, 400);
    const current = result[field];
    if (Array.isArray(current)) result[field] = reorder(current, order, type?.fields?.[field]?.merge?.key);
  }
  const retain = patch[RETAIN_KEYS];
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw new PatchError(`${RETAIN_KEYS} must be a list`, 400);
    for (const key of Object.keys(result)) if (!retain.includes(key)) delete result[key];
  }
  return result;
}

function mergeValue(current: Json | undefined, value: Json, field: FieldMeta | undefined): Json {
  if (Array.isArray(value)) {
    if (field?.merge) return mergeList(Array.isArray(current) ? current : [], value, field);
    return value.map((item) => withoutDirectives(item));
  }
  if (isObject(value)) {
    const merged = strategicMerge(isObject(current) ? current : undefined, value, field?.type);
    return merged ?? null;
  }
  return value;
}

/** A list merged by its merge key (or, for primitives, as a set); `$patch` items replace or delete. */
function mergeList(current: Json[], patch: Json[], field: FieldMeta): Json[] {
  const key = field.merge?.key;
  if (patch.some((item) => isObject(item) && item[DIRECTIVE] === 'replace')) {
    return patch.filter((item) => !(isObject(item) && item[DIRECTIVE] === 'replace')).map(withoutDirectives);
  }
  if (key === undefined) {
    const result = [...current];
    for (const item of patch) if (!result.includes(item)) result.push(item);
    return enforceOrder(result, patch, current, (item) => JSON.stringify(item));
  }
  const result = [...current];
  for (const item of patch) {
    if (!isObject(item)) throw new PatchError(`a merged list item must be an object with the key "${key}"`, 400);
    if (!(key in item)) throw new PatchError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`, 400);
    const at = result.findIndex((existing) => isObject(existing) && existing[key] === item[key]);
    if (item[DIRECTIVE] === 'delete') {
      if (at >= 0) result.splice(at, 1);
      continue;
    }
    const merged = strategicMerge(at >= 0 ? (result[at] as JsonObject) : undefined, item, field.type);
    if (merged === undefined) continue;
    if (at >= 0) result[at] = merged;
    else result.push(merged);
  }
  return enforceOrder(result, patch, current, (item) => JSON.stringify(isObject(item) ? (item[key] ?? null) : item));
}

/**
 * as upstream strategicpatch mergeSlice's "enforce the order" (normalizeElementOrder, mergeSortedSlice):
 * the patch's items in the patch's order, the server-only items in the live order, interleaved where
 * the live list orders both; an item the live list lacks (a new one) goes before the server-only
 * item it is compared with, so a patch adding a container puts it first.
 */
function enforceOrder(merged: Json[], patch: Json[], live: Json[], idOf: (item: Json) => string): Json[] {
  const patchOrder = patch.map(idOf);
  const liveOrder = live.map(idOf);
  const inPatch = new Set(patchOrder);
  const byOrder = (order: string[]) => (a: Json, b: Json) => order.indexOf(idOf(a)) - order.indexOf(idOf(b));
  const right = merged.filter((item) => inPatch.has(idOf(item))).sort(byOrder(patchOrder));
  const left = merged.filter((item) => !inPatch.has(idOf(item))).sort(byOrder(liveOrder));
  const result: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    const l = liveOrder.indexOf(idOf(left[i] ?? null));
    const r = j < right.length ? liveOrder.indexOf(idOf(right[j]!)) : -1;
    if (j >= right.length || (i < left.length && l >= 0 && r >= 0 && l < r)) result.push(left[i++]!);
    else result.push(right[j++]!);
  }
  return result;
}

/** Orders a list as `$setElementOrder` says; items it does not name keep their place after the named ones. */
function reorder(list: Json[], order: Json[], key: string | undefined): Json[] {
  const idOf = (item: Json): Json => (key !== undefined && isObject(item) ? (item[key] ?? null) : item);
  const rank = new Map(order.map((entry, i) => [JSON.stringify(isObject(entry) && key !== undefined ? entry[key] : entry), i]));
  return list
    .map((item, i) => ({ item, i, r: rank.get(JSON.stringify(idOf(item))) ?? order.length + i }))
    .sort((a, b) => a.r - b.r)
    .map(({ item }) => item);
}

function withoutDirectives(value: Json): Json {
  if (Array.isArray(value)) return value.map(withoutDirectives);
  if (!isObject(value)) return value;
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === DIRECTIVE || key === RETAIN_KEYS || key.startsWith(SET_ORDER) || key.startsWith(DELETE_FROM)) continue;
    result[key] = withoutDirectives(item);
  }
  return result;
}
