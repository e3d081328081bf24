// The scheduler in a 3-node lab (startCluster: API server, controllers,
// simulated kubelets): pods go to workers and run; a pod no node fits waits
// with upstream's condition and event, and is placed once a node fits.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { kinds } from '../../client/index.js';
import { defaultPodStages, scaleStageDelays } from '../../kubelet-sim/index.js';
import { startCluster, type Cluster } from '../../scripts/start-cluster.js';
import { eventually } from '../../test/eventually.js';
import { KUBECTL } from '../../test/kubectl.js';

describe('scheduler', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster({ nodes: 3, kubelet: { stages: scaleStageDelays(defaultPodStages, 0.1) } });
  });
  after(() => cluster.stop());

  const pods = () => cluster.client.resource(kinds.Pod, 'default');
  const create = (name: string, spec: Partial<NonNullable<Pod['spec']>> = {}) =>
    pods().create({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } });
  const eventsOf = async (name: string) =>
    (await cluster.client.resource(kinds.Event, 'default').list({ fieldSelector: `involvedObject.name=${name}` })).items.map((e) => `${e.type} ${e.reason} ${e.source?.component}: ${e.message}`);

  test('a pod is bound to a worker, never the control plane, and runs there', async () => {
    const names = ['web-1', 'web-2', 'web-3', 'web-4'];
    for (const name of names) await create(name);
    const running = await eventually('all running', async () => {
      const list = (await pods().list()).items.filter((p) => names.includes(p.metadata!.name!));
      return list.length === 4 && list.every((p) => p.status?.phase === 'Running') ? list : undefined;
    });
    const nodes = running.map((p) => p.spec!.nodeName!);
    assert.ok(nodes.every((n) => n === 'node-2' || n === 'node-3'), nodes.join());
    // Least allocated and balanced: two on each worker.
    assert.deepEqual(nodes.sort(), ['node-2', 'node-2', 'node-3', 'node-3']);
    const scheduled = running[0]!;
    assert.deepEqual(scheduled.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status, 'True');
    assert.ok((await eventsOf(scheduled.metadata!.name!)).includes(`Normal Scheduled default-scheduler: Successfully assigned default/${scheduled.metadata!.name} to ${scheduled.spec!.nodeName}`));
  });

  test('a pod no node fits stays Pending with PodScheduled False and FailedScheduling; labelling a node places it', async () => {
    await create('picky', { nodeSelector: { disk: 'ssd' } });
    const message =
      "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.";
    const condition = await eventually('PodScheduled False', async () => (await pods().get('picky')).status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False'));
    assert.equal(condition.reason, 'Unschedulable');
    assert.equal(condition.message, message);
    await eventually('FailedScheduling', async () => (await eventsOf('picky')).includes(`Warning FailedScheduling default-scheduler: ${message}`));
    assert.equal((await pods().get('picky')).status?.phase, 'Pending');
    const env = { ...process.env, KUBECONFIG: cluster.kubeconfigPath, KUBECACHEDIR: `${cluster.kubeconfigPath}.cache` };
    const described = await new Promise<string>((resolve) => execFile(KUBECTL, ['describe', 'pod', 'picky'], { env }, (_e, stdout) => resolve(stdout)));
    assert.match(described, /Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/3 nodes are available/);

    await cluster.client.resource(kinds.Node).patch('node-3', { metadata: { labels: { disk: 'ssd' } } }, 'merge');
    const placed = await eventually('picky bound', async () => (await pods().get('picky')).spec?.nodeName);
    assert.equal(placed, 'node-3');
  });

  test('a pod asking for more cpu than any node has left is refused with Insufficient cpu', async () => {
    await create('hungry', { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '16' } } }] });
    const condition = await eventually('PodScheduled False', async () => (await pods().get('hungry')).status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False'));
    assert.equal(
      condition.message,
      '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod..',
    );
  });

  test('requests count against allocatable: the room a running pod takes is not given twice', async () => {
    // Each simulated node has 8 cpus allocatable; two 5-cpu pods cannot share one worker.
    for (const name of ['big-1', 'big-2']) await create(name, { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '5' } } }] });
    const nodes = await eventually('both bound', async () => {
      const [a, b] = await Promise.all([pods().get('big-1'), pods().get('big-2')]);
      return a.spec?.nodeName && b.spec?.nodeName ? [a.spec.nodeName, b.spec.nodeName].sort() : undefined;
    });
    assert.deepEqual(nodes, ['node-2', 'node-3']);
    await create('big-3', { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '5' } } }] });
    const condition = await eventually('big-3 unschedulable', async () => (await pods().get('big-3')).status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False'));
    assert.match(condition.message!, /2 Insufficient cpu/);
    await pods().delete('big-1', { gracePeriodSeconds: 0 });
    assert.ok(await eventually('big-3 bound once big-1 is gone', async () => (await pods().get('big-3')).spec?.nodeName));
  });
});
