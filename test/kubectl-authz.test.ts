// The real kubectl against a server with --authorization-mode=Node,RBAC and
// bearer tokens (the token is the user's name here; apiserver/auth.ts's seam):
// can-i, whoami, a forbidden get in upstream's words, and giving a student a
// role with kubectl create clusterrole and rolebinding, and an aggregated
// ClusterRole as the upstream docs build it (the clusterrole-aggregation
// controller runs, as system:kube-controller-manager). kubectl sends a token
// only over TLS, so the test puts a TLS pipe (a throwaway self-signed
// certificate) in front of the plain-HTTP server until the authn work serves HTTPS.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createServer, type Server } from 'node:tls';
import type { Authenticator } from '../apiserver/auth.js';
import { startApiServer, type RunningApiServer } from '../apiserver/index.js';
import { startControllers, type RunningControllers } from '../controllers/index.js';
import { openStore, type Store } from '../store/index.js';
import { eventually } from './eventually.js';
import { kubectlFor, type Kubectl } from './kubectl.js';

/** A TLS listener on a free loopback port that pipes every connection to `port`. */
async function tlsPipe(port: number): Promise<Server> {
  const dir = mkdtempSync(join(tmpdir(), 'kubelab-tls-'));
  try {
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=127.0.0.1', '-days', '1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (socket) => {
      const upstream = connect(port, '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const byToken: Authenticator = (request) => {
  const token = request.headers.authorization?.replace(/^Bearer /, '');
  if (!token) return undefined;
  const groups = token === 'teacher' ? ['system:masters', 'system:authenticated'] : ['system:authenticated'];
  return { username: token, groups };
};

describe('kubectl with RBAC', () => {
  const lab = {} as { store: Store; server: RunningApiServer; pipe: Server; kubectl: Kubectl; controllers: RunningControllers };
  before(async () => {
    lab.store = await openStore({ backend: 'memory', autoCompaction: false });
    lab.server = await startApiServer({ store: lab.store, authenticator: byToken, authorizationModes: ['Node', 'RBAC'] });
    lab.pipe = await tlsPipe(lab.server.port);
    lab.kubectl = await kubectlFor(`https://127.0.0.1:${(lab.pipe.address() as AddressInfo).port}`);
    lab.controllers = startControllers({ server: lab.server.url, credentials: { bearerToken: 'system:kube-controller-manager' }, controllers: ['clusterrole-aggregation'] });
  });
  after(async () => {
    await lab.controllers?.stop();
    await lab.kubectl?.cleanup();
    lab.pipe?.close();
    await lab.server?.close();
    await lab.store?.close();
  });
  const run = (...args: string[]) => lab.kubectl.run(...args, '--insecure-skip-tls-verify');
  const as = (user: string, ...args: string[]) => run(...args, '--token', user);

  test('kubectl auth can-i answers yes for cluster-admin and no for a user without a role', async () => {
    assert.deepEqual(await as('teacher', 'auth', 'can-i', 'create', 'pods'), { code: 0, stdout: 'yes\n', stderr: '' });
    const no = await as('alice', 'auth', 'can-i', 'create', 'pods');
    assert.deepEqual([no.code, no.stdout], [1, 'no\n']);
  });

  test("a forbidden kubectl get prints upstream's message", async () => {
    const get = await as('alice', 'get', 'pods');
    assert.equal(get.code, 1);
    assert.equal(get.stderr.trim(), 'Error from server (Forbidden): pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"');
  });

  test('kubectl auth whoami', async () => {
    const whoami = await as('alice', 'auth', 'whoami');
    assert.deepEqual(whoami.stdout.split('\n').map((line) => line.trim().split(/\s{2,}/)), [['ATTRIBUTE', 'VALUE'], ['Username', 'alice'], ['Groups', '[system:authenticated]'], ['']]);
  });

  test('a teacher gives a student a role: kubectl create clusterrole and rolebinding, then can-i and get say yes', async () => {
    const role = await as('teacher', 'create', 'clusterrole', 'pod-reader', '--verb=get,list,watch', '--resource=pods');
    assert.deepEqual([role.code, role.stdout], [0, 'clusterrole.rbac.authorization.k8s.io/pod-reader created\n'], role.stderr);
    const binding = await as('teacher', 'create', 'rolebinding', 'alice-reads-pods', '--clusterrole=pod-reader', '--user=alice', '--namespace=default');
    assert.deepEqual([binding.code, binding.stdout], [0, 'rolebinding.rbac.authorization.k8s.io/alice-reads-pods created\n'], binding.stderr);
    await eventually('alice may list pods', async () => (await as('alice', 'auth', 'can-i', 'list', 'pods')).stdout === 'yes\n');
    const get = await as('alice', 'get', 'pods');
    assert.deepEqual([get.code, get.stderr.trim()], [0, 'No resources found in default namespace.']);
    assert.equal((await as('alice', 'auth', 'can-i', 'list', 'pods', '--namespace=kube-system')).stdout, 'no\n');
    assert.equal((await as('alice', 'auth', 'can-i', 'delete', 'pods')).stdout, 'no\n');
    const bindings = await as('teacher', 'get', 'rolebindings', '-o', 'wide');
    assert.match(bindings.stdout, /^alice-reads-pods\s+ClusterRole\/pod-reader\s+\S+\s+alice\s*$/m);
  });

  test('kubectl auth can-i --list shows the rules the user has in the namespace', async () => {
    await eventually('alice may list pods', async () => (await as('alice', 'auth', 'can-i', 'list', 'pods')).stdout === 'yes\n');
    const list = await as('alice', 'auth', 'can-i', '--list');
    assert.equal(list.code, 0, list.stderr);
    const rows = list.stdout.trim().split('\n').map((line) => line.trim().split(/\s{2,}/));
    assert.deepEqual(rows[0], ['Resources', 'Non-Resource URLs', 'Resource Names', 'Verbs']);
    assert.ok(rows.some((row) => row.join(' | ') === 'pods | [] | [] | [get list watch]'), list.stdout);
    assert.ok(rows.some((row) => row.join(' | ') === 'selfsubjectaccessreviews.authorization.k8s.io | [] | [] | [create]'), list.stdout);
    assert.ok(rows.some((row) => row.join(' | ') === '| [/api/*] | [] | [get]' || row.join(' | ') === '[/api/*] | [] | [get]'), list.stdout);
  });

  test('the default roles are there, labelled as upstream', async () => {
    const roles = await as('teacher', 'get', 'clusterroles', '-l', 'kubernetes.io/bootstrapping=rbac-defaults', '-o', 'name');
    for (const name of ['cluster-admin', 'admin', 'edit', 'view', 'system:basic-user', 'system:discovery', 'system:public-info-viewer', 'system:node', 'system:kube-controller-manager', 'system:kube-scheduler']) {
      assert.ok(roles.stdout.split('\n').includes(`clusterrole.rbac.authorization.k8s.io/${name}`), `${name} in ${roles.stdout}`);
    }
    const admins = await as('teacher', 'get', 'clusterrolebinding', 'cluster-admin', '-o', 'wide');
    assert.match(admins.stdout, /^cluster-admin\s+ClusterRole\/cluster-admin\s+\S+\s+system:masters\s*$/m);
  });
  test('kubectl --as and --as-group: whoami, can-i and get act as the impersonated user', async () => {
    const whoami = await as('teacher', 'auth', 'whoami', '--as', 'jane', '--as-group', 'devs');
    assert.deepEqual(whoami.stdout.split('\n').map((line) => line.trim().split(/\s{2,}/)), [['ATTRIBUTE', 'VALUE'], ['Username', 'jane'], ['Groups', '[devs system:authenticated]'], ['']]);
    assert.deepEqual(await as('teacher', 'auth', 'can-i', 'list', 'pods', '--as', 'nobody'), { code: 1, stdout: 'no\n', stderr: '' });
    assert.deepEqual(await as('teacher', 'auth', 'can-i', 'delete', 'pods', '--as', 'nobody', '--as-group', 'system:masters'), { code: 0, stdout: 'yes\n', stderr: '' });
    const get = await as('teacher', 'get', 'pods', '--as', 'nobody');
    assert.deepEqual([get.code, get.stderr.trim()], [1, 'Error from server (Forbidden): pods is forbidden: User "nobody" cannot list resource "pods" in API group "" in the namespace "default"']);
  });

  test('impersonating needs impersonate on users: a student without it gets upstream\'s 403', async () => {
    const get = await as('bob', 'get', 'pods', '--as', 'jane');
    assert.equal(get.code, 1);
    assert.equal(get.stderr.trim(), 'Error from server (Forbidden): users "jane" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope');
    const role = await as('teacher', 'create', 'clusterrole', 'impersonate-jane', '--verb=impersonate', '--resource=users', '--resource-name=jane');
    assert.equal(role.code, 0, role.stderr);
    assert.equal((await as('teacher', 'create', 'clusterrolebinding', 'bob-impersonates-jane', '--clusterrole=impersonate-jane', '--user=bob')).code, 0);
    await eventually('bob may act as jane', async () => (await as('bob', 'auth', 'whoami', '--as', 'jane', '-o', 'jsonpath={.status.userInfo.username}')).stdout === 'jane');
    // kubectl auth whoami words any 403 its own way (`the selfsubjectreviews API is not enabled ...`), on a real cluster too.
    const other = await as('bob', 'get', 'pods', '--as', 'joe');
    assert.equal(other.stderr.trim(), 'Error from server (Forbidden): users "joe" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope');
  });

  // kubectl validates each review itself (no PATCH endpoint), after listing the (empty)
  // CustomResourceDefinitions; test/kubectl-openapi.test.ts has the strict-validation cases.
  test('kubectl create -f a SubjectAccessReview answers for another user; a LocalSubjectAccessReview in its namespace', async () => {
    const sar = await lab.kubectl.manifest(
      'sar.yaml',
      'apiVersion: authorization.k8s.io/v1\nkind: SubjectAccessReview\nspec:\n  user: nobody\n  groups: ["devs"]\n  resourceAttributes:\n    namespace: default\n    verb: list\n    resource: pods\n',
    );
    const created = await as('teacher', 'create', '-f', sar, '-o', 'yaml');
    assert.equal(created.code, 0, created.stderr);
    assert.equal(
      created.stdout,
      [
        'apiVersion: authorization.k8s.io/v1',
        'kind: SubjectAccessReview',
        'metadata:',
        '  creationTimestamp: null',
        'spec:',
        '  groups:',
        '  - devs',
        '  resourceAttributes:',
        '    namespace: default',
        '    resource: pods',
        '    verb: list',
        '  user: nobody',
        'status:',
        '  allowed: false',
        '',
      ].join('\n'),
    );
    assert.equal((await as('teacher', 'create', '-f', sar)).stdout, 'subjectaccessreview.authorization.k8s.io/<unknown> created\n');
    // bob may not list CRDs (no upstream default role grants it), so kubectl's validation stops
    // before any request for the review, as on a real cluster (the same text in rancher/rancher#49318).
    const unchecked = await as('bob', 'create', '-f', sar);
    assert.equal(
      unchecked.stderr.trim(),
      `error: error validating "${sar}": error validating data: failed to check CRD: failed to list CRDs: customresourcedefinitions.apiextensions.k8s.io is forbidden: User "bob" cannot list resource "customresourcedefinitions" in API group "apiextensions.k8s.io" at the cluster scope; if you choose to ignore these errors, turn validation off with --validate=false`,
    );
    const refused = await as('bob', 'create', '-f', sar, '--validate=false');
    assert.equal(refused.stderr.trim(), 'Error from server (Forbidden): error when creating "' + sar + '": subjectaccessreviews.authorization.k8s.io is forbidden: User "bob" cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope');
    const noSubject = await lab.kubectl.manifest('no-subject.yaml', 'apiVersion: authorization.k8s.io/v1\nkind: SubjectAccessReview\nspec:\n  nonResourceAttributes:\n    path: /healthz\n    verb: get\n');
    const invalid = await as('teacher', 'create', '-f', noSubject);
    assert.equal(invalid.stderr.trim(), 'The SubjectAccessReview "" is invalid: spec.user: Invalid value: "": at least one of user or group must be specified');
    const local = await lab.kubectl.manifest(
      'lsar.yaml',
      'apiVersion: authorization.k8s.io/v1\nkind: LocalSubjectAccessReview\nmetadata:\n  namespace: kube-system\nspec:\n  user: nobody\n  resourceAttributes:\n    namespace: default\n    verb: list\n    resource: pods\n',
    );
    const mismatch = await as('teacher', 'create', '-f', local);
    assert.equal(mismatch.stderr.trim(), 'The LocalSubjectAccessReview "" is invalid: spec.resourceAttributes.namespace: Invalid value: "default": must match metadata.namespace');
  });

  test('kubectl api-resources lists the access reviews', async () => {
    const listed = await as('teacher', 'api-resources', '--api-group=authorization.k8s.io', '--no-headers');
    const rows = listed.stdout.trim().split('\n').map((line) => line.trim().split(/\s+/));
    assert.deepEqual(rows, [
      ['localsubjectaccessreviews', 'authorization.k8s.io/v1', 'true', 'LocalSubjectAccessReview'],
      ['selfsubjectaccessreviews', 'authorization.k8s.io/v1', 'false', 'SelfSubjectAccessReview'],
      ['selfsubjectrulesreviews', 'authorization.k8s.io/v1', 'false', 'SelfSubjectRulesReview'],
      ['subjectaccessreviews', 'authorization.k8s.io/v1', 'false', 'SubjectAccessReview'],
    ]);
  });

  test('an aggregated ClusterRole, as the upstream docs build it: kubectl apply, get -o yaml, and can-i following its sources', async () => {
    const manifest = await lab.kubectl.manifest(
      'monitoring.yaml',
      `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: monitoring
aggregationRule:
  clusterRoleSelectors:
  - matchLabels:
      rbac.example.com/aggregate-to-monitoring: "true"
rules: [] # The control plane automatically fills in the rules
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: monitoring-endpoints
  labels:
    rbac.example.com/aggregate-to-monitoring: "true"
# When you create the "monitoring-endpoints" ClusterRole,
# the rules below will be added to the "monitoring" ClusterRole.
rules:
- apiGroups: [""]
  resources: ["services", "endpoints", "pods"]
  verbs: ["get", "list", "watch"]
`,
    );
    const applied = await as('teacher', 'apply', '-f', manifest);
    assert.deepEqual([applied.code, applied.stdout], [0, 'clusterrole.rbac.authorization.k8s.io/monitoring created\nclusterrole.rbac.authorization.k8s.io/monitoring-endpoints created\n'], applied.stderr);
    const yaml = await eventually('monitoring aggregated', async () => {
      const got = await as('teacher', 'get', 'clusterrole', 'monitoring', '-o', 'yaml');
      return got.stdout.includes('- endpoints') ? got.stdout : undefined;
    });
    const rulesPart = yaml.slice(yaml.indexOf('\nrules:'));
    assert.equal(rulesPart, '\nrules:\n- apiGroups:\n  - ""\n  resources:\n  - services\n  - endpoints\n  - pods\n  verbs:\n  - get\n  - list\n  - watch\n');
    assert.match(yaml, /^aggregationRule:\n {2}clusterRoleSelectors:\n {2}- matchLabels:\n {6}rbac\.example\.com\/aggregate-to-monitoring: "true"\n/);

    assert.equal((await as('bob', 'auth', 'can-i', 'list', 'pods', '--all-namespaces')).stdout, 'no\n');
    const bound = await as('teacher', 'create', 'clusterrolebinding', 'bob-monitors', '--clusterrole=monitoring', '--user=bob');
    assert.deepEqual([bound.code, bound.stdout], [0, 'clusterrolebinding.rbac.authorization.k8s.io/bob-monitors created\n'], bound.stderr);
    await eventually('bob may list pods everywhere', async () => (await as('bob', 'auth', 'can-i', 'list', 'pods', '--all-namespaces')).stdout === 'yes\n');
    assert.equal((await as('bob', 'auth', 'can-i', 'delete', 'pods')).stdout, 'no\n');

    // A source that goes takes its rules with it.
    assert.equal((await as('teacher', 'delete', 'clusterrole', 'monitoring-endpoints')).stdout, 'clusterrole.rbac.authorization.k8s.io "monitoring-endpoints" deleted\n');
    await eventually('bob may no longer list pods', async () => (await as('bob', 'auth', 'can-i', 'list', 'pods', '--all-namespaces')).stdout === 'no\n');
  });

  test('a label aggregate-to-view extends view, and so edit and admin', async () => {
    const created = await as('teacher', 'create', 'clusterrole', 'node-reader', '--verb=get,list,watch', '--resource=nodes');
    assert.equal(created.code, 0, created.stderr);
    const labelled = await as('teacher', 'label', 'clusterrole', 'node-reader', 'rbac.authorization.k8s.io/aggregate-to-view=true');
    assert.deepEqual([labelled.code, labelled.stdout], [0, 'clusterrole.rbac.authorization.k8s.io/node-reader labeled\n'], labelled.stderr);
    const readsNodes = async (role: string) => (await as('teacher', 'get', 'clusterrole', role, '-o', 'jsonpath={.rules[*].resources}')).stdout.includes('"nodes"');
    for (const role of ['view', 'edit', 'admin']) await eventually(`${role} reads nodes`, () => readsNodes(role));
    assert.equal((await as('teacher', 'label', 'clusterrole', 'node-reader', 'rbac.authorization.k8s.io/aggregate-to-view-')).code, 0);
    for (const role of ['view', 'edit', 'admin']) await eventually(`${role} no longer reads nodes`, async () => !(await readsNodes(role)));
  });
});
