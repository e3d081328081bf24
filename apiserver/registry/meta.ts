// ObjectMeta validation every kind shares (upstream
// staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go
// ValidateObjectMeta and ValidateObjectMetaUpdate).
import { fieldError, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, validateLabels, type FieldError } from '../../proto/index.js';
import type { KubeObject } from './strategy.js';

/** Upstream's TotalAnnotationSizeLimitB. */
const MAX_ANNOTATION_BYTES = 256 * 1024;

export interface MetaRules {
  /** Names that must be one DNS label (namespaces, services); else a DNS subdomain. */
  readonly nameIsLabel?: boolean;
  /** Names that need only be one path segment (RBAC's ValidateRBACName: `system:masters` is a name). */
  readonly nameIsPathSegment?: boolean;
}

/** Upstream path.IsValidPathSegmentName: what may not be a name in a URL path. */
export function isValidPathSegmentName(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errors: string[] = [];
  for (const illegal of ['/', '%']) if (name.includes(illegal)) errors.push(`may not contain '${illegal}'`);
  return errors;
}

export function validateObjectMeta(object: KubeObject, rules: MetaRules = {}): FieldError[] {
  const meta = object.metadata ?? {};
  const errors: FieldError[] = [];
  const check = rules.nameIsPathSegment ? isValidPathSegmentName : rules.nameIsLabel ? isDNS1123Label : isDNS1123Subdomain;
  if (!meta.name && !meta.generateName) {
    errors.push(fieldError.required('metadata.name', 'name or generateName is required'));
  } else if (meta.name) {
    for (const message of check(meta.name)) errors.push(fieldError.invalid('metadata.name', meta.name, message));
  }
  if (meta.generateName) {
    // A prefix may end in '-': what follows it is the generated part.
    const prefix = meta.generateName.replace(/-+$/, '') || 'a';
    for (const message of check(prefix)) errors.push(fieldError.invalid('metadata.generateName', meta.generateName, message));
  }
  errors.push(...validateLabels(meta.labels, 'metadata.labels'));
  const annotations = meta.annotations ?? {};
  let bytes = 0;
  for (const [key, value] of Object.entries(annotations)) {
    for (const message of isQualifiedName(key.toLowerCase())) errors.push(fieldError.invalid('metadata.annotations', key, message));
    bytes += Buffer.byteLength(key) + Buffer.byteLength(String(value));
  }
  if (bytes > MAX_ANNOTATION_BYTES) {
    errors.push({ type: 'FieldValueTooLong', field: 'metadata.annotations', detail: `must have at most ${MAX_ANNOTATION_BYTES} bytes` });
  }
  (meta.finalizers ?? []).forEach((finalizer, i) => {
    for (const message of isQualifiedName(finalizer)) errors.push(fieldError.invalid(`metadata.finalizers[${i}]`, finalizer, message));
  });
  return errors;
}

/** The generic part of an update: the name and namespace never change (the server keeps uid and creation time). */
export function validateObjectMetaUpdate(object: KubeObject, old: KubeObject): FieldError[] {
  const errors: FieldError[] = [];
  for (const field of ['name', 'namespace'] as const) {
    const now = object.metadata?.[field];
    if (now !== old.metadata?.[field]) errors.push(fieldError.invalid(`metadata.${field}`, now, 'field is immutable'));
  }
  return errors;
}
