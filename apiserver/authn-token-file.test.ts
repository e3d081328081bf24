// The token file as upstream's tokenfile.NewCSV reads it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvRecords, parseTokenFile, TokenFileError } from './authn-token-file.js';

test('token,user,uid and the quoted groups column', () => {
  const tokens = parseTokenFile('t1,alice,1001,"developers,viewers"\nt2,bob,1002\n');
  assert.deepEqual(tokens.get('t1'), { username: 'alice', uid: '1001', groups: ['developers', 'viewers'] });
  assert.deepEqual(tokens.get('t2'), { username: 'bob', uid: '1002', groups: [] });
});

test('blank lines and empty tokens are skipped; a later line with the same token wins', () => {
  const tokens = parseTokenFile('\n,nobody,0\nt1,alice,1\r\n\nt1,carol,3\n');
  assert.deepEqual([...tokens.keys()], ['t1']);
  assert.equal(tokens.get('t1')?.username, 'carol');
});

test('fewer than three columns is an error naming the file, as upstream', () => {
  assert.throws(() => parseTokenFile('t1,alice\n', '/etc/tokens.csv'), (error: unknown) => {
    assert.ok(error instanceof TokenFileError);
    assert.equal(error.message, "token file '/etc/tokens.csv' must have at least 3 columns (token, user name, user uid), found 2");
    return true;
  });
});

test('CSV as Go reads it: quotes, doubled quotes, leading spaces trimmed', () => {
  assert.deepEqual(csvRecords('a, b,"c ""d"", e"\n'), [['a', 'b', 'c "d", e']]);
  assert.deepEqual(csvRecords('a,,c'), [['a', '', 'c']]);
});
