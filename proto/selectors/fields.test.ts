// The no-I/O rule guards proto's code; its tests run under node's own runner.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSelector, escapeFieldValue, fieldSelectorFromSet, parseFieldSelector, unescapeFieldValue } from './fields.js';
import { SelectorParseError } from './labels.js';

function parseError(text: string): string {
  try {
    parseFieldSelector(text);
  } catch (error) {
    assert.ok(error instanceof SelectorParseError, `a SelectorParseError for ${JSON.stringify(text)}`);
    return error.message;
  }
  assert.fail(`${JSON.stringify(text)} parsed`);
}

describe('parseFieldSelector', () => {
  test('parses =, == and != into = and != requirements, sorted as raw terms', () => {
    const cases: [string, { field: string; operator: string; value: string }[], string][] = [
      ['', [], ''],
      ['metadata.name=web', [{ field: 'metadata.name', operator: '=', value: 'web' }], 'metadata.name=web'],
      ['metadata.name==web', [{ field: 'metadata.name', operator: '=', value: 'web' }], 'metadata.name=web'],
      ['status.phase!=Running', [{ field: 'status.phase', operator: '!=', value: 'Running' }], 'status.phase!=Running'],
      [
        'b=1,a!=2',
        [
          { field: 'a', operator: '!=', value: '2' },
          { field: 'b', operator: '=', value: '1' },
        ],
        'a!=2,b=1',
      ],
      ['spec.nodeName=', [{ field: 'spec.nodeName', operator: '=', value: '' }], 'spec.nodeName='],
      ['a=b,,', [{ field: 'a', operator: '=', value: 'b' }], 'a=b'],
    ];
    for (const [text, requirements, canonical] of cases) {
      const selector = parseFieldSelector(text);
      assert.deepEqual(selector.requirements, requirements, text);
      assert.equal(selector.toString(), canonical, text);
    }
  });

  test('splits each term at its first operator, leaving the rest to the value', () => {
    assert.deepEqual(parseFieldSelector('a!b=c').requirements, [{ field: 'a!b', operator: '=', value: 'c' }]);
    assert.deepEqual(parseFieldSelector('a=!b').requirements, [{ field: 'a', operator: '=', value: '!b' }]);
    assert.equal(parseError('a=b!=c'), 'invalid field selector: unescaped character in value: 61');
  });

  test('trims nothing: spaces belong to the field and the value', () => {
    assert.deepEqual(parseFieldSelector(' a = b ').requirements, [{ field: ' a ', operator: '=', value: ' b ' }]);
  });

  test('drops terms whose field and value are both empty, as upstream', () => {
    assert.equal(parseFieldSelector('=').isEverything(), true);
    assert.equal(parseFieldSelector('!=,a=b').toString(), 'a=b');
  });

  test('unescapes \\\\, \\, and \\= in values and escapes them again on output', () => {
    const cases: [string, string, string][] = [
      ['a=b\\,c', 'b,c', 'a=b\\,c'],
      ['a=b\\=c', 'b=c', 'a=b\\=c'],
      ['a=b\\\\c', 'b\\c', 'a=b\\\\c'],
      ['a=x\\,y,b=z', 'x,y', 'a=x\\,y,b=z'],
    ];
    for (const [text, value, canonical] of cases) {
      const selector = parseFieldSelector(text);
      assert.equal(selector.requirements[0]?.value, value, text);
      assert.equal(selector.toString(), canonical, text);
    }
  });

  test('refuses malformed selectors with upstream messages', () => {
    const cases: [string, string][] = [
      ['foo', "invalid selector: 'foo'; can't understand 'foo'"],
      ['a=b,foo', "invalid selector: 'a=b,foo'; can't understand 'foo'"],
      ['a<b', "invalid selector: 'a<b'; can't understand 'a<b'"],
      ['a=b=c', 'invalid field selector: unescaped character in value: 61'],
      ['a===b', 'invalid field selector: unescaped character in value: 61'],
      ['a=b\\x', 'invalid field selector: invalid escape sequence: \\x'],
      ['a=b\\!', 'invalid field selector: invalid escape sequence: \\!'],
      ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    ];
    for (const [text, message] of cases) assert.equal(parseError(text), message, text);
  });
});

describe('FieldSelector', () => {
  const fields = { 'metadata.name': 'web', 'status.phase': 'Running', 'spec.nodeName': '' };

  test('matches each operator, a missing field reading as the empty string', () => {
    const cases: [string, boolean][] = [
      ['', true],
      ['metadata.name=web', true],
      ['metadata.name==web', true],
      ['metadata.name=db', false],
      ['metadata.name!=db', true],
      ['metadata.name!=web', false],
      ['spec.nodeName=', true],
      ['spec.nodeName!=', false],
      ['missing=', true],
      ['missing!=', false],
      ['missing=x', false],
      ['missing!=x', true],
      ['toString!=', false],
      ['metadata.name=web,status.phase!=Pending', true],
      ['metadata.name=web,status.phase!=Running', false],
    ];
    for (const [text, expected] of cases) assert.equal(parseFieldSelector(text).matches(fields), expected, text);
  });

  test('requiresExactMatch answers for the first = term on the field, never for !=', () => {
    assert.equal(parseFieldSelector('metadata.name=web').requiresExactMatch('metadata.name'), 'web');
    assert.equal(parseFieldSelector('metadata.name==web').requiresExactMatch('metadata.name'), 'web');
    assert.equal(parseFieldSelector('metadata.name=').requiresExactMatch('metadata.name'), '');
    assert.equal(parseFieldSelector('metadata.name!=web').requiresExactMatch('metadata.name'), undefined);
    assert.equal(parseFieldSelector('metadata.name!=a,metadata.name=b').requiresExactMatch('metadata.name'), 'b');
    assert.equal(parseFieldSelector('spec.nodeName=n1').requiresExactMatch('metadata.name'), undefined);
    assert.equal(FieldSelector.everything().requiresExactMatch('metadata.name'), undefined);
  });

  test('fields lists each field once', () => {
    assert.deepEqual(parseFieldSelector('b=1,a=2,b!=3').fields(), ['a', 'b']);
    assert.deepEqual(parseFieldSelector('').fields(), []);
  });

  test('fieldSelectorFromSet selects f=v for each entry and everything for an empty set', () => {
    const selector = fieldSelectorFromSet({ 'metadata.name': 'a,b' });
    assert.equal(selector.toString(), 'metadata.name=a\\,b');
    assert.equal(selector.matches({ 'metadata.name': 'a,b' }), true);
    assert.equal(fieldSelectorFromSet({}).isEverything(), true);
    assert.equal(fieldSelectorFromSet(undefined).isEverything(), true);
  });

  test('escapeFieldValue and unescapeFieldValue are inverses', () => {
    for (const value of ['', 'plain', 'a,b', 'a=b', 'a\\b', '\\,=\\\\', 'ünï']) {
      assert.equal(unescapeFieldValue(escapeFieldValue(value)), value, value);
    }
    assert.equal(escapeFieldValue('a\\,='), 'a\\\\\\,\\=');
  });
});
