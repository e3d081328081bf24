// What a student sees with the real kubectl (v1.32) against simulated nodes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { serverWithKubectl } from '../test/kubectl.js';
import { defaultPodStages, scaleStageDelays, startKubelets, type RunningKubelets } from './index.js';

describe('kubectl against simulated nodes', () => {
  const context = serverWithKubectl();
  let kubelets: RunningKubelets;

  before(async () => {
    kubelets = startKubelets({
      server: context.server.url,
      nodes: [
        { name: 'node-1', labels: { 'node-role.kubernetes.io/control-plane': '' }, taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] },
        { name: 'node-2' },
        { name: 'node-3' },
      ],
      stages: scaleStageDelays(defaultPodStages, 0.05),
    });
    await kubelets.ready;
  });

  after(() => kubelets.stop());

  test('kubectl get nodes shows three Ready nodes, node-1 the control plane', async () => {
    const { code, stdout } = await context.kubectl.run('get', 'nodes');
    assert.equal(code, 0);
    const lines = stdout.trim().split('\n');
    assert.match(lines[0]!, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    assert.match(lines[1]!, /^node-1\s+Ready\s+control-plane\s+\S+\s+v1\.32\.\d+$/);
    assert.match(lines[2]!, /^node-2\s+Ready\s+<none>\s+\S+\s+v1\.32\.\d+$/);
    assert.equal(lines.length, 4);
  });

  test('kubectl get pods -o wide shows a running pod with its IP and node', async () => {
    const manifest = await context.kubectl.manifest(
      'web.yaml',
      ['apiVersion: v1', 'kind: Pod', 'metadata: {name: web}', 'spec:', '  nodeName: node-3', '  containers: [{name: nginx, image: nginx}]', ''].join('\n'),
    );
    assert.equal((await context.kubectl.run('apply', '-f', manifest)).code, 0);
    const wait = await context.kubectl.run('wait', '--for=condition=Ready', 'pod/web', '--timeout=10s');
    assert.equal(wait.code, 0, wait.stderr);
    const { stdout } = await context.kubectl.run('get', 'pods', '-o', 'wide');
    const [header, row] = stdout.trim().split('\n');
    assert.match(header!, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    assert.match(row!, /^web\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.3\.\d+\s+node-3\s+<none>\s+<none>$/);
  });
});
