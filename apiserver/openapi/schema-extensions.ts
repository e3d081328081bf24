// The fields of upstream's JSONSchemaProps that kubernetes-types leaves out:
// its generator drops the properties whose names are not identifiers, and
// every `x-kubernetes-*` one is such. Without them kubectl's validation
// refuses nearly every real CRD manifest ("unknown field
// x-kubernetes-preserve-unknown-fields"). Texts and types are upstream's
// (staging/src/k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1/types_jsonschema.go,
// as api/openapi-spec/swagger.json writes them).
import type { Schema } from './definitions.js';

export const JSON_SCHEMA_PROPS = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps';
export const VALIDATION_RULE = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.ValidationRule';

export const jsonSchemaPropsExtensions: Readonly<Record<string, Schema>> = {
  'x-kubernetes-embedded-resource': {
    description:
      'x-kubernetes-embedded-resource defines that the value is an embedded Kubernetes runtime.Object, with TypeMeta and ObjectMeta. The type must be object. It is allowed to further restrict the embedded object. kind, apiVersion and metadata are validated automatically. x-kubernetes-preserve-unknown-fields is allowed to be true, but does not have to be if the object is fully specified (up to kind, apiVersion, metadata).',
    type: 'boolean',
  },
  'x-kubernetes-int-or-string': {
    description:
      'x-kubernetes-int-or-string specifies that this value is either an integer or a string. If this is true, an empty type is allowed and type as child of anyOf is permitted if following one of the following patterns:\n\n1) anyOf:\n   - type: integer\n   - type: string\n2) allOf:\n   - anyOf:\n     - type: integer\n     - type: string\n   - ... zero or more',
    type: 'boolean',
  },
  'x-kubernetes-list-map-keys': {
    description:
      'x-kubernetes-list-map-keys annotates an array with the x-kubernetes-list-type `map` by specifying the keys used as the index of the map.\n\nThis tag MUST only be used on lists that have the "x-kubernetes-list-type" extension set to "map". Also, the values specified for this attribute must be a scalar typed field of the child structure (no nesting is supported).',
    type: 'array',
    items: { type: 'string' },
  },
  'x-kubernetes-list-type': {
    description:
      'x-kubernetes-list-type annotates an array to further describe its topology. This extension must only be used on lists and may have 3 possible values:\n\n1) `atomic`: the list is treated as a single entity, like a scalar.\n     Atomic lists will be entirely replaced when updated. This extension\n     may be used on any type of list (struct, scalar, ...).\n2) `set`:\n     Sets are lists that must not have multiple items with the same value. Each\n     value must be a scalar, an object with x-kubernetes-map-type `atomic` or an\n     array with x-kubernetes-list-type `atomic`.\n3) `map`:\n     These lists are like maps in that their elements have a non-index key\n     used to identify them. Order is preserved upon merge. The map tag\n     must only be used on a list with elements of type object.\nDefaults to atomic for arrays.',
    type: 'string',
  },
  'x-kubernetes-map-type': {
    description:
      'x-kubernetes-map-type annotates an object to further describe its topology. This extension must only be used when type is object and may have 2 possible values:\n\n1) `granular`:\n     These maps are actual maps (key-value pairs) and each fields are independent\n     from each other (they can each be manipulated by separate actors). This is\n     the default behaviour for all maps.\n2) `atomic`: the list is treated as a single entity, like a scalar.\n     Atomic maps will be entirely replaced when updated.',
    type: 'string',
  },
  'x-kubernetes-preserve-unknown-fields': {
    description:
      'x-kubernetes-preserve-unknown-fields stops the API server decoding step from pruning fields which are not specified in the validation schema. This affects fields recursively, but switches back to normal pruning behaviour if nested properties or additionalProperties are specified in the schema. This can either be true or undefined. False is forbidden.',
    type: 'boolean',
  },
  'x-kubernetes-validations': {
    description: 'x-kubernetes-validations describes a list of validation rules written in the CEL expression language.',
    type: 'array',
    items: { $ref: `#/definitions/${VALIDATION_RULE}` },
    'x-kubernetes-patch-merge-key': 'rule',
    'x-kubernetes-patch-strategy': 'merge',
  },
};
