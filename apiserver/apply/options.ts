// Who a write's manager is, and the write options of field management
// (upstream handlers/rest.go managerOrUserAgent and prefixFromUserAgent;
// apimachinery/pkg/apis/meta/v1/validation ValidatePatchOptions and
// ValidateFieldManager).
import { fieldError, invalid, type FieldError } from '../../proto/index.js';

/** The longest manager name (FieldManagerMaxLength). */
const MAX_MANAGER_BYTES = 128;

/** The fieldManager query parameter, else the User-Agent's program name (before the first `/`), printable characters only. */
export function managerName(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  let name = '';
  for (const char of (userAgent ?? '').split('/')[0]!) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(char)) continue;
    if (Buffer.byteLength(name + char) > MAX_MANAGER_BYTES) break;
    name += char;
  }
  return name;
}

function fieldManagerErrors(fieldManager: string | undefined): FieldError[] {
  if (!fieldManager) return [];
  if (Buffer.byteLength(fieldManager) > MAX_MANAGER_BYTES) return [fieldError.tooLong('fieldManager', MAX_MANAGER_BYTES)];
  if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]*$/u.test(fieldManager)) return [fieldError.invalid('fieldManager', fieldManager, 'must only contain printable characters')];
  return [];
}

function refuse(options: string, errors: FieldError[]): void {
  if (errors.length > 0) throw invalid(options, 'meta.k8s.io', '', errors);
}

/** CreateOptions and UpdateOptions: 422 for a bad fieldManager. */
export function checkWriteOptions(options: 'CreateOptions' | 'UpdateOptions', fieldManager: string | undefined): void {
  refuse(options, fieldManagerErrors(fieldManager));
}

/** PatchOptions: an apply names its manager; only an apply may force. */
export function checkPatchOptions(apply: boolean, fieldManager: string | undefined, force: string | undefined): void {
  const errors: FieldError[] = [];
  if (!apply && force !== undefined) errors.push(fieldError.forbidden('force', 'may not be specified for non-apply patch'));
  if (apply && !fieldManager) errors.push(fieldError.required('fieldManager', 'is required for apply patch'));
  refuse('PatchOptions', [...errors, ...fieldManagerErrors(fieldManager)]);
}
