// Field sets of values and comparisons of two values, by their structure
// (structured-merge-diff typed/tofieldset.go and typed/compare.go).
import { isDeepStrictEqual } from 'node:util';
import { FieldSet, keyElement, type PathElement } from './field-set.js';
import { KEY_DEFAULTS, type ListMapNode, type TypeNode } from './schema.js';

export type Json = unknown;
type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A list-map item's path element; an absent key field takes its schema default, as upstream. */
export function itemElement(item: unknown, node: ListMapNode): PathElement {
  if (!isObject(item)) return 'v:' + JSON.stringify(item);
  const withDefaults: JsonObject = { ...item };
  for (const key of node.keys) if (withDefaults[key] === undefined && KEY_DEFAULTS[key] !== undefined) withDefaults[key] = KEY_DEFAULTS[key];
  return keyElement(withDefaults, node.keys);
}

/** The child node of a struct or map, and whether it is a declared struct field (a map key always is its own field). */
function childOf(node: TypeNode, key: string): { child: TypeNode; declared: boolean } {
  if (node.kind === 'struct') {
    const child = node.field(key);
    return child ? { child, declared: true } : { child: { kind: 'atomic' }, declared: false };
  }
  if (node.kind === 'map') return { child: node.values, declared: false };
  return { child: { kind: 'atomic' }, declared: false };
}

/**
 * The fields a value sets (ToFieldSet): scalars and atomic values are leaves;
 * a list item is a member with its fields below it; a map key is always a
 * member; a struct field only when it is empty or null.
 */
export function fieldSetOf(value: Json, node: TypeNode): FieldSet {
  const set = new FieldSet();
  collect(value, node, set);
  return set;
}

function collect(value: Json, node: TypeNode, into: FieldSet): void {
  switch (node.kind) {
    case 'struct':
    case 'map':
      if (!isObject(value)) return;
      for (const [key, child] of Object.entries(value)) {
        const element = 'f:' + key;
        const { child: childNode, declared } = childOf(node, key);
        if (!declared || child === null || childNode.kind === 'atomic' || (isObject(child) && Object.keys(child).length === 0)) {
          into.members.add(element);
        }
        descend(child, childNode, into, element);
      }
      return;
    case 'listMap':
      if (!Array.isArray(value)) return;
      for (const item of value) {
        const element = itemElement(item, node);
        into.members.add(element);
        descend(item, node.items, into, element);
      }
      return;
    case 'set':
      if (!Array.isArray(value)) return;
      for (const item of value) into.members.add('v:' + JSON.stringify(item));
      return;
    case 'atomic':
      return;
  }
}

function descend(value: Json, node: TypeNode, into: FieldSet, element: PathElement): void {
  if (node.kind === 'atomic' || (!isObject(value) && !Array.isArray(value))) return;
  const child = into.childFor(element);
  collect(value, node, child);
  if (child.isEmpty()) into.children.delete(element);
}

/** What changed from lhs to rhs (typed Comparison): each as a field set. */
export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

export function compare(lhs: Json, rhs: Json, node: TypeNode): Comparison {
  const out: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  compareValues(lhs, rhs, node, [], out);
  return out;
}

const isEmptyValue = (value: unknown) => value === undefined || value === null || (isObject(value) && Object.keys(value).length === 0) || (Array.isArray(value) && value.length === 0);

/** As upstream: an atomic value is a leaf, so are both sides empty or null (keeps null and {} apart), and a value of another shape. */
function comparedAsLeaf(lhs: Json, rhs: Json, node: TypeNode): boolean {
  if (node.kind === 'atomic') return true;
  const container = node.kind === 'struct' || node.kind === 'map' ? isObject : Array.isArray;
  const wrongShape = (lhs !== undefined && lhs !== null && !container(lhs)) || (rhs !== undefined && rhs !== null && !container(rhs));
  return wrongShape || (isEmptyValue(lhs) && isEmptyValue(rhs));
}

/** undefined: absent; null is a value. At least one side is present. */
function compareValues(lhs: Json, rhs: Json, node: TypeNode, path: PathElement[], out: Comparison): void {
  if (comparedAsLeaf(lhs, rhs, node)) {
    if (lhs === undefined) out.added.insert(path);
    else if (rhs === undefined) out.removed.insert(path);
    else if (!isDeepStrictEqual(lhs, rhs)) out.modified.insert(path);
    return;
  }
  if (node.kind === 'struct' || node.kind === 'map') {
    const l = isObject(lhs) ? lhs : {};
    const r = isObject(rhs) ? rhs : {};
    for (const key of new Set([...Object.keys(l), ...Object.keys(r)])) {
      path.push('f:' + key);
      compareValues(l[key], r[key], childOf(node, key).child, path, out);
      path.pop();
    }
  } else if (node.kind === 'listMap' || node.kind === 'set') {
    const l = indexItems(lhs, node);
    const r = indexItems(rhs, node);
    const items: TypeNode = node.kind === 'listMap' ? node.items : { kind: 'atomic' };
    for (const element of new Set([...l.keys(), ...r.keys()])) {
      path.push(element);
      compareValues(l.get(element), r.get(element), items, path, out);
      path.pop();
    }
  }
  if (lhs === undefined) out.added.insert(path);
  else if (rhs === undefined) out.removed.insert(path);
}

/**
 * compare's added and modified fields as one set, in one walk without path
 * arrays: what an Update with no earlier managers gives its manager (a
 * create's, mostly), for a fraction of compare's cost.
 */
export function changedFieldSet(lhs: Json, rhs: Json, node: TypeNode): FieldSet {
  const out = new FieldSet();
  changedInto(lhs, rhs, node, out, undefined);
  return out;
}

/** compareValues for the child `element` of `parent` (undefined: the root), recording added and modified only. */
function changedInto(lhs: Json, rhs: Json, node: TypeNode, parent: FieldSet, element: PathElement | undefined): void {
  if (comparedAsLeaf(lhs, rhs, node)) {
    if (element !== undefined && rhs !== undefined && (lhs === undefined || !isDeepStrictEqual(lhs, rhs))) parent.members.add(element);
    return;
  }
  const here = element === undefined ? parent : parent.childFor(element);
  if (node.kind === 'struct' || node.kind === 'map') {
    const l = isObject(lhs) ? lhs : {};
    const r = isObject(rhs) ? rhs : {};
    for (const key in r) changedInto(l[key], r[key], childOf(node, key).child, here, 'f:' + key);
  } else if (node.kind === 'listMap' || node.kind === 'set') {
    const l = indexItems(lhs, node);
    const r = indexItems(rhs, node);
    const items: TypeNode = node.kind === 'listMap' ? node.items : { kind: 'atomic' };
    for (const [itemElement, item] of r) changedInto(l.get(itemElement), item, items, here, itemElement);
  }
  if (element === undefined) return;
  if (here.members.size === 0 && here.children.size === 0) parent.children.delete(element);
  if (lhs === undefined) parent.members.add(element);
}

function indexItems(value: Json, node: ListMapNode | { kind: 'set' }): Map<PathElement, Json> {
  const items = new Map<PathElement, Json>();
  if (!Array.isArray(value)) return items;
  for (const item of value) items.set(node.kind === 'listMap' ? itemElement(item, node) : 'v:' + JSON.stringify(item), item);
  return items;
}
