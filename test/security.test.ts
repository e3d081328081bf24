// A secure lab as a user meets it: the real kubectl with the kubeconfig the
// lab writes, refused without a client certificate; raw HTTPS requests with
// no credentials, a certificate from another CA, a static token; WebSocket
// watches; and the apiserver process refusing --insecure off loopback.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { parseTokenFile, startApiServer, tokenAuthenticator, unionAuthenticator, x509Authenticator, type RunningApiServer } from '../apiserver/index.js';
import type { Authorizer, UserInfo } from '../apiserver/index.js';
import { kubeconfigFor } from '../scripts/kubeconfig.js';
import { ensureLabPki, type LabPki } from '../scripts/pki.js';
import { startCluster, type Cluster } from '../scripts/start-cluster.js';
import { openStore, type Store } from '../store/index.js';
import { kinds } from '../client/index.js';
import { eventually } from './eventually.js';
import { KUBECTL } from './kubectl.js';

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** One HTTPS GET trusting `ca`, with a client certificate or headers when given. */
function get(url: string, options: { ca: string; cert?: string; key?: string; headers?: Record<string, string> }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { ca: options.ca, cert: options.cert, key: options.key, headers: options.headers, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
}

/** The status a WebSocket upgrade is answered with: 101 when it opens, else the HTTP refusal. */
function upgradeStatus(url: string, options: { ca: string; headers?: Record<string, string> }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { ca: options.ca, headers: options.headers });
    socket.once('open', () => {
      socket.close();
      resolve({ status: 101, body: '' });
    });
    socket.once('unexpected-response', (_request, response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    socket.once('error', reject);
  });
}

const unauthorizedStatus = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };

/** Runs the real kubectl with this kubeconfig text, a discovery cache of its own (test/kubectl.ts). */
async function kubectlWith(dir: string, kubeconfig: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const path = join(dir, `config-${Math.random().toString(36).slice(2)}`);
  await writeFile(path, kubeconfig);
  const env = { ...process.env, KUBECONFIG: path, KUBECACHEDIR: join(dir, 'cache'), HOME: dir };
  // stdin closed, as in a script: with a terminal, kubectl asks for a user name when it has no credentials.
  return new Promise((resolve) => {
    const child = execFile(KUBECTL, args, { env, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
    child.stdin?.end();
  });
}

describe('a secure lab cluster (HTTPS, client certificates)', () => {
  let cluster: Cluster;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubelab-security-'));
    cluster = await startCluster({ secure: true, nodes: 2 });
  });
  after(async () => {
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const pki = () => cluster.credentials!.pki;

  test('kubectl works with the kubeconfig the lab writes, and the node registered with its own certificate', async () => {
    assert.match(cluster.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const answer = await kubectlWith(dir, await readFile(cluster.kubeconfigPath, 'utf8'), 'get', 'nodes');
    assert.equal(answer.code, 0, answer.stderr);
    assert.match(answer.stdout, /^NAME\s+STATUS\s+ROLES/);
    assert.match(answer.stdout, /node-1\s+Ready\s+control-plane/);
  });

  test("kubectl with another CA's client certificate, or a bad token: You must be logged in to the server (Unauthorized)", async () => {
    const other = ensureLabPki(join(dir, 'other-pki'));
    const foreign = await kubectlWith(dir, kubeconfigFor(cluster.url, { ca: pki().ca.cert, cert: other.admin.cert, key: other.admin.key }), 'get', 'nodes');
    assert.equal(foreign.code, 1);
    assert.equal(foreign.stderr.trim().split('\n').at(-1), 'error: You must be logged in to the server (Unauthorized)');
    const token = await kubectlWith(dir, kubeconfigFor(cluster.url, { ca: pki().ca.cert }), 'get', 'nodes', '--token', 'not-a-token');
    assert.equal(token.code, 1);
    assert.equal(token.stderr.trim().split('\n').at(-1), 'error: You must be logged in to the server (Unauthorized)');
  });

  test('kubectl with no credentials at all is refused (it asks for a user name, as against any cluster)', async () => {
    const answer = await kubectlWith(dir, kubeconfigFor(cluster.url, { ca: pki().ca.cert }), 'get', 'nodes');
    assert.equal(answer.code, 1);
    assert.doesNotMatch(answer.stdout, /node-1/);
  });

  test('anonymous requests get the 401 Status, except the health checks and /version', async () => {
    for (const path of ['/api/v1/nodes', '/api', '/apis', '/openapi/v2']) {
      const answer = await get(cluster.url + path, { ca: pki().ca.cert });
      assert.equal(answer.status, 401, path);
      assert.deepEqual(JSON.parse(answer.body), unauthorizedStatus);
    }
    for (const path of ['/healthz', '/livez', '/readyz', '/version']) assert.equal((await get(cluster.url + path, { ca: pki().ca.cert })).status, 200, path);
  });

  test('a client certificate from another CA is refused with 401, even where anonymous would pass', async () => {
    const other = ensureLabPki(join(dir, 'other-pki'));
    for (const path of ['/api/v1/nodes', '/healthz']) {
      const answer = await get(cluster.url + path, { ca: pki().ca.cert, cert: other.admin.cert, key: other.admin.key });
      assert.equal(answer.status, 401, path);
      assert.deepEqual(JSON.parse(answer.body), unauthorizedStatus);
    }
    const good = await get(cluster.url + '/api/v1/nodes', { ca: pki().ca.cert, cert: pki().admin.cert, key: pki().admin.key });
    assert.equal(good.status, 200);
  });

  test("kubectl logs and exec reach the node's kubelet over HTTPS with the API server's kubelet client certificate", async () => {
    const config = await readFile(cluster.kubeconfigPath, 'utf8');
    assert.equal((await kubectlWith(dir, config, 'run', 'web', '--image=nginx:1.27')).code, 0);
    await eventually('web Running', async () => {
      const pod = await cluster.client.resource(kinds.Pod, 'default').get('web');
      return pod.status?.containerStatuses?.[0]?.state?.running !== undefined;
    });
    const logs = await kubectlWith(dir, config, 'logs', 'web');
    assert.equal(logs.code, 0, logs.stderr);
    assert.match(logs.stdout, /docker-entrypoint/);
    const exec = await kubectlWith(dir, config, 'exec', 'web', '--', 'echo', 'hi');
    assert.equal(exec.code, 0, exec.stderr);
    assert.equal(exec.stdout, 'hi\n');
    // The kubelet endpoint itself refuses a client without a certificate of the cluster's CA.
    const pod = await cluster.client.resource(kinds.Pod, 'default').get('web');
    const node = await cluster.client.resource(kinds.Node).get(pod.spec?.nodeName ?? '');
    const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
    const anonymous = await get(`https://127.0.0.1:${port}/containerLogs/default/web/web`, { ca: pki().ca.cert });
    assert.equal(anonymous.status, 401);
  });

  test('a WebSocket watch without credentials is refused with 401', async () => {
    const answer = await upgradeStatus(`${cluster.url.replace('https', 'wss')}/api/v1/pods?watch=true`, { ca: pki().ca.cert });
    assert.equal(answer.status, 401);
    assert.deepEqual(JSON.parse(answer.body), unauthorizedStatus);
  });
});

describe('static tokens (--token-auth-file) beside client certificates', () => {
  let store: Store;
  let server: RunningApiServer;
  let pki: LabPki;
  let dir: string;
  const seen: UserInfo[] = [];
  // Records who each request was from, and allows it: the test looks at what authentication decided.
  const recording: Authorizer = (user) => {
    seen.push(user);
    return { allowed: true };
  };
  const tokens = parseTokenFile('31ada4fd-adec-460c-809a-9e56ceb75269,alice,1001,"developers,viewers"\n');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubelab-tokens-'));
    pki = ensureLabPki(join(dir, 'pki'));
    store = await openStore({ backend: 'memory' });
    server = await startApiServer({
      store,
      tls: { cert: pki.apiserver.cert, key: pki.apiserver.key, clientCa: pki.ca.cert },
      authenticator: unionAuthenticator(x509Authenticator, tokenAuthenticator(tokens)),
      authorizer: recording,
    });
  });
  after(async () => {
    await server?.close();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test("a known bearer token is its user, with the file's uid and groups and system:authenticated", async () => {
    seen.length = 0;
    const answer = await get(`${server.url}/api/v1/namespaces`, { ca: pki.ca.cert, headers: { Authorization: 'Bearer 31ada4fd-adec-460c-809a-9e56ceb75269' } });
    assert.equal(answer.status, 200);
    assert.deepEqual(seen.at(-1), { username: 'alice', uid: '1001', groups: ['developers', 'viewers', 'system:authenticated'] });
  });

  test("the admin's certificate is kubernetes-admin in system:masters", async () => {
    seen.length = 0;
    const answer = await get(`${server.url}/api/v1/namespaces`, { ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key });
    assert.equal(answer.status, 200);
    assert.deepEqual(seen.at(-1), { username: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
  });

  test('an unknown token is a 401, not anonymous, even on a public path', async () => {
    for (const path of ['/api/v1/namespaces', '/healthz']) {
      const answer = await get(server.url + path, { ca: pki.ca.cert, headers: { Authorization: 'Bearer nope' } });
      assert.equal(answer.status, 401, path);
      assert.deepEqual(JSON.parse(answer.body), unauthorizedStatus);
    }
  });

  test('a WebSocket watch authenticates with the bearer token, and is refused with a wrong one', async () => {
    const url = `${server.url.replace('https', 'wss')}/api/v1/namespaces?watch=true`;
    seen.length = 0;
    assert.equal((await upgradeStatus(url, { ca: pki.ca.cert, headers: { Authorization: 'Bearer 31ada4fd-adec-460c-809a-9e56ceb75269' } })).status, 101);
    assert.equal(seen.at(-1)?.username, 'alice');
    assert.equal((await upgradeStatus(url, { ca: pki.ca.cert, headers: { Authorization: 'Bearer nope' } })).status, 401);
  });

  test('kubectl with a token user (kubectl --token) is that user', async () => {
    seen.length = 0;
    const answer = await kubectlWith(dir, kubeconfigFor(server.url, { ca: pki.ca.cert }), 'get', 'namespaces', '--token', '31ada4fd-adec-460c-809a-9e56ceb75269');
    assert.equal(answer.code, 0, answer.stderr);
    assert.match(answer.stdout, /kube-system/);
    assert.ok(seen.every((user) => user.username === 'alice'));
  });
});

describe('the apiserver process refuses plain HTTP off loopback', () => {
  const main = fileURLToPath(new URL('../apiserver/main.js', import.meta.url));
  const run = (...args: string[]) =>
    new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, [main, '--store', 'memory', '--port', '0', ...args], { timeout: 15_000 }, (error, _stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr });
      });
    });

  test('--insecure on 0.0.0.0 is refused with a clear error', async () => {
    const answer = await run('--insecure', '--host', '0.0.0.0');
    assert.equal(answer.code, 1);
    assert.match(answer.stderr, /--insecure is refused on --host 0\.0\.0\.0: plain HTTP without authentication listens only on loopback/);
  });

  test('without TLS flags nor --insecure it does not start', async () => {
    const answer = await run();
    assert.equal(answer.code, 1);
    assert.match(answer.stderr, /give --tls-cert-file and --tls-private-key-file \(HTTPS\), or --insecure/);
  });
});
