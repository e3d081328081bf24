// Moving from client-side to server-side apply (upstream
// managedfields/internal lastappliedmanager.go and lastappliedupdater.go):
// when kubectl applies server-side as manager "kubectl", the fields its
// last-applied-configuration annotation names, still as live holds them, are
// not conflicts; and the annotation follows each server-side apply.
import { compare, fieldSetOf, isObject, type Json } from './walk.js';
import type { FieldSet } from './field-set.js';
import type { TypeNode } from './schema.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** Only kubectl's own server-side apply takes part (upstream: `manager == "kubectl"`). */
export const KUBECTL_MANAGER = 'kubectl';

function annotationOf(object: Json): string | undefined {
  const annotations = isObject(object) && isObject(object.metadata) ? object.metadata.annotations : undefined;
  const value = isObject(annotations) ? annotations[LAST_APPLIED] : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The fields of the annotation whose values live still holds; undefined without a usable annotation. */
export function fieldsStillLastApplied(live: Json, apiVersion: string, node: TypeNode): FieldSet | undefined {
  const text = annotationOf(live);
  if (text === undefined) return undefined;
  let lastApplied: unknown;
  try {
    lastApplied = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(lastApplied) || lastApplied.apiVersion !== apiVersion) return undefined;
  const differences = compare(lastApplied, live, node);
  return fieldSetOf(lastApplied, node).difference(differences.modified).difference(differences.added).difference(differences.removed);
}

/** When live carries the annotation, the applied object carries the config as its new value (upstream buildLastApplied). */
export function syncLastApplied(live: Json, object: Record<string, unknown>, config: Record<string, unknown>): void {
  if (annotationOf(live) === undefined) return;
  const { annotations = {}, ...meta } = (config.metadata ?? {}) as { annotations?: Record<string, string> };
  const { [LAST_APPLIED]: _dropped, ...kept } = annotations;
  const value = sortedJson({ ...config, metadata: Object.keys(kept).length > 0 ? { ...meta, annotations: kept } : meta });
  const metadata = (object.metadata ??= {}) as { annotations?: Record<string, string> };
  metadata.annotations = { ...metadata.annotations, [LAST_APPLIED]: value + '\n' };
}

/** JSON with object keys sorted, as Go encodes an unstructured object. */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => value[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${sortedJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}
