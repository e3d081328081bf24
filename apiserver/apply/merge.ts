// Merging an applied configuration into the live object, and removing the
// fields an applier let go of (structured-merge-diff typed/merge.go and
// typed/remove.go): structs and granular maps merge field by field, list-maps
// item by item by their keys, sets by value; atomic values are replaced.
import type { FieldSet } from './field-set.js';
import type { TypeNode } from './schema.js';
import { isObject, itemElement, type Json } from './walk.js';

/** The live value with the config's fields set over it; neither input changes. */
export function mergeValues(live: Json, config: Json, node: TypeNode): Json {
  if (config === undefined) return live;
  if (live === undefined) return config;
  switch (node.kind) {
    case 'struct':
    case 'map': {
      if (!isObject(live) || !isObject(config)) return config;
      const out: Record<string, unknown> = { ...live };
      for (const [key, value] of Object.entries(config)) {
        const child = node.kind === 'map' ? node.values : (node.field(key) ?? { kind: 'atomic' });
        out[key] = mergeValues(live[key], value, child);
      }
      return out;
    }
    case 'listMap':
    case 'set':
      if (!Array.isArray(live) || !Array.isArray(config)) return config;
      return mergeLists(live, config, node);
    case 'atomic':
      return config;
  }
}

/**
 * Items of both lists, in upstream's order (typed/merge.go visitListItems):
 * live items the config lacks keep their place before the next shared item;
 * config items come in the config's order, shared ones merged.
 */
function mergeLists(live: Json[], config: Json[], node: TypeNode & { kind: 'listMap' | 'set' }): Json[] {
  const elementOf = (item: Json) => (node.kind === 'listMap' ? itemElement(item, node) : 'v:' + JSON.stringify(item));
  const liveElements = live.map(elementOf);
  const configElements = config.map(elementOf);
  const inLive = new Map(liveElements.map((element, i) => [element, live[i]]));
  const inConfig = new Set(configElements);
  const emitted = new Set<string>();
  const out: Json[] = [];
  for (let l = 0, r = 0; l < live.length || r < config.length; ) {
    if (l < live.length) {
      const element = liveElements[l]!;
      if (!inConfig.has(element)) {
        out.push(live[l]);
        l++;
        continue;
      }
      if (emitted.has(element)) {
        l++;
        continue;
      }
    }
    if (r >= config.length) {
      l++;
      continue;
    }
    const element = configElements[r]!;
    const shared = inLive.get(element);
    out.push(shared !== undefined && node.kind === 'listMap' ? mergeValues(shared, config[r], node.items) : config[r]);
    emitted.add(element);
    r++;
  }
  return out;
}

/**
 * The value without the paths of `remove` (members: removed with all below).
 * A struct field or map left empty by the removal goes too when `keep` has
 * nothing at or below it: it only held what was removed.
 */
export function removeFields(value: Json, remove: FieldSet, keep: FieldSet | undefined, node: TypeNode): Json {
  switch (node.kind) {
    case 'struct':
    case 'map': {
      if (!isObject(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(value)) {
        const element = 'f:' + key;
        if (remove.members.has(element)) continue;
        const below = remove.children.get(element);
        if (!below) {
          out[key] = child;
          continue;
        }
        const childNode = node.kind === 'map' ? node.values : (node.field(key) ?? { kind: 'atomic' });
        const kept = removeFields(child, below, keep?.children.get(element), childNode);
        const emptied = (isObject(kept) && Object.keys(kept).length === 0) || (Array.isArray(kept) && kept.length === 0);
        const owned = keep?.members.has(element) || !(keep?.children.get(element)?.isEmpty() ?? true);
        if (emptied && !owned) continue;
        out[key] = kept;
      }
      return out;
    }
    case 'listMap':
    case 'set': {
      if (!Array.isArray(value)) return value;
      const out: Json[] = [];
      for (const item of value) {
        const element = node.kind === 'listMap' ? itemElement(item, node) : 'v:' + JSON.stringify(item);
        if (remove.members.has(element)) continue;
        const below = remove.children.get(element);
        out.push(below && node.kind === 'listMap' ? removeFields(item, below, keep?.children.get(element), node.items) : item);
      }
      return out;
    }
    case 'atomic':
      return value;
  }
}
