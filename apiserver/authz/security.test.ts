// Every route under --authorization-mode=Node,RBAC: each served resource and
// subresource with each of its verbs, and both upgrades (WebSocket watch and
// exec), refuses the anonymous (401), a user whose role grants every verb but
// that one (403, upstream's wording), and another node's kubelet; a user whose
// role grants just that verb gets past authorization.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { resources, type ResourceType } from '../../proto/index.js';
import type { Authenticator, UserInfo } from '../auth.js';
import { pod, startTestServer, type TestServer } from '../test-support.js';

const NODES = 'system:nodes';
const special: Record<string, UserInfo> = {
  admin: { username: 'admin', groups: ['system:masters', 'system:authenticated'] },
  'node-n1': { username: 'system:node:n1', groups: [NODES, 'system:authenticated'] },
  'node-n2': { username: 'system:node:n2', groups: [NODES, 'system:authenticated'] },
};

/** Bearer <name>: that user (the few above are special), in system:authenticated. */
const byToken: Authenticator = (request) => {
  const token = request.headers.authorization?.replace(/^Bearer /, '');
  if (!token) return undefined;
  return special[token] ?? { username: token, groups: ['system:authenticated'] };
};

interface Route {
  readonly resource: ResourceType;
  readonly subresource?: string;
  readonly verb: string;
}

/** Every resource (current versions) and subresource with each verb it serves; the reviews are every user's (system:basic-user). */
function routes(): Route[] {
  const served = resources.filter((r) => !r.storage && !r.kind.startsWith('SelfSubject'));
  return served.flatMap((resource) => [
    ...resource.verbs.map((verb) => ({ resource, verb })),
    ...resource.subresources.flatMap((sub) => sub.verbs.map((verb) => ({ resource, subresource: sub.name, verb }))),
  ]);
}

const rbacResource = (route: Route) => (route.subresource ? `${route.resource.plural}/${route.subresource}` : route.resource.plural);
const routeName = (route: Route) => `${route.verb} ${route.resource.group || 'core'}/${rbacResource(route)}`;
const userOf = (route: Route, kind: 'right' | 'wrong') => `${kind}:${route.resource.group}:${rbacResource(route)}:${route.verb}`.replaceAll('/', '.');

function request(route: Route): { method: string; path: string; body?: unknown; contentType?: string } {
  const r = route.resource;
  const base = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  const collection = r.scope === 'Namespaced' ? `${base}/namespaces/default/${r.plural}` : `${base}/${r.plural}`;
  const item = route.subresource ? `${collection}/x/${route.subresource}` : `${collection}/x`;
  switch (route.verb) {
    case 'list':
      return { method: 'GET', path: collection };
    case 'watch':
      return { method: 'GET', path: `${collection}?watch=true&timeoutSeconds=1` };
    case 'deletecollection':
      // A selector that picks nothing: the route is authorized, the cluster's roles and bindings stay.
      return { method: 'DELETE', path: `${collection}?labelSelector=picks%3Dnothing` };
    case 'create':
      return { method: 'POST', path: route.subresource ? item : collection, body: {} };
    case 'get':
      return { method: 'GET', path: item };
    case 'update':
      return { method: 'PUT', path: item, body: {} };
    case 'patch':
      return { method: 'PATCH', path: item, body: {}, contentType: 'application/merge-patch+json' };
    default:
      return { method: 'DELETE', path: item };
  }
}

/** Upstream's forbiddenMessage, for a route of this table. */
function forbiddenText(route: Route, user: string): string {
  const r = route.resource;
  const qualified = r.group === '' ? r.plural : `${r.plural}.${r.group}`;
  const named = ['list', 'watch', 'deletecollection'].includes(route.verb) || (route.verb === 'create' && !route.subresource) ? qualified : `${qualified} "x"`;
  const scope = r.scope === 'Namespaced' ? 'in the namespace "default"' : 'at the cluster scope';
  return `${named} is forbidden: User "${user}" cannot ${route.verb} resource "${rbacResource(route)}" in API group "${r.group}" ${scope}`;
}

describe('authorization of every route (Node,RBAC)', () => {
  let server: TestServer;
  const table = routes();
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  /** Status and body of a request; a watch is read only to its status line. */
  async function send(route: Route, token?: string): Promise<{ status: number; body: any }> {
    const { method, path, body, contentType } = request(route);
    const headers = { ...(token ? as(token) : {}), ...(body !== undefined ? { 'Content-Type': contentType ?? 'application/json' } : {}) };
    const response = await fetch(server.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (route.verb === 'watch' && response.status === 200) {
      await response.body?.cancel();
      return { status: 200, body: undefined };
    }
    const text = await response.text();
    return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  }

  before(async () => {
    server = await startTestServer({ authenticator: byToken, authorizationModes: ['Node', 'RBAC'] });
    // For each route: a role with just its verb, and one with every other verb of the resource.
    for (const route of table) {
      const verbs = route.subresource ? route.resource.subresources.find((s) => s.name === route.subresource)!.verbs : route.resource.verbs;
      for (const [kind, granted] of [['right', [route.verb]], ['wrong', verbs.filter((v) => v !== route.verb)]] as const) {
        const name = userOf(route, kind);
        if (granted.length === 0) continue;
        const rules = [{ apiGroups: [route.resource.group], resources: [rbacResource(route)], verbs: granted }];
        assert.equal((await server.call('POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', { metadata: { name }, rules }, as('admin'))).status, 201);
        const binding = { metadata: { name }, roleRef: { kind: 'ClusterRole', name }, subjects: [{ kind: 'User', name }] };
        assert.equal((await server.call('POST', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings', binding, as('admin'))).status, 201);
      }
    }
    // The authorizer reads a cache a moment behind the store: wait until the last binding counts.
    const last = table[table.length - 1]!;
    for (let i = 0; i < 100 && [401, 403].includes((await send(last, userOf(last, 'right'))).status); i++) await new Promise((resolve) => setTimeout(resolve, 20));
  });
  after(() => server.close());

  test('the table covers every served kind, status, scale, binding, eviction, log, exec and finalize', () => {
    const subresources = new Set(table.map((r) => r.subresource).filter(Boolean));
    assert.deepEqual([...subresources].sort(), ['binding', 'eviction', 'exec', 'finalize', 'log', 'scale', 'status']);
    assert.ok(table.length > 150, String(table.length));
  });

  test('anonymous: 401 on every route', async () => {
    for (const route of table) assert.equal((await send(route)).status, 401, routeName(route));
  });

  test("a role with every other verb: upstream's 403 on every route", async () => {
    for (const route of table) {
      const user = userOf(route, 'wrong');
      const answer = await send(route, user);
      assert.equal(answer.status, 403, routeName(route));
      assert.equal(answer.body.message, forbiddenText(route, user), routeName(route));
      assert.equal(answer.body.reason, 'Forbidden');
    }
  });

  test('a role with just that verb: past authorization on every route', async () => {
    for (const route of table) {
      const answer = await send(route, userOf(route, 'right'));
      assert.ok(![401, 403].includes(answer.status), `${routeName(route)}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
  });

  test('the forbidden message reads exactly as upstream', async () => {
    const answer = await server.call('GET', '/api/v1/namespaces/default/pods', undefined, as('alice'));
    assert.equal(answer.body.message, 'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"');
    const ds = await server.call('GET', '/apis/apps/v1/namespaces/default/daemonsets/agent', undefined, as('alice'));
    assert.equal(ds.body.message, 'daemonsets.apps "agent" is forbidden: User "alice" cannot get resource "daemonsets" in API group "apps" in the namespace "default"');
    const path = await server.call('GET', '/metrics', undefined, as('alice'));
    assert.deepEqual([path.status, path.body.message], [403, 'forbidden: User "alice" cannot get path "/metrics"']);
  });

  test('discovery and the health checks: any authenticated user; the health checks and /version: anyone', async () => {
    for (const path of ['/api', '/apis', '/api/v1', '/apis/apps/v1', '/openapi/v2', '/version']) assert.equal((await server.call('GET', path, undefined, as('alice'))).status, 200, path);
    for (const path of ['/healthz', '/livez', '/readyz', '/version']) assert.equal((await server.call('GET', path)).status, 200, path);
    assert.equal((await server.call('GET', '/api')).status, 401);
  });

  /** The first message a WebSocket gets, or the HTTP status it was refused with. */
  function upgrade(path: string, token?: string, protocols?: string[]): Promise<{ status?: number; event?: any }> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}${path}`, protocols, { headers: token ? as(token) : {} });
      socket.once('unexpected-response', (_request, response) => {
        resolve({ status: response.statusCode });
        socket.terminate();
      });
      socket.once('message', (data) => {
        resolve({ event: JSON.parse((data as Buffer).toString('utf8')) });
        socket.close();
      });
      socket.once('error', reject);
    });
  }

  test('WebSocket watch and exec: 401 for the anonymous, 403 for the wrong role, on the socket as upstream', async () => {
    assert.equal((await upgrade('/api/v1/namespaces/default/pods?watch=true')).status, 401);
    assert.equal((await upgrade('/api/v1/namespaces/default/pods/web/exec?command=ls&stdout=true', undefined, ['v5.channel.k8s.io'])).status, 401);
    const watch = await upgrade('/api/v1/namespaces/default/pods?watch=true', userOf({ resource: resources.find((r) => r.kind === 'Pod')!, verb: 'watch' }, 'wrong'));
    assert.equal(watch.event.type, 'ERROR');
    assert.equal(watch.event.object.code, 403);
    const exec = await upgrade('/api/v1/namespaces/default/pods/web/exec?command=ls&stdout=true', 'alice', ['v5.channel.k8s.io']);
    assert.equal(exec.event.object.code, 403);
    assert.equal(exec.event.object.message, 'pods "web" is forbidden: User "alice" cannot get resource "pods/exec" in API group "" in the namespace "default"');
  });

  describe('kubelets (Node authorizer and NodeRestriction)', () => {
    before(async () => {
      for (const name of ['n1', 'n2']) {
        const node = { metadata: { name } };
        assert.equal((await server.call('POST', '/api/v1/nodes', node, as(`node-${name}`))).status, 201);
        const lease = { metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name } };
        assert.equal((await server.call('POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', lease, as(`node-${name}`))).status, 201);
        const bound = pod(`on-${name}`, {}, { spec: { nodeName: name, containers: [{ name: 'app', image: 'nginx:1.27' }] } });
        assert.equal((await server.call('POST', '/api/v1/namespaces/default/pods', bound, as('admin'))).status, 201);
      }
    });

    const refusals: [string, string, string, unknown, string][] = [
      ['GET', '/api/v1/nodes/n1', '', undefined, `nodes "n1" is forbidden: User "system:node:n2" cannot get resource "nodes" in API group "" at the cluster scope: node 'n2' cannot read 'n1', only its own Node object`],
      ['GET', '/api/v1/nodes', '', undefined, `nodes is forbidden: User "system:node:n2" cannot list resource "nodes" in API group "" at the cluster scope: node 'n2' cannot read all nodes, only its own Node object`],
      ['PATCH', '/api/v1/nodes/n1/status', 'application/merge-patch+json', { status: {} }, 'nodes "n1" is forbidden: node "n2" is not allowed to modify node "n1"'],
      ['PATCH', '/api/v1/nodes/n1', 'application/merge-patch+json', { metadata: { labels: { a: 'b' } } }, 'nodes "n1" is forbidden: node "n2" is not allowed to modify node "n1"'],
      ['PUT', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1', 'application/json', { metadata: { name: 'n1' } }, `leases.coordination.k8s.io "n1" is forbidden: User "system:node:n2" cannot update resource "leases" in API group "coordination.k8s.io" in the namespace "kube-node-lease": can only access node lease with the same name as the requesting node`],
      ['POST', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', 'application/json', { metadata: { name: 'n3' } }, 'leases.coordination.k8s.io "n3" is forbidden: can only access node lease with the same name as the requesting node'],
      ['GET', '/api/v1/namespaces/default/pods/on-n1', '', undefined, `pods "on-n1" is forbidden: User "system:node:n2" cannot get resource "pods" in API group "" in the namespace "default": no relationship found between node 'n2' and this object`],
      ['GET', '/api/v1/pods', '', undefined, `pods is forbidden: User "system:node:n2" cannot list resource "pods" in API group "" at the cluster scope: can only list/watch pods with spec.nodeName field selector`],
      ['PATCH', '/api/v1/namespaces/default/pods/on-n1/status', 'application/merge-patch+json', { status: {} }, 'pods "on-n1" is forbidden: node "n2" can only update pod status for pods with spec.nodeName set to itself'],
      ['DELETE', '/api/v1/namespaces/default/pods/on-n1', '', undefined, 'pods "on-n1" is forbidden: node "n2" can only delete pods with spec.nodeName set to itself'],
      ['POST', '/api/v1/namespaces/default/pods', 'application/json', pod('sneaky', {}, { spec: { nodeName: 'n2', containers: [{ name: 'a', image: 'b' }] } }), 'pods "sneaky" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "n2" can only create mirror pods'],
      ['GET', '/api/v1/namespaces/default/pods/on-n2/log', '', undefined, `pods "on-n2" is forbidden: User "system:node:n2" cannot get resource "pods/log" in API group "" in the namespace "default"`],
    ];
    for (const [method, path, contentType, body, message] of refusals) {
      test(`another node's kubelet: ${method} ${path} is 403`, async () => {
        const answer = await server.call(method, path, body, { ...as('node-n2'), ...(contentType ? { 'Content-Type': contentType } : {}) });
        assert.equal(answer.status, 403, JSON.stringify(answer.body));
        assert.equal(answer.body.message, message);
      });
    }

    test('a kubelet reads and writes its own node, lease and pods', async () => {
      const own: [string, string, string, unknown][] = [
        ['GET', '/api/v1/nodes/n1', '', undefined],
        ['GET', '/api/v1/nodes?fieldSelector=metadata.name%3Dn1', '', undefined],
        ['PATCH', '/api/v1/nodes/n1/status', 'application/merge-patch+json', { status: { phase: 'Running' } }],
        ['GET', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1', '', undefined],
        ['GET', '/api/v1/pods?fieldSelector=spec.nodeName%3Dn1', '', undefined],
        ['GET', '/api/v1/namespaces/default/pods/on-n1', '', undefined],
        ['PATCH', '/api/v1/namespaces/default/pods/on-n1/status', 'application/merge-patch+json', { status: { phase: 'Running' } }],
        ['POST', '/api/v1/namespaces/default/events', 'application/json', { metadata: { name: 'e' }, involvedObject: { kind: 'Node', name: 'n1' }, reason: 'Ready', message: 'ready' }],
      ];
      for (const [method, path, contentType, body] of own) {
        const answer = await server.call(method, path, body, { ...as('node-n1'), ...(contentType ? { 'Content-Type': contentType } : {}) });
        assert.ok(answer.status < 300, `${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
    });
  });
});
