// Label keys, label values and metav1.LabelSelector objects, validated as
// upstream v1.32 does: apimachinery pkg/util/validation (IsQualifiedName,
// IsValidLabelValue, IsDNS1123Subdomain) and pkg/apis/meta/v1/validation
// (ValidateLabels, ValidateLabelSelector). The strings returned are upstream's
// word for word, odd double spaces in the examples included, because kubectl
// users read them.
import { fieldError, type FieldError } from '../status.js';

// --- the messages' building blocks (pkg/util/validation/validation.go) -----

export function emptyError(): string {
  return 'must be non-empty';
}

export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/** "<msg> (e.g. 'a',  or 'b', regex used for validation is '<re>')", upstream's spacing and all. */
export function regexError(message: string, regex: string, ...examples: string[]): string {
  if (examples.length === 0) return `${message} (regex used for validation is '${regex}')`;
  const shown = examples.map((e) => `'${e}', `).join(' or ');
  return `${message} (e.g. ${shown}regex used for validation is '${regex}')`;
}

/** Go measures strings in bytes; so do the length limits. */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    bytes += cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }
  return bytes;
}

// --- DNS subdomains --------------------------------------------------------

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
const dns1123Subdomain = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);

export function isDNS1123Subdomain(value: string): string[] {
  const errors: string[] = [];
  if (utf8Length(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errors.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!dns1123Subdomain.test(value)) errors.push(regexError(DNS1123_SUBDOMAIN_MESSAGE, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  return errors;
}

const DNS1123_LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
export const DNS1123_LABEL_MAX_LENGTH = 63;
const dns1123Label = new RegExp(`^${DNS1123_LABEL_FMT}$`);

/** Names of namespaces, services and containers: one DNS label. */
export function isDNS1123Label(value: string): string[] {
  const errors: string[] = [];
  if (utf8Length(value) > DNS1123_LABEL_MAX_LENGTH) errors.push(maxLenError(DNS1123_LABEL_MAX_LENGTH));
  if (!dns1123Label.test(value)) errors.push(regexError(DNS1123_LABEL_MESSAGE, DNS1123_LABEL_FMT, 'my-name', '123-abc'));
  return errors;
}

// --- qualified names (label keys) and label values -------------------------

const QUALIFIED_NAME_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const QUALIFIED_NAME_MESSAGE =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
export const QUALIFIED_NAME_MAX_LENGTH = 63;
const qualifiedName = new RegExp(`^${QUALIFIED_NAME_FMT}$`);

/** A label key, annotation key, condition type: `[prefix/]name`. Empty list when valid. */
export function isQualifiedName(value: string): string[] {
  const errors: string[] = [];
  const parts = value.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errors.push(`prefix part ${emptyError()}`);
    else errors.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
  } else {
    return [
      `a qualified name ${regexError(QUALIFIED_NAME_MESSAGE, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}` +
        " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ];
  }
  if (name.length === 0) errors.push(`name part ${emptyError()}`);
  else if (utf8Length(name) > QUALIFIED_NAME_MAX_LENGTH) errors.push(`name part ${maxLenError(QUALIFIED_NAME_MAX_LENGTH)}`);
  if (!qualifiedName.test(name)) {
    errors.push(`name part ${regexError(QUALIFIED_NAME_MESSAGE, QUALIFIED_NAME_FMT, 'MyName', 'my.name', '123-abc')}`);
  }
  return errors;
}

const LABEL_VALUE_FMT = `(${QUALIFIED_NAME_FMT})?`;
const LABEL_VALUE_MESSAGE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
export const LABEL_VALUE_MAX_LENGTH = 63;
const labelValue = new RegExp(`^${LABEL_VALUE_FMT}$`);

/** Empty list when valid; the empty string is a valid label value. */
export function isValidLabelValue(value: string): string[] {
  const errors: string[] = [];
  if (utf8Length(value) > LABEL_VALUE_MAX_LENGTH) errors.push(maxLenError(LABEL_VALUE_MAX_LENGTH));
  if (!labelValue.test(value)) errors.push(regexError(LABEL_VALUE_MESSAGE, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  return errors;
}

// --- field errors (pkg/apis/meta/v1/validation) ----------------------------

function child(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

/** One Invalid per problem with the name, all at `fieldPath` (upstream ValidateLabelName). */
export function validateLabelName(name: string, fieldPath: string): FieldError[] {
  return isQualifiedName(name).map((message) => fieldError.invalid(fieldPath, name, message));
}

/** metadata.labels and matchLabels: every error sits at `fieldPath` itself, as upstream's ValidateLabels. */
export function validateLabels(labels: Readonly<Record<string, string>> | null | undefined, fieldPath: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(labels ?? {})) {
    errors.push(...validateLabelName(key, fieldPath));
    for (const message of isValidLabelValue(value)) errors.push(fieldError.invalid(fieldPath, value, message));
  }
  return errors;
}

/** The wire form of metav1.LabelSelectorRequirement. */
export interface ApiLabelSelectorRequirement {
  readonly key: string;
  readonly operator: string;
  readonly values?: readonly string[] | null;
}

/** The wire form of metav1.LabelSelector (spec.selector of workloads). */
export interface ApiLabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>> | null;
  readonly matchExpressions?: readonly ApiLabelSelectorRequirement[] | null;
}

/** Upstream's LabelSelectorValidationOptions; both false on create. */
export interface LabelSelectorValidationOptions {
  /** On update, when the old object already had an invalid value in a selector. */
  readonly allowInvalidLabelValueInSelector?: boolean;
  /** For *SubjectAccessReview, which checks operators more broadly. */
  readonly allowUnknownOperatorInRequirement?: boolean;
}

export function validateLabelSelectorRequirement(
  requirement: ApiLabelSelectorRequirement,
  fieldPath: string,
  options: LabelSelectorValidationOptions = {},
): FieldError[] {
  const errors: FieldError[] = [];
  const values = requirement.values ?? [];
  const valuesPath = child(fieldPath, 'values');
  // A field left out is Go's zero value: "" (`{}` and null both decode to no key, no operator).
  const operator = requirement.operator ?? '';
  const key = requirement.key ?? '';
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errors.push(fieldError.required(valuesPath, "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errors.push(fieldError.forbidden(valuesPath, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      if (!options.allowUnknownOperatorInRequirement) {
        errors.push(fieldError.invalid(child(fieldPath, 'operator'), operator, 'not a valid selector operator'));
      }
  }
  errors.push(...validateLabelName(key, child(fieldPath, 'key')));
  if (!options.allowInvalidLabelValueInSelector) {
    values.forEach((value, i) => {
      for (const message of isValidLabelValue(value)) errors.push(fieldError.invalid(`${valuesPath}[${i}]`, value, message));
    });
  }
  return errors;
}

export const ZERO_REQUIREMENT: ApiLabelSelectorRequirement = { key: '', operator: '' };

/** Upstream ValidateLabelSelector: a null selector is valid here (callers that need one say Required themselves). */
export function validateLabelSelector(
  selector: ApiLabelSelector | null | undefined,
  fieldPath: string,
  options: LabelSelectorValidationOptions = {},
): FieldError[] {
  if (!selector) return [];
  const errors = validateLabels(selector.matchLabels, child(fieldPath, 'matchLabels'));
  // A null requirement is Go's zero one (the JSON decoder makes one of it): no key, no operator.
  (selector.matchExpressions ?? []).forEach((requirement, i) => {
    errors.push(...validateLabelSelectorRequirement(requirement ?? ZERO_REQUIREMENT, `${child(fieldPath, 'matchExpressions')}[${i}]`, options));
  });
  return errors;
}
