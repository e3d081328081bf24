// Label selectors as upstream v1.32 apimachinery pkg/labels/selector.go has
// them: requirements (key, operator, values) ANDed together, the string syntax
// of `?labelSelector=` and `kubectl -l`, and metav1.LabelSelector objects
// (pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector). Error messages are
// upstream's, Go formatting quirks included (`<nil>: Invalid value: ...`,
// `[]string(nil)`), since clients print them as they come.
import { isQualifiedName, isValidLabelValue, ZERO_REQUIREMENT, type ApiLabelSelector } from './validation.js';

/** Upstream's selection.Operator values, spelled as upstream spells them. */
export const Operator = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
  Equals: '=',
  DoubleEquals: '==',
  NotEquals: '!=',
  GreaterThan: 'gt',
  LessThan: 'lt',
} as const;

export type LabelOperator = (typeof Operator)[keyof typeof Operator];

const BINARY_OPERATORS: readonly LabelOperator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const ALL_OPERATORS: readonly LabelOperator[] = [...BINARY_OPERATORS, 'exists', '!'];

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** Empty for exists and !; one value for =, ==, !=, gt, lt. */
  readonly values: readonly string[];
}

/** A selector that does not parse, or a requirement that is not valid. The message is upstream's. */
export class SelectorParseError extends Error {
  override get name(): string {
    return 'SelectorParseError';
  }
}

// --- Go's way of printing field errors (pkg/util/validation/field) ---------

/** strconv.Quote, what Go's %q prints. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp >= 0x80 && /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch)) out += ch;
    else if (GO_ESCAPES[cp] !== undefined) out += GO_ESCAPES[cp];
    else if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

const GO_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };

/** %#v of a []string; the empty slices upstream reports are always nil ones. */
function goStringSlice(values: readonly string[]): string {
  return values.length === 0 ? '[]string(nil)' : `[]string{${values.map(goQuote).join(', ')}}`;
}

/** field.Error.Error() of an Invalid error. A nil path prints as `<nil>`, as upstream's parser shows. */
function invalidText(path: string, value: string | readonly string[], detail: string): string {
  const shown = typeof value === 'string' ? goQuote(value) : goStringSlice(value);
  return `${path}: Invalid value: ${shown}: ${detail}`;
}

/** utilerrors.Aggregate.Error(): one message alone, several deduplicated inside brackets. */
function aggregateText(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

// --- requirements ----------------------------------------------------------

/** Go's strconv.ParseInt(s, 10, 64); undefined where Go returns an error. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

function keyErrorText(key: string, path: string): string | undefined {
  const errors = isQualifiedName(key);
  return errors.length === 0 ? undefined : invalidText(path, key, errors.join('; '));
}

/**
 * Upstream NewRequirement: checks the key, the number of values the operator
 * takes, Gt/Lt values being integers and every value being a label value.
 * Throws SelectorParseError with every problem found.
 */
export function newRequirement(key: string, operator: LabelOperator, values: readonly string[]): LabelRequirement {
  const problems: string[] = [];
  const keyError = keyErrorText(key, 'key');
  if (keyError) problems.push(keyError);
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) problems.push(invalidText('values', values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) problems.push(invalidText('values', values, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) problems.push(invalidText('values', values, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) problems.push(invalidText('values', values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) problems.push(invalidText(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      break;
    default: {
      const unknown: string = operator;
      problems.push(`operator: Unsupported value: ${goQuote(unknown)}: supported values: ${ALL_OPERATORS.map(goQuote).join(', ')}`);
    }
  }
  values.forEach((v, i) => {
    const errors = isValidLabelValue(v);
    if (errors.length > 0) problems.push(invalidText(`values[${i}][${key}]`, v, errors.join('; ')));
  });
  if (problems.length > 0) throw new SelectorParseError(aggregateText(problems));
  return { key, operator, values: [...values] };
}

function hasLabel(labels: Readonly<Record<string, string>>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(labels, key);
}

/** Upstream Requirement.Matches: a missing key satisfies notin, != and ! only. */
export function requirementMatches(requirement: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const { key, operator, values } = requirement;
  const present = hasLabel(labels, key);
  switch (operator) {
    case 'in':
    case '=':
    case '==':
      return present && values.includes(labels[key]!);
    case 'notin':
    case '!=':
      return !present || !values.includes(labels[key]!);
    case 'exists':
      return present;
    case '!':
      return !present;
    case 'gt':
    case 'lt': {
      if (!present || values.length !== 1) return false;
      const actual = parseInt64(labels[key]!);
      const bound = parseInt64(values[0]!);
      if (actual === undefined || bound === undefined) return false;
      return operator === 'gt' ? actual > bound : actual < bound;
    }
  }
}

const OPERATOR_TEXT: Record<LabelOperator, string> = {
  in: ' in ',
  notin: ' notin ',
  exists: '',
  '!': '',
  '=': '=',
  '==': '==',
  '!=': '!=',
  gt: '>',
  lt: '<',
};

/** Upstream Requirement.String(): `!k`, `k`, `k=v`, `k in (a,b)` with the values sorted. */
export function requirementString(requirement: LabelRequirement): string {
  const { key, operator, values } = requirement;
  if (operator === 'exists') return key;
  if (operator === '!') return `!${key}`;
  const shown = values.length === 1 ? values[0]! : [...values].sort(compareStrings).join(',');
  const set = operator === 'in' || operator === 'notin';
  return `${key}${OPERATOR_TEXT[operator]}${set ? `(${shown})` : shown}`;
}

/** Go's sort.Strings order (bytewise, which is code point order). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// --- selectors -------------------------------------------------------------

/** Requirements ANDed together, sorted by key (stably), as upstream's internalSelector. */
export class LabelSelector {
  private static readonly EVERYTHING = new LabelSelector([], false);
  private static readonly NOTHING = new LabelSelector([], true);

  private constructor(
    readonly requirements: readonly LabelRequirement[],
    private readonly selectsNothing: boolean,
  ) {}

  /** Matches every set of labels (upstream labels.Everything()). */
  static everything(): LabelSelector {
    return LabelSelector.EVERYTHING;
  }

  /** Matches no set of labels, not even an empty one (upstream labels.Nothing(): a nil metav1.LabelSelector). */
  static nothing(): LabelSelector {
    return LabelSelector.NOTHING;
  }

  /** Upstream NewSelector().Add(...): the requirements as given (validate them with newRequirement), sorted by key. */
  static of(requirements: readonly LabelRequirement[]): LabelSelector {
    return requirements.length === 0 ? LabelSelector.EVERYTHING : new LabelSelector(sortByKey(requirements), false);
  }

  /** Upstream Add: a new selector with more requirements. Nothing stays Nothing. */
  add(...requirements: LabelRequirement[]): LabelSelector {
    return this.selectsNothing ? this : LabelSelector.of([...this.requirements, ...requirements]);
  }

  matches(labels: Readonly<Record<string, string>> | null | undefined): boolean {
    if (this.selectsNothing) return false;
    const set = labels ?? {};
    return this.requirements.every((r) => requirementMatches(r, set));
  }

  /** Upstream Empty(): true when the selector does not restrict anything. False for Nothing. */
  isEverything(): boolean {
    return !this.selectsNothing && this.requirements.length === 0;
  }

  /** Upstream MatchesNothing(): only the Nothing selector is known to match nothing. */
  matchesNothing(): boolean {
    return this.selectsNothing;
  }

  /** The value a `k=v`, `k==v` or `k in (v)` requirement demands of `key`, if the first requirement on `key` is one. */
  requiresExactMatch(key: string): string | undefined {
    const first = this.requirements.find((r) => r.key === key);
    if (!first) return undefined;
    const exact = first.operator === '=' || first.operator === '==' || first.operator === 'in';
    return exact && first.values.length === 1 ? first.values[0] : undefined;
  }

  /** Upstream String(): the canonical form, '' for Everything and for Nothing. */
  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }
}

function sortByKey(requirements: readonly LabelRequirement[]): LabelRequirement[] {
  return [...requirements].sort((a, b) => compareStrings(a.key, b.key));
}

/**
 * Upstream SelectorFromValidatedSet (`labels.Set(m).AsSelectorPreValidated()`):
 * `k=v` for every entry, no validation; an empty or absent set selects everything.
 * A ReplicationController's spec.selector is read this way.
 */
export function labelSelectorFromSet(set: Readonly<Record<string, string>> | null | undefined): LabelSelector {
  return LabelSelector.of(Object.entries(set ?? {}).map(([key, value]) => ({ key, operator: '=' as const, values: [value] })));
}

const EXPRESSION_OPERATORS: Record<string, LabelOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * Upstream LabelSelectorAsSelector: null or absent selects nothing, `{}` (no
 * matchLabels, no matchExpressions) selects everything. Throws
 * SelectorParseError on an unknown operator or an invalid requirement.
 */
export function selectorFromLabelSelector(selector: ApiLabelSelector | null | undefined): LabelSelector {
  if (!selector) return LabelSelector.nothing();
  const matchLabels = Object.entries(selector.matchLabels ?? {});
  const matchExpressions = selector.matchExpressions ?? [];
  if (matchLabels.length + matchExpressions.length === 0) return LabelSelector.everything();
  const requirements = matchLabels.map(([key, value]) => newRequirement(key, '=', [value]));
  for (const expression of matchExpressions.map((e) => e ?? ZERO_REQUIREMENT)) {
    const operator = Object.prototype.hasOwnProperty.call(EXPRESSION_OPERATORS, expression.operator)
      ? EXPRESSION_OPERATORS[expression.operator]
      : undefined;
    if (!operator) throw new SelectorParseError(`${goQuote(String(expression.operator))} is not a valid pod selector operator`);
    requirements.push(newRequirement(expression.key, operator, expression.values ?? []));
  }
  return LabelSelector.of(requirements);
}

// --- the string syntax: lexer ----------------------------------------------
//
// <selector-syntax>         ::= <requirement> | <requirement> "," <selector-syntax>
// <requirement>             ::= [!] KEY [ <set-based-restriction> | <exact-match-restriction> ]
// <set-based-restriction>   ::= "" | <inclusion-exclusion> <value-set>
// <inclusion-exclusion>     ::= "in" | "notin"
// <value-set>               ::= "(" <values> ")"
// <values>                  ::= VALUE | VALUE "," <values>
// <exact-match-restriction> ::= ["=" | "==" | "!=" | ">" | "<"] VALUE

type TokenKind =
  | 'end'
  | 'closePar'
  | 'comma'
  | 'doesNotExist'
  | 'doubleEquals'
  | 'equals'
  | 'greaterThan'
  | 'identifier'
  | 'in'
  | 'lessThan'
  | 'notEquals'
  | 'notIn'
  | 'openPar';

interface Token {
  readonly kind: TokenKind;
  readonly literal: string;
}

const LITERAL_TOKENS: Record<string, TokenKind> = {
  ')': 'closePar',
  ',': 'comma',
  '!': 'doesNotExist',
  '==': 'doubleEquals',
  '=': 'equals',
  '>': 'greaterThan',
  in: 'in',
  '<': 'lessThan',
  '!=': 'notEquals',
  notin: 'notIn',
  '(': 'openPar',
};

function literalToken(text: string): TokenKind | undefined {
  return Object.prototype.hasOwnProperty.call(LITERAL_TOKENS, text) ? LITERAL_TOKENS[text] : undefined;
}

const isWhitespace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecialSymbol = (ch: string): boolean => '=!(),><'.includes(ch);

/**
 * Upstream's Lexer, byte for byte: whitespace separates, special symbols are
 * read greedily (`!=`, `==`), anything else up to the next special symbol or
 * whitespace is an identifier unless it is `in` or `notin`. Like upstream's,
 * it reads a NUL character as the end of the input where a token would start,
 * and as the end of a token inside one.
 */
function lex(text: string): Token[] {
  let pos = 0;
  const read = (): string => (pos < text.length ? text[pos++]! : '\0');
  const unread = (): void => {
    pos--;
  };

  const scanSpecialSymbol = (): Token => {
    let buffer = '';
    let last: Token | undefined;
    for (;;) {
      const ch = read();
      if (ch === '\0') break;
      if (!isSpecialSymbol(ch)) {
        unread();
        break;
      }
      buffer += ch;
      const kind = literalToken(buffer);
      if (kind) {
        last = { kind, literal: buffer };
      } else if (last) {
        unread();
        break;
      }
    }
    // Every special symbol alone is a token, so the first one always scanned.
    return last!;
  };

  const scanIdentifierOrKeyword = (): Token => {
    let literal = '';
    for (;;) {
      const ch = read();
      if (ch === '\0') break;
      if (isSpecialSymbol(ch) || isWhitespace(ch)) {
        unread();
        break;
      }
      literal += ch;
    }
    return { kind: literalToken(literal) ?? 'identifier', literal };
  };

  const tokens: Token[] = [];
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    if (ch === '\0') {
      tokens.push({ kind: 'end', literal: '' });
      return tokens;
    }
    unread();
    tokens.push(isSpecialSymbol(ch) ? scanSpecialSymbol() : scanIdentifierOrKeyword());
  }
}

// --- the string syntax: parser ---------------------------------------------

/** Where `in` and `notin` are keywords, and where they are plain values (`x in (in)`). */
type Context = 'keyAndOperator' | 'values';

class Parser {
  private position = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  private lookahead(context: Context): Token {
    return asContext(this.tokens[this.position]!, context);
  }

  private consume(context: Context): Token {
    const token = this.tokens[this.position]!;
    if (token.kind !== 'end') this.position++;
    return asContext(token, context);
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const next = this.lookahead('values');
      if (next.kind === 'end') return requirements;
      if (next.kind !== 'identifier' && next.kind !== 'doesNotExist') {
        throw new SelectorParseError(`found '${next.literal}', expected: !, identifier, or 'end of string'`);
      }
      try {
        requirements.push(this.parseRequirement());
      } catch (error) {
        if (error instanceof SelectorParseError) throw new SelectorParseError(`unable to parse requirement: ${error.message}`);
        throw error;
      }
      const after = this.consume('values');
      if (after.kind === 'end') return requirements;
      if (after.kind !== 'comma') throw new SelectorParseError(`found '${after.literal}', expected: ',' or 'end of string'`);
      const following = this.lookahead('values');
      if (following.kind !== 'identifier' && following.kind !== 'doesNotExist') {
        throw new SelectorParseError(`found '${following.literal}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    const { key, operator: inferred } = this.parseKeyAndInferOperator();
    if (inferred) return newRequirement(key, inferred, []);
    const operator = this.parseOperator();
    const values = operator === 'in' || operator === 'notin' ? this.parseValues() : this.parseExactValue();
    // Upstream collects values in a sets.String and hands over its sorted List().
    return newRequirement(key, operator, [...values].sort(compareStrings));
  }

  /** `!key` is DoesNotExist; a key followed by ',' or the end is Exists; otherwise an operator follows. */
  private parseKeyAndInferOperator(): { key: string; operator?: 'exists' | '!' } {
    let token = this.consume('values');
    const negated = token.kind === 'doesNotExist';
    if (negated) token = this.consume('values');
    if (token.kind !== 'identifier') throw new SelectorParseError(`found '${token.literal}', expected: identifier`);
    // The parser's field path is nil, which Go prints as <nil>.
    const keyError = keyErrorText(token.literal, '<nil>');
    if (keyError) throw new SelectorParseError(keyError);
    if (negated) return { key: token.literal, operator: '!' };
    const next = this.lookahead('values').kind;
    return next === 'end' || next === 'comma' ? { key: token.literal, operator: 'exists' } : { key: token.literal };
  }

  private parseOperator(): LabelOperator {
    const token = this.consume('keyAndOperator');
    const operator = TOKEN_OPERATORS[token.kind];
    if (!operator) throw new SelectorParseError(`found '${token.literal}', expected: ${BINARY_OPERATORS.join(', ')}`);
    return operator;
  }

  /** `(a,b)`; `()` is the one empty value; `(,a)`, `(a,,b)` and `(a,)` hold the empty value too. */
  private parseValues(): Set<string> {
    const open = this.consume('values');
    if (open.kind !== 'openPar') throw new SelectorParseError(`found '${open.literal}' expected: '('`);
    const first = this.lookahead('values');
    if (first.kind === 'closePar') {
      this.consume('values');
      return new Set(['']);
    }
    if (first.kind !== 'identifier' && first.kind !== 'comma') {
      throw new SelectorParseError(`found '${first.literal}', expected: ',', ')' or identifier`);
    }
    const values = this.parseIdentifiersList();
    this.consume('values'); // the ')' parseIdentifiersList stopped before
    return values;
  }

  private parseIdentifiersList(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const token = this.consume('values');
      if (token.kind === 'identifier') {
        values.add(token.literal);
        const next = this.lookahead('values');
        if (next.kind === 'closePar') return values;
        if (next.kind !== 'comma') throw new SelectorParseError(`found '${next.literal}', expected: ',' or ')'`);
      } else if (token.kind === 'comma') {
        if (values.size === 0) values.add('');
        const next = this.lookahead('values').kind;
        if (next === 'closePar') {
          values.add('');
          return values;
        }
        if (next === 'comma') values.add('');
      } else {
        throw new SelectorParseError(`found '${token.literal}', expected: ',', or identifier`);
      }
    }
  }

  /** The value after =, ==, !=, > or <; nothing before ',' or the end is the empty value. */
  private parseExactValue(): Set<string> {
    const next = this.lookahead('values').kind;
    if (next === 'end' || next === 'comma') return new Set(['']);
    const token = this.consume('values');
    if (token.kind !== 'identifier') throw new SelectorParseError(`found '${token.literal}', expected: identifier`);
    return new Set([token.literal]);
  }
}

function asContext(token: Token, context: Context): Token {
  return context === 'values' && (token.kind === 'in' || token.kind === 'notIn') ? { kind: 'identifier', literal: token.literal } : token;
}

const TOKEN_OPERATORS: Partial<Record<TokenKind, LabelOperator>> = {
  in: 'in',
  notIn: 'notin',
  equals: '=',
  doubleEquals: '==',
  notEquals: '!=',
  greaterThan: 'gt',
  lessThan: 'lt',
};

/**
 * Upstream labels.Parse: `a=b,c!=d,e in (x,y),f notin (z),g,!h,n>1`. The empty
 * string selects everything. Throws SelectorParseError with upstream's message.
 */
export function parseLabelSelector(text: string): LabelSelector {
  return LabelSelector.of(new Parser(lex(text)).parse());
}
