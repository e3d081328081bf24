// A cluster test: an in-process API server on a memory store, and simulated
// kubelets against it, with the stage table's waits cut to 5% and the
// back-offs to a fraction of a second.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Event, Node, Pod } from 'kubernetes-types/core/v1.js';
import { startApiServer, type RunningApiServer } from '../apiserver/index.js';
import { openStore, type Store } from '../store/index.js';
import { KubeClient, kinds } from '../client/index.js';
import { defaultPodStages, scaleStageDelays, startKubelets, type KubeletOptions, type RunningKubelets } from './index.js';

const fast: Partial<KubeletOptions> = {
  stages: scaleStageDelays(defaultPodStages, 0.05),
  crashLoopBackOff: { initialMs: 150, maxMs: 600 },
  imagePullBackOff: { initialMs: 150, maxMs: 600 },
  leaseRenewMs: 200,
};

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 8_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`, { cause: last });
}

function pod(name: string, nodeName: string, extra: { annotations?: Record<string, string>; image?: string; restartPolicy?: string; grace?: number } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', ...(extra.annotations ? { annotations: extra.annotations } : {}) },
    spec: {
      nodeName,
      containers: [{ name: 'nginx', image: extra.image ?? 'nginx' }],
      ...(extra.restartPolicy ? { restartPolicy: extra.restartPolicy } : {}),
      ...(extra.grace !== undefined ? { terminationGracePeriodSeconds: extra.grace } : {}),
    },
  };
}

describe('simulated kubelets against an in-process API server', () => {
  let store: Store;
  let server: RunningApiServer;
  let client: KubeClient;
  let kubelets: RunningKubelets;
  const pods = () => client.resource(kinds.Pod, 'default');
  const eventsOf = async (name: string) =>
    (await client.resource(kinds.Event, 'default').list({ fieldSelector: `involvedObject.name=${name}` })).items.sort((a: Event, b: Event) =>
      (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
    );

  before(async () => {
    store = await openStore({ backend: 'memory' });
    server = await startApiServer({ store, port: 0 });
    client = new KubeClient({ server: server.url });
    kubelets = startKubelets({
      server: server.url,
      nodes: [
        { name: 'node-1', labels: { 'node-role.kubernetes.io/control-plane': '' }, taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] },
        { name: 'node-2' },
      ],
      ...fast,
    });
    await kubelets.ready;
  });

  after(async () => {
    await kubelets.stop();
    await server.close();
    await store.close();
  });

  test('registers each node Ready, as a real kubelet does, with its lease', async () => {
    const node: Node = await client.resource(kinds.Node).get('node-1');
    assert.equal(node.metadata?.labels?.['kubernetes.io/hostname'], 'node-1');
    assert.equal(node.metadata?.labels?.['kubernetes.io/os'], 'linux');
    assert.equal(node.metadata?.labels?.['beta.kubernetes.io/arch'], 'amd64');
    assert.equal(node.metadata?.labels?.['node-role.kubernetes.io/control-plane'], '');
    assert.deepEqual(node.spec?.taints, [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
    assert.equal(node.spec?.podCIDR, '10.244.1.0/24');
    assert.equal(node.status?.capacity?.pods, '110');
    assert.equal(node.status?.nodeInfo?.kubeletVersion.startsWith('v1.32.'), true);
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    assert.deepEqual([ready?.status, ready?.reason, ready?.message], ['True', 'KubeletReady', 'kubelet is posting ready status']);
    assert.deepEqual(
      node.status?.conditions?.map((c) => [c.type, c.status]),
      [['MemoryPressure', 'False'], ['DiskPressure', 'False'], ['PIDPressure', 'False'], ['Ready', 'True']],
    );
    const node2: Node = await client.resource(kinds.Node).get('node-2');
    assert.equal(node2.spec?.podCIDR, '10.244.2.0/24');
    assert.equal(node2.spec?.taints, undefined);

    const lease = await client.resource(kinds.Lease, 'kube-node-lease').get('node-1');
    assert.equal(lease.spec?.holderIdentity, 'node-1');
    assert.equal(lease.spec?.leaseDurationSeconds, 40);
    assert.deepEqual(lease.metadata?.ownerReferences?.map((o) => [o.kind, o.name, o.uid]), [['Node', 'node-1', node.metadata?.uid]]);
    // The lease is renewed every 200 ms here.
    const first = lease.spec?.renewTime;
    await eventually('a lease renewal', async () => {
      const renewed = await client.resource(kinds.Lease, 'kube-node-lease').get('node-1');
      return renewed.spec?.renewTime !== first ? true : undefined;
    });
  });

  test('runs a bound pod: ContainerCreating, then Running and Ready with an IP from its node, with the kubelet events', async () => {
    const seen = new Set<string>();
    await pods().create(pod('web', 'node-2'));
    const running = await eventually('web Running', async () => {
      const p = await pods().get('web');
      const waiting = p.status?.containerStatuses?.[0]?.state?.waiting?.reason;
      if (waiting) seen.add(waiting);
      return p.status?.phase === 'Running' && p.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? p : undefined;
    });
    assert.ok(seen.has('ContainerCreating'), `saw ${[...seen].join(',')}`);
    const status = running.status!;
    assert.match(status.podIP ?? '', /^10\.244\.2\.\d+$/);
    assert.deepEqual(status.podIPs, [{ ip: status.podIP }]);
    assert.match(status.hostIP ?? '', /^172\.18\.0\.\d+$/);
    assert.ok(status.startTime);
    const c = status.containerStatuses![0]!;
    assert.equal(c.image, 'docker.io/library/nginx:latest');
    assert.match(c.imageID, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    assert.match(c.containerID ?? '', /^containerd:\/\/[0-9a-f]{64}$/);
    assert.deepEqual([c.ready, c.started, c.restartCount, !!c.state?.running?.startedAt], [true, true, 0, true]);
    assert.deepEqual(
      status.conditions?.map((k) => [k.type, k.status]),
      [['PodReadyToStartContainers', 'True'], ['Initialized', 'True'], ['Ready', 'True'], ['ContainersReady', 'True'], ['PodScheduled', 'True']],
    );
    const events = await eventually('four kubelet events', async () => {
      const list = await eventsOf('web');
      return list.length >= 4 ? list : undefined;
    });
    assert.deepEqual(events.map((e) => e.reason), ['Pulling', 'Pulled', 'Created', 'Started']);
    assert.equal(events[0]?.message, 'Pulling image "nginx"');
    assert.match(events[1]?.message ?? '', /^Successfully pulled image "nginx" in [\d.]+m?s \([\d.]+m?s including waiting\)\. Image size: \d+ bytes\.$/);
    assert.equal(events[2]?.message, 'Created container nginx');
    assert.equal(events[3]?.message, 'Started container nginx');
    assert.deepEqual([events[0]?.source?.component, events[0]?.source?.host], ['kubelet', 'node-2']);
  });

  test('a deleted pod goes Terminating, its containers are stopped, and it is gone within the grace period', async () => {
    await pods().create(pod('doomed', 'node-1', { grace: 30 }));
    await eventually('doomed Running', async () => ((await pods().get('doomed')).status?.phase === 'Running' ? true : undefined));
    const started = Date.now();
    const answer = (await pods().delete('doomed')) as Pod;
    assert.ok(answer.metadata?.deletionTimestamp, 'the pod is marked, not removed');
    await eventually('doomed gone', async () => {
      try {
        await pods().get('doomed');
        return undefined;
      } catch {
        return true;
      }
    });
    assert.ok(Date.now() - started < 5_000);
    const killing = (await eventsOf('doomed')).find((e) => e.reason === 'Killing');
    assert.equal(killing?.message, 'Stopping container nginx');
  });

  test('a crashing pod restarts per its restartPolicy and reaches CrashLoopBackOff, restarts counted', async () => {
    await pods().create(pod('crasher', 'node-2', { annotations: { 'kubelab.dev/simulate': 'crash' } }));
    const looping = await eventually('CrashLoopBackOff after two restarts', async () => {
      const p = await pods().get('crasher');
      const c = p.status?.containerStatuses?.[0];
      return c?.state?.waiting?.reason === 'CrashLoopBackOff' && (c.restartCount ?? 0) >= 2 ? p : undefined;
    }, 15_000);
    const c = looping.status!.containerStatuses![0]!;
    assert.equal(looping.status?.phase, 'Running');
    assert.deepEqual([c.lastState?.terminated?.reason, c.lastState?.terminated?.exitCode], ['Error', 1]);
    assert.match(c.state?.waiting?.message ?? '', /^back-off \d+m?s restarting failed container=nginx pod=crasher_default\(/);
    const ready = looping.status?.conditions?.find((k) => k.type === 'Ready');
    assert.deepEqual([ready?.status, ready?.reason, ready?.message], ['False', 'ContainersNotReady', 'containers with unready status: [nginx]']);
    const backOff = (await eventsOf('crasher')).find((e) => e.reason === 'BackOff');
    assert.match(backOff?.message ?? '', /^Back-off restarting failed container nginx in pod crasher_default\(/);
  });

  test('an image that cannot be pulled shows ErrImagePull, then ImagePullBackOff', async () => {
    await pods().create(pod('nopull', 'node-1', { image: 'nosuch/image:pull-error' }));
    const seen = new Set<string>();
    await eventually('ImagePullBackOff after ErrImagePull', async () => {
      const p = await pods().get('nopull');
      const reason = p.status?.containerStatuses?.[0]?.state?.waiting?.reason;
      if (reason) seen.add(reason);
      return seen.has('ErrImagePull') && reason === 'ImagePullBackOff' ? p : undefined;
    });
    const p = await pods().get('nopull');
    assert.equal(p.status?.phase, 'Pending');
    assert.ok(p.status?.podIP, 'the sandbox is up: the pod has an IP');
    const messages = (await eventsOf('nopull')).map((e) => `${e.type} ${e.reason} ${e.message}`);
    assert.ok(messages.includes('Normal Pulling Pulling image "nosuch/image:pull-error"'), messages.join('\n'));
    assert.ok(messages.some((m) => m.startsWith('Warning Failed Failed to pull image "nosuch/image:pull-error": rpc error: code = NotFound')), messages.join('\n'));
    assert.ok(messages.includes('Warning Failed Error: ErrImagePull'), messages.join('\n'));
    assert.ok(messages.includes('Normal BackOff Back-off pulling image "nosuch/image:pull-error"'), messages.join('\n'));
    assert.ok(messages.includes('Warning Failed Error: ImagePullBackOff'), messages.join('\n'));
  });

  test('a pod with restartPolicy Never whose container completes is Succeeded, its container Completed', async () => {
    await pods().create(pod('job', 'node-1', { restartPolicy: 'Never', annotations: { 'kubelab.dev/simulate': 'complete' } }));
    const done = await eventually('job Succeeded', async () => {
      const p = await pods().get('job');
      return p.status?.phase === 'Succeeded' ? p : undefined;
    });
    const t = done.status?.containerStatuses?.[0]?.state?.terminated;
    assert.deepEqual([t?.reason, t?.exitCode], ['Completed', 0]);
    const ready = done.status?.conditions?.find((k) => k.type === 'Ready');
    assert.deepEqual([ready?.status, ready?.reason], ['False', 'PodCompleted']);
  });

  test('a Node deleted under a running kubelet is registered again', async () => {
    const before = await client.resource(kinds.Node).get('node-2');
    await client.resource(kinds.Node).delete('node-2');
    const again = await eventually('node-2 back', async () => {
      const node = await client.resource(kinds.Node).get('node-2');
      return node.metadata?.uid !== before.metadata?.uid ? node : undefined;
    });
    assert.equal(again.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    assert.equal(again.spec?.podCIDR, before.spec?.podCIDR);
    await eventually('its lease owned by the new Node', async () => {
      const lease = await client.resource(kinds.Lease, 'kube-node-lease').get('node-2');
      return lease.metadata?.ownerReferences?.[0]?.uid === again.metadata?.uid ? true : undefined;
    });
  });

  test('a restarted kubelet adopts its running pods without restarting them', async () => {
    await pods().create(pod('steady', 'node-1'));
    const running = await eventually('steady Ready', async () => {
      const p = await pods().get('steady');
      return p.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? p : undefined;
    });
    await kubelets.stop();
    kubelets = startKubelets({ server: server.url, nodes: [{ name: 'node-1' }, { name: 'node-2' }], ...fast });
    await kubelets.ready;
    // Give the new kubelets time to act, if they were going to.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const after = await pods().get('steady');
    assert.equal(after.metadata?.resourceVersion, running.metadata?.resourceVersion);
    assert.equal(after.status?.containerStatuses?.[0]?.containerID, running.status?.containerStatuses?.[0]?.containerID);
    // A new pod on the same node gets another address.
    await pods().create(pod('newcomer', 'node-1'));
    const newcomer = await eventually('newcomer Running', async () => {
      const p = await pods().get('newcomer');
      return p.status?.podIP ? p : undefined;
    });
    assert.notEqual(newcomer.status?.podIP, running.status?.podIP);
    assert.equal((await client.resource(kinds.Node).get('node-1')).metadata?.labels?.['node-role.kubernetes.io/control-plane'], '', 'labels kept');
  });
});
