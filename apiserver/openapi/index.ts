// /openapi/v2 and /openapi/v3 (upstream kube-openapi pkg/handler and
// pkg/handler3), with their caching as upstream: an ETag that is the
// document's hash, 304 on If-None-Match, and on a /openapi/v3 document asked
// for with its current `?hash=`, `Cache-Control: public, immutable` for a
// year; an old hash is redirected to the current one.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { pathNotFound } from '../request-info.js';
import { servedOpenApi, type ServedDocument } from './served.js';

export { servedDefinitions } from './served.js';
export { gvkKey, INT_OR_STRING, type Definitions, type Schema, type ServedDefinitions } from './definitions.js';

const V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2';

/**
 * Whether Accept takes JSON. kubectl's discovery client asks for /openapi/v2
 * in protobuf only; kubelab serves JSON only, so it answers such a request
 * 406 as upstream does for a media type it cannot produce.
 */
function acceptsJson(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((part) => {
    const type = part.split(';')[0]!.trim().toLowerCase();
    return type === 'application/json' || type === '*/*' || type === 'application/*';
  });
}

function sendDocument(request: FastifyRequest, reply: FastifyReply, doc: ServedDocument, builtAt: Date): FastifyReply {
  const etag = `"${doc.hash}"`;
  reply.header('ETag', etag).header('Last-Modified', builtAt.toUTCString()).header('Vary', 'Accept');
  if (request.headers['if-none-match'] === etag) return reply.code(304).send();
  return reply.type('application/json').send(doc.body);
}

export function openApiPlugin(app: FastifyInstance): void {
  app.get('/openapi/v2', async (request, reply) => {
    if (!acceptsJson(request.headers.accept)) {
      const wanted = request.headers.accept?.includes(V2_PROTOBUF) ? ' (protobuf is not served)' : '';
      return reply.code(406).type('text/plain; charset=utf-8').send(`406: Not Acceptable${wanted}`);
    }
    const openApi = servedOpenApi();
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
