// The OpenAPI documents upstream serves (kube-openapi): /openapi/v2, one
// swagger 2.0 document for the whole API; /openapi/v3/<group-version>, one
// OpenAPI 3.0 document per group version, each with the paths of its
// resources and `components.schemas` for their kinds and every type they
// reference. Everything is read off the catalogue and the definitions.
import type { ResourceType, Verb } from '../../proto/index.js';
import { serverVersion } from '../discovery.js';
import { DEFINITION_REF, gvkKey, INT_OR_STRING, type Definitions, type Schema, type ServedDefinitions } from './definitions.js';

export type Document = Record<string, unknown>;

const SCHEMA_REF = '#/components/schemas/';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

function queryParameter(name: string, description: string): Record<string, unknown> {
  return { name, in: 'query', description, type: 'string', uniqueItems: true };
}

const DRY_RUN = queryParameter('dryRun', 'When present, indicates that modifications should not be persisted.');
const FIELD_MANAGER = queryParameter('fieldManager', 'fieldManager is a name associated with the actor or entity that is making these changes.');
const FIELD_VALIDATION = queryParameter(
  'fieldValidation',
  'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.',
);
const FORCE = queryParameter('force', 'Force is going to "force" Apply requests.');

interface Operation {
  readonly action: string;
  /** The subresource it acts on ('status', 'eviction'), which names it apart from the resource's own operation. */
  readonly subresource?: string;
  readonly parameters: readonly Record<string, unknown>[];
  /** The definition the operation answers with (none for a legacy version: it is served without schemas). */
  readonly answers?: string;
  /** The definition the operation takes as its body, if any. */
  readonly takes?: string;
}

/** The paths of one resource and its subresources, each operation named by its action and kind. */
function resourceOperations(r: ResourceType, kinds: ReadonlyMap<string, string>): Map<string, Record<string, Operation>> {
  const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const collection = r.scope === 'Namespaced' ? `${base}/namespaces/{namespace}/${r.plural}` : `${base}/${r.plural}`;
  const kind = kinds.get(gvkKey(r));
  const list = kinds.get(gvkKey({ ...r, kind: `${r.kind}List` }));
  const writes = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION];
  const found = new Map<string, Record<string, Operation>>([
    [
      collection,
      {
        get: { action: 'list', parameters: [], answers: list },
        post: { action: 'post', parameters: writes, answers: kind, takes: kind },
        delete: { action: 'deletecollection', parameters: [DRY_RUN], answers: `${META}Status`, takes: `${META}DeleteOptions` },
      },
    ],
    [
      `${collection}/{name}`,
      {
        get: { action: 'get', parameters: [], answers: kind },
        put: { action: 'put', parameters: writes, answers: kind, takes: kind },
        patch: { action: 'patch', parameters: [...writes, FORCE], answers: kind, takes: `${META}Patch` },
        delete: { action: 'delete', parameters: [DRY_RUN], answers: `${META}Status`, takes: `${META}DeleteOptions` },
      },
    ],
  ]);
  // Only the verbs the resource has: the reviews are a POST alone, as upstream's.
  const resourceVerbs = { list: [collection, 'get'], create: [collection, 'post'], deletecollection: [collection, 'delete'], get: [`${collection}/{name}`, 'get'], update: [`${collection}/{name}`, 'put'], patch: [`${collection}/{name}`, 'patch'], delete: [`${collection}/{name}`, 'delete'] } as const;
  for (const [verb, [path, method]] of Object.entries(resourceVerbs)) if (!r.verbs.includes(verb as Verb)) delete found.get(path)![method];
  if (Object.keys(found.get(`${collection}/{name}`)!).length === 0) found.delete(`${collection}/{name}`);
  for (const sub of r.subresources) {
    if (sub.stream) continue;
    const subKind = kinds.get(gvkKey(sub.kind));
    // Subresources one only POSTs to: pods/binding, pods/eviction.
    if (sub.verbs.length === 1 && sub.verbs[0] === 'create') {
      found.set(`${collection}/{name}/${sub.name}`, { post: { action: 'post', subresource: sub.name, parameters: writes, answers: subKind, takes: subKind } });
      continue;
    }
    const operations: Record<string, Operation> = {
      get: { action: 'get', subresource: sub.name, parameters: [], answers: subKind },
      put: { action: 'put', subresource: sub.name, parameters: writes, answers: subKind, takes: subKind },
      patch: { action: 'patch', subresource: sub.name, parameters: [...writes, FORCE], answers: subKind, takes: `${META}Patch` },
    };
    // Only the verbs the subresource has (namespaces/finalize is a PUT alone).
    const verbOf = { get: 'get', put: 'update', patch: 'patch' } as const;
    found.set(`${collection}/{name}/${sub.name}`, Object.fromEntries(Object.entries(operations).filter(([method]) => sub.verbs.includes(verbOf[method as keyof typeof verbOf]))));
  }
  return found;
}

function gvkExtension(r: ResourceType): Record<string, unknown> {
  return { 'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind } };
}

/** Unique in a document, as upstream's (readCoreV1NamespacedPodStatus there, getPodStatus here). */
function operationId(op: Operation, r: ResourceType): string {
  const sub = op.subresource ? op.subresource[0]!.toUpperCase() + op.subresource.slice(1) : '';
  return `${op.action}${r.kind}${sub}`;
}

/** The names of the definitions `roots` reach through $ref, roots included. */
function reachable(definitions: Definitions, roots: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const visit = (schema: Schema | undefined): void => {
    if (!schema) return;
    if (schema.$ref) {
      const name = schema.$ref.slice(DEFINITION_REF.length);
      if (!seen.has(name)) {
        seen.add(name);
        visit(definitions.get(name));
      }
    }
    visit(schema.items);
    visit(schema.additionalProperties);
    for (const property of Object.values(schema.properties ?? {})) visit(property);
  };
  for (const root of roots) visit({ $ref: DEFINITION_REF + root });
  return seen;
}

/** /openapi/v2: one swagger 2.0 document for every served resource. */
export function swaggerDocument(served: readonly ResourceType[], { definitions, kinds }: ServedDefinitions): Document {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of served) {
    for (const [path, operations] of resourceOperations(r, kinds)) {
      paths[path] = Object.fromEntries(
        Object.entries(operations).map(([method, op]) => [
          method,
          {
            consumes: ['*/*'],
            produces: ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'],
            schemes: ['https'],
            operationId: operationId(op, r),
            parameters: [...(op.takes ? [{ name: 'body', in: 'body', required: true, schema: { $ref: DEFINITION_REF + op.takes } }] : []), ...op.parameters],
            responses: { '200': { description: 'OK', ...(op.answers ? { schema: { $ref: DEFINITION_REF + op.answers } } : {}) }, '401': { description: 'Unauthorized' } },
            'x-kubernetes-action': op.action,
            ...gvkExtension(r),
          },
        ]),
      );
    }
  }
  const names = [...definitions.keys()].sort();
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: serverVersion.gitVersion },
    paths,
    definitions: Object.fromEntries(names.map((name) => [name, definitions.get(name)])),
  };
}

/**
 * A definition in OpenAPI 3 form, as kube-openapi converts it: references
 * move to components, a reference that carries its own description is
 * wrapped in allOf, and the types with a JSON form of their own are oneOf
 * (upstream's OpenAPIV3OneOfTypes of IntOrString and Quantity).
 */
function toV3(schema: Schema, name?: string): Record<string, unknown> {
  if (name === INT_OR_STRING) return { description: schema.description, format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] };
  if (name === QUANTITY) return { description: schema.description, oneOf: [{ type: 'string' }, { type: 'number' }] };
  const { $ref, items, additionalProperties, properties, ...rest } = schema;
  const out: Record<string, unknown> = { ...rest };
  if ($ref) {
    const ref = SCHEMA_REF + $ref.slice(DEFINITION_REF.length);
    if (schema.description === undefined) return { $ref: ref };
    out.allOf = [{ $ref: ref }];
  }
  if (items) out.items = toV3(items);
  if (additionalProperties) out.additionalProperties = toV3(additionalProperties);
  if (properties) out.properties = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, toV3(value)]));
  return out;
}

/** /openapi/v3/api/v1, /openapi/v3/apis/apps/v1, ...: one group version's paths and schemas. */
export function groupVersionDocument(served: readonly ResourceType[], { definitions, kinds }: ServedDefinitions): Document {
  const paths: Record<string, Record<string, unknown>> = {};
  const roots = new Set<string>(['Status', 'DeleteOptions', 'WatchEvent', 'APIResourceList', 'Patch'].map((n) => META + n));
  for (const r of served) {
    for (const [path, operations] of resourceOperations(r, kinds)) {
      paths[path] = Object.fromEntries(
        Object.entries(operations).map(([method, op]) => {
          if (op.answers) roots.add(op.answers);
          if (op.takes) roots.add(op.takes);
          const content = (ref: string) => ({ 'application/json': { schema: { $ref: SCHEMA_REF + ref } } });
          return [
            method,
            {
              operationId: operationId(op, r),
              parameters: op.parameters.map(({ type: _type, ...p }) => ({ ...p, schema: { type: 'string' } })),
              ...(op.takes ? { requestBody: { content: content(op.takes), required: true } } : {}),
              responses: { '200': { description: 'OK', ...(op.answers ? { content: content(op.answers) } : {}) }, '401': { description: 'Unauthorized' } },
              'x-kubernetes-action': op.action,
              ...gvkExtension(r),
            },
          ];
        }),
      );
    }
  }
  const names = [...reachable(definitions, roots)].sort();
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: serverVersion.gitVersion },
    paths,
    components: { schemas: Object.fromEntries(names.map((name) => [name, toV3(definitions.get(name)!, name)])) },
  };
}
