// The endpoints controller in a 3-node lab (startCluster): a Service's
// Endpoints follow its Ready pods, as kubectl get endpoints shows them.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { kinds } from '../../client/index.js';
import { defaultPodStages, scaleStageDelays } from '../../kubelet-sim/index.js';
import { startCluster, type Cluster } from '../../scripts/start-cluster.js';
import { eventually } from '../../test/eventually.js';
import { KUBECTL } from '../../test/kubectl.js';

describe('endpoints controller', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster({ nodes: 3, kubelet: { stages: scaleStageDelays(defaultPodStages, 0.1) } });
  });
  after(() => cluster.stop());

  const kubectl = (...args: string[]) =>
    new Promise<string>((resolve, reject) => {
      const env = { ...process.env, KUBECONFIG: cluster.kubeconfigPath, KUBECACHEDIR: `${cluster.kubeconfigPath}.cache` };
      execFile(KUBECTL, args, { env }, (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(stdout)));
    });
  const pods = () => cluster.client.resource(kinds.Pod, 'default');
  const createPod = (name: string, extra: object = {}) =>
    pods().create({ metadata: { name, labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ name: 'http', containerPort: 80 }] }], ...extra } });

  test("kubectl get endpoints lists the Ready pods of a Service's selector, and follows them", async () => {
    await createPod('web-a');
    await createPod('web-b');
    assert.equal((await kubectl('create', 'service', 'clusterip', 'web', '--tcp=80:http')).trim(), 'service/web created');
    const ips = await eventually('both pods in the endpoints', async () => {
      const running = (await pods().list({ labelSelector: 'app=web' })).items.map((p) => p.status?.podIP).filter(Boolean);
      const row = (await kubectl('get', 'endpoints', 'web', '--no-headers')).trim().split(/\s+/);
      const listed = row[1] === '<none>' ? [] : row[1]!.split(',');
      return running.length === 2 && listed.length === 2 ? { running, listed } : undefined;
    });
    assert.deepEqual(ips.listed.sort(), ips.running.map((ip) => `${ip}:80`).sort());
    await pods().delete('web-a', { gracePeriodSeconds: 0 });
    await eventually('web-a gone from the endpoints', async () => (await kubectl('get', 'endpoints', 'web', '--no-headers')).trim().split(/\s+/)[1]!.split(',').length === 1);
    // The API server's own Endpoints of `kubernetes` are left alone.
    assert.match(await kubectl('get', 'endpoints', 'kubernetes', '--no-headers'), /^kubernetes\s+\S+:6443|^kubernetes\s+\S+:\d+/);
  });

  test('a headless Service publishes the hostnames of the pods whose subdomain it is; its Endpoints go with it', async () => {
    await createPod('nginx-0', { hostname: 'nginx-0', subdomain: 'nginx' });
    await cluster.client.resource(kinds.Service, 'default').create({ metadata: { name: 'nginx', labels: { app: 'nginx' } }, spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ name: 'web', port: 80 }] } });
    const endpoints = await eventually('nginx endpoints with a hostname', async () => {
      const e = await cluster.client.resource(kinds.Endpoints, 'default').get('nginx');
      return e.subsets?.[0]?.addresses?.some((a) => a.hostname === 'nginx-0') ? e : undefined;
    });
    assert.equal(endpoints.metadata?.labels?.['service.kubernetes.io/headless'], '');
    await cluster.client.resource(kinds.Service, 'default').delete('nginx');
    await eventually('the Endpoints gone', async () => {
      try {
        await cluster.client.resource(kinds.Endpoints, 'default').get('nginx');
        return false;
      } catch {
        return true;
      }
    });
  });
});
