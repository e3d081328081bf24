// Discovery (upstream staging/src/k8s.io/apiserver/pkg/endpoints/discovery):
// /api, /apis, /api/v1, /apis/<group>/<version>, the aggregated
// apidiscovery.k8s.io/v2 form kubectl asks for first, and /version. All of
// it is read off the catalogue.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { apiVersionOf, groupVersions, resources, type ResourceType } from '../proto/index.js';
import { wantsAggregatedDiscovery } from './content.js';
import { pathNotFound } from './request-info.js';

export const serverVersion = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-kubelab',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2026-11-22T00:00:00Z',
  goVersion: 'kubelab (node)',
  compiler: 'tsc',
  platform: 'linux/amd64',
};

function apiResource(r: ResourceType): Record<string, unknown>[] {
  const main = {
    name: r.plural,
    singularName: r.singular,
    namespaced: r.scope === 'Namespaced',
    kind: r.kind,
    verbs: r.verbs,
    ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length > 0 ? { categories: r.categories } : {}),
  };
  const subs = r.subresources.map((s) => ({
    name: `${r.plural}/${s.name}`,
    singularName: '',
    namespaced: r.scope === 'Namespaced',
    ...(s.kind.group !== r.group || s.kind.version !== r.version ? { group: s.kind.group, version: s.kind.version } : {}),
    kind: s.kind.kind,
    verbs: s.verbs,
  }));
  return [main, ...subs];
}

function resourceList(group: string, version: string): Record<string, unknown> {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf({ group, version }),
    resources: resources.filter((r) => r.group === group && r.version === version).flatMap(apiResource),
  };
}

function apiGroup(group: string, versions: string[]): Record<string, unknown> {
  const list = versions.map((version) => ({ groupVersion: `${group}/${version}`, version }));
  return { name: group, versions: list, preferredVersion: list[0] };
}

/** apidiscovery.k8s.io APIGroupDiscovery of one group. */
function discoveryGroup(group: string, versions: string[]): Record<string, unknown> {
  return {
    metadata: { name: group, creationTimestamp: null },
    versions: versions.map((version) => ({
      version,
      resources: resources
        .filter((r) => r.group === group && r.version === version)
        .map((r) => ({
          resource: r.plural,
          responseKind: { group: r.group, version: r.version, kind: r.kind },
          scope: r.scope,
          singularResource: r.singular,
          verbs: r.verbs,
          ...(r.shortNames.length > 0 ? { shortNames: r.shortNames } : {}),
          ...(r.categories.length > 0 ? { categories: r.categories } : {}),
          ...(r.subresources.length > 0
            ? { subresources: r.subresources.map((s) => ({ subresource: s.name, responseKind: s.kind, verbs: s.verbs })) }
            : {}),
        })),
      freshness: 'Current',
    })),
  };
}

/** Sent as bytes, so the media type goes out exactly as kubectl expects it, unquoted. */
function sendAggregated(reply: FastifyReply, answer: { contentType: string; body: unknown }): FastifyReply {
  return reply.header('Content-Type', answer.contentType).header('Vary', 'Accept').send(Buffer.from(JSON.stringify(answer.body)));
}

export function discoveryPlugin(app: FastifyInstance): void {
  const aggregated = (accept: string | undefined, groups: { group: string; versions: string[] }[]) => {
    const version = wantsAggregatedDiscovery(accept);
    if (!version) return undefined;
    return {
      contentType: `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`,
      body: { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items: groups.map((g) => discoveryGroup(g.group, g.versions)) },
    };
  };

  app.get('/api', (request, reply) => {
    const core = groupVersions().filter((g) => g.group === '');
    const answer = aggregated(request.headers.accept, core);
    if (answer) return sendAggregated(reply, answer);
    const host = request.socket.localAddress && request.socket.localPort ? `${request.socket.localAddress}:${request.socket.localPort}` : request.hostname;
    return reply.header('Vary', 'Accept').send({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: host }],
    });
  });

  app.get('/apis', (request, reply) => {
    const groups = groupVersions().filter((g) => g.group !== '');
    const answer = aggregated(request.headers.accept, groups);
    if (answer) return sendAggregated(reply, answer);
    return reply.header('Vary', 'Accept').send({ kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map((g) => apiGroup(g.group, g.versions)) });
  });

  app.get('/api/v1', (_request, reply) => reply.send(resourceList('', 'v1')));

  app.get<{ Params: { group: string } }>('/apis/:group', (request, reply) => {
    const found = groupVersions().find((g) => g.group === request.params.group && g.group !== '');
    if (!found) throw pathNotFound();
    return reply.send({ kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(found.group, found.versions) });
  });

  app.get<{ Params: { group: string; version: string } }>('/apis/:group/:version', (request, reply) => {
    const { group, version } = request.params;
    if (group === '' || !resources.some((r) => r.group === group && r.version === version)) throw pathNotFound();
    return reply.send(resourceList(group, version));
  });

  app.get('/version', (_request, reply) => reply.send(serverVersion));
}
