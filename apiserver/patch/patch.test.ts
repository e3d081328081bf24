// The patches kubectl and clients send, applied as upstream applies them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { applyPatch, PatchError } from './index.js';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', labels: { app: 'web', tier: 'front' }, finalizers: ['a'] },
  spec: {
    containers: [
      { name: 'nginx', image: 'nginx:1.26', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }] },
      { name: 'sidecar', image: 'busybox' },
    ],
    volumes: [{ name: 'data', emptyDir: {} }],
    tolerations: [{ key: 'x', operator: 'Exists' }],
  },
};
const POD = { group: '', version: 'v1', kind: 'Pod' };
const smp = (patch: unknown, original: object = pod) => applyPatch(original, 'application/strategic-merge-patch+json', patch, POD) as any;

describe('strategic merge patch', () => {
  test('kubectl set image merges the container by name and keeps the others', () => {
    const out = smp({ spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } });
    assert.deepEqual(
      out.spec.containers.map((c: any) => `${c.name}=${c.image}`),
      ['nginx=nginx:1.27', 'sidecar=busybox'],
    );
    assert.deepEqual(out.spec.containers[0].ports, [{ containerPort: 80 }], 'fields not in the patch stay');
  });

  test('a label set to null is removed, others merge', () => {
    const out = smp({ metadata: { labels: { tier: null, role: 'db' } } });
    assert.deepEqual(out.metadata.labels, { app: 'web', role: 'db' });
  });

  test('$patch: delete removes the list item with that key', () => {
    const out = smp({ spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } });
    assert.deepEqual(
      out.spec.containers.map((c: any) => c.name),
      ['nginx'],
    );
  });

  test('$patch: replace in a list replaces the whole list', () => {
    const out = smp({ spec: { volumes: [{ name: 'other', emptyDir: {} }, { $patch: 'replace' }] } });
    assert.deepEqual(out.spec.volumes, [{ name: 'other', emptyDir: {} }]);
  });

  test('$patch: replace in a map replaces it whole: a DaemonSet revision\'s data, as kubectl rollout undo sends it', () => {
    const ds = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'fluentd' }, spec: { selector: { matchLabels: { name: 'f' } }, template: { metadata: { labels: { name: 'f', extra: 'x' } }, spec: { containers: [{ name: 'f', image: 'f:v2' }, { name: 'side', image: 's' }] } } } };
    const revision = { spec: { template: { metadata: { labels: { name: 'f' } }, spec: { containers: [{ name: 'f', image: 'f:v1' }] }, $patch: 'replace' } } };
    const out = applyPatch(ds, 'application/strategic-merge-patch+json', revision, { group: 'apps', version: 'v1', kind: 'DaemonSet' }) as typeof ds;
    assert.deepEqual(out.spec.template, { metadata: { labels: { name: 'f' } }, spec: { containers: [{ name: 'f', image: 'f:v1' }] } });
    assert.deepEqual(out.spec.selector, ds.spec.selector, 'the rest of the spec stays');
  });

  test('a list without a merge strategy (tolerations) is replaced', () => {
    const out = smp({ spec: { tolerations: [{ key: 'y', operator: 'Exists' }] } });
    assert.deepEqual(out.spec.tolerations, [{ key: 'y', operator: 'Exists' }]);
  });

  test('finalizers merge as a set in the patch\'s order, $deleteFromPrimitiveList removes', () => {
    // as upstream strategicpatch mergeSlice: the patch's items in its order, then the server-only ones
    assert.deepEqual(smp({ metadata: { finalizers: ['b', 'a'] } }).metadata.finalizers, ['b', 'a']);
    assert.deepEqual(smp({ metadata: { finalizers: ['b'] } }).metadata.finalizers, ['b', 'a']);
    assert.deepEqual(smp({ metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } }).metadata.finalizers, []);
  });

  test('what kubectl apply sends: $setElementOrder orders the merged list', () => {
    const out = smp({
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
      spec: {
        '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'nginx' }],
        containers: [{ name: 'nginx', image: 'nginx:1.27' }],
      },
    });
    assert.deepEqual(
      out.spec.containers.map((c: any) => `${c.name}=${c.image}`),
      ['sidecar=busybox', 'nginx=nginx:1.27'],
    );
    assert.equal(out.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], '{}');
  });

  test('the env of a container merges by name, a new item first as upstream\'s mergeSortedSlice puts it', () => {
    const out = smp({ spec: { containers: [{ name: 'nginx', env: [{ name: 'B', value: '2' }] }] } });
    assert.deepEqual(out.spec.containers[0].env, [
      { name: 'B', value: '2' },
      { name: 'A', value: '1' },
    ]);
  });

  test('items the live list orders keep its order; the patch orders the rest (upstream normalizeElementOrder)', () => {
    const out = smp({ spec: { containers: [{ name: 'nginx', env: [{ name: 'C', value: '3' }, { name: 'A', value: '0' }] }] } });
    assert.deepEqual(out.spec.containers[0].env.map((e: any) => e.name), ['C', 'A']);
    const two = applyPatch({ spec: { containers: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } }, 'application/strategic-merge-patch+json', { spec: { containers: [{ name: 'c', image: 'x' }, { name: 'new' }] } }, { version: 'v1', kind: 'Pod' }) as any;
    assert.deepEqual(two.spec.containers.map((c: any) => c.name), ['a', 'b', 'c', 'new']);
  });

  test('a DaemonSet template merges containers by name too', () => {
    const ds = { kind: 'DaemonSet', spec: { template: { spec: { containers: [{ name: 'a', image: '1' }, { name: 'b', image: '1' }] } } } };
    const out = applyPatch(ds, 'application/strategic-merge-patch+json', { spec: { template: { spec: { containers: [{ name: 'b', image: '2' }] } } } }, { group: 'apps', version: 'v1', kind: 'DaemonSet' }) as any;
    assert.deepEqual(
      out.spec.template.spec.containers.map((c: any) => c.image),
      ['1', '2'],
    );
  });

  test('a merge-list item without its key, or an unknown directive, is a 400', () => {
    assert.throws(() => smp({ spec: { containers: [{ image: 'x' }] } }), (e: unknown) => e instanceof PatchError && e.code === 400);
    assert.throws(() => smp({ metadata: { $patch: 'explode' } }), (e: unknown) => e instanceof PatchError && e.code === 400);
  });

  test('the original is never changed', () => {
    const before = JSON.stringify(pod);
    smp({ spec: { containers: [{ name: 'nginx', image: 'changed' }] }, metadata: { labels: null } });
    assert.equal(JSON.stringify(pod), before);
  });
});

describe('JSON merge patch', () => {
  test('null deletes, objects merge, lists replace', () => {
    const out = applyPatch(pod, 'application/merge-patch+json', { metadata: { labels: { app: null, x: 'y' } }, spec: { volumes: [] } }, POD) as any;
    assert.deepEqual(out.metadata.labels, { tier: 'front', x: 'y' });
    assert.deepEqual(out.spec.volumes, []);
    assert.equal(out.spec.containers.length, 2);
  });

  test('a patch that is not an object is a 400', () => {
    assert.throws(() => applyPatch(pod, 'application/merge-patch+json', [1], POD), (e: unknown) => e instanceof PatchError && e.code === 400);
  });
});

describe('JSON patch', () => {
  const json = (ops: unknown) => applyPatch(pod, 'application/json-patch+json', ops, POD) as any;

  test('add, replace, remove, copy, move and test apply in order', () => {
    const out = json([
      { op: 'add', path: '/metadata/labels/zone', value: 'north' },
      { op: 'replace', path: '/spec/containers/0/image', value: 'nginx:1.27' },
      { op: 'remove', path: '/metadata/labels/tier' },
      { op: 'copy', from: '/metadata/labels/zone', path: '/metadata/labels/copied' },
      { op: 'move', from: '/metadata/labels/copied', path: '/metadata/labels/moved' },
      { op: 'test', path: '/metadata/name', value: 'web' },
    ]);
    assert.deepEqual(out.metadata.labels, { app: 'web', zone: 'north', moved: 'north' });
    assert.equal(out.spec.containers[0].image, 'nginx:1.27');
  });

  test('a failing test or a missing path is a 422; a malformed patch is a 400', () => {
    assert.throws(() => json([{ op: 'test', path: '/metadata/name', value: 'other' }]), (e: unknown) => e instanceof PatchError && e.code === 422);
    assert.throws(() => json([{ op: 'remove', path: '/metadata/nothing/here' }]), (e: unknown) => e instanceof PatchError && e.code === 422);
    assert.throws(() => json({ op: 'add' }), (e: unknown) => e instanceof PatchError && e.code === 400);
    assert.throws(() => json([{ op: 'launch', path: '/x' }]), (e: unknown) => e instanceof PatchError && e.code === 400);
  });
});
