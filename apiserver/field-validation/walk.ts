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
  walkFields(shape, object, [], result);
  return result;
}

/**
 * Where the walk is: field names and list indices, turned into text only
 * when something is reported: with the indices for an unknown field
 * (spec.containers[0].foo), without them for a type error, as the two
 * upstream messages do.
 */
type Trail = (string | number)[];

function fieldPath(trail: Trail): string {
  let path = '';
  for (const step of trail) path += typeof step === 'number' ? `[${step}]` : path === '' ? step : `.${step}`;
  return path;
}

function goPath(trail: Trail): string {
  return trail.filter((step) => typeof step === 'string').join('.');
}

function walkFields(shape: ObjectShape, object: Record<string, unknown>, trail: Trail, result: WalkResult): void {
  for (const key in object) {
    const field = shape.fields.get(key);
    if (field === undefined) {
      result.unknown.push(fieldPath([...trail, key]));
      result.found.push([object, key]);
      continue;
    }
    const value = object[key];
    if (field.kind === 'free') continue;
    if (value === null) {
      // Go's decoder leaves the zero value for null, whatever the type: the field is dropped, as an unset one.
      delete object[key];
      continue;
    }
    trail.push(key);
    walkValue(field, value, trail, shape.struct, result);
    trail.pop();
  }
}

/** Go's zero value of a shape that a null list item or map value decodes to; undefined where null stays (a free or nested value). */
function zeroValue(shape: Shape): unknown {
  switch (shape.kind) {
    case 'object':
      return {};
    case 'string':
      return '';
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    default:
      return undefined;
  }
}

function mismatch(result: WalkResult, shape: Shape, described: string, trail: Trail, struct: string): void {
  result.typeError ??= `json: cannot unmarshal ${described} into Go struct field ${struct}.${goPath(trail)} of type ${shape.kind === 'free' ? 'interface {}' : shape.goType}`;
}

function walkValue(shape: Shape, value: unknown, trail: Trail, struct: string, result: WalkResult): void {
  switch (shape.kind) {
    case 'free':
      return;
    case 'object':
      if (!isObject(value)) return mismatch(result, shape, jsonTypeOf(value), trail, struct);
      return walkFields(shape, value, trail, result);
    case 'list':
      if (!Array.isArray(value)) return mismatch(result, shape, jsonTypeOf(value), trail, struct);
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (item === null) {
          // null decodes as the item type's zero value: an empty struct, "", 0 or false.
          const zero = zeroValue(shape.items);
          if (zero !== undefined) value[i] = zero;
          continue;
        }
        trail.push(i);
        walkValue(shape.items, item, trail, struct, result);
        trail.pop();
      }
      return;
    case 'map':
      if (!isObject(value)) return mismatch(result, shape, jsonTypeOf(value), trail, struct);
      for (const key in value) {
        const item = value[key];
        if (item !== null) walkValue(shape.values, item, trail, struct, result);
        else if (zeroValue(shape.values) !== undefined) value[key] = zeroValue(shape.values);
      }
      return;
    case 'string':
      if (typeof value !== 'string') mismatch(result, shape, jsonTypeOf(value), trail, struct);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') mismatch(result, shape, jsonTypeOf(value), trail, struct);
      return;
    case 'integer':
      if (typeof value !== 'number') return mismatch(result, shape, jsonTypeOf(value), trail, struct);
      if (!Number.isInteger(value)) mismatch(result, shape, `number ${value}`, trail, struct);
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
