// The structure of a kind as structured-merge-diff sees it (upstream
// kube-openapi pkg/schemaconv): structs with named fields, granular maps,
// list-maps merged by their keys, sets, and atomic values replaced whole.
// Read from the served OpenAPI definitions (apiserver/openapi), whose lists
// carry the patch strategies of patch/patch-meta.ts; as schemaconv, a list
// with a merge key is a list-map, a merge list without one is a set, every
// other list is atomic. Built lazily: a type may contain itself.
import { gvkKey, servedDefinitions, INT_OR_STRING, type Schema } from '../openapi/index.js';

export type TypeNode = StructNode | MapNode | ListMapNode | { readonly kind: 'set' } | { readonly kind: 'atomic' };

export interface StructNode {
  readonly kind: 'struct';
  /** The definition's short name: PodSpec. */
  readonly name: string;
  /** A declared field's node; undefined for a field the type does not declare. */
  field(name: string): TypeNode | undefined;
  /** The fields Go always writes (no omitempty): what an empty object of the type holds. */
  readonly required: readonly string[];
}

export interface MapNode {
  readonly kind: 'map';
  readonly values: TypeNode;
}

export interface ListMapNode {
  readonly kind: 'listMap';
  readonly keys: readonly string[];
  readonly items: TypeNode;
}

const ATOMIC: TypeNode = { kind: 'atomic' };
const SET: TypeNode = { kind: 'set' };
const REF = '#/definitions/';

/**
 * Where upstream's list-map keys are more than the patch merge key
 * (`+listMapKey` tags of core/v1 types.go): a port is known by number and protocol.
 */
const LIST_MAP_KEYS: Readonly<Record<string, readonly string[]>> = {
  'Container.ports': ['containerPort', 'protocol'],
  'EphemeralContainer.ports': ['containerPort', 'protocol'],
  'ServiceSpec.ports': ['port', 'protocol'],
  'PodSpec.topologySpreadConstraints': ['topologyKey', 'whenUnsatisfiable'],
};

/** Defaults of key fields (upstream's schema defaults, which structured-merge-diff uses for absent keys). */
export const KEY_DEFAULTS: Readonly<Record<string, unknown>> = { protocol: 'TCP' };

/** Types tagged `+structType=atomic` upstream: owned and replaced whole. */
const ATOMIC_STRUCTS = new Set([
  'LabelSelector',
  'OwnerReference',
  'ObjectReference',
  'LocalObjectReference',
  'TypedLocalObjectReference',
  'ObjectFieldSelector',
  'ResourceFieldSelector',
  'ConfigMapKeySelector',
  'SecretKeySelector',
  'NodeSelector',
  'NodeSelectorTerm',
  'TopologySelectorTerm',
]);

/** Maps tagged `+mapType=atomic` upstream. */
const ATOMIC_MAPS = new Set(['PodSpec.nodeSelector', 'ServiceSpec.selector', 'ReplicationControllerSpec.selector']);

/** Struct fields that are values, not pointers, in Go: an empty object of the type holds them as `{}`. */
const VALUE_STRUCT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  PodTemplateSpec: ['metadata', 'spec'],
  DaemonSetSpec: ['updateStrategy'],
  StatefulSetSpec: ['updateStrategy'],
  DeploymentSpec: ['strategy'],
};

const byDefinition = new Map<string, TypeNode>();
const byKind = new Map<string, TypeNode>();

/** Deduced structure, for a kind the definitions lack: every object a granular map, every list atomic. */
const DEDUCED: MapNode = { kind: 'map', get values(): TypeNode { return DEDUCED; } };

export function typeOfKind(gvk: { group: string; version: string; kind: string }): TypeNode {
  const key = gvkKey(gvk);
  let node = byKind.get(key);
  if (node) return node;
  const name = servedDefinitions().kinds.get(key);
  node = name ? definitionNode(name) : DEDUCED;
  byKind.set(key, node);
  return node;
}

function definitionNode(name: string): TypeNode {
  const known = byDefinition.get(name);
  if (known) return known;
  const schema = servedDefinitions().definitions.get(name);
  const short = name.slice(name.lastIndexOf('.') + 1);
  let node: TypeNode;
  if (name === INT_OR_STRING || !schema || schema.type !== 'object' || !schema.properties || ATOMIC_STRUCTS.has(short)) {
    node = schema && schema.type === 'object' && !schema.properties && schema.additionalProperties ? fieldNode(schema, short, '') : ATOMIC;
  } else {
    node = structNode(short, schema);
  }
  byDefinition.set(name, node);
  return node;
}

function structNode(name: string, schema: Schema): StructNode {
  const properties = schema.properties ?? {};
  const fields = new Map<string, TypeNode>();
  return {
    kind: 'struct',
    name,
    required: [...(schema.required ?? []), ...(VALUE_STRUCT_FIELDS[name] ?? [])],
    field(field: string): TypeNode | undefined {
      let node = fields.get(field);
      if (node) return node;
      const property = properties[field];
      if (!property) return undefined;
      node = fieldNode(property, name, field);
      fields.set(field, node);
      return node;
    },
  };
}

function fieldNode(schema: Schema, struct: string, field: string): TypeNode {
  if (schema.$ref) return definitionNode(schema.$ref.slice(REF.length));
  switch (schema.type) {
    case 'array': {
      const strategy = schema['x-kubernetes-patch-strategy'] ?? '';
      if (!strategy.split(',').includes('merge')) return ATOMIC;
      const key = schema['x-kubernetes-patch-merge-key'];
      if (!key) return SET;
      return { kind: 'listMap', keys: LIST_MAP_KEYS[`${struct}.${field}`] ?? [key], items: fieldNode(schema.items ?? {}, struct, field) };
    }
    case 'object':
      if (!schema.additionalProperties || ATOMIC_MAPS.has(`${struct}.${field}`)) return ATOMIC;
      return { kind: 'map', values: fieldNode(schema.additionalProperties, struct, field) };
    default:
      return ATOMIC;
  }
}

/**
 * An empty object of a kind, as upstream's scheme creates it (runtime.ObjectCreater.New):
 * metadata, spec and status as `{}`, each required field as null or its own empty struct.
 * Creates are tracked against it, so `.` entries appear where upstream's do.
 */
export function emptyObjectOf(node: TypeNode): Record<string, unknown> {
  if (node.kind !== 'struct') return {};
  const out: Record<string, unknown> = {};
  for (const field of ['metadata', 'spec', 'status']) {
    const child = node.field(field);
    if (child?.kind === 'struct') out[field] = emptyStruct(child, 0);
  }
  return out;
}

function emptyStruct(node: StructNode, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (depth > 4) return out;
  for (const field of node.required) {
    const child = node.field(field);
    out[field] = child?.kind === 'struct' ? emptyStruct(child, depth + 1) : null;
  }
  return out;
}
