// Static token authentication, as upstream's --token-auth-file
// (staging/src/k8s.io/apiserver/plugin/pkg/authenticator/token/tokenfile and
// pkg/authentication/request/bearertoken): a CSV file of
// `token,user,uid,"group1,group2"`, and `Authorization: Bearer <token>` on a
// request (a WebSocket upgrade too). An unknown token is a 401, not anonymous.
import { readFileSync } from 'node:fs';
import type { Authenticator, UserInfo } from './auth.js';
import { unauthorized } from './auth.js';

/** The token file's error, named as upstream's. */
export class TokenFileError extends Error {}

/** The tokens of a token file's text, as tokenfile.NewCSV: at least three columns, groups optional, empty tokens skipped. Pure. */
export function parseTokenFile(text: string, path = 'token file'): ReadonlyMap<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  for (const record of csvRecords(text)) {
    if (record.length < 3) throw new TokenFileError(`token file '${path}' must have at least 3 columns (token, user name, user uid), found ${record.length}`);
    const [token, username, uid, groups] = record as [string, string, string, string | undefined];
    if (token === '') continue;
    // as upstream: a later line with the same token wins.
    tokens.set(token, { username, uid, groups: groups === undefined ? [] : groups.split(',') });
  }
  return tokens;
}

/** Reads --token-auth-file. */
export function readTokenFile(path: string): ReadonlyMap<string, UserInfo> {
  return parseTokenFile(readFileSync(path, 'utf8'), path);
}

/** The user a bearer token names; undefined without an Authorization: Bearer header. */
export function tokenAuthenticator(tokens: ReadonlyMap<string, UserInfo>): Authenticator {
  return (request) => {
    const header = request.headers.authorization;
    if (header === undefined) return undefined;
    // as bearertoken.go: exactly two parts, the scheme case-insensitive; an empty token is no credential.
    const parts = header.trim().split(' ');
    if (parts.length < 2 || parts[0]!.toLowerCase() !== 'bearer') return undefined;
    const token = parts[1]!;
    if (token === '') return undefined;
    const user = tokens.get(token);
    if (!user) {
      request.log.debug('invalid bearer token');
      throw unauthorized();
    }
    return user;
  };
}

/**
 * Records of RFC 4180 CSV as Go's encoding/csv reads them with
 * FieldsPerRecord -1 and TrimLeadingSpace: quoted fields may hold commas,
 * newlines and "" for a quote; blank lines are skipped.
 */
export function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  const endField = () => {
    record.push(field);
    field = '';
    wasQuoted = false;
  };
  const endRecord = () => {
    if (record.length > 0 || field !== '' || wasQuoted) endField();
    if (record.length > 1 || (record.length === 1 && record[0] !== '')) records.push(record);
    record = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '' && !wasQuoted) quoted = wasQuoted = true;
    else if (c === ',') endField();
    else if (c === '\n') endRecord();
    else if (c === '\r' && text[i + 1] === '\n') continue;
    else if ((c === ' ' || c === '\t') && field === '' && !wasQuoted) continue;
    else field += c;
  }
  endRecord();
  return records;
}
