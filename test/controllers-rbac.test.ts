// The controllers process under --authorization-mode=Node,RBAC, as the one
// identity it runs as (system:kube-controller-manager, scheduler included):
// its default bindings let it do everything controllers/ does, so a
// DaemonSet, a StatefulSet and a ReplicationController come up, scale down and
// are garbage collected with no request of the controllers refused.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import type { Authenticator } from '../apiserver/auth.js';
import { startApiServer, type RunningApiServer } from '../apiserver/index.js';
import { KubeClient, kinds } from '../client/index.js';
import { startControllers, type RunningControllers } from '../controllers/index.js';
import { defaultPodStages, scaleStageDelays, startKubelets, type RunningKubelets } from '../kubelet-sim/index.js';
import { openStore, type Store } from '../store/index.js';
import { eventually } from './eventually.js';

/** The controllers by their user agent; everyone else (the kubelets, this test) is an admin. */
const byUserAgent: Authenticator = (request) =>
  request.headers['user-agent']?.startsWith('kubelab-controllers')
    ? { username: 'system:kube-controller-manager', groups: ['system:authenticated'] }
    : { username: 'admin', groups: ['system:masters', 'system:authenticated'] };

describe('controllers under RBAC', () => {
  const refused: string[] = [];
  const lab = {} as { store: Store; server: RunningApiServer; controllers: RunningControllers; kubelets: RunningKubelets; client: KubeClient };
  before(async () => {
    // Every 403 the server answers: only the controllers can get one here.
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
          const entry = JSON.parse(line) as { status?: number; method?: string; path?: string; msg?: string };
          if (entry.msg === 'request' && entry.status === 403) refused.push(`${entry.method} ${entry.path}`);
        }
        done();
      },
    });
    lab.store = await openStore({ backend: 'memory', autoCompaction: false });
    lab.server = await startApiServer({ store: lab.store, authenticator: byUserAgent, authorizationModes: ['Node', 'RBAC'], logger: pino({ level: 'info' }, sink) });
    lab.controllers = startControllers({ server: lab.server.url });
    lab.kubelets = startKubelets({ server: lab.server.url, nodes: [{ name: 'node-1' }, { name: 'node-2' }], stages: scaleStageDelays(defaultPodStages, 0.05) });
    lab.client = new KubeClient({ server: lab.server.url });
  });
  after(async () => {
    await lab.kubelets?.stop();
    await lab.controllers?.stop();
    await lab.server?.close();
    await lab.store?.close();
  });

  const labels = { app: 'web' };
  const template = { metadata: { labels }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } };
  const running = async (selector: string, count: number) => {
    const pods = await lab.client.resource(kinds.Pod, 'default').list({ labelSelector: selector });
    return pods.items.filter((p) => p.status?.phase === 'Running').length === count;
  };

  test('a DaemonSet, a StatefulSet and a ReplicationController run, scale and go, and no controller request is refused', async () => {
    await lab.client.resource(kinds.DaemonSet, 'default').create({ metadata: { name: 'agent' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { ...template, metadata: { labels: { app: 'agent' } } } } });
    await lab.client.resource(kinds.StatefulSet, 'default').create({ metadata: { name: 'db' }, spec: { serviceName: 'db', replicas: 2, selector: { matchLabels: { app: 'db' } }, template: { ...template, metadata: { labels: { app: 'db' } } } } });
    await lab.client.resource(kinds.ReplicationController, 'default').create({ metadata: { name: 'web' }, spec: { replicas: 2, selector: labels, template } });
    await eventually('the daemon, stateful and replicated pods run', async () => (await running('app=agent', 2)) && (await running('app=db', 2)) && (await running('app=web', 2)), 30_000);
    await lab.client.resource(kinds.ReplicationController, 'default').patch('web', { spec: { replicas: 1 } });
    await eventually('the rc scaled down', () => running('app=web', 1), 30_000);
    await lab.client.resource(kinds.ReplicationController, 'default').delete('web', { propagationPolicy: 'Background' });
    await eventually('the garbage collector removed its pod', async () => refused.length > 0 || (await lab.client.resource(kinds.Pod, 'default').list({ labelSelector: 'app=web' })).items.length === 0, 30_000);
    assert.deepEqual(refused, []);
  });
});
