// Field selectors as upstream v1.32 apimachinery pkg/fields/selector.go has
// them: `?fieldSelector=metadata.name=web,status.phase!=Running`. Terms are
// split on unescaped commas, each at its first `!=`, `==` or `=`; values may
// escape `\`, `,` and `=` with a backslash. Nothing is trimmed, and a field an
// object does not have reads as the empty string, both as upstream.
import { SelectorParseError } from './labels.js';

export type FieldOperator = '=' | '==' | '!=';

export interface FieldRequirement {
  readonly field: string;
  /** Parsing yields '=' for both `=` and `==`, as upstream's hasTerm. */
  readonly operator: FieldOperator;
  readonly value: string;
}

export class FieldSelector {
  private static readonly EVERYTHING = new FieldSelector([]);

  private constructor(readonly requirements: readonly FieldRequirement[]) {}

  static everything(): FieldSelector {
    return FieldSelector.EVERYTHING;
  }

  /**
   * The requirements ANDed, in the order given. A requirement whose field and
   * value are both empty is dropped, as upstream's Transform drops it.
   */
  static of(requirements: readonly FieldRequirement[]): FieldSelector {
    const kept = requirements.filter((r) => r.field !== '' || r.value !== '');
    return kept.length === 0 ? FieldSelector.EVERYTHING : new FieldSelector(kept);
  }

  /** `fields` holds an object's selectable fields; a missing one counts as ''. */
  matches(fields: Readonly<Record<string, string>>): boolean {
    return this.requirements.every((r) => {
      const actual = Object.prototype.hasOwnProperty.call(fields, r.field) ? fields[r.field]! : '';
      return r.operator === '!=' ? actual !== r.value : actual === r.value;
    });
  }

  /** Upstream Empty(). */
  isEverything(): boolean {
    return this.requirements.length === 0;
  }

  /** The value an `=` or `==` term requires of `field` (the first such term), if any. */
  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator !== '!=')?.value;
  }

  /** The distinct fields the selector names, in order: the API server refuses those a kind cannot select on. */
  fields(): string[] {
    return [...new Set(this.requirements.map((r) => r.field))];
  }

  /** Upstream String(): `f=v` and `f!=v` joined by ',', values escaped; '' for everything. */
  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator === '!=' ? '!=' : '='}${escapeFieldValue(r.value)}`).join(',');
  }
}

/** Upstream fields.SelectorFromSet: `f=v` for every entry; an empty or absent set selects everything. */
export function fieldSelectorFromSet(set: Readonly<Record<string, string>> | null | undefined): FieldSelector {
  return FieldSelector.of(Object.entries(set ?? {}).map(([field, value]) => ({ field, operator: '=' as const, value })));
}

/** Upstream EscapeValue: a literal value made safe to put in a field selector. */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (ch) => `\\${ch}`);
}

/** Upstream UnescapeValue: `\\`, `\,` and `\=` are the escapes; a bare `,` or `=` is an error. */
export function unescapeFieldValue(value: string): string {
  if (!/[\\,=]/.test(value)) return value;
  let out = '';
  let inSlash = false;
  for (const ch of value) {
    if (inSlash) {
      if (ch !== '\\' && ch !== ',' && ch !== '=') {
        throw new SelectorParseError(`invalid field selector: invalid escape sequence: \\${ch}`);
      }
      out += ch;
      inSlash = false;
    } else if (ch === '\\') {
      inSlash = true;
    } else if (ch === ',' || ch === '=') {
      // Go prints the rune with %v: its number, 61 for '='.
      throw new SelectorParseError(`invalid field selector: unescaped character in value: ${ch.codePointAt(0)}`);
    } else {
      out += ch;
    }
  }
  if (inSlash) throw new SelectorParseError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** The comma-separated terms; an escaped comma stays in its term, backslash and all. */
function splitTerms(selector: string): string[] {
  if (selector === '') return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i];
    if (inSlash) inSlash = false;
    else if (ch === '\\') inSlash = true;
    else if (ch === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** `==` is tried before `=` so that `a==b` does not leave '=b' as the value. */
const TERM_OPERATORS = ['!=', '==', '='] as const;

/** Splits at the first operator anywhere in the term; the field cannot escape anything. */
function splitTerm(term: string): { field: string; operator: FieldOperator; rawValue: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    const operator = TERM_OPERATORS.find((op) => term.startsWith(op, i));
    if (operator) return { field: term.slice(0, i), operator, rawValue: term.slice(i + operator.length) };
  }
  return undefined;
}

/**
 * Upstream fields.ParseSelector. The terms are sorted (as raw text) before
 * parsing, as upstream does, so the canonical string is deterministic.
 * Throws SelectorParseError with upstream's messages.
 */
export function parseFieldSelector(selector: string): FieldSelector {
  const requirements: FieldRequirement[] = [];
  for (const term of splitTerms(selector).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (!parts) throw new SelectorParseError(`invalid selector: '${selector}'; can't understand '${term}'`);
    const value = unescapeFieldValue(parts.rawValue);
    requirements.push({ field: parts.field, operator: parts.operator === '!=' ? '!=' : '=', value });
  }
  return FieldSelector.of(requirements);
}
