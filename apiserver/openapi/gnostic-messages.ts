// The `openapi.v2` protobuf messages upstream serves /openapi/v2 in: gnostic's
// openapiv2/OpenAPIv2.proto (github.com/google/gnostic-models, Apache-2.0),
// which kube-openapi's handler marshals and client-go's discovery
// OpenAPISchema() reads. Written here as a protobufjs descriptor, with the
// upstream message names and field numbers (the wire contract) and camelCase
// field names that are the swagger 2.0 keys (operation_id is operationId,
// _ref is ref). Only the messages a swagger document kubelab can serve needs:
// no security definitions, no top-level parameter or response definitions.
import protobuf from 'protobufjs';

interface Field {
  readonly type: string;
  readonly id: number;
  readonly rule?: 'repeated';
}
type Fields = Record<string, Field>;

const one = (type: string, id: number): Field => ({ type, id });
const repeated = (type: string, id: number): Field => ({ rule: 'repeated', type, id });
const vendorExtension = (id: number): Fields => ({ vendorExtension: repeated('NamedAny', id) });

type Keyword = readonly [name: string, type: string, rule?: 'repeated'];

/** Fields numbered from `first` in the order given. */
function numberedFrom(first: number, keywords: readonly Keyword[]): Fields {
  return Object.fromEntries(keywords.map(([name, type, rule], i) => [name, rule ? repeated(type, first + i) : one(type, first + i)]));
}
/** A message of one field per name, numbered 1, 2, 3, ... in the order given. */
const numbered = (...keywords: readonly Keyword[]): Fields => numberedFrom(1, keywords);

/** JSON Schema's validation keywords from maximum to uniqueItems, in the order a Schema and a parameter both number them. */
const BOUNDS: readonly Keyword[] = [
  ['maximum', 'double'],
  ['exclusiveMaximum', 'bool'],
  ['minimum', 'double'],
  ['exclusiveMinimum', 'bool'],
  ['maxLength', 'int64'],
  ['minLength', 'int64'],
  ['pattern', 'string'],
  ['maxItems', 'int64'],
  ['minItems', 'int64'],
  ['uniqueItems', 'bool'],
];

/**
 * The keywords a non-body parameter, a header and an array parameter's
 * items share, in upstream's order, numbered from `first`.
 */
function primitiveKeywords(first: number): Fields {
  return numberedFrom(first, [['type', 'string'], ['format', 'string'], ['items', 'PrimitivesItems'], ['collectionFormat', 'string'], ['default', 'Any'], ...BOUNDS, ['enum', 'Any', 'repeated'], ['multipleOf', 'double']]);
}

/** A parameter that is not the body: query and formData ones may allow an empty value, header and path ones not. */
function parameterSubSchema(allowEmptyValue: boolean): Fields {
  const head = numbered(['required', 'bool'], ['in', 'string'], ['description', 'string'], ['name', 'string']);
  if (!allowEmptyValue) return { ...head, ...primitiveKeywords(5), ...vendorExtension(22) };
  return { ...head, allowEmptyValue: one('bool', 5), ...primitiveKeywords(6), ...vendorExtension(23) };
}

/** gnostic's "Named<Type>": a map's entries as ordered (name, value) pairs. */
const named = (type: string) => ({ fields: numbered(['name', 'string'], ['value', type]) });
/** A message holding one oneof named `oneof`, as every gnostic choice. */
function choice(...members: readonly [name: string, type: string][]) {
  return { oneofs: { oneof: { oneof: members.map(([name]) => name) } }, fields: numbered(...members) };
}

const messages = {
  Document: {
    fields: {
      ...numbered(
        ['swagger', 'string'],
        ['info', 'Info'],
        ['host', 'string'],
        ['basePath', 'string'],
        ['schemes', 'string', 'repeated'],
        ['consumes', 'string', 'repeated'],
        ['produces', 'string', 'repeated'],
        ['paths', 'Paths'],
        ['definitions', 'Definitions'],
      ),
      tags: repeated('Tag', 14),
      externalDocs: one('ExternalDocs', 15),
      ...vendorExtension(16),
    },
  },
  Info: {
    fields: {
      ...numbered(['title', 'string'], ['version', 'string'], ['description', 'string'], ['termsOfService', 'string'], ['contact', 'Contact'], ['license', 'License']),
      ...vendorExtension(7),
    },
  },
  Contact: { fields: { ...numbered(['name', 'string'], ['url', 'string'], ['email', 'string']), ...vendorExtension(4) } },
  License: { fields: { ...numbered(['name', 'string'], ['url', 'string']), ...vendorExtension(3) } },
  ExternalDocs: { fields: { ...numbered(['description', 'string'], ['url', 'string']), ...vendorExtension(3) } },
  Tag: { fields: { ...numbered(['name', 'string'], ['description', 'string'], ['externalDocs', 'ExternalDocs']), ...vendorExtension(4) } },
  Paths: { fields: { vendorExtension: repeated('NamedAny', 1), path: repeated('NamedPathItem', 2) } },
  NamedPathItem: named('PathItem'),
  PathItem: {
    fields: {
      ...numbered(
        ['ref', 'string'],
        ['get', 'Operation'],
        ['put', 'Operation'],
        ['post', 'Operation'],
        ['delete', 'Operation'],
        ['options', 'Operation'],
        ['head', 'Operation'],
        ['patch', 'Operation'],
        ['parameters', 'ParametersItem', 'repeated'],
      ),
      ...vendorExtension(10),
    },
  },
  Operation: {
    fields: {
      ...numbered(
        ['tags', 'string', 'repeated'],
        ['summary', 'string'],
        ['description', 'string'],
        ['externalDocs', 'ExternalDocs'],
        ['operationId', 'string'],
        ['produces', 'string', 'repeated'],
        ['consumes', 'string', 'repeated'],
        ['parameters', 'ParametersItem', 'repeated'],
        ['responses', 'Responses'],
        ['schemes', 'string', 'repeated'],
        ['deprecated', 'bool'],
      ),
      ...vendorExtension(13),
    },
  },
  ParametersItem: choice(['parameter', 'Parameter'], ['jsonReference', 'JsonReference']),
  Parameter: choice(['bodyParameter', 'BodyParameter'], ['nonBodyParameter', 'NonBodyParameter']),
  BodyParameter: {
    fields: { ...numbered(['description', 'string'], ['name', 'string'], ['in', 'string'], ['required', 'bool'], ['schema', 'Schema']), ...vendorExtension(6) },
  },
  NonBodyParameter: choice(
    ['headerParameterSubSchema', 'HeaderParameterSubSchema'],
    ['formDataParameterSubSchema', 'FormDataParameterSubSchema'],
    ['queryParameterSubSchema', 'QueryParameterSubSchema'],
    ['pathParameterSubSchema', 'PathParameterSubSchema'],
  ),
  HeaderParameterSubSchema: { fields: parameterSubSchema(false) },
  FormDataParameterSubSchema: { fields: parameterSubSchema(true) },
  QueryParameterSubSchema: { fields: parameterSubSchema(true) },
  PathParameterSubSchema: { fields: parameterSubSchema(false) },
  PrimitivesItems: { fields: { ...primitiveKeywords(1), ...vendorExtension(18) } },
  JsonReference: { fields: numbered(['ref', 'string'], ['description', 'string']) },
  Responses: { fields: { responseCode: repeated('NamedResponseValue', 1), ...vendorExtension(2) } },
  NamedResponseValue: named('ResponseValue'),
  ResponseValue: choice(['response', 'Response'], ['jsonReference', 'JsonReference']),
  Response: {
    fields: { ...numbered(['description', 'string'], ['schema', 'SchemaItem'], ['headers', 'Headers'], ['examples', 'Examples']), ...vendorExtension(5) },
  },
  Headers: { fields: { additionalProperties: repeated('NamedHeader', 1) } },
  NamedHeader: named('Header'),
  Header: { fields: { ...primitiveKeywords(1), description: one('string', 18), ...vendorExtension(19) } },
  Examples: { fields: { additionalProperties: repeated('NamedAny', 1) } },
  SchemaItem: choice(['schema', 'Schema'], ['fileSchema', 'FileSchema']),
  Schema: {
    fields: {
      ...numbered(
        ['ref', 'string'],
        ['format', 'string'],
        ['title', 'string'],
        ['description', 'string'],
        ['default', 'Any'],
        ['multipleOf', 'double'],
        ...BOUNDS,
        ['maxProperties', 'int64'],
        ['minProperties', 'int64'],
        ['required', 'string', 'repeated'],
        ['enum', 'Any', 'repeated'],
        ['additionalProperties', 'AdditionalPropertiesItem'],
        ['type', 'TypeItem'],
        ['items', 'ItemsItem'],
        ['allOf', 'Schema', 'repeated'],
        ['properties', 'Properties'],
        ['discriminator', 'string'],
        ['readOnly', 'bool'],
        ['xml', 'Xml'],
        ['externalDocs', 'ExternalDocs'],
        ['example', 'Any'],
      ),
      ...vendorExtension(31),
    },
  },
  FileSchema: {
    fields: {
      ...numbered(
        ['format', 'string'],
        ['title', 'string'],
        ['description', 'string'],
        ['default', 'Any'],
        ['required', 'string', 'repeated'],
        ['type', 'string'],
        ['readOnly', 'bool'],
        ['externalDocs', 'ExternalDocs'],
        ['example', 'Any'],
      ),
      ...vendorExtension(10),
    },
  },
  Definitions: { fields: { additionalProperties: repeated('NamedSchema', 1) } },
  Properties: { fields: { additionalProperties: repeated('NamedSchema', 1) } },
  NamedSchema: named('Schema'),
  AdditionalPropertiesItem: choice(['schema', 'Schema'], ['boolean', 'bool']),
  TypeItem: { fields: { value: repeated('string', 1) } },
  ItemsItem: { fields: { schema: repeated('Schema', 1) } },
  Xml: {
    fields: { ...numbered(['name', 'string'], ['namespace', 'string'], ['prefix', 'string'], ['attribute', 'bool'], ['wrapped', 'bool']), ...vendorExtension(6) },
  },
  // Any.value (a google.protobuf.Any) is what gnostic's compiler extensions fill; kube-openapi
  // has none, so only `yaml`, the value's YAML text, is ever set.
  Any: { fields: { value: one('google.protobuf.Any', 1), yaml: one('string', 2) } },
  NamedAny: named('Any'),
};

const root = protobuf.Root.fromJSON({
  nested: {
    google: { nested: { protobuf: { nested: { Any: { fields: { typeUrl: one('string', 1), value: one('bytes', 2) } } } } } },
    openapi: { nested: { v2: { nested: messages } } },
  },
});

/** openapi.v2.Document: the whole /openapi/v2 answer. */
export const documentMessage = root.lookupType('openapi.v2.Document');
