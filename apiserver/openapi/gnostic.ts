// /openapi/v2 in protobuf: the swagger 2.0 JSON document turned into gnostic's
// openapi.v2.Document by the rules of gnostic's compiler (openapiv2/OpenAPIv2.go
// NewDocument, NewSchema, NewAny, ...), which kube-openapi's handler runs
// (pkg/handler ToProtoBinary: ParseDocument, then proto.Marshal):
// - a map is a list of (name, value) pairs in the document's order
//   (definitions, properties, paths, responses);
// - every `x-` key is a vendor extension whose value is an Any holding the
//   value's YAML text (x-kubernetes-group-version-kind is how kubectl maps a
//   definition to its kind);
// - a choice is a oneof: a parameter or a $ref, a body or a query parameter,
//   a response or a $ref, a schema or `true`/`false` for additionalProperties;
// - a key the swagger object does not have is an error, as gnostic's
//   "has invalid property": a document kubelab cannot encode throws here.
// Proto3 writes no field at its default value ('', false, 0): those are left out.
import { stringify } from 'yaml';
import { documentMessage } from './gnostic-messages.js';

type Json = Record<string, unknown>;
type Message = Record<string, unknown>;

function objectAt(value: unknown, where: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`openapi v2 protobuf: ${where} is not an object`);
  return value as Json;
}

/** Throws on a key the swagger object does not have (vendor extensions aside). */
function onlyKeys(object: Json, where: string, allowed: readonly string[]): void {
  const invalid = Object.keys(object).filter((key) => !allowed.includes(key) && !key.startsWith('x-'));
  if (invalid.length > 0) throw new Error(`openapi v2 protobuf: ${where} has invalid properties: ${invalid.join(', ')}`);
}

/** The scalar and string-list keys copied as they are, without the values proto3 does not write. */
function scalars(object: Json, keys: readonly string[]): Message {
  const out: Message = {};
  for (const key of keys) {
    const value = object[key];
    if (value === undefined || value === '' || value === false || value === 0 || (Array.isArray(value) && value.length === 0)) continue;
    out[key] = value;
  }
  return out;
}

/** gnostic NewAny: the value's YAML text. */
function any(value: unknown): Message {
  return { yaml: stringify(value) };
}

function vendorExtension(object: Json): Message[] {
  return Object.entries(object)
    .filter(([key]) => key.startsWith('x-'))
    .map(([name, value]) => ({ name, value: any(value) }));
}

function namedList(object: unknown, where: string, compile: (value: unknown, where: string) => Message): Message[] {
  return Object.entries(objectAt(object, where)).map(([name, value]) => ({ name, value: compile(value, `${where}.${name}`) }));
}

const SCHEMA_SCALARS = [
  'format',
  'title',
  'description',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
  'required',
  'discriminator',
  'readOnly',
];
const SCHEMA_KEYS = [...SCHEMA_SCALARS, '$ref', 'default', 'enum', 'additionalProperties', 'type', 'items', 'allOf', 'properties', 'xml', 'externalDocs', 'example'];

/** gnostic NewSchema: `$ref` is the schema's own ref field (no JsonReference), `type` a list, `items` a list. */
function schema(value: unknown, where: string): Message {
  const s = objectAt(value, where);
  onlyKeys(s, where, SCHEMA_KEYS);
  const out: Message = { ...scalars(s, SCHEMA_SCALARS), vendorExtension: vendorExtension(s) };
  if (s.$ref !== undefined) out.ref = s.$ref;
  if (s.default !== undefined) out.default = any(s.default);
  if (s.example !== undefined) out.example = any(s.example);
  if (Array.isArray(s.enum)) out.enum = s.enum.map(any);
  if (s.type !== undefined) out.type = { value: [s.type].flat() };
  if (s.items !== undefined) out.items = { schema: [s.items].flat().map((item, i) => schema(item, `${where}.items[${i}]`)) };
  if (Array.isArray(s.allOf)) out.allOf = s.allOf.map((item, i) => schema(item, `${where}.allOf[${i}]`));
  if (s.properties !== undefined) out.properties = { additionalProperties: namedList(s.properties, `${where}.properties`, schema) };
  if (typeof s.additionalProperties === 'boolean') out.additionalProperties = { boolean: s.additionalProperties };
  else if (s.additionalProperties !== undefined) out.additionalProperties = { schema: schema(s.additionalProperties, `${where}.additionalProperties`) };
  if (s.xml !== undefined) out.xml = withExtensions(s.xml, `${where}.xml`, ['name', 'namespace', 'prefix', 'attribute', 'wrapped']);
  if (s.externalDocs !== undefined) out.externalDocs = withExtensions(s.externalDocs, `${where}.externalDocs`, ['description', 'url']);
  return out;
}

/** An object of scalar keys and vendor extensions only (Xml, ExternalDocs, Contact, License). */
function withExtensions(value: unknown, where: string, keys: readonly string[]): Message {
  const object = objectAt(value, where);
  onlyKeys(object, where, keys);
  return { ...scalars(object, keys), vendorExtension: vendorExtension(object) };
}

/** gnostic JsonReference: a `$ref` that stands for a parameter or a response. */
function jsonReference(object: Json, where: string): Message {
  onlyKeys(object, where, ['$ref', 'description']);
  return { ref: object.$ref, ...scalars(object, ['description']) };
}

const PRIMITIVE_SCALARS = ['type', 'format', 'collectionFormat', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf'];

/** The keywords a non-body parameter shares with the items of an array parameter (PrimitivesItems). */
function primitives(object: Json, where: string): Message {
  const out: Message = { ...scalars(object, PRIMITIVE_SCALARS), vendorExtension: vendorExtension(object) };
  if (object.default !== undefined) out.default = any(object.default);
  if (Array.isArray(object.enum)) out.enum = object.enum.map(any);
  if (object.items !== undefined) {
    const items = objectAt(object.items, `${where}.items`);
    onlyKeys(items, `${where}.items`, [...PRIMITIVE_SCALARS, 'default', 'enum', 'items']);
    out.items = primitives(items, `${where}.items`);
  }
  return out;
}

/** NonBodyParameter's oneof member by the parameter's `in`. */
const NON_BODY = {
  header: 'headerParameterSubSchema',
  formData: 'formDataParameterSubSchema',
  query: 'queryParameterSubSchema',
  path: 'pathParameterSubSchema',
} as const;

/** gnostic NewParametersItem: a $ref is a JsonReference; otherwise a body or a non-body parameter. */
function parametersItem(value: unknown, where: string): Message {
  const p = objectAt(value, where);
  if (p.$ref !== undefined) return { jsonReference: jsonReference(p, where) };
  if (p.in === 'body') {
    onlyKeys(p, where, ['description', 'name', 'in', 'required', 'schema']);
    return { parameter: { bodyParameter: { ...scalars(p, ['description', 'name', 'in', 'required']), schema: schema(p.schema, `${where}.schema`), vendorExtension: vendorExtension(p) } } };
  }
  const member = NON_BODY[p.in as keyof typeof NON_BODY];
  if (!member) throw new Error(`openapi v2 protobuf: ${where} has an invalid "in": ${String(p.in)}`);
  const emptyValue = p.in === 'query' || p.in === 'formData' ? ['allowEmptyValue'] : [];
  onlyKeys(p, where, ['required', 'in', 'description', 'name', ...emptyValue, ...PRIMITIVE_SCALARS, 'default', 'enum', 'items']);
  return { parameter: { nonBodyParameter: { [member]: { ...scalars(p, ['required', 'in', 'description', 'name', ...emptyValue]), ...primitives(p, where) } } } };
}

/** gnostic NewResponseValue: a response, or a $ref to one; its schema a Schema unless of type file. */
function responseValue(value: unknown, where: string): Message {
  const r = objectAt(value, where);
  if (r.$ref !== undefined) return { jsonReference: jsonReference(r, where) };
  onlyKeys(r, where, ['description', 'schema', 'examples']);
  const out: Message = { ...scalars(r, ['description']), vendorExtension: vendorExtension(r) };
  if (r.schema !== undefined) {
    const s = objectAt(r.schema, `${where}.schema`);
    out.schema = s.type === 'file' ? { fileSchema: fileSchema(s, `${where}.schema`) } : { schema: schema(s, `${where}.schema`) };
  }
  if (r.examples !== undefined) out.examples = { additionalProperties: namedList(r.examples, `${where}.examples`, any) };
  return { response: out };
}

function fileSchema(s: Json, where: string): Message {
  const keys = ['format', 'title', 'description', 'required', 'type', 'readOnly'];
  onlyKeys(s, where, [...keys, 'default', 'example']);
  return { ...scalars(s, keys), ...(s.default !== undefined ? { default: any(s.default) } : {}), ...(s.example !== undefined ? { example: any(s.example) } : {}), vendorExtension: vendorExtension(s) };
}

/** gnostic NewResponses: status codes and `default` are responses, `x-` keys extensions. */
function responses(value: unknown, where: string): Message {
  const object = objectAt(value, where);
  const responseCode: Message[] = [];
  for (const [code, response] of Object.entries(object)) {
    if (/^([0-9]{3})$|^(default)$/.test(code)) responseCode.push({ name: code, value: responseValue(response, `${where}.${code}`) });
    else if (!code.startsWith('x-')) throw new Error(`openapi v2 protobuf: ${where} has an invalid response code: ${code}`);
  }
  return { responseCode, vendorExtension: vendorExtension(object) };
}

const OPERATION_SCALARS = ['tags', 'summary', 'description', 'operationId', 'produces', 'consumes', 'schemes', 'deprecated'];

function operation(value: unknown, where: string): Message {
  const op = objectAt(value, where);
  onlyKeys(op, where, [...OPERATION_SCALARS, 'externalDocs', 'parameters', 'responses']);
  const out: Message = { ...scalars(op, OPERATION_SCALARS), vendorExtension: vendorExtension(op) };
  if (op.externalDocs !== undefined) out.externalDocs = withExtensions(op.externalDocs, `${where}.externalDocs`, ['description', 'url']);
  if (Array.isArray(op.parameters)) out.parameters = op.parameters.map((p, i) => parametersItem(p, `${where}.parameters[${i}]`));
  if (op.responses !== undefined) out.responses = responses(op.responses, `${where}.responses`);
  return out;
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];

function pathItem(value: unknown, where: string): Message {
  const item = objectAt(value, where);
  onlyKeys(item, where, ['$ref', ...METHODS, 'parameters']);
  const out: Message = { vendorExtension: vendorExtension(item) };
  if (item.$ref !== undefined) out.ref = item.$ref;
  for (const method of METHODS) if (item[method] !== undefined) out[method] = operation(item[method], `${where}.${method}`);
  if (Array.isArray(item.parameters)) out.parameters = item.parameters.map((p, i) => parametersItem(p, `${where}.parameters[${i}]`));
  return out;
}

/** gnostic NewPaths: keys starting with "/" are paths, `x-` keys extensions. */
function paths(value: unknown): Message {
  const object = objectAt(value, 'paths');
  const path: Message[] = [];
  for (const [name, item] of Object.entries(object)) {
    if (name.startsWith('/')) path.push({ name, value: pathItem(item, `paths.${name}`) });
    else if (!name.startsWith('x-')) throw new Error(`openapi v2 protobuf: paths has an invalid path: ${name}`);
  }
  return { vendorExtension: vendorExtension(object), path };
}

/** The openapi.v2.Document message of a swagger 2.0 document (gnostic NewDocument). */
export function swaggerToGnostic(document: Json): Message {
  const documentScalars = ['swagger', 'host', 'basePath', 'schemes', 'consumes', 'produces'];
  onlyKeys(document, 'document', [...documentScalars, 'info', 'paths', 'definitions', 'tags', 'externalDocs']);
  const info = objectAt(document.info, 'info');
  onlyKeys(info, 'info', ['title', 'version', 'description', 'termsOfService', 'contact', 'license']);
  const out: Message = {
    ...scalars(document, documentScalars),
    info: {
      ...scalars(info, ['title', 'version', 'description', 'termsOfService']),
      ...(info.contact !== undefined ? { contact: withExtensions(info.contact, 'info.contact', ['name', 'url', 'email']) } : {}),
      ...(info.license !== undefined ? { license: withExtensions(info.license, 'info.license', ['name', 'url']) } : {}),
      vendorExtension: vendorExtension(info),
    },
    paths: paths(document.paths),
    vendorExtension: vendorExtension(document),
  };
  if (document.definitions !== undefined) out.definitions = { additionalProperties: namedList(document.definitions, 'definitions', schema) };
  if (Array.isArray(document.tags)) out.tags = document.tags.map((tag, i) => withTag(tag, `tags[${i}]`));
  if (document.externalDocs !== undefined) out.externalDocs = withExtensions(document.externalDocs, 'externalDocs', ['description', 'url']);
  return out;
}

function withTag(value: unknown, where: string): Message {
  const tag = objectAt(value, where);
  onlyKeys(tag, where, ['name', 'description', 'externalDocs']);
  const out = { ...scalars(tag, ['name', 'description']), vendorExtension: vendorExtension(tag) } as Message;
  if (tag.externalDocs !== undefined) out.externalDocs = withExtensions(tag.externalDocs, `${where}.externalDocs`, ['description', 'url']);
  return out;
}

/** The protobuf bytes kube-openapi's handler answers for application/com.github.proto-openapi.spec.v2.v1.0+protobuf. */
export function encodeSwaggerProtobuf(document: Json): Buffer {
  const bytes = documentMessage.encode(swaggerToGnostic(document)).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
