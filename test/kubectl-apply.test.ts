// Server-side apply and managedFields through the real kubectl: apply
// --server-side, conflicts with another manager and --force-conflicts, and
// the entries `get --show-managed-fields` shows after every kind of write.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { podManifest as pod, serverWithKubectl } from './kubectl.js';

const cluster = serverWithKubectl();

/** A FieldsV1 set as JSON: `f:`, `k:`, `v:` and `.` keys down to empty objects. */
interface FieldsV1 {
  readonly [key: string]: FieldsV1;
}

async function managedFields(name: string, kind = 'pod'): Promise<{ manager: string; operation: string; fieldsV1: FieldsV1 }[]> {
  const shown = await cluster.kubectl.run('get', kind, name, '-o', 'json', '--show-managed-fields');
  return (JSON.parse(shown.stdout) as { metadata: { managedFields?: { manager: string; operation: string; fieldsV1: FieldsV1 }[] } }).metadata.managedFields ?? [];
}

describe('kubectl apply --server-side', () => {
  test('creates, then applies a change, and a repeated apply leaves the resourceVersion alone', async () => {
    const file = await cluster.kubectl.manifest('ssa.yaml', pod('ssa', 'nginx:1.27'));
    const created = await cluster.kubectl.run('apply', '--server-side', '-f', file);
    assert.equal(created.stdout.trim(), 'pod/ssa serverside-applied');
    const entries = await managedFields('ssa');
    assert.deepEqual(
      entries.map((e) => [e.manager, e.operation]),
      [['kubectl', 'Apply']],
    );
    assert.deepEqual(entries[0]!.fieldsV1['f:spec'], { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:name': {} } } });
    const rv = (await cluster.kubectl.run('get', 'pod', 'ssa', '-o', 'jsonpath={.metadata.resourceVersion}')).stdout;
    assert.equal((await cluster.kubectl.run('apply', '--server-side', '-f', file)).code, 0);
    assert.equal((await cluster.kubectl.run('get', 'pod', 'ssa', '-o', 'jsonpath={.metadata.resourceVersion}')).stdout, rv);
    await cluster.kubectl.manifest('ssa.yaml', pod('ssa', 'nginx:1.28'));
    assert.equal((await cluster.kubectl.run('apply', '--server-side', '-f', file)).code, 0);
    assert.equal((await cluster.kubectl.run('get', 'pod', 'ssa', '-o', 'jsonpath={.spec.containers[0].image}')).stdout, 'nginx:1.28');
  });

  test('a field kubectl set image took is a conflict until --force-conflicts', async () => {
    const file = await cluster.kubectl.manifest('conflict.yaml', pod('conflict', 'nginx:1.27'));
    await cluster.kubectl.run('apply', '--server-side', '-f', file);
    assert.equal((await cluster.kubectl.run('set', 'image', 'pod/conflict', 'nginx=nginx:1.29')).code, 0);
    await cluster.kubectl.manifest('conflict.yaml', pod('conflict', 'nginx:1.28'));
    const refused = await cluster.kubectl.run('apply', '--server-side', '-f', file);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^error: Apply failed with 1 conflict: conflict with "kubectl-set" using v1: \.spec\.containers\[name="nginx"\]\.image\n/);
    assert.match(refused.stderr, /--force-conflicts/);
    const forced = await cluster.kubectl.run('apply', '--server-side', '--force-conflicts', '-f', file);
    assert.equal(forced.stdout.trim(), 'pod/conflict serverside-applied');
    assert.equal((await cluster.kubectl.run('get', 'pod', 'conflict', '-o', 'jsonpath={.spec.containers[0].image}')).stdout, 'nginx:1.28');
    assert.deepEqual(
      (await managedFields('conflict')).map((e) => e.manager),
      ['kubectl'],
    );
  });
});

describe('managedFields of other writes', () => {
  test('create, label, client-side apply and patch each leave their manager', async () => {
    const file = await cluster.kubectl.manifest('cm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: "1"\n');
    assert.equal((await cluster.kubectl.run('create', '-f', file)).code, 0);
    assert.equal((await cluster.kubectl.run('label', 'configmap', 'cfg', 'tier=db')).code, 0);
    assert.equal((await cluster.kubectl.run('patch', 'configmap', 'cfg', '-p', '{"data":{"b":"2"}}')).code, 0);
    const entries = await managedFields('cfg', 'configmap');
    const byManager = Object.fromEntries(entries.map((e) => [e.manager, e.fieldsV1]));
    assert.deepEqual(byManager['kubectl-create'], { 'f:data': { '.': {}, 'f:a': {} } });
    assert.deepEqual(byManager['kubectl-label'], { 'f:metadata': { 'f:labels': { '.': {}, 'f:tier': {} } } });
    assert.deepEqual(byManager['kubectl-patch'], { 'f:data': { 'f:b': {} } });

    const applied = await cluster.kubectl.manifest('csa.yaml', pod('csa', 'nginx:1.27'));
    assert.equal((await cluster.kubectl.run('apply', '-f', applied)).stdout.trim(), 'pod/csa created');
    const [csa] = await managedFields('csa');
    assert.equal(csa!.manager, 'kubectl-client-side-apply');
    assert.ok('f:kubectl.kubernetes.io/last-applied-configuration' in csa!.fieldsV1['f:metadata']!['f:annotations']!);
  });
});
