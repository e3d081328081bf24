// What a failed request throws (STYLE.md 8): the server's Status as proto's
// ApiError, so callers test `error.reason` as client-go callers use
// apimachinery's errors.IsNotFound and friends.
import { ApiError, type Status, type StatusDetails, type StatusReason } from '../proto/index.js';

/** Every server was unreachable (connection refused, reset, timed out): no answer at all. */
export class ServerUnreachableError extends Error {
  constructor(
    readonly servers: readonly string[],
    override readonly cause: unknown,
  ) {
    super(`no API server answered (${servers.join(', ')}): ${cause instanceof Error ? cause.message : String(cause)}`);
  }

  override get name(): string {
    return 'ServerUnreachableError';
  }
}

// As apimachinery pkg/api/errors newUnstructuredResponseError: the reason a bare code implies.
const REASON_OF_CODE: Readonly<Record<number, StatusReason>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

function isStatus(body: unknown): body is Status {
  return typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'Status';
}

/** The ApiError a Status carries (a failed answer's body, or a watch's ERROR event). */
export function apiErrorFromStatus(status: Status): ApiError {
  const reason = status.reason ?? REASON_OF_CODE[status.code] ?? 'InternalError';
  const details: StatusDetails | undefined = status.details;
  return new ApiError(status.code, reason, status.message ?? `the server answered ${status.code}`, details);
}

/** The ApiError of a non-2xx answer: its Status when it sent one, else one made from the code. */
export function apiErrorFromResponse(code: number, text: string): ApiError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (isStatus(body)) return apiErrorFromStatus({ ...body, code: body.code || code });
  const reason = REASON_OF_CODE[code] ?? 'InternalError';
  return new ApiError(code, reason, `the server answered ${code} (${reason})${text ? `: ${text.slice(0, 200)}` : ''}`);
}

function reasonIs(error: unknown, ...reasons: StatusReason[]): boolean {
  return error instanceof ApiError && reasons.includes(error.reason);
}

// apimachinery pkg/api/errors: IsNotFound, IsAlreadyExists, IsConflict, IsInvalid, IsResourceExpired/IsGone.
export const isNotFound = (error: unknown): boolean => reasonIs(error, 'NotFound');
export const isAlreadyExists = (error: unknown): boolean => reasonIs(error, 'AlreadyExists');
export const isConflict = (error: unknown): boolean => reasonIs(error, 'Conflict');
export const isInvalid = (error: unknown): boolean => reasonIs(error, 'Invalid');
/** 410: the resourceVersion asked for is gone from the server's history; re-list (client-go's reflector isExpiredError). */
export const isExpired = (error: unknown): boolean => reasonIs(error, 'Expired', 'Gone');
/** apimachinery HasStatusCause: the error's Status names a cause of that type (NamespaceTerminating, ...). */
export const hasStatusCause = (error: unknown, cause: string): boolean => error instanceof ApiError && (error.details?.causes ?? []).some((c) => c.reason === cause);
