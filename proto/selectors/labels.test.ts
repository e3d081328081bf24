// The no-I/O rule guards proto's code; its tests run under node's own runner.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorText } from '../status.js';
import {
  LabelSelector,
  SelectorParseError,
  goQuote,
  labelSelectorFromSet,
  newRequirement,
  parseLabelSelector,
  selectorFromLabelSelector,
} from './labels.js';
import { isDNS1123Subdomain, isQualifiedName, isValidLabelValue, validateLabelSelector, validateLabels } from './validation.js';

const NAME_PART_REGEX =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_REGEX =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const SUBDOMAIN_REGEX =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

function parseError(text: string): string {
  try {
    parseLabelSelector(text);
  } catch (error) {
    assert.ok(error instanceof SelectorParseError, `a SelectorParseError for ${JSON.stringify(text)}`);
    return error.message;
  }
  assert.fail(`${JSON.stringify(text)} parsed`);
}

describe('parseLabelSelector', () => {
  test('parses every operator and prints the canonical form, sorted by key', () => {
    const cases: [string, string][] = [
      ['', ''],
      ['a=b', 'a=b'],
      ['a==b', 'a==b'],
      ['a!=b', 'a!=b'],
      ['a in (x,y)', 'a in (x,y)'],
      ['a notin (z)', 'a notin (z)'],
      ['a', 'a'],
      ['!a', '!a'],
      ['x>1', 'x>1'],
      ['x<1', 'x<1'],
      ['a=b,c!=d,e in (x,y),f notin (z),g,!h', 'a=b,c!=d,e in (x,y),f notin (z),g,!h'],
      ['x=a,a=x', 'a=x,x=a'],
      ['z,y,x', 'x,y,z'],
      ['x=', 'x='],
      ['x=,z= ', 'x=,z='],
      ['x>1,z<5', 'x>1,z<5'],
    ];
    for (const [text, canonical] of cases) assert.equal(parseLabelSelector(text).toString(), canonical, text);
  });

  test('ignores spaces, tabs, carriage returns and newlines between tokens', () => {
    const cases: [string, string][] = [
      ['  a = b , c != d  ', 'a=b,c!=d'],
      ['\rx', 'x'],
      ['foo  in\t (abc)', 'foo in (abc)'],
      ['x notin\n (abc)', 'x notin (abc)'],
      ['x  notin\t\t\t(abc,def)', 'x notin (abc,def)'],
      ['0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)', '0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)'],
      ['x in(a)', 'x in (a)'],
    ];
    for (const [text, canonical] of cases) assert.equal(parseLabelSelector(text).toString(), canonical, JSON.stringify(text));
  });

  test('reads value sets as sets: sorted, deduplicated, with empty values where commas or parentheses leave them', () => {
    const cases: [string, readonly string[]][] = [
      ['x in (b,a,a)', ['a', 'b']],
      ['x in ()', ['']],
      ['x in (abc,)', ['', 'abc']],
      ['x in (,abc)', ['', 'abc']],
      ['x in (foo,,baz)', ['', 'baz', 'foo']],
      ['x in (,)', ['']],
    ];
    for (const [text, values] of cases) assert.deepEqual(parseLabelSelector(text).requirements[0]?.values, values, text);
    assert.equal(parseLabelSelector('x in (foo,,baz),y,z notin ()').toString(), 'x in (,baz,foo),y,z notin ()');
  });

  test('takes in and notin as plain values where a value is expected', () => {
    assert.deepEqual(parseLabelSelector('notin=in').requirements, [{ key: 'notin', operator: '=', values: ['in'] }]);
    assert.equal(parseLabelSelector('in in (notin,in)').toString(), 'in in (in,notin)');
  });

  test('builds requirements with upstream operator names', () => {
    assert.deepEqual(parseLabelSelector('a in (x),b notin (y),c,!d,e=1,f==2,g!=3,h>4,i<5').requirements, [
      { key: 'a', operator: 'in', values: ['x'] },
      { key: 'b', operator: 'notin', values: ['y'] },
      { key: 'c', operator: 'exists', values: [] },
      { key: 'd', operator: '!', values: [] },
      { key: 'e', operator: '=', values: ['1'] },
      { key: 'f', operator: '==', values: ['2'] },
      { key: 'g', operator: '!=', values: ['3'] },
      { key: 'h', operator: 'gt', values: ['4'] },
      { key: 'i', operator: 'lt', values: ['5'] },
    ]);
  });

  test('refuses malformed selectors with upstream messages', () => {
    const cases: [string, string][] = [
      ['a,', "found '', expected: identifier after ','"],
      ['a,,b', "found ',', expected: identifier after ','"],
      [',a', "found ',', expected: !, identifier, or 'end of string'"],
      ['(', "found '(', expected: !, identifier, or 'end of string'"],
      ['a=b c', "found 'c', expected: ',' or 'end of string'"],
      ['!x=a', "found '=', expected: ',' or 'end of string'"],
      ['x==a==b', "found '==', expected: ',' or 'end of string'"],
      ['x=a||y=b', `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${LABEL_VALUE_REGEX}`],
      ['x=a|y,b', `unable to parse requirement: values[0][x]: Invalid value: "a|y": ${LABEL_VALUE_REGEX}`],
      ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
      ['a!b', "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt"],
      ['!', "unable to parse requirement: found '', expected: identifier"],
      ['a===b', "unable to parse requirement: found '=', expected: identifier"],
      ['a=(', "unable to parse requirement: found '(', expected: identifier"],
      ['a in x', "unable to parse requirement: found 'x' expected: '('"],
      ['a in (x', "unable to parse requirement: found '', expected: ',' or ')'"],
      ['a in (x y)', "unable to parse requirement: found 'y', expected: ',' or ')'"],
      ['a in (x,', "unable to parse requirement: found '', expected: ',', or identifier"],
      ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
      ['a in', "unable to parse requirement: found '' expected: '('"],
    ];
    for (const [text, message] of cases) assert.equal(parseError(text), message, text);
  });

  test('validates keys with a <nil> field path, as upstream parser errors read', () => {
    assert.equal(
      parseError('a/b/c ?=? def'),
      `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name ${NAME_PART_REGEX} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    );
    assert.equal(parseError('app:monolith'), `unable to parse requirement: <nil>: Invalid value: "app:monolith": name part ${NAME_PART_REGEX}`);
    assert.equal(
      parseError('app.kubernetes_io/name=x'),
      `unable to parse requirement: <nil>: Invalid value: "app.kubernetes_io/name": prefix part ${SUBDOMAIN_REGEX}`,
    );
    assert.equal(
      parseError(`${'k'.repeat(64)}=x`),
      `unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 characters`,
    );
  });

  test('validates values and Gt/Lt integers with upstream field paths', () => {
    const long = 'z'.repeat(64);
    assert.equal(parseError(`good-key=${long}`), `unable to parse requirement: values[0][good-key]: Invalid value: "${long}": must be no more than 63 characters`);
    assert.equal(parseError('k in (ok,-bad)'), `unable to parse requirement: values[0][k]: Invalid value: "-bad": ${LABEL_VALUE_REGEX}`);
    assert.equal(parseError('x<a'), `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`);
    assert.equal(parseError('x>1.5'), `unable to parse requirement: values[0]: Invalid value: "1.5": for 'Gt', 'Lt' operators, the value must be an integer`);
    assert.equal(parseError('x>'), `unable to parse requirement: values[0]: Invalid value: "": for 'Gt', 'Lt' operators, the value must be an integer`);
    assert.equal(
      parseError('k in (-a,-b)'),
      `unable to parse requirement: [values[0][k]: Invalid value: "-a": ${LABEL_VALUE_REGEX}, values[1][k]: Invalid value: "-b": ${LABEL_VALUE_REGEX}]`,
    );
  });

  test('treats a NUL character as upstream does: the end where a token starts, a separator inside one', () => {
    assert.equal(parseLabelSelector('a=\0b').toString(), 'a=b');
    assert.equal(parseLabelSelector('a\0').toString(), 'a');
    assert.equal(parseError('a\0b'), "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt");
  });
});

describe('LabelSelector.matches', () => {
  const labels = { foo: 'bar', baz: 'blah', n: '2', empty: '' };
  const cases: [string, Record<string, string> | undefined, boolean][] = [
    ['', labels, true],
    ['', undefined, true],
    ['foo=bar', labels, true],
    ['foo==bar', labels, true],
    ['foo=blah', labels, false],
    ['missing=', labels, false],
    ['empty=', labels, true],
    ['foo!=blah', labels, true],
    ['foo!=bar', labels, false],
    ['missing!=x', labels, true],
    ['foo in (bar,x)', labels, true],
    ['foo in (x)', labels, false],
    ['missing in ()', labels, false],
    ['foo notin (x)', labels, true],
    ['foo notin (bar)', labels, false],
    ['missing notin (x)', labels, true],
    ['foo', labels, true],
    ['missing', labels, false],
    ['empty', labels, true],
    ['!missing', labels, true],
    ['!foo', labels, false],
    ['n>1', labels, true],
    ['n>2', labels, false],
    ['n<3', labels, true],
    ['n<2', labels, false],
    ['foo>1', labels, false],
    ['missing<1', labels, false],
    ['foo=bar,baz=blah', labels, true],
    ['foo=bar,foobar=bar,baz=blah', labels, false],
    ['toString', {}, false],
    ['!constructor', {}, true],
  ];
  for (const [text, set, expected] of cases) {
    test(`${JSON.stringify(text)} ${expected ? 'matches' : 'does not match'} ${JSON.stringify(set)}`, () => {
      assert.equal(parseLabelSelector(text).matches(set), expected);
    });
  }

  test('compares Gt and Lt as 64-bit integers, not as strings or doubles', () => {
    assert.equal(parseLabelSelector('n>9').matches({ n: '10' }), true);
    assert.equal(parseLabelSelector('n>9007199254740992').matches({ n: '9007199254740993' }), true);
    assert.equal(parseLabelSelector('n<1').matches({ n: '9223372036854775808' }), false);
  });
});

describe('LabelSelector', () => {
  test('Everything matches everything and is empty; Nothing matches nothing and is not', () => {
    const everything = LabelSelector.everything();
    assert.equal(everything.isEverything(), true);
    assert.equal(everything.matches({ x: 'y' }), true);
    assert.equal(everything.matchesNothing(), false);
    const nothing = LabelSelector.nothing();
    assert.equal(nothing.isEverything(), false);
    assert.equal(nothing.matchesNothing(), true);
    assert.equal(nothing.matches({}), false);
    assert.equal(nothing.toString(), '');
    assert.equal(nothing.add(newRequirement('a', 'exists', [])).matchesNothing(), true);
  });

  test('add returns a new selector, sorted by key', () => {
    const base = parseLabelSelector('b=1');
    const more = base.add(newRequirement('a', 'exists', []));
    assert.equal(more.toString(), 'a,b=1');
    assert.equal(base.toString(), 'b=1');
  });

  test('requiresExactMatch answers for =, == and single-valued in, from the first requirement on the key', () => {
    const cases: [string, string, string | undefined][] = [
      ['a=x', 'a', 'x'],
      ['a==x', 'a', 'x'],
      ['a in (x)', 'a', 'x'],
      ['a in (x,y)', 'a', undefined],
      ['a!=x', 'a', undefined],
      ['a', 'a', undefined],
      ['b=x', 'a', undefined],
      ['a,a=x', 'a', undefined],
    ];
    for (const [text, key, value] of cases) assert.equal(parseLabelSelector(text).requiresExactMatch(key), value, text);
  });

  test('labelSelectorFromSet selects k=v for each entry, and everything for an empty or absent set', () => {
    assert.equal(labelSelectorFromSet({ b: '2', a: '1' }).toString(), 'a=1,b=2');
    assert.equal(labelSelectorFromSet({}).isEverything(), true);
    assert.equal(labelSelectorFromSet(undefined).isEverything(), true);
  });
});

describe('newRequirement', () => {
  test('checks the number of values each operator takes', () => {
    const cases: [Parameters<typeof newRequirement>, string | undefined][] = [
      [['x', 'in', []], "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"],
      [['x', 'notin', []], "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"],
      [['x', 'in', ['foo']], undefined],
      [['x', '=', ['a', 'b']], 'values: Invalid value: []string{"a", "b"}: exact-match compatibility requires one single value'],
      [['x', '!=', []], 'values: Invalid value: []string(nil): exact-match compatibility requires one single value'],
      [['x', 'exists', ['a']], 'values: Invalid value: []string{"a"}: values set must be empty for exists and does not exist'],
      [['x', '!', []], undefined],
      [['y', 'gt', ['1']], undefined],
      [['z', 'lt', ['1', '2']], "values: Invalid value: []string{\"1\", \"2\"}: for 'Gt', 'Lt' operators, exactly one value is required"],
      [['1234', 'in', ['bar']], undefined],
    ];
    for (const [args, message] of cases) {
      if (message === undefined) assert.doesNotThrow(() => newRequirement(...args), args.join(' '));
      else assert.throws(() => newRequirement(...args), { name: 'SelectorParseError', message }, args.join(' '));
    }
  });

  test('reports an unknown operator as upstream NotSupported does', () => {
    assert.throws(() => newRequirement('x', 'like' as never, ['a']), {
      message: 'operator: Unsupported value: "like": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"',
    });
  });

  test('reports a key longer than a DNS subdomain', () => {
    assert.throws(() => newRequirement('a'.repeat(254), 'exists', []), { message: /^key: Invalid value: "a+": name part must be no more than 63 characters$/ });
  });
});

describe('selectorFromLabelSelector', () => {
  test('selects nothing for null and undefined, everything for an empty selector', () => {
    assert.equal(selectorFromLabelSelector(null).matchesNothing(), true);
    assert.equal(selectorFromLabelSelector(undefined).matches({}), false);
    for (const empty of [{}, { matchLabels: {}, matchExpressions: [] }, { matchLabels: null, matchExpressions: null }]) {
      const selector = selectorFromLabelSelector(empty);
      assert.equal(selector.isEverything(), true);
      assert.equal(selector.matches({}), true);
    }
  });

  test('ANDs matchLabels and matchExpressions, sorted by key', () => {
    const selector = selectorFromLabelSelector({
      matchLabels: { tier: 'web', app: 'shop' },
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['prod', 'canary'] },
        { key: 'track', operator: 'NotIn', values: ['beta'] },
        { key: 'owner', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist', values: [] },
      ],
    });
    assert.equal(selector.toString(), 'app=shop,env in (canary,prod),!legacy,owner,tier=web,track notin (beta)');
    assert.equal(selector.matches({ app: 'shop', tier: 'web', env: 'prod', owner: 'me' }), true);
    assert.equal(selector.matches({ app: 'shop', tier: 'web', env: 'prod', owner: 'me', legacy: '' }), false);
    assert.equal(selector.matches({ app: 'shop', tier: 'web', env: 'prod', owner: 'me', track: 'beta' }), false);
    assert.equal(selector.matches({ app: 'shop', tier: 'web', env: 'dev', owner: 'me' }), false);
  });

  test('refuses invalid expressions with upstream messages', () => {
    const cases: [Parameters<typeof selectorFromLabelSelector>[0], string][] = [
      [{ matchExpressions: [{ key: 'a', operator: 'Foo' }] }, '"Foo" is not a valid pod selector operator'],
      [{ matchExpressions: [{ key: 'a', operator: 'in', values: ['x'] }] }, '"in" is not a valid pod selector operator'],
      [{ matchExpressions: [{ key: 'a', operator: 'In' }] }, "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"],
      [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }, 'values: Invalid value: []string{"x"}: values set must be empty for exists and does not exist'],
      [{ matchLabels: { 'a b': 'c' } }, `key: Invalid value: "a b": name part ${NAME_PART_REGEX}`],
      [{ matchLabels: { 'a b': 'c d' } }, `[key: Invalid value: "a b": name part ${NAME_PART_REGEX}, values[0][a b]: Invalid value: "c d": ${LABEL_VALUE_REGEX}]`],
    ];
    for (const [selector, message] of cases) {
      assert.throws(() => selectorFromLabelSelector(selector), { name: 'SelectorParseError', message }, JSON.stringify(selector));
    }
  });
});

describe('label validation', () => {
  test('isQualifiedName accepts keys with and without a DNS subdomain prefix', () => {
    for (const key of ['a', 'A', '1', 'a-b_c.d', 'MyName', 'example.com/MyName', 'this-is-a-dns.domain.com/key-with-dash', 'k'.repeat(63)]) {
      assert.deepEqual(isQualifiedName(key), [], key);
    }
  });

  test('isQualifiedName reports every problem with upstream wording', () => {
    const cases: [string, string[]][] = [
      ['', ['name part must be non-empty', `name part ${NAME_PART_REGEX}`]],
      ['-a', [`name part ${NAME_PART_REGEX}`]],
      ['k'.repeat(64), ['name part must be no more than 63 characters']],
      ['/a', ['prefix part must be non-empty']],
      ['Example.com/a', [`prefix part ${SUBDOMAIN_REGEX}`]],
      [`${'p'.repeat(254)}/a`, ['prefix part must be no more than 253 characters']],
      ['example.com/', ['name part must be non-empty', `name part ${NAME_PART_REGEX}`]],
      ['a/b/c', [`a qualified name ${NAME_PART_REGEX} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`]],
    ];
    for (const [key, errors] of cases) assert.deepEqual(isQualifiedName(key), errors, key);
  });

  test('isValidLabelValue accepts the empty string and refuses what upstream refuses', () => {
    assert.deepEqual(isValidLabelValue(''), []);
    assert.deepEqual(isValidLabelValue('my_value.1-2'), []);
    assert.deepEqual(isValidLabelValue('bad value'), [LABEL_VALUE_REGEX]);
    assert.deepEqual(isValidLabelValue('v'.repeat(64)), ['must be no more than 63 characters']);
    assert.deepEqual(isValidLabelValue('é'.repeat(32)), ['must be no more than 63 characters', LABEL_VALUE_REGEX]);
  });

  test('isDNS1123Subdomain refuses upper case and overlong names', () => {
    assert.deepEqual(isDNS1123Subdomain('a.b-c.d'), []);
    assert.deepEqual(isDNS1123Subdomain('A'), [SUBDOMAIN_REGEX]);
  });

  test('validateLabels puts every error at the labels field itself', () => {
    assert.deepEqual(validateLabels({ ok: 'fine' }, 'metadata.labels'), []);
    assert.deepEqual(validateLabels(undefined, 'metadata.labels'), []);
    assert.deepEqual(
      validateLabels({ 'bad key': 'bad value' }, 'metadata.labels').map(fieldErrorText),
      [`metadata.labels: Invalid value: "bad key": name part ${NAME_PART_REGEX}`, `metadata.labels: Invalid value: "bad value": ${LABEL_VALUE_REGEX}`],
    );
  });

  test('validateLabelSelector reports each requirement problem at its field', () => {
    const errors = validateLabelSelector(
      {
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'a', operator: 'In' },
          { key: 'b', operator: 'NotIn', values: [] },
          { key: 'c', operator: 'Exists', values: ['x'] },
          { key: 'd', operator: 'DoesNotExist', values: ['x'] },
          { key: 'e', operator: 'Like', values: ['bad value'] },
          { key: 'f g', operator: 'In', values: ['ok'] },
          { key: 'h', operator: 'In', values: ['ok', 'v'] },
        ],
      },
      'spec.selector',
    );
    assert.deepEqual(errors.map(fieldErrorText), [
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.selector.matchExpressions[1].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.selector.matchExpressions[2].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      "spec.selector.matchExpressions[3].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      'spec.selector.matchExpressions[4].operator: Invalid value: "Like": not a valid selector operator',
      `spec.selector.matchExpressions[4].values[0]: Invalid value: "bad value": ${LABEL_VALUE_REGEX}`,
      `spec.selector.matchExpressions[5].key: Invalid value: "f g": name part ${NAME_PART_REGEX}`,
    ]);
  });

  test('validateLabelSelector accepts null and honours the options', () => {
    assert.deepEqual(validateLabelSelector(null, 'spec.selector'), []);
    assert.deepEqual(validateLabelSelector({}, 'spec.selector'), []);
    const selector = { matchExpressions: [{ key: 'e', operator: 'Like', values: ['bad value'] }] };
    assert.deepEqual(validateLabelSelector(selector, 'spec.selector', { allowInvalidLabelValueInSelector: true, allowUnknownOperatorInRequirement: true }), []);
    assert.equal(validateLabelSelector({ matchLabels: { 'a b': 'c' } }, 'spec.selector')[0]?.field, 'spec.selector.matchLabels');
  });

  test('goQuote prints strings as Go %q does', () => {
    assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
    assert.equal(goQuote('\n\t\x01\x7f'), '"\\n\\t\\x01\\x7f"');
    assert.equal(goQuote('héllo ☃'), '"héllo ☃"');
    assert.equal(goQuote('\u00a0'), '"\\u00a0"');
  });
});
