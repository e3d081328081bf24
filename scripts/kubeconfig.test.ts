import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { test } from 'node:test';
import { kubeconfigFor, loadKubeconfig, resolveKubeconfig, type KubeconfigFile } from './kubeconfig.js';

const lab: KubeconfigFile = {
  clusters: [{ name: 'kubelab', cluster: { server: 'http://127.0.0.1:6443' } }],
  contexts: [
    { name: 'kubelab', context: { cluster: 'kubelab', namespace: 'default' } },
    { name: 'lab-web', context: { cluster: 'kubelab', namespace: 'web' } },
  ],
  'current-context': 'kubelab',
};

test('the current context names the server and its namespace', () => {
  assert.deepEqual(resolveKubeconfig([lab]), { context: 'kubelab', server: 'http://127.0.0.1:6443', namespace: 'default' });
});

test('--context picks another context of the same files', () => {
  assert.equal(resolveKubeconfig([lab], 'lab-web').namespace, 'web');
});

test('a context without a namespace works in default', () => {
  const file: KubeconfigFile = { ...lab, contexts: [{ name: 'kubelab', context: { cluster: 'kubelab' } }] };
  assert.equal(resolveKubeconfig([file]).namespace, 'default');
});

test('merged files: the first file to set current-context or a name wins', () => {
  const other: KubeconfigFile = {
    clusters: [{ name: 'kubelab', cluster: { server: 'http://elsewhere:1' } }],
    contexts: [{ name: 'kubelab', context: { cluster: 'kubelab', namespace: 'other' } }],
    'current-context': 'other',
  };
  assert.deepEqual(resolveKubeconfig([{ ...lab, 'current-context': undefined }, other], 'kubelab'), {
    context: 'kubelab',
    server: 'http://127.0.0.1:6443',
    namespace: 'default',
  });
  assert.throws(() => resolveKubeconfig([{ ...lab, 'current-context': undefined }, other]), /context was not found for specified context: other/);
});

test('an unknown context or a cluster without a server is refused with clientcmd words', () => {
  assert.throws(() => resolveKubeconfig([lab], 'nope'), /context was not found for specified context: nope/);
  assert.throws(() => resolveKubeconfig([{ ...lab, clusters: [] }]), /no server found for cluster "kubelab"/);
  assert.throws(() => resolveKubeconfig([{}]), /no context chosen/);
});

test('loadKubeconfig reads --kubeconfig before KUBECONFIG, and KUBECONFIG lists several files', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kubelab-kubeconfig-'));
  try {
    const first = join(dir, 'first');
    const second = join(dir, 'second');
    await writeFile(first, kubeconfigFor('http://127.0.0.1:1111'));
    await writeFile(second, kubeconfigFor('http://127.0.0.1:2222'));
    assert.equal(loadKubeconfig({ env: { KUBECONFIG: [join(dir, 'missing'), second, first].join(delimiter) } }).server, 'http://127.0.0.1:2222');
    assert.equal(loadKubeconfig({ path: first, env: { KUBECONFIG: second } }).server, 'http://127.0.0.1:1111');
    assert.throws(() => loadKubeconfig({ path: join(dir, 'missing') }), /ENOENT/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
