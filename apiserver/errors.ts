// Any error, as the ApiError the client gets. Typed errors of the API and
// the store map to their Status; anything else is a 500 whose detail is
// logged, never a crash.
import { ApiError, badRequest, expired, internalError, tooManyRequests } from '../proto/index.js';
import { CompactedError, InvalidKeyError, StoreClosedError, StoreUnavailableError, ValueTooLargeError } from '../store/index.js';

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof CompactedError) return expired(`too old resource version: ${error.revision} (${error.compactRevision})`);
  if (error instanceof ValueTooLargeError) return new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${error.maxBytes}`);
  if (error instanceof InvalidKeyError) return badRequest(error.message);
  if (error instanceof StoreClosedError) return new ApiError(503, 'ServiceUnavailable', 'the server is shutting down');
  if (error instanceof StoreUnavailableError) return new ApiError(503, 'ServiceUnavailable', `the storage is unavailable: ${error.message}`);
  const status = (error as { statusCode?: unknown }).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = (error as Error).message;
    if (status === 413) return new ApiError(413, 'RequestEntityTooLarge', message);
    if (status === 415) return new ApiError(415, 'UnsupportedMediaType', message);
    if (status === 429) return tooManyRequests(message, 1);
    return badRequest(message);
  }
  return internalError(error instanceof Error ? error.message : String(error));
}
