// Field validation of create, update and patch bodies (upstream KEP 2885,
// staging/src/k8s.io/apiserver/pkg/endpoints/handlers: create.go, update.go,
// patch.go). Every mode drops the fields the kind does not declare, as
// upstream's typed decoding does; `fieldValidation=Strict` refuses them,
// `Warn` (the default) answers a Warning header for each, `Ignore` says
// nothing. A value of the wrong type is refused in every mode.
import { badRequest, fieldError, invalid, resources, type ResourceType } from '../../proto/index.js';
import { gvkKey } from '../openapi/index.js';
import type { BodySource } from '../content.js';
import { jsonFieldTexts, scanJsonKeys, yamlDuplicateTexts } from './duplicates.js';
import { shapeOfKind } from './shapes.js';
import { dropUnknown, walkObject, type WalkResult } from './walk.js';

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

const DIRECTIVES: readonly FieldValidation[] = ['Ignore', 'Strict', 'Warn'];

/** The request's directive; an unknown one is refused as upstream's ValidateCreateOptions (and Update, Patch) do. */
export function fieldValidationOf(value: string | undefined, options: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions'): FieldValidation {
  if (value === undefined || value === '') return 'Warn';
  if ((DIRECTIVES as readonly string[]).includes(value)) return value as FieldValidation;
  throw invalid(options, 'meta.k8s.io', '', [fieldError.notSupported('fieldValidation', value, DIRECTIVES)]);
}

/** What the check leaves to say: the Warning texts of a Warn request. */
export interface FieldCheck {
  readonly warnings: string[];
}

const NO_WARNINGS: FieldCheck = { warnings: [] };

function unknownFieldTexts(paths: readonly string[]): string[] {
  return paths.map((path) => `unknown field "${path}"`);
}

/** A decoded object of `kind` (the resource's, or a subresource's) against its schema; `object` loses its unknown fields. */
function walk(kind: { group: string; version: string; kind: string }, object: Record<string, unknown>): WalkResult | undefined {
  const shape = shapeOfKind(gvkKey(kind));
  if (shape) return walkObject(shape, object);
  // A legacy version (extensions/v1beta1, apps/v1beta1 and v1beta2) has no schema of its own here: its
  // values are type-checked against the kind it is stored as (upstream decodes into the legacy Go
  // struct, whose fields have the same types; nulls become zero values as there), its unknown fields left alone.
  const storage = resources.find((r) => r.group === kind.group && r.version === kind.version && r.kind === kind.kind)?.storage;
  const stored = storage && shapeOfKind(gvkKey(storage));
  if (!stored) return undefined;
  const { typeError } = walkObject(stored, object);
  return typeError ? { unknown: [], found: [], typeError } : undefined;
}

/**
 * A create or update body (upstream's decode, then transformDecodeError):
 * `Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"`.
 */
export function checkBodyFields(resource: ResourceType, object: Record<string, unknown>, directive: FieldValidation, source?: BodySource): FieldCheck {
  const result = walk(resource, object);
  if (!result) return NO_WARNINGS;
  const cannotHandle = `${resource.kind} in version "${resource.version}" cannot be handled as a ${resource.kind}`;
  if (result.typeError) throw badRequest(`${cannotHandle}: ${result.typeError}`);
  dropUnknown(result);
  if (directive === 'Ignore') return NO_WARNINGS;
  if (source?.yaml) {
    // As sigs.k8s.io/yaml: yaml.v2's errors for repeated keys first, then the unknown fields, sorted.
    const repeats = yamlDuplicateTexts(source.text);
    const unknown = unknownFieldTexts([...result.unknown].sort());
    if (repeats.length === 0 && unknown.length === 0) return NO_WARNINGS;
    if (directive === 'Warn') return { warnings: [...repeats, ...unknown] };
    const yamlError = repeats.length > 0 ? [`yaml: unmarshal errors:\n  ${repeats.join('\n  ')}`] : [];
    throw badRequest(`${cannotHandle}: strict decoding error: ${[...yamlError, ...unknown].join(', ')}`);
  }
  // JSON: unknown and repeated fields in the order the decoder meets them.
  const texts = source ? jsonFieldTexts(source.text, result.unknown) : unknownFieldTexts(result.unknown);
  if (texts.length === 0) return NO_WARNINGS;
  if (directive === 'Strict') throw badRequest(`${cannotHandle}: strict decoding error: ${texts.join(', ')}`);
  return { warnings: texts };
}

/**
 * A patched object (upstream patch.go applyPatchToObject and
 * jsonPatcher.applyPatchToCurrentObject): errors are 422 on the field
 * `patch`, whose value is the patch as Go prints a map for a strategic merge
 * patch, and the patched object's JSON for the others.
 */
export function checkPatchedFields(
  kind: { group: string; version: string; kind: string },
  patched: Record<string, unknown>,
  directive: FieldValidation,
  patchValue: () => string,
  patchSource?: BodySource,
): FieldCheck {
  const result = walk(kind, patched);
  if (!result) return NO_WARNINGS;
  const refuse = (detail: string) => invalid('', '', '', [fieldError.invalid('patch', patchValue(), detail)]);
  if (result.typeError) throw refuse(result.typeError);
  // As upstream's merge and strategic merge patches: the patch's own repeated keys (known or not), then the patched object's unknown fields, sorted.
  const repeats = patchSource && !patchSource.yaml && directive !== 'Ignore' ? scanJsonKeys(patchSource.text).map((d) => `duplicate field "${d.path}"`) : [];
  const texts = [...repeats, ...unknownFieldTexts([...result.unknown].sort())];
  if (texts.length > 0 && directive === 'Strict') throw refuse(`strict decoding error: ${texts.join(', ')}`);
  dropUnknown(result);
  return directive === 'Warn' && texts.length > 0 ? { warnings: texts } : NO_WARNINGS;
}

/** Go's %+v of a decoded JSON value, as upstream prints a strategic merge patch: map[spec:map[replicas:2]]. */
export function goValueText(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goValueText).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${key}:${goValueText((value as Record<string, unknown>)[key])}`);
    return `map[${entries.join(' ')}]`;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}
