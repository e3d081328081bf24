// The DaemonSet controller in the 3-node lab (SCENARIOS.md S1-S3): an API
// server on a memory store, kubelet-sim nodes (node-1 the control plane,
// tainted NoSchedule) with short pod stages, the daemonset controller and
// the scheduler that binds its pods, and the real kubectl.
// A watch of the pods checks throughout that no node ever holds two pods of
// a DaemonSet whose maxSurge is 0, terminating ones included; the last test
// checks that watch's own guarantees (watch-guarantees/informer-check.ts).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { startApiServer, type RunningApiServer } from '../apiserver/index.js';
import { KubeClient, kinds } from '../client/index.js';
import { startControllers, type RunningControllers } from '../controllers/index.js';
import { defaultPodStages, scaleStageDelays, startKubelets, type RunningKubelets } from '../kubelet-sim/index.js';
import { labNodes } from '../scripts/lab.js';
import { openStore, type MvccStore } from '../store/index.js';
import { podsPerNodeMonitor as monitorPods } from './daemon-pods.js';
import { eventually } from './eventually.js';
import { kubectlFor, type Kubectl } from './kubectl.js';

const NS = 'kube-system';
const podsPerNodeMonitor = (client: KubeClient, server: string) => monitorPods(client, NS, server);

const manifest = (name: string, image: string, extra = '', strategy = 'RollingUpdate') => `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ${name}
  namespace: ${NS}
spec:
  selector:
    matchLabels:
      name: ${name}
  updateStrategy:
    type: ${strategy}
  template:
    metadata:
      labels:
        name: ${name}
    spec:
${extra}      terminationGracePeriodSeconds: 30
      containers:
      - name: ${name}
        image: ${image}
`;
const controlPlaneToleration = `      tolerations:
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule
`;

describe('DaemonSets in the 3-node lab, with kubectl', () => {
  let store: MvccStore;
  let server: RunningApiServer;
  let client: KubeClient;
  let kubelets: RunningKubelets;
  let controllers: RunningControllers;
  let kubectl: Kubectl;
  let monitor: ReturnType<typeof podsPerNodeMonitor>;
  const logger = pino({ level: 'silent' });
  const startDaemonSetController = () => startControllers({ server: server.url, controllers: ['daemonset', 'scheduler'], logger });

  before(async () => {
    store = await openStore({ backend: 'memory', autoCompaction: false });
    server = await startApiServer({ store, port: 0, logger });
    client = new KubeClient({ server: server.url, logger });
    kubelets = startKubelets({ server: server.url, nodes: labNodes(3), logger, stages: scaleStageDelays(defaultPodStages, 0.05), nodeEvents: false });
    await kubelets.ready;
    monitor = podsPerNodeMonitor(client, server.url);
    controllers = startDaemonSetController();
    kubectl = await kubectlFor(server.url, NS);
  });
  after(async () => {
    await kubectl.cleanup();
    await controllers.stop();
    await monitor.stop();
    await kubelets.stop();
    await server.close();
    await store.close();
  });

  const kc = async (...args: string[]) => {
    const result = await kubectl.run(...args);
    assert.equal(result.code, 0, `kubectl ${args.join(' ')}: ${result.stderr}`);
    return result.stdout;
  };
  const dsRow = (name: string) => kc('get', 'ds', name, '--no-headers').then((out) => out.trim().split(/\s+/).slice(1, 6).join(' '));
  const podsOf = async (name: string) => (await client.resource(kinds.Pod, NS).list({ labelSelector: `name=${name}` })).items;
  const imagesOf = async (name: string) => (await podsOf(name)).filter((p) => !p.metadata?.deletionTimestamp).map((p) => `${p.spec?.nodeName}=${p.spec?.containers[0]?.image}`).sort();

  test('S1: with the control-plane toleration, one pod on each of 3 nodes; without it, 2', async () => {
    await kc('apply', '-f', await kubectl.manifest('fluentd.yaml', manifest('fluentd', 'fluentd:v1', controlPlaneToleration)));
    await kc('apply', '-f', await kubectl.manifest('workers.yaml', manifest('workers', 'busybox:1')));
    await eventually('fluentd 3 3 3 3 3', async () => (await dsRow('fluentd')) === '3 3 3 3 3');
    await eventually('workers 2 2 2 2 2', async () => (await dsRow('workers')) === '2 2 2 2 2');
    assert.deepEqual(await imagesOf('fluentd'), ['node-1=fluentd:v1', 'node-2=fluentd:v1', 'node-3=fluentd:v1']);
    const pod = (await podsOf('fluentd'))[0]!;
    assert.match(pod.metadata?.name ?? '', /^fluentd-[a-z0-9]{5}$/);
    assert.deepEqual(Object.keys(pod.metadata?.labels ?? {}).sort(), ['controller-revision-hash', 'name', 'pod-template-generation']);
    const describe = await kc('describe', 'ds', 'fluentd');
    assert.match(describe, /SuccessfulCreate\s+\S+\s+daemonset-controller\s+Created pod: fluentd-/);
    const status = (await client.resource(kinds.DaemonSet, NS).get('fluentd')).status;
    assert.deepEqual(status, { currentNumberScheduled: 3, desiredNumberScheduled: 3, numberAvailable: 3, numberMisscheduled: 0, numberReady: 3, observedGeneration: 1, updatedNumberScheduled: 3 });
  });

  test('S2: set image rolls node by node (maxUnavailable 1), rollout status and history follow; undo goes back to revision 1', async () => {
    await kc('set', 'image', 'ds/fluentd', 'fluentd=fluentd:v2');
    const status = await kc('rollout', 'status', 'ds/fluentd', '--timeout=60s');
    assert.match(status, /daemon set "fluentd" successfully rolled out/);
    assert.deepEqual(await imagesOf('fluentd'), ['node-1=fluentd:v2', 'node-2=fluentd:v2', 'node-3=fluentd:v2']);
    assert.equal(monitor.most('fluentd'), 1, 'never two fluentd pods on one node');
    const history = await kc('rollout', 'history', 'ds/fluentd');
    assert.match(history, /daemonset\.apps\/fluentd\s*\nREVISION\s+CHANGE-CAUSE\s*\n1\s+<none>\s*\n2\s+<none>/);
    assert.match(await kc('rollout', 'history', 'ds/fluentd', '--revision=1'), /with revision #1[\s\S]*Image:\s+fluentd:v1/);
    assert.match(await kc('rollout', 'undo', 'ds/fluentd', '--to-revision=1'), /daemonset\.apps\/fluentd rolled back/);
    assert.match(await kc('rollout', 'status', 'ds/fluentd', '--timeout=60s'), /successfully rolled out/);
    assert.deepEqual(await imagesOf('fluentd'), ['node-1=fluentd:v1', 'node-2=fluentd:v1', 'node-3=fluentd:v1']);
    assert.match(await kc('rollout', 'history', 'ds/fluentd'), /\n2\s+<none>\s*\n3\s+<none>/);
    assert.equal(monitor.most('fluentd'), 1);
  });

  test('OnDelete: a new template replaces nothing until a pod is deleted', async () => {
    await kc('apply', '-f', await kubectl.manifest('ondelete.yaml', manifest('ondelete', 'app:v1', '', 'OnDelete')));
    await eventually('ondelete running', async () => (await dsRow('ondelete')) === '2 2 2 2 2');
    await kc('set', 'image', 'ds/ondelete', 'ondelete=app:v2');
    await eventually('generation observed', async () => (await dsRow('ondelete')) === '2 2 2 0 2');
    const node2 = (await podsOf('ondelete')).find((p) => p.spec?.nodeName === 'node-2')!;
    await kc('delete', 'pod', node2.metadata?.name ?? '', '--wait=false');
    await eventually('node-2 replaced', async () => (await imagesOf('ondelete')).join() === 'node-2=app:v2,node-3=app:v1' && (await podsOf('ondelete')).length === 2);
  });

  test('S3: labelling a node adds a pod there; removing the label removes it', async () => {
    await kc('apply', '-f', await kubectl.manifest('ssd.yaml', manifest('ssd', 'app:v1', '      nodeSelector:\n        disk: ssd\n')));
    await eventually('no node matches', async () => (await dsRow('ssd')) === '0 0 0 0 0');
    await kc('label', 'node', 'node-3', 'disk=ssd');
    await eventually('a pod on node-3', async () => (await dsRow('ssd')) === '1 1 1 1 1');
    assert.deepEqual(await imagesOf('ssd'), ['node-3=app:v1']);
    await kc('label', 'node', 'node-3', 'disk-');
    await eventually('pod gone', async () => (await podsOf('ssd')).length === 0 && (await dsRow('ssd')) === '0 0 0 0 0');
  });

  test('a controller stopped and restarted mid-rollout finishes it, never two pods on one node', async () => {
    await kc('set', 'image', 'ds/fluentd', 'fluentd=fluentd:v3');
    await eventually('the rollout started', async () => (await podsOf('fluentd')).some((p) => p.metadata?.deletionTimestamp || p.spec?.containers[0]?.image === 'fluentd:v3'), 10_000);
    await controllers.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    controllers = startDaemonSetController();
    assert.match(await kc('rollout', 'status', 'ds/fluentd', '--timeout=60s'), /successfully rolled out/);
    assert.deepEqual(await imagesOf('fluentd'), ['node-1=fluentd:v3', 'node-2=fluentd:v3', 'node-3=fluentd:v3']);
    assert.equal(monitor.most('fluentd'), 1);
  });

  test("the pod informer's watch, over every test above, was ordered, unique and whole against a plain watch", async (t) => {
    const watch = await monitor.checkWatch();
    t.diagnostic(`the pod informer's watch: ${JSON.stringify(watch)}`);
    assert.ok(watch.compared > 50, `only ${watch.compared} events compared with the reference watch`);
  });
});
