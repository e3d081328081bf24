// Bodies in and out: decoding a request body by its Content-Type, and reading
// from Accept whether the client wants a meta.k8s.io Table (what kubectl get
// asks for) or the objects themselves.
import { parse as parseYaml } from 'yaml';
import { badRequest, notAcceptable, unsupportedMediaType } from '../proto/index.js';
import { decodeProtobufObject, PROTOBUF } from './protobuf.js';
import type { KubeObject } from './registry/strategy.js';

export const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'] as const;
export type PatchType = (typeof PATCH_TYPES)[number];
/** Server-side apply's body: a (partial) object in YAML or JSON (apiserver/apply). */
export const APPLY_PATCH_TYPE = 'application/apply-patch+yaml';

/** The media type of a Content-Type header, lower case, without parameters. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

const YAML_TYPES = new Set(['application/yaml', 'application/x-yaml', 'text/yaml']);

/**
 * How deep a body may nest. Upstream's JSON decoder stops at 10000 levels;
 * kubelab's own walks over an object (field validation, managedFields,
 * patches) recurse, and stop well before that, so it refuses at 1000, far
 * beyond any real object (a DaemonSet nests about 15 deep).
 */
export const MAX_NESTING_DEPTH = 1000;

function tooDeep(): Error {
  return badRequest(`the request body nests more than ${MAX_NESTING_DEPTH} levels deep`);
}

/**
 * Whether a JSON (or flow-style YAML) text opens more than `max` brackets
 * at once, outside strings: checked before parsing, so a bomb of brackets
 * costs no memory. A text shorter than `max` cannot, and is not scanned.
 */
export function textNestsDeeperThan(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let depth = 0;
  let quote = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (quote !== 0) {
      if (c === 0x5c && quote === 0x22) i += 1;
      else if (c === quote) quote = 0;
      continue;
    }
    if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return false;
}

/** Whether a decoded value nests more than `max` levels (YAML's block style nests by indentation, which no bracket count sees). */
function valueNestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(item) ? item : Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Parses a body as JSON, or YAML when it says so; anything else is a clear 400 or 415. */
export function decodeBody(body: Buffer | undefined, contentType: string | undefined): unknown {
  const type = mediaType(contentType);
  if (type === PROTOBUF && body && body.length > 0) return decodeProtobufObject(body);
  const text = body?.toString('utf8') ?? '';
  if (text.trim() === '') throw badRequest('the body of the request was empty');
  if (textNestsDeeperThan(text, MAX_NESTING_DEPTH)) throw tooDeep();
  if (YAML_TYPES.has(type) || type === APPLY_PATCH_TYPE) {
    let value: unknown;
    try {
      // As yaml.v2 under upstream's non-strict decoding, a repeated key's last value wins; field validation names the repeat.
      // Aliases are bounded by the library's maxAliasCount (100): a billion laughs is refused, not expanded.
      // Its warnings (an unknown tag or directive) are the client's business, not the server's stderr: logLevel 'error'.
      value = parseYaml(text, { uniqueKeys: false, logLevel: 'error' }) as unknown;
    } catch (error) {
      // The YAML parser recurses a level a block: a stack overflow is nesting past what it can read.
      if (error instanceof RangeError || (error as Error).message.startsWith('Maximum call stack size exceeded')) throw tooDeep();
      throw badRequest(`error converting YAML to JSON: ${(error as Error).message}`);
    }
    if (text.length > MAX_NESTING_DEPTH && valueNestsDeeperThan(value, MAX_NESTING_DEPTH)) throw tooDeep();
    return value;
  }
  if (type !== '' && type !== 'application/json' && !(PATCH_TYPES as readonly string[]).includes(type)) {
    throw unsupportedMediaType(type);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequest(`json parse error: ${(error as Error).message}`);
  }
}

/** A JSON or YAML body's text, for what a parsed value no longer shows (duplicated keys). */
export interface BodySource {
  readonly text: string;
  readonly yaml: boolean;
}

/** The text of a JSON or YAML body (after decodeBody accepted it); undefined for protobuf. */
export function bodySource(body: Buffer | undefined, contentType: string | undefined): BodySource | undefined {
  const type = mediaType(contentType);
  if (type === PROTOBUF || !body) return undefined;
  return { text: body.toString('utf8'), yaml: YAML_TYPES.has(type) || type === APPLY_PATCH_TYPE };
}

/** A decoded body that must be one object, not a list or a scalar. */
export function decodeObjectBody(body: Buffer | undefined, contentType: string | undefined): KubeObject {
  const value = decodeBody(body, contentType);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('the body of the request must be a JSON object');
  }
  const object = value as KubeObject;
  if (object.metadata !== undefined && (object.metadata === null || typeof object.metadata !== 'object' || Array.isArray(object.metadata))) {
    throw badRequest('metadata must be an object');
  }
  return object;
}

export type Rendering = 'object' | 'table';

interface MediaRange {
  readonly type: string;
  readonly params: Record<string, string>;
}

function parseAccept(header: string | undefined): MediaRange[] {
  if (!header) return [{ type: '*/*', params: {} }];
  return header.split(',').map((part) => {
    const [type = '', ...params] = part.split(';').map((s) => s.trim());
    const entries = params.map((p) => {
      const eq = p.indexOf('=');
      return eq < 0 ? [p, ''] : [p.slice(0, eq).trim(), p.slice(eq + 1).trim()];
    });
    return { type: type.toLowerCase(), params: Object.fromEntries(entries) as Record<string, string> };
  });
}

/**
 * What to answer with, in the client's order of preference: a Table when it
 * asks `as=Table` of meta.k8s.io, else JSON; 406 when it accepts neither.
 */
export function negotiate(accept: string | undefined): Rendering {
  for (const range of parseAccept(accept)) {
    if (range.params.as === 'Table' && (range.params.g ?? 'meta.k8s.io') === 'meta.k8s.io') {
      if (range.type === 'application/json' || range.type === '*/*') return 'table';
      continue;
    }
    if (range.params.as !== undefined) continue;
    if (range.type === 'application/json' || range.type === '*/*' || range.type === 'application/*') return 'object';
  }
  throw notAcceptable('only the following media types are accepted: application/json, application/json;as=Table;v=v1;g=meta.k8s.io');
}

/** Whether Accept asks for aggregated discovery (apidiscovery.k8s.io v2 or v2beta1), and which version. */
export function wantsAggregatedDiscovery(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const range of parseAccept(accept)) {
    if (range.params.g === 'apidiscovery.k8s.io' && range.params.as === 'APIGroupDiscoveryList') {
      if (range.params.v === 'v2' || range.params.v === 'v2beta1') return range.params.v;
    }
    if (range.params.as === undefined && (range.type === 'application/json' || range.type === '*/*')) return undefined;
  }
  return undefined;
}
