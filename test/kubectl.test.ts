// The real kubectl against kubelab's API server: the commands of the
// tutorials, and the messages a student sees when something is wrong.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { KubeClient, kinds } from '../client/index.js';
import { podManifest, serverWithKubectl } from './kubectl.js';
import { FLUENTD_DAEMONSET } from './manifests.js';
import { twinWatch } from './watch-guarantees/index.js';

const cluster = serverWithKubectl();

describe('kubectl', () => {
  test('create -f makes the object and get lists it', async () => {
    const file = await cluster.kubectl.manifest('web.yaml', podManifest('web'));
    const created = await cluster.kubectl.run('create', '-f', file);
    assert.equal(created.stderr, '');
    assert.equal(created.stdout.trim(), 'pod/web created');
    const listed = await cluster.kubectl.run('get', 'pods');
    assert.equal(listed.code, 0);
    const [header, ...rows] = listed.stdout.trim().split('\n');
    assert.match(header!, /^NAME\s/);
    assert.ok(rows.some((row) => row.startsWith('web ')));
  });

  test('creating it again says AlreadyExists as a real cluster does', async () => {
    const file = await cluster.kubectl.manifest('again.yaml', podManifest('again'));
    await cluster.kubectl.run('create', '-f', file);
    const again = await cluster.kubectl.run('create', '-f', file);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /Error from server \(AlreadyExists\): error when creating ".*again\.yaml": pods "again" already exists/);
  });

  test('get of a missing pod says NotFound', async () => {
    const missing = await cluster.kubectl.run('get', 'pod', 'nope');
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr.trim(), 'Error from server (NotFound): pods "nope" not found');
  });

  test('get -o json and -o yaml show the stored object with its server-set metadata', async () => {
    const file = await cluster.kubectl.manifest('shown.yaml', podManifest('shown'));
    await cluster.kubectl.run('create', '-f', file);
    const json = JSON.parse((await cluster.kubectl.run('get', 'pod', 'shown', '-o', 'json')).stdout);
    assert.equal(json.kind, 'Pod');
    assert.equal(json.metadata.namespace, 'default');
    assert.match(json.metadata.uid, /^[0-9a-f-]{36}$/);
    const yaml = (await cluster.kubectl.run('get', 'pod', 'shown', '-o', 'yaml')).stdout;
    assert.match(yaml, /^apiVersion: v1\nkind: Pod\nmetadata:\n/);
    assert.match(yaml, /\n {2}resourceVersion: "\d+"\n/);
  });

  test('label, annotate and patch change the object', async () => {
    const file = await cluster.kubectl.manifest('tagged.yaml', podManifest('tagged'));
    await cluster.kubectl.run('create', '-f', file);
    assert.equal((await cluster.kubectl.run('label', 'pod', 'tagged', 'role=backend')).stdout.trim(), 'pod/tagged labeled');
    assert.equal((await cluster.kubectl.run('annotate', 'pod', 'tagged', 'note=hello')).stdout.trim(), 'pod/tagged annotated');
    const withColumn = await cluster.kubectl.run('get', 'pods', '-L', 'role');
    assert.match(withColumn.stdout.split('\n')[0]!, /ROLE$/);
    assert.match(withColumn.stdout, /tagged .* backend\n/);
    assert.equal((await cluster.kubectl.run('label', 'pod', 'tagged', 'role-')).stdout.trim(), 'pod/tagged unlabeled');
    const merge = await cluster.kubectl.run('patch', 'pod', 'tagged', '--type=merge', '-p', '{"metadata":{"labels":{"tier":"web"}}}');
    assert.equal(merge.stdout.trim(), 'pod/tagged patched');
    const json = await cluster.kubectl.run('patch', 'pod', 'tagged', '--type=json', '-p', '[{"op":"add","path":"/metadata/labels/zone","value":"north"}]');
    assert.equal(json.stdout.trim(), 'pod/tagged patched');
    const labels = JSON.parse((await cluster.kubectl.run('get', 'pod', 'tagged', '-o', 'jsonpath={.metadata.labels}')).stdout);
    assert.deepEqual(labels, { app: 'web', tier: 'web', zone: 'north' });
    const note = (await cluster.kubectl.run('get', 'pod', 'tagged', '-o', 'jsonpath={.metadata.annotations.note}')).stdout;
    assert.equal(note, 'hello');
  });

  test('get -w prints each change as it happens', async () => {
    const watcher = cluster.kubectl.spawn('get', 'configmaps', '-w');
    // kubectl's rows carry no resourceVersions: a twin watch of the same configmaps is checked instead.
    const twin = twinWatch(cluster.server.url, new KubeClient({ server: cluster.server.url }).resource(kinds.ConfigMap, 'default'), {}, 'twin of kubectl get configmaps -w');
    let output = '';
    const seen = (text: string) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${text}" in: ${output}`)), 10_000);
        const check = () => {
          if (output.includes(text)) {
            clearTimeout(timer);
            resolve();
          }
        };
        watcher.stdout!.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          check();
        });
        check();
      });
    // Give the watch a moment to start, as a student would before creating.
    await new Promise((resolve) => setTimeout(resolve, 500));
    // (Not `kubectl create configmap`: its typed client sends protobuf, which kubelab does not read yet.)
    await cluster.kubectl.run('create', '-f', await cluster.kubectl.manifest('watched.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: watched\ndata:\n  a: "1"\n'));
    await seen('watched');
    assert.match(output, /^NAME\s/);
    watcher.kill('SIGTERM');
    assert.ok((await twin.stop()).events >= 1, 'the twin watch saw the configmap created');
  });

  test('create namespace and create configmap, which send protobuf, make their objects', async () => {
    assert.equal((await cluster.kubectl.run('create', 'namespace', 'team-a')).stdout.trim(), 'namespace/team-a created');
    const cm = await cluster.kubectl.run('create', 'configmap', 'settings', '-n', 'team-a', '--from-literal=mode=fast', '--from-literal=level=3');
    assert.equal(cm.stdout.trim(), 'configmap/settings created');
    const json = JSON.parse((await cluster.kubectl.run('get', 'configmap', 'settings', '-n', 'team-a', '-o', 'json')).stdout);
    assert.deepEqual(json.data, { level: '3', mode: 'fast' });
    assert.equal(json.metadata.generation, undefined, 'empty protobuf fields are absent, as in JSON');
    const ns = JSON.parse((await cluster.kubectl.run('get', 'namespace', 'team-a', '-o', 'json')).stdout);
    assert.equal(ns.status.phase, 'Active');
  });

  test('create service clusterip and nodeport, which send protobuf, make services; a NodePort one gets a node port', async () => {
    const clusterIP = await cluster.kubectl.run('create', 'service', 'clusterip', 'web', '--tcp=80:8080');
    assert.equal(clusterIP.stdout.trim(), 'service/web created', clusterIP.stderr);
    const web = JSON.parse((await cluster.kubectl.run('get', 'service', 'web', '-o', 'json')).stdout);
    assert.deepEqual(web.spec.ports, [{ name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 }]);
    assert.deepEqual(web.spec.selector, { app: 'web' });
    assert.equal(web.spec.type, 'ClusterIP');
    assert.match(web.spec.clusterIP, /^10\.\d+\.\d+\.\d+$/);
    assert.equal(web.spec.externalName, undefined, 'empty protobuf fields are absent, as in JSON');
    const nodePort = await cluster.kubectl.run('create', 'service', 'nodeport', 'web-np', '--tcp=8080:http');
    assert.equal(nodePort.stdout.trim(), 'service/web-np created', nodePort.stderr);
    const row = (await cluster.kubectl.run('get', 'service', 'web-np', '--no-headers')).stdout.trim().split(/\s+/);
    assert.equal(row[1], 'NodePort');
    assert.match(row[4]!, /^8080:3\d{4}\/TCP$/);
    const np = JSON.parse((await cluster.kubectl.run('get', 'service', 'web-np', '-o', 'json')).stdout);
    assert.equal(np.spec.ports[0].targetPort, 'http');
    assert.equal(np.spec.externalTrafficPolicy, 'Cluster');
  });

  test('apply, get ds, set image and apply again: the DaemonSet of the tutorial', async () => {
    const manifest = (image: string) => FLUENTD_DAEMONSET.replace('quay.io/fluentd_elasticsearch/fluentd:v2.5.2', image);
    const first = await cluster.kubectl.manifest('ds.yaml', manifest('fluentd:v2.5.2'));
    assert.equal((await cluster.kubectl.run('apply', '-f', first)).stdout.trim(), 'daemonset.apps/fluentd-elasticsearch created');
    const table = (await cluster.kubectl.run('get', 'ds', '-n', 'kube-system')).stdout.split('\n');
    assert.match(table[0]!, /^NAME\s+DESIRED\s+CURRENT\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+NODE SELECTOR\s+AGE$/);
    assert.match(table[1]!, /^fluentd-elasticsearch\s+0\s+0\s+0\s+0\s+0\s+<none>\s+\d+s$/);
    const yaml = (await cluster.kubectl.run('get', 'ds', 'fluentd-elasticsearch', '-n', 'kube-system', '-o', 'yaml')).stdout;
    assert.match(yaml, / {2}updateStrategy:\n {4}rollingUpdate:\n {6}maxSurge: 0\n {6}maxUnavailable: 1\n {4}type: RollingUpdate\n/);
    assert.match(yaml, / {2}revisionHistoryLimit: 10\n/);
    assert.match(yaml, / {8}imagePullPolicy: IfNotPresent\n/);
    const set = await cluster.kubectl.run('set', 'image', 'ds/fluentd-elasticsearch', 'fluentd-elasticsearch=fluentd:v2.6.0', '-n', 'kube-system');
    assert.equal(set.stdout.trim(), 'daemonset.apps/fluentd-elasticsearch image updated');
    const second = await cluster.kubectl.manifest('ds2.yaml', manifest('fluentd:v2.7.0'));
    assert.equal((await cluster.kubectl.run('apply', '-f', second)).stdout.trim(), 'daemonset.apps/fluentd-elasticsearch configured');
    const shown = await cluster.kubectl.run('get', 'ds', 'fluentd-elasticsearch', '-n', 'kube-system', '-o', 'jsonpath={.spec.template.spec.containers[0].image} {.metadata.generation}');
    assert.equal(shown.stdout, 'fluentd:v2.7.0 3');
  });

  test('an invalid object is refused with the message a real cluster gives', async () => {
    const file = await cluster.kubectl.manifest(
      'bad.yaml',
      'apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: bad\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: db\n    spec:\n      containers:\n      - name: c\n        image: nginx\n',
    );
    const refused = await cluster.kubectl.run('create', '-f', file);
    assert.equal(refused.code, 1);
    assert.equal(
      refused.stderr.trim(),
      `The DaemonSet "bad" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"db"}: \`selector\` does not match template \`labels\``,
    );
  });

  test('delete removes the object', async () => {
    const file = await cluster.kubectl.manifest('doomed.yaml', podManifest('doomed'));
    await cluster.kubectl.run('create', '-f', file);
    assert.equal((await cluster.kubectl.run('delete', 'pod', 'doomed')).stdout.trim(), 'pod "doomed" deleted');
    assert.equal((await cluster.kubectl.run('get', 'pod', 'doomed')).code, 1);
  });
});
