// SCENARIOS.md S5: tutorials' old manifests (extensions/v1beta1 and
// apps/v1beta1) still apply with the real kubectl, are stored as apps/v1
// with the old versions' defaults, and carry upstream's deprecation warning.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { serverWithKubectl } from './kubectl.js';
import { NGINX_DAEMONSET_V1BETA1 } from './manifests.js';

const cluster = serverWithKubectl();


const webStatefulSet = `apiVersion: apps/v1beta1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 2
  template:
    metadata:
      labels:
        app: nginx
        role: stateful
    spec:
      containers:
      - name: nginx
        image: nginx
`;

describe('old manifests', () => {
  test('an extensions/v1beta1 DaemonSet without a selector is created, with the deprecation warning', async () => {
    const created = await cluster.kubectl.run('create', '-f', await cluster.kubectl.manifest('nginx-ds.yaml', NGINX_DAEMONSET_V1BETA1));
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout.trim(), 'daemonset.extensions/nginx-ds created');
    assert.equal(created.stderr.trim(), 'Warning: extensions/v1beta1 DaemonSet is deprecated in v1.14+, unavailable in v1.16+; use apps/v1 DaemonSet');
  });

  test('kubectl get shows it as apps/v1, with the selector and labels of its template and OnDelete, and no warning', async () => {
    const got = await cluster.kubectl.run('get', 'ds', 'nginx-ds', '-o', 'json');
    assert.equal(got.code, 0, got.stderr);
    assert.equal(got.stderr, '');
    const ds = JSON.parse(got.stdout) as {
      apiVersion: string;
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
      spec: { selector: unknown; updateStrategy: unknown; templateGeneration?: unknown };
    };
    assert.equal(ds.apiVersion, 'apps/v1');
    assert.deepEqual(ds.spec.selector, { matchLabels: { app: 'nginx' } });
    assert.deepEqual(ds.metadata.labels, { app: 'nginx' });
    assert.deepEqual(ds.spec.updateStrategy, { type: 'OnDelete' });
    assert.equal(ds.metadata.annotations['deprecated.daemonset.template.generation'], '1');
    assert.equal(ds.spec.templateGeneration, undefined);
  });

  test('read through the old path it is an extensions/v1beta1 object, and the answer warns', async () => {
    const answer = await fetch(`${cluster.server.url}/apis/extensions/v1beta1/namespaces/default/daemonsets/nginx-ds`);
    assert.equal(answer.status, 200);
    assert.equal(answer.headers.get('warning'), '299 - "extensions/v1beta1 DaemonSet is deprecated in v1.14+, unavailable in v1.16+; use apps/v1 DaemonSet"');
    const ds = (await answer.json()) as { apiVersion: string; kind: string };
    assert.equal(ds.apiVersion, 'extensions/v1beta1');
    assert.equal(ds.kind, 'DaemonSet');
  });

  test('a template change through apps/v1 counts a new template generation', async () => {
    const set = await cluster.kubectl.run('set', 'image', 'ds/nginx-ds', 'nginx=nginx:1.27');
    assert.equal(set.code, 0, set.stderr);
    const generation = await cluster.kubectl.run('get', 'ds', 'nginx-ds', '-o', `jsonpath={.metadata.annotations.deprecated\\.daemonset\\.template\\.generation} {.metadata.generation}`);
    assert.equal(generation.stdout, '2 2');
  });

  test('an apps/v1beta1 StatefulSet is created with its selector from the template and OnDelete updates', async () => {
    const created = await cluster.kubectl.run('create', '-f', await cluster.kubectl.manifest('web.yaml', webStatefulSet));
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout.trim(), 'statefulset.apps/web created');
    assert.match(created.stderr, /Warning: apps\/v1beta1 StatefulSet is deprecated in v1\.8\+, unavailable in v1\.16\+; use apps\/v1 StatefulSet/);
    const got = await cluster.kubectl.run('get', 'sts', 'web', '-o', 'jsonpath={.apiVersion} {.spec.selector.matchLabels} {.spec.updateStrategy.type}');
    assert.equal(got.stdout, 'apps/v1 {"app":"nginx","role":"stateful"} OnDelete');
  });

  test('the short names stay with apps/v1, so kubectl resolves ds and sts without ambiguity', async () => {
    const listed = await cluster.kubectl.run('get', 'ds,sts');
    assert.equal(listed.code, 0);
    assert.equal(listed.stderr, '');
    assert.match(listed.stdout, /daemonset\.apps\/nginx-ds/);
    assert.match(listed.stdout, /statefulset\.apps\/web/);
  });
});
