// OpenAPI v3 (upstream /openapi/v3): the root lists one document per group
// version; each document lists the resource paths and their operations with
// `x-kubernetes-group-version-kind` and the query parameters they take.
// kubectl reads it to learn that the server validates fields itself
// (`fieldValidation`), and then sends its objects without validating them
// against a schema first (cli-runtime's QueryParamVerifierV3).
//
// Not built yet: the object schemas (components.schemas), which `kubectl
// explain` and kubectl's client-side validation read; /openapi/v2 answers 404.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { groupVersions, resources, type ResourceType } from '../proto/index.js';
import { serverVersion } from './discovery.js';
import { pathNotFound } from './request-info.js';

function parameter(name: string, description: string): Record<string, unknown> {
  return { name, in: 'query', description, schema: { type: 'string' }, uniqueItems: true };
}

const DRY_RUN = parameter('dryRun', 'When present, indicates that modifications should not be persisted.');
const FIELD_VALIDATION = parameter('fieldValidation', 'How the server treats unknown or duplicate fields: Ignore, Warn or Strict.');
const FIELD_MANAGER = parameter('fieldManager', 'A name associated with the actor or entity that is making these changes.');

function operation(r: ResourceType, action: string, parameters: Record<string, unknown>[]): Record<string, unknown> {
  return {
    operationId: `${action}${r.kind}`,
    parameters,
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: r.group, version: r.version, kind: r.kind },
  };
}

function paths(r: ResourceType): Record<string, unknown> {
  const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const collection = r.scope === 'Namespaced' ? `${base}/namespaces/{namespace}/${r.plural}` : `${base}/${r.plural}`;
  const writes = [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION];
  const found: Record<string, unknown> = {
    [collection]: { get: operation(r, 'list', []), post: operation(r, 'post', writes) },
    [`${collection}/{name}`]: {
      get: operation(r, 'get', []),
      put: operation(r, 'put', writes),
      patch: operation(r, 'patch', [...writes, parameter('force', 'Force an apply patch.')]),
      delete: operation(r, 'delete', [DRY_RUN]),
    },
  };
  for (const sub of r.subresources) {
    if (sub.name === 'binding') continue;
    found[`${collection}/{name}/${sub.name}`] = {
      get: operation(r, 'get', []),
      put: operation(r, 'put', writes),
      patch: operation(r, 'patch', writes),
    };
  }
  return found;
}

function document(group: string, version: string): Record<string, unknown> {
  const served = resources.filter((r) => r.group === group && r.version === version);
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: serverVersion.gitVersion },
    paths: Object.assign({}, ...served.map(paths)) as Record<string, unknown>,
    components: { schemas: {} },
  };
}

export function openApiPlugin(app: FastifyInstance): void {
  const documents = new Map<string, { body: string; hash: string }>();
  for (const { group, versions } of groupVersions()) {
    for (const version of versions) {
      const key = group === '' ? `api/${version}` : `apis/${group}/${version}`;
      const body = JSON.stringify(document(group, version));
      documents.set(key, { body, hash: createHash('sha512').update(body).digest('hex').slice(0, 128).toUpperCase() });
    }
  }
  const root = JSON.stringify({
    paths: Object.fromEntries([...documents].map(([key, doc]) => [key, { serverRelativeURL: `/openapi/v3/${key}?hash=${doc.hash}` }])),
  });
  app.get('/openapi/v3', async (_request, reply) => reply.type('application/json').send(root));
  app.get('/openapi/v3/*', async (request, reply) => {
    const key = (request.params as { '*': string })['*'];
    const doc = documents.get(key);
    if (!doc) throw pathNotFound();
    return reply.type('application/json').header('Cache-Control', 'public, immutable').send(doc.body);
  });
}


