// One pass over a decoded body against its kind's shape, doing what
// upstream's typed decoding does (sigs.k8s.io/json, the fork of Go's
// encoding/json that apimachinery decodes with): fields the type does not
// declare are dropped and listed ("spec.containers[0].foo", as its strict
// mode names them); a value of the wrong JSON type is the decoder's error,
// "json: cannot unmarshal string into Go struct field DaemonSetSpec.spec.minReadySeconds of type int32"
// (the path without list indices, as Go's). Like Go's decoder, the walk goes
// on past a wrong type and reports the first.
import type { ObjectShape, Shape } from './shapes.js';

export interface WalkResult {
  /** Paths of the undeclared fields, in the order met. */
  readonly unknown: string[];
  /** The decoder's error for the first wrong type, if any. */
  typeError?: string;
  /** Where each undeclared field is, for drop(). */
  readonly found: [Record<string, unknown>, string][];
}

/** Deletes the undeclared fields the walk found: after the caller has said what it must about the object as sent. */
export function dropUnknown(result: WalkResult): void {
  for (const [object, key] of result.found) delete object[key];
}

function jsonTypeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value; // string, number, object
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Walks `object` against its kind's shape; dropUnknown() then removes what it did not declare. */
export function walkObject(shape: ObjectShape, object: Record<string, unknown>): WalkResult {
  const result: WalkResult = { unknown: [], found: [] };
  walkFields(shape, object, '', '', result);
  return result;
}

/**
 * `path` names the field with list indices (for unknown fields), `goPath`
 * without them (for type errors), as the two upstream messages do.
 */
function walkFields(shape: ObjectShape, object: Record<string, unknown>, path: string, goPath: string, result: WalkResult): void {
  for (const key of Object.keys(object)) {
    const fieldPath = path === '' ? key : `${path}.${key}`;
    const field = shape.fields.get(key);
    if (field === undefined) {
      result.unknown.push(fieldPath);
      result.found.push([object, key]);
      continue;
    }
    const value = object[key];
    if (value === null) continue; // Go's decoder leaves the zero value for null, whatever the type
    walkValue(field, value, fieldPath, goPath === '' ? key : `${goPath}.${key}`, shape.struct, result);
  }
}

function walkValue(shape: Shape, value: unknown, path: string, goPath: string, struct: string, result: WalkResult): void {
  const mismatch = (described = jsonTypeOf(value)) => {
    result.typeError ??= `json: cannot unmarshal ${described} into Go struct field ${struct}.${goPath} of type ${shape.kind === 'free' ? 'interface {}' : shape.goType}`;
  };
  switch (shape.kind) {
    case 'free':
      return;
    case 'object':
      if (!isObject(value)) return mismatch();
      return walkFields(shape, value, path, goPath, result);
    case 'list':
      if (!Array.isArray(value)) return mismatch();
      value.forEach((item, i) => {
        if (item !== null) walkValue(shape.items, item, `${path}[${i}]`, goPath, struct, result);
      });
      return;
    case 'map':
      if (!isObject(value)) return mismatch();
      for (const [key, item] of Object.entries(value)) {
        if (item !== null) walkValue(shape.values, item, `${path}.${key}`, goPath, struct, result);
      }
      return;
    case 'string':
      if (typeof value !== 'string') mismatch();
      return;
    case 'boolean':
      if (typeof value !== 'boolean') mismatch();
      return;
    case 'integer':
      if (typeof value !== 'number') return mismatch();
      if (!Number.isInteger(value)) mismatch(`number ${value}`);
      return;
    case 'int-or-string':
      // intstr.IntOrString.UnmarshalJSON: a string, else an int32.
      if (typeof value !== 'string' && (typeof value !== 'number' || !Number.isInteger(value))) {
        result.typeError ??= `json: cannot unmarshal ${typeof value === 'number' ? `number ${value}` : jsonTypeOf(value)} into Go value of type int32`;
      }
      return;
    case 'quantity':
      // resource.Quantity.UnmarshalJSON parses anything but a string or number as a quantity, and fails.
      if (typeof value !== 'string' && typeof value !== 'number') {
        result.typeError ??= "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
      }
      return;
  }
}
