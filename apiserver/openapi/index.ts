// /openapi/v2 and /openapi/v3 (upstream kube-openapi pkg/handler and
// pkg/handler3), with their caching as upstream: an ETag that is the
// document's hash, 304 on If-None-Match, and on a /openapi/v3 document asked
// for with its current `?hash=`, `Cache-Control: public, immutable` for a
// year; an old hash is redirected to the current one. /openapi/v2 in JSON or,
// for kubectl's validation and `explain --output plaintext-openapiv2`, in
// gnostic's protobuf (gnostic.ts).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pathNotFound } from '../request-info.js';
import { servedOpenApi, servedV2Protobuf, type ServedDocument } from './served.js';

export { servedDefinitions } from './served.js';
export { gvkKey, INT_OR_STRING, type Definitions, type Schema, type ServedDefinitions } from './definitions.js';

interface AcceptClause {
  readonly type: string;
  readonly subtype: string;
  readonly q: number;
}

/**
 * The media ranges of an Accept header, best first, as goautoneg.ParseAccept
 * sorts them for kube-openapi: by q, then a concrete type before a wildcard.
 */
function acceptClauses(accept: string): AcceptClause[] {
  const clauses: AcceptClause[] = [];
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.trim().split(';');
    const [type = '', subtype] = range.split('/').map((s) => s.trim());
    if (subtype === undefined && type !== '*') continue;
    const q = params.map((p) => p.split('=')).find(([key]) => key?.trim() === 'q')?.[1];
    clauses.push({ type, subtype: subtype ?? '*', q: q === undefined ? 1 : Number(q) || 0 });
  }
  const wildcards = (c: AcceptClause) => (c.type === '*' ? 2 : 0) + (c.subtype === '*' ? 1 : 0);
  return clauses.sort((a, b) => b.q - a.q || wildcards(a) - wildcards(b));
}

/** The Content-Type kube-openapi answers protobuf with, whichever of its two names was asked for. */
export const V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/**
 * kube-openapi's pkg/handler: JSON, or protobuf under its current name or
 * the deprecated one client-go's discovery still asks for.
 */
const V2_MEDIA_TYPES = [
  { subtype: 'json', form: 'json' },
  { subtype: 'com.github.proto-openapi.spec.v2@v1.0+protobuf', form: 'protobuf' },
  { subtype: 'com.github.proto-openapi.spec.v2.v1.0+protobuf', form: 'protobuf' },
] as const;

/** The form of /openapi/v2 to answer: the first served media type the best clause matches; none is a 406. */
function v2Form(accept: string | undefined): 'json' | 'protobuf' | undefined {
  for (const clause of acceptClauses(accept || '*/*')) {
    for (const { subtype, form } of V2_MEDIA_TYPES) {
      if ((clause.type === 'application' || clause.type === '*') && (clause.subtype === subtype || clause.subtype === '*')) return form;
    }
  }
  return undefined;
}

function sendDocument(request: FastifyRequest, reply: FastifyReply, doc: ServedDocument, builtAt: Date, body: string | Buffer = doc.body, type = 'application/json'): FastifyReply {
  const etag = `"${doc.hash}"`;
  reply.header('ETag', etag).header('Last-Modified', builtAt.toUTCString()).header('Vary', 'Accept');
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.type(type).send(body);
}

export function openApiPlugin(app: FastifyInstance): void {
  app.get('/openapi/v2', async (request, reply) => {
    const form = v2Form(request.headers.accept);
    // As upstream: an empty 406 for a media type it cannot produce.
    if (!form) return reply.code(406).header('Vary', 'Accept').send();
    const openApi = servedOpenApi();
    // The protobuf form carries the JSON's ETag, as kube-openapi's (one etagCache for both).
    if (form === 'protobuf') return sendDocument(request, reply, openApi.v2, openApi.builtAt, servedV2Protobuf(), V2_PROTOBUF);
    return sendDocument(request, reply, openApi.v2, openApi.builtAt);
  });
  app.get('/openapi/v3', async (_request, reply) => reply.type('application/json').send(servedOpenApi().v3Root));
  app.get('/openapi/v3/*', async (request, reply) => {
    const key = (request.params as { '*': string })['*'];
    const openApi = servedOpenApi();
    const doc = openApi.v3.get(key);
    if (!doc) throw pathNotFound();
    const hash = (request.query as { hash?: string }).hash;
    if (hash !== undefined && hash !== '') {
      if (hash !== doc.hash) return reply.redirect(`/openapi/v3/${key}?hash=${doc.hash}`, 301);
      const inAYear = new Date(Date.now() + 365 * 24 * 3600 * 1000);
      reply.header('Cache-Control', 'public, immutable').header('Expires', inAYear.toUTCString());
    }
    return sendDocument(request, reply, doc, openApi.builtAt);
  });
}
