// Duplicate keys in a request body, which JSON.parse and YAML's last-wins
// reading silently resolve but upstream's strict decoding names: for JSON
// (sigs.k8s.io/json) `duplicate field "spec.paused"`, with the path as its
// unknown fields have it; for YAML (sigs.k8s.io/yaml over yaml.v2)
// `line 14: key "paused" already set in map`.
import { isMap, isScalar, parseDocument, visit } from 'yaml';

/** A key met a second time in one JSON object: its path, and where in the text it was met again. */
export interface DuplicateField {
  readonly path: string;
  readonly offset: number;
}

/** A JSON object key's path and where it starts; `path` uses the unknown fields' form ("spec.containers[0].name"). */
export interface KeySeen {
  readonly path: string;
  readonly offset: number;
}

/**
 * One pass over JSON text that is already known to parse: the duplicated
 * keys in text order, and, when asked, where each key path first appears
 * (to put unknown and duplicate fields in the order the decoder meets them).
 */
export function scanJsonKeys(text: string, firstSeen?: Map<string, number>): DuplicateField[] {
  const duplicates: DuplicateField[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i += 1;
    }
  };
  /** Reads a string at i (its opening quote); answers its value. Jumps from quote to quote: a quote after an odd run of backslashes is escaped. */
  const readString = (): string => {
    const start = i + 1;
    let j = text.indexOf('"', start);
    for (;;) {
      let backslashes = 0;
      while (text.charCodeAt(j - 1 - backslashes) === 0x5c) backslashes += 1;
      if (backslashes % 2 === 0) break;
      j = text.indexOf('"', j + 1);
    }
    const raw = text.slice(start, j);
    i = j + 1;
    return raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
  };
  // The path of the value being read, as segments ("spec", ".containers", "[0]"), joined only when a path is wanted.
  const segments: string[] = [];
  const pathWith = (key: string) => (segments.length === 0 ? key : `${segments.join('')}.${key}`);
  const value = (): void => {
    skipSpace();
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) {
      i += 1;
      skipSpace();
      if (text.charCodeAt(i) === 0x7d) {
        i += 1;
        return;
      }
      const keys = new Set<string>();
      for (;;) {
        skipSpace();
        const offset = i;
        const key = readString();
        if (keys.has(key)) duplicates.push({ path: pathWith(key), offset });
        else {
          keys.add(key);
          if (firstSeen) {
            const keyPath = pathWith(key);
            if (!firstSeen.has(keyPath)) firstSeen.set(keyPath, offset);
          }
        }
        skipSpace();
        i += 1; // ':'
        segments.push(segments.length === 0 ? key : `.${key}`);
        value();
        segments.pop();
        skipSpace();
        if (text.charCodeAt(i) === 0x2c /* , */) {
          i += 1;
          continue;
        }
        i += 1; // '}'
        return;
      }
    }
    if (c === 0x5b /* [ */) {
      i += 1;
      skipSpace();
      if (text.charCodeAt(i) === 0x5d) {
        i += 1;
        return;
      }
      for (let index = 0; ; index += 1) {
        segments.push(`[${index}]`);
        value();
        segments.pop();
        skipSpace();
        if (text.charCodeAt(i) === 0x2c) {
          i += 1;
          continue;
        }
        i += 1; // ']'
        return;
      }
    }
    if (c === 0x22 /* " */) {
      readString();
      return;
    }
    // A number, true, false or null: up to the next delimiter.
    while (i < text.length && !',]} \n\r\t'.includes(text[i]!)) i += 1;
  };
  value();
  return duplicates;
}

/**
 * Upstream's strict messages for the duplicates and unknown fields of a JSON
 * body, in the order its decoder meets them. A field both unknown and
 * duplicated is named only as unknown, as upstream's typed decoding does.
 */
export function jsonFieldTexts(text: string, unknown: readonly string[]): string[] {
  const firstSeen = unknown.length > 0 ? new Map<string, number>() : undefined;
  const duplicates = scanJsonKeys(text, firstSeen);
  if (duplicates.length === 0) return unknown.map((path) => `unknown field "${path}"`);
  const isUnknown = (path: string) => unknown.some((u) => path === u || path.startsWith(`${u}.`) || path.startsWith(`${u}[`));
  const found = [
    ...unknown.map((path) => ({ text: `unknown field "${path}"`, offset: firstSeen?.get(path) ?? 0 })),
    ...duplicates.filter((d) => !isUnknown(d.path)).map((d) => ({ text: `duplicate field "${d.path}"`, offset: d.offset })),
  ];
  return found.sort((a, b) => a.offset - b.offset).map((f) => f.text);
}

/** yaml.v2's `line N: key "k" already set in map` for each duplicated key of a YAML body, in text order. */
export function yamlDuplicateTexts(text: string): string[] {
  const document = parseDocument(text, { uniqueKeys: false });
  const texts: { text: string; offset: number }[] = [];
  visit(document, {
    Map(_key, map) {
      if (!isMap(map)) return;
      const seen = new Set<string>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (!seen.has(key)) {
          seen.add(key);
          continue;
        }
        const offset = isScalar(pair.key) ? (pair.key.range?.[0] ?? 0) : 0;
        texts.push({ text: `line ${lineOf(text, offset)}: key ${JSON.stringify(key)} already set in map`, offset });
      }
    },
  });
  return texts.sort((a, b) => a.offset - b.offset).map((t) => t.text);
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i += 1) if (text.charCodeAt(i) === 0x0a) line += 1;
  return line;
}
