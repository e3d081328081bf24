// Kubernetes Status errors (apimachinery pkg/api/errors and
// pkg/util/validation/field): typed values thrown where a problem is found and
// rendered once, at the API server's edge (STYLE.md 8). Messages are
// upstream's, word for word, so that kubectl prints what it prints against a
// real cluster.

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'Invalid'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export interface StatusCause {
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
}

export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly uid?: string;
  readonly causes?: readonly StatusCause[];
  readonly retryAfterSeconds?: number;
}

/** The wire form (meta/v1 Status). */
export interface Status {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure' | 'Success';
  readonly message?: string;
  readonly reason?: StatusReason;
  readonly details?: StatusDetails;
  readonly code: number;
}

/** What an error is about: `pods`, or `daemonsets.apps`, and the object's name. */
export interface Subject {
  readonly group: string;
  /** The plural resource name. */
  readonly resource: string;
  readonly name?: string;
}

/** "pods", "daemonsets.apps": how upstream names a resource in messages. */
export function qualifiedResource(subject: Pick<Subject, 'group' | 'resource'>): string {
  return subject.group === '' ? subject.resource : `${subject.resource}.${subject.group}`;
}

function detailsOf(subject: Subject, extra: Partial<StatusDetails> = {}): StatusDetails {
  return {
    ...(subject.name !== undefined ? { name: subject.name } : {}),
    ...(subject.group !== '' ? { group: subject.group } : {}),
    kind: subject.resource,
    ...extra,
  };
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: StatusReason,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  override get name(): string {
    return `ApiError(${this.reason})`;
  }

  toStatus(): Status {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.code,
    };
  }
}

export function notFound(subject: Subject): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(subject)} "${subject.name ?? ''}" not found`, detailsOf(subject));
}

export function alreadyExists(subject: Subject): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(subject)} "${subject.name ?? ''}" already exists`, detailsOf(subject));
}

/** As upstream's NewConflict; `reason` is e.g. the stale-resourceVersion sentence below. */
export function conflict(subject: Subject, reason: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(subject)} "${subject.name ?? ''}": ${reason}`, detailsOf(subject));
}

export const OPTIMISTIC_LOCK_MESSAGE = 'the object has been modified; please apply your changes to the latest version and try again';

export function forbidden(subject: Subject, reason: string, causes?: StatusCause[]): ApiError {
  const what = subject.name !== undefined ? `${qualifiedResource(subject)} "${subject.name}"` : qualifiedResource(subject);
  return new ApiError(403, 'Forbidden', `${what} is forbidden: ${reason}`, detailsOf(subject, causes ? { causes } : {}));
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function methodNotAllowed(): ApiError {
  return new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

export function notAcceptable(message: string): ApiError {
  return new ApiError(406, 'NotAcceptable', message);
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got ${contentType})`);
}

/** A watch or list from a compacted resourceVersion (410, reason Expired, as upstream's watch cache). */
export function expired(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Gone', message);
}

export function requestEntityTooLarge(limitBytes: number): ApiError {
  return new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limitBytes}`);
}

export function tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
  return new ApiError(429, 'TooManyRequests', message, { retryAfterSeconds });
}

export function internalError(message: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

export function timeout(message: string): ApiError {
  return new ApiError(504, 'Timeout', message);
}

// --- field errors (pkg/util/validation/field) ------------------------------

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError';

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
};

/** One problem with one field: `spec.containers[0].image: Required value`. */
export interface FieldError {
  readonly type: FieldErrorType;
  /** The field's path: `spec.template.spec.containers[0].name`. */
  readonly field: string;
  readonly value?: unknown;
  /** The value as upstream prints it, when Go's %v of it is not JSON (`map[string]string{"app":"web"}`). */
  readonly valueText?: string;
  readonly detail?: string;
}

/** Go's %#v of a map[string]string, as upstream prints a label map in a field error. */
export function goStringMap(map: Readonly<Record<string, string>> | undefined | null): string {
  const entries = Object.keys(map ?? {})
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(map![k])}`);
  return `map[string]string{${entries.join(', ')}}`;
}

/** How upstream prints a bad value: strings quoted, numbers and booleans bare, the rest as JSON. */
function formatValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  return JSON.stringify(value);
}

/** The part after the field: `Invalid value: "Foo": a lowercase RFC 1123 ...`. */
export function fieldErrorBody(e: FieldError): string {
  const type = TYPE_TEXT[e.type];
  const showsValue = e.type === 'FieldValueInvalid' || e.type === 'FieldValueNotSupported' || e.type === 'FieldValueDuplicate' || e.type === 'FieldValueNotFound';
  const value = e.valueText ?? ('value' in e ? formatValue(e.value) : undefined);
  let body = showsValue && value !== undefined ? `${type}: ${value}` : type;
  if (e.detail) body += `: ${e.detail}`;
  return body;
}

export function fieldErrorText(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

export const fieldError = {
  required: (field: string, detail?: string): FieldError => ({ type: 'FieldValueRequired', field, detail }),
  invalid: (field: string, value: unknown, detail?: string): FieldError => ({ type: 'FieldValueInvalid', field, value, detail }),
  notSupported: (field: string, value: unknown, supported: readonly string[]): FieldError => ({
    type: 'FieldValueNotSupported',
    field,
    value,
    detail: supported.length > 0 ? `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` : undefined,
  }),
  duplicate: (field: string, value: unknown): FieldError => ({ type: 'FieldValueDuplicate', field, value }),
  forbidden: (field: string, detail: string): FieldError => ({ type: 'FieldValueForbidden', field, detail }),
  tooLong: (field: string, maxLength: number): FieldError => ({ type: 'FieldValueTooLong', field, detail: `may not be more than ${maxLength} bytes` }),
  tooMany: (field: string, actual: number, max: number): FieldError => ({ type: 'FieldValueTooMany', field, detail: `must have at most ${max} items (has ${actual})` }),
  notFound: (field: string, value: unknown): FieldError => ({ type: 'FieldValueNotFound', field, value }),
};

/**
 * 422 Invalid (upstream NewInvalid): `Pod "web" is invalid: spec.containers[0].image: Required value`,
 * or with several errors `... is invalid: [first, second]`. details.kind is the Kind here, as upstream.
 */
export function invalid(kind: string, group: string, name: string, errors: readonly FieldError[]): ApiError {
  const texts = errors.map(fieldErrorText);
  const aggregate = texts.length === 1 ? texts[0]! : `[${texts.join(', ')}]`;
  const causes = errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  return new ApiError(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${aggregate}`, {
    name,
    ...(group !== '' ? { group } : {}),
    kind,
    causes,
  });
}
