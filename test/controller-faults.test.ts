// Controller invariants under faults (issue 10, "Proof"): an API server on a
// memory store, simulated nodes, and a spawned controllers process that talks
// to the API server through a slow link (a delaying TCP proxy) and is
// SIGKILLed and started again at random every 1-3 s, while a DaemonSet rolls
// out, an OrderedReady StatefulSet scales up and rolls, and a
// ReplicationController scales up and down. A watch of the pods, straight to
// the API server, checks every event (and its own watch guarantees at the
// end, watch-guarantees/informer-check.ts, against a plain watch):
//   - never two live (not terminating, not failed or succeeded) pods of one
//     DaemonSet on one node;
//   - never two live pods with one StatefulSet identity (ordinal);
//   - a StatefulSet pod n is created only when pods 0..n-1 are Running and
//     Ready (upstream's OrderedReady, statefulset_control.go's monotonic
//     processing);
// and at the end everything converges.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import type { DaemonSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Pod, ReplicationController } from 'kubernetes-types/core/v1.js';
import pino from 'pino';
import { startApiServer, type RunningApiServer } from '../apiserver/index.js';
import { KubeClient, kinds } from '../client/index.js';
import { defaultPodStages, scaleStageDelays, seededRandom, startKubelets, type RunningKubelets } from '../kubelet-sim/index.js';
import { labNodes } from '../scripts/lab.js';
import { openStore, type MvccStore } from '../store/index.js';
import { startDelayingProxy, type DelayingProxy } from './delaying-proxy.js';
import { eventually } from './eventually.js';
import { checkedInformer } from './watch-guarantees/index.js';

const NS = 'default';
const NODES = 5;
const MIN_KILLS = 10;
const random = seededRandom(Number(process.env.FAULTS_SEED ?? 20261123));
const CONTROLLERS_MAIN = fileURLToPath(new URL('../controllers/main.js', import.meta.url));

const template = (app: string, image: string) => ({
  metadata: { labels: { app } },
  spec: {
    terminationGracePeriodSeconds: 1,
    tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
    containers: [{ name: app, image }],
  },
});
const daemonSet: DaemonSet = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', namespace: NS }, spec: { selector: { matchLabels: { app: 'agent' } }, template: template('agent', 'agent:v1') } };
const statefulSet: StatefulSet = {
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: NS },
  spec: { serviceName: 'db', replicas: 3, podManagementPolicy: 'OrderedReady', selector: { matchLabels: { app: 'db' } }, template: template('db', 'db:v1') },
};
const replicationController: ReplicationController = { apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'web', namespace: NS }, spec: { replicas: 3, selector: { app: 'web' }, template: template('web', 'web:v1') } };

const isLive = (pod: Pod) => !pod.metadata?.deletionTimestamp && pod.status?.phase !== 'Failed' && pod.status?.phase !== 'Succeeded';
const isRunningAndReady = (pod: Pod) => pod.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
const ownerOf = (pod: Pod) => pod.metadata?.ownerReferences?.find((o) => o.controller);
const pinnedNode = (pod: Pod) => pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms?.[0]?.matchFields?.[0]?.values?.[0];
const ordinalOf = (pod: Pod) => Number(/-(\d+)$/.exec(pod.metadata?.name ?? '')?.[1]);

/** Checks the invariants at every pod event; remembers each violation and how many events it checked. */
function invariantMonitor(client: KubeClient, reference: string) {
  const watched = checkedInformer(client.resource(kinds.Pod, NS), { reference, name: 'invariant informer' });
  const informer = watched.informer;
  const violations: string[] = [];
  let events = 0;
  const checkAll = () => {
    events++;
    const live = informer.list().filter(isLive);
    const daemonPods = new Map<string, string[]>();
    const identities = new Map<string, string[]>();
    for (const pod of live) {
      const owner = ownerOf(pod);
      if (owner?.kind === 'DaemonSet') {
        const key = `${owner.name}@${pod.spec?.nodeName ?? pinnedNode(pod)}`;
        daemonPods.set(key, [...(daemonPods.get(key) ?? []), pod.metadata?.name ?? '']);
      }
      if (owner?.kind === 'StatefulSet') {
        const key = `${owner.name}/${ordinalOf(pod)}`;
        identities.set(key, [...(identities.get(key) ?? []), pod.metadata?.uid ?? '']);
      }
    }
    for (const [key, names] of daemonPods) if (names.length > 1) violations.push(`two live daemon pods ${names.join(', ')} of ${key}`);
    for (const [key, uids] of identities) if (uids.length > 1) violations.push(`two live pods with the StatefulSet identity ${key}`);
  };
  /** OrderedReady: when pod n appears, pods 0..n-1 of its set are Running and Ready. */
  const checkOrder = (pod: Pod) => {
    const owner = ownerOf(pod);
    if (owner?.kind !== 'StatefulSet') return;
    const n = ordinalOf(pod);
    const pods = informer.list().filter((p) => ownerOf(p)?.uid === owner.uid);
    for (let m = 0; m < n; m++) {
      const lower = pods.find((p) => ordinalOf(p) === m);
      if (!lower || !isLive(lower) || !isRunningAndReady(lower)) violations.push(`${pod.metadata?.name} created while ${owner.name}-${m} was ${lower ? (lower.metadata?.deletionTimestamp ? 'terminating' : (lower.status?.phase ?? 'unknown')) : 'absent'}`);
    }
  };
  informer.addEventHandler({
    onAdd: (pod, initialList) => {
      if (!initialList) checkOrder(pod);
      checkAll();
    },
    onUpdate: checkAll,
    onDelete: checkAll,
  });
  informer.start();
  return { informer, violations, events: () => events, checkWatch: () => watched.check(), stop: () => watched.stop() };
}

let store: MvccStore;
let server: RunningApiServer;
let proxy: DelayingProxy;
let kubelets: RunningKubelets;
let client: KubeClient;
let monitor: ReturnType<typeof invariantMonitor>;
let controllers: ChildProcess | undefined;
let restarts = 0;
const logger = pino({ level: 'silent' });

/** Starts the controllers process, talking to the API server through the slow link. */
function startControllersProcess(): ChildProcess {
  const child = spawn(process.execPath, [CONTROLLERS_MAIN, '--server', proxy.url], { stdio: 'ignore', env: { ...process.env, LOG_LEVEL: 'silent' } });
  restarts++;
  return child;
}

async function killControllers(): Promise<void> {
  const child = controllers;
  controllers = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

before(async () => {
  store = await openStore({ backend: 'memory', autoCompaction: false });
  server = await startApiServer({ store, port: 0, logger });
  proxy = await startDelayingProxy({ target: server.url, minDelayMs: 5, maxDelayMs: 40, random });
  client = new KubeClient({ server: server.url, logger });
  kubelets = startKubelets({ server: server.url, nodes: labNodes(NODES), logger, stages: scaleStageDelays(defaultPodStages, 0.4), nodeEvents: false });
  await kubelets.ready;
  monitor = invariantMonitor(client, server.url);
});
after(async () => {
  await killControllers();
  await monitor.stop();
  await kubelets.stop();
  await proxy.close();
  await server.close();
  await store.close();
});

test('controllers SIGKILLed at random behind a slow link keep the DaemonSet, StatefulSet and ReplicationController invariants and converge', { timeout: 120_000 }, async () => {
  const started = Date.now();
  controllers = startControllersProcess();
  const dsClient = client.resource(kinds.DaemonSet, NS);
  const stsClient = client.resource(kinds.StatefulSet, NS);
  const rcClient = client.resource(kinds.ReplicationController, NS);
  await client.resource(kinds.Service, NS).create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db' }, spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 80 }] } });
  await dsClient.create(daemonSet);
  await stsClient.create(statefulSet);
  await rcClient.create(replicationController);

  // The faults: SIGKILL, then a new process, every 1-3 s, until the scenario is done and MIN_KILLS are in.
  let kills = 0;
  let scenarioDone = false;
  const faults = (async () => {
    while (!scenarioDone || kills < MIN_KILLS) {
      await new Promise((resolve) => setTimeout(resolve, 1000 + random() * 2000));
      await killControllers();
      kills++;
      controllers = startControllersProcess();
    }
  })();

  const live = async (app: string) => (await client.resource(kinds.Pod, NS).list({ labelSelector: `app=${app}` })).items.filter(isLive);
  /** Each step of the scenario starts after another kill, so that every one of them meets a fault in its course. */
  const afterAnotherKill = async () => {
    const seen = kills;
    await eventually('another kill', () => kills > seen, 10_000);
  };
  try {
    await eventually('the DaemonSet on every node', async () => (await live('agent')).length === NODES, 60_000);
    await afterAnotherKill();
    await dsClient.patch('agent', { spec: { template: { spec: { containers: [{ name: 'agent', image: 'agent:v2' }] } } } }, 'strategic');
    await stsClient.patch('db', { spec: { replicas: 5 } });
    await rcClient.patch('web', { spec: { replicas: 10 } });
    await afterAnotherKill();
    await eventually('db-3 up', async () => (await live('db')).length >= 4, 60_000);
    await stsClient.patch('db', { spec: { template: { spec: { containers: [{ name: 'db', image: 'db:v2' }] } } } }, 'strategic');
    await afterAnotherKill();
    await eventually('10 web pods', async () => (await live('web')).length === 10, 60_000);
    await rcClient.patch('web', { spec: { replicas: 2 } });
    await afterAnotherKill();
  } finally {
    scenarioDone = true;
  }
  const killsDuringScenario = kills;
  await faults;

  // Convergence, with the last controllers process left running.
  const converged = await eventually(
    'everything converged',
    async () => {
      const [ds, sts, rc] = await Promise.all([dsClient.get('agent'), stsClient.get('db'), rcClient.get('web')]);
      const [agents, dbs, webs] = await Promise.all([live('agent'), live('db'), live('web')]);
      const dsDone = ds.status?.observedGeneration === ds.metadata?.generation && ds.status?.updatedNumberScheduled === NODES && ds.status?.numberAvailable === NODES && agents.length === NODES && agents.every((p) => p.spec?.containers[0]?.image === 'agent:v2');
      const stsDone = sts.status?.observedGeneration === sts.metadata?.generation && sts.status?.readyReplicas === 5 && sts.status?.updatedReplicas === 5 && sts.status?.currentRevision === sts.status?.updateRevision && dbs.length === 5 && dbs.every((p) => p.spec?.containers[0]?.image === 'db:v2');
      const rcDone = rc.status?.observedGeneration === rc.metadata?.generation && rc.status?.replicas === 2 && rc.status?.readyReplicas === 2 && webs.length === 2;
      return dsDone && stsDone && rcDone ? { ds: ds.status, sts: sts.status, rc: rc.status } : undefined;
    },
    60_000,
  );
  const nodes = new Set((await live('agent')).map((p) => p.spec?.nodeName));
  assert.equal(nodes.size, NODES, 'one daemon pod on each node');
  assert.deepEqual(monitor.violations, []);
  assert.ok(kills >= MIN_KILLS);
  const watch = await monitor.checkWatch();
  const figures = { kills, killsDuringScenario, controllerProcesses: restarts, podEventsChecked: monitor.events(), informerWatch: watch, proxiedChunks: proxy.chunks(), seconds: Math.round((Date.now() - started) / 100) / 10 };
  process.stdout.write(`# controller faults: ${JSON.stringify(figures)} sts ${JSON.stringify(converged.sts)}\n`);
});
