// Upstream's OpenAPI definitions (swagger 2.0 `definitions`, named as in
// upstream's api/openapi-spec/swagger.json: io.k8s.api.apps.v1.DaemonSetSpec)
// for every kind the catalogue serves and every type they reference, built
// from the `kubernetes-types` declarations (declarations.ts). Read from disk
// once, at the first request that needs them, never at import.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, posix } from 'node:path';
import { type ResourceType } from '../../proto/index.js';
import { metaOfKind, type TypeMeta } from '../patch/patch-meta.js';
import { parseDeclarations, type Declaration, type DeclarationFile, type TypeExpression } from './declarations.js';
import { JSON_SCHEMA_PROPS, jsonSchemaPropsExtensions } from './schema-extensions.js';

/** A swagger 2.0 schema, as upstream writes its definitions. */
export interface Schema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: Schema;
  $ref?: string;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string;
}

export type Definitions = ReadonlyMap<string, Schema>;

export const DEFINITION_REF = '#/definitions/';

/** Where a kubernetes-types module lives upstream (its Go package), by the module's path: "core/v1", "meta/v1". */
function upstreamPackage(module: string): string {
  const apimachinery: Record<string, string> = {
    'meta/v1': 'io.k8s.apimachinery.pkg.apis.meta.v1',
    'api/resource': 'io.k8s.apimachinery.pkg.api.resource',
    runtime: 'io.k8s.apimachinery.pkg.runtime',
    version: 'io.k8s.apimachinery.pkg.version',
  };
  if (apimachinery[module]) return apimachinery[module];
  if (module.startsWith('apiextensions/')) return `io.k8s.apiextensions-apiserver.pkg.apis.${module.replace('/', '.')}`;
  if (module.startsWith('apiregistration/')) return `io.k8s.kube-aggregator.pkg.apis.${module.replace('/', '.')}`;
  return `io.k8s.api.${module.replace('/', '.')}`;
}

/** The kubernetes-types module of an API group version: upstream's Go package is the group's first label. */
export function moduleOf(gv: { group: string; version: string }): string {
  return `${gv.group === '' ? 'core' : gv.group.split('.')[0]}/${gv.version}`;
}

/**
 * Upstream's IntOrString, which kubernetes-types inlines as `number | string`
 * (its text is upstream's, staging/src/k8s.io/apimachinery/pkg/util/intstr).
 */
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const intOrString: Schema = {
  description:
    'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.',
  type: 'string',
  format: 'int-or-string',
};

/** The declarations, by "module.Name", that kubernetes-types writes as an empty interface but whose JSON is any value. */
const ANY_JSON_VALUE = new Set(['apiextensions/v1.JSON']);

/** The API metadata types every group version's document carries, as upstream's do. */
const META_ROOTS = ['Status', 'DeleteOptions', 'WatchEvent', 'APIResourceList', 'Patch'].map((name) => `io.k8s.apimachinery.pkg.apis.meta.v1.${name}`);

class DefinitionBuilder {
  private readonly root: string;
  private readonly files = new Map<string, DeclarationFile>();
  readonly definitions = new Map<string, Schema>();

  constructor() {
    const require = createRequire(import.meta.url);
    this.root = dirname(require.resolve('kubernetes-types/package.json'));
    this.definitions.set(INT_OR_STRING, intOrString);
  }

  /** Whether kubernetes-types declares this group version: it has none of the versions upstream removed. */
  hasModule(module: string): boolean {
    return this.files.has(module) || existsSync(join(this.root, `${module}.d.ts`));
  }

  private file(module: string): DeclarationFile {
    let file = this.files.get(module);
    if (!file) {
      file = parseDeclarations(readFileSync(join(this.root, `${module}.d.ts`), 'utf8'));
      this.files.set(module, file);
    }
    return file;
  }

  /** Adds the definition of `name` declared in `module`, and everything it references; returns its upstream name. */
  add(module: string, name: string): string {
    const file = this.file(module);
    const declaration = file.declarations.get(name);
    if (!declaration) {
      const from = file.imports.get(name);
      if (!from) throw new Error(`kubernetes-types: ${name} is not declared in ${module}`);
      return this.add(posix.join(posix.dirname(module), from), name);
    }
    const qualified = `${upstreamPackage(module)}.${name}`;
    if (this.definitions.has(qualified)) return qualified;
    const schema: Schema = {};
    this.definitions.set(qualified, schema); // before the fields: types refer to themselves (JSONSchemaProps)
    Object.assign(schema, this.schemaOf(module, declaration));
    return qualified;
  }

  private schemaOf(module: string, declaration: Declaration): Schema {
    const description = declaration.description || undefined;
    // As upstream's definitions of JSON and the JSONSchemaPropsOr* unions (apiextensions-apiserver's
    // OpenAPIDefinition of each): a description and no type, for any JSON value is theirs.
    if (declaration.union || ANY_JSON_VALUE.has(`${module}.${declaration.name}`)) return { description };
    if (declaration.alias) return { description, ...this.typeSchema(module, declaration.alias) };
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    let apiVersion: string | undefined;
    let kind: string | undefined;
    for (const field of declaration.fields ?? []) {
      if (field.type.kind === 'literal' && field.name === 'apiVersion') apiVersion = field.type.value;
      if (field.type.kind === 'literal' && field.name === 'kind') kind = field.type.value;
      properties[field.name] = { ...(field.description ? { description: field.description } : {}), ...this.typeSchema(module, field.type) };
      if (!field.optional) required.push(field.name);
    }
    const schema: Schema = { description, type: 'object', properties };
    if (required.length > 0) schema.required = required;
    if (apiVersion !== undefined && kind !== undefined) {
      const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
      schema['x-kubernetes-group-version-kind'] = [{ group: group!, kind, version: version! }];
    }
    return schema;
  }

  private typeSchema(module: string, type: TypeExpression): Schema {
    switch (type.kind) {
      case 'string':
      case 'boolean':
        return { type: type.kind };
      case 'number':
        // kubernetes-types writes every integer as `number`; the served groups declare no floats.
        return { type: 'integer' };
      case 'literal':
        return { type: 'string' };
      case 'int-or-string':
        return { $ref: DEFINITION_REF + INT_OR_STRING };
      case 'array':
        return { type: 'array', items: this.typeSchema(module, type.items) };
      case 'map':
        return { type: 'object', additionalProperties: this.typeSchema(module, type.values) };
      case 'reference':
        return { $ref: DEFINITION_REF + this.add(module, type.name) };
    }
  }

  /** Marks the lists strategic merge patch merges (apiserver/patch/patch-meta.ts) as upstream's definitions do. */
  markPatchStrategies(definition: string, meta: TypeMeta, seen = new Set<string>()): void {
    const schema = this.definitions.get(definition);
    if (!schema?.properties || seen.has(definition)) return;
    seen.add(definition);
    for (const [name, field] of Object.entries(meta.fields ?? {})) {
      const property = schema.properties[name];
      if (!property) continue;
      if (field.merge) {
        property['x-kubernetes-patch-strategy'] = 'merge';
        if (field.merge.key) property['x-kubernetes-patch-merge-key'] = field.merge.key;
      }
      const target = (property.items ?? property).$ref;
      if (field.type && target) this.markPatchStrategies(target.slice(DEFINITION_REF.length), field.type, seen);
    }
  }
}

export interface ServedDefinitions {
  readonly definitions: Definitions;
  /** The definition name of each served kind, by "group/version/Kind". */
  readonly kinds: ReadonlyMap<string, string>;
}

export function gvkKey(gvk: { group: string; version: string; kind: string }): string {
  return `${gvk.group}/${gvk.version}/${gvk.kind}`;
}

/** The definitions of the served resources, their lists and subresource kinds, and the API's metadata types. */
export function buildDefinitions(served: readonly ResourceType[]): ServedDefinitions {
  const builder = new DefinitionBuilder();
  const kinds = new Map<string, string>();
  for (const r of served) {
    const module = moduleOf(r);
    // The legacy versions kubelab still serves (extensions/v1beta1, apps/v1beta2, ...) have no
    // declarations to read: they are served without schemas, and their bodies are not checked.
    if (!builder.hasModule(module)) continue;
    const name = builder.add(module, r.kind);
    kinds.set(gvkKey(r), name);
    // A create-only kind (the reviews) has no list.
    if (r.verbs.includes('list')) kinds.set(gvkKey({ ...r, kind: `${r.kind}List` }), builder.add(module, `${r.kind}List`));
    builder.markPatchStrategies(name, metaOfKind(r.kind));
    for (const sub of r.subresources) {
      if (sub.stream) continue;
      if (!kinds.has(gvkKey(sub.kind))) kinds.set(gvkKey(sub.kind), builder.add(moduleOf(sub.kind), sub.kind.kind));
    }
  }
  for (const name of META_ROOTS) builder.add('meta/v1', name.slice(name.lastIndexOf('.') + 1));
  const jsonSchemaProps = builder.definitions.get(JSON_SCHEMA_PROPS);
  if (jsonSchemaProps?.properties) {
    builder.add('apiextensions/v1', 'ValidationRule');
    Object.assign(jsonSchemaProps.properties, jsonSchemaPropsExtensions);
  }
  return { definitions: builder.definitions, kinds };
}
