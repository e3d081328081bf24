// SCENARIOS.md S6 (the StatefulSet part; its claims get volumes from the
// lab's default class, s6-walkthrough.test.ts runs them on pv001 and pv002)
// with the real kubectl against a 3-node lab: ordered creation, scale down
// from the highest ordinal, a deleted pod returning with its name, a
// partitioned rolling update, rollout status, history and undo.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { kinds } from '../client/index.js';
import { eventually } from './eventually.js';
import { labWithKubectl, type WatchedLines } from './kubectl.js';
import { S6_WEB } from './manifests.js';

describe('StatefulSet scenarios with kubectl (SCENARIOS.md S6)', () => {
  const lab = labWithKubectl({ defaultStorageClass: true });
  const ok = lab.ok;
  /** Every line `kubectl get pods -w -l app=nginx` printed, in order. */
  let watched: WatchedLines;
  const pods = async () => (await lab.cluster.client.resource(kinds.Pod, 'default').list({ labelSelector: 'app=nginx' })).items;
  const images = async () =>
    Object.fromEntries((await pods()).filter((p) => !p.metadata?.deletionTimestamp).map((p) => [p.metadata?.name, p.spec?.containers[0]?.image]));
  const firstLine = (pattern: RegExp, from = 0) => watched.firstLine(pattern, from);

  test('kubectl get pods -w shows web-1 created only after web-0 is Running and Ready', async () => {
    watched = lab.watch('pods', '-l', 'app=nginx');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const path = await lab.kubectl.manifest('web.yaml', S6_WEB);
    assert.deepEqual((await ok('apply', '-f', path)).trim().split('\n'), ['service/nginx created', 'statefulset.apps/web created']);
    await eventually('web-1 Running in the watch', () => firstLine(/^web-1\s+1\/1\s+Running/) >= 0, 30_000);
    const web0Ready = firstLine(/^web-0\s+1\/1\s+Running/);
    const web1First = firstLine(/^web-1\s/);
    assert.ok(web0Ready >= 0 && web0Ready < web1First, watched.lines.join('\n'));
    assert.ok(firstLine(/^web-0\s+0\/1\s+(Pending|ContainerCreating)/) >= 0, watched.lines.join('\n'));
  });

  test('the pods have their stable identity and get statefulset shows READY 2/2', async () => {
    const web0 = (await pods()).find((p) => p.metadata?.name === 'web-0')!;
    assert.equal(web0.spec?.hostname, 'web-0');
    assert.equal(web0.spec?.subdomain, 'nginx');
    assert.equal(web0.metadata?.labels?.['statefulset.kubernetes.io/pod-name'], 'web-0');
    assert.equal(web0.metadata?.labels?.['apps.kubernetes.io/pod-index'], '0');
    assert.match(web0.metadata?.labels?.['controller-revision-hash'] ?? '', /^web-[a-z0-9]+$/);
    const row = await eventually('READY 2/2', async () => {
      const line = (await ok('get', 'statefulset', 'web', '--no-headers')).trim();
      return /^web\s+2\/2\s/.test(line) ? line : undefined;
    });
    assert.match(row, /^web\s+2\/2\s+\S+$/);
    const status = await ok('rollout', 'status', 'statefulset', 'web', '--timeout=30s');
    assert.match(status, /partitioned roll out complete: 2 new pods have been updated\.\.\.\n$/);
    const events = await ok('get', 'events', '--field-selector', 'involvedObject.kind=StatefulSet,involvedObject.name=web', '-o', 'custom-columns=REASON:.reason,MESSAGE:.message,SOURCE:.source.component', '--no-headers');
    assert.match(events, /SuccessfulCreate\s+create Pod web-0 in StatefulSet web successful\s+statefulset-controller/);
    assert.match(events, /SuccessfulCreate\s+create Pod web-1 in StatefulSet web successful\s+statefulset-controller/);
  });

  test('kubectl scale up then down: web-2 comes after web-1; scaling down removes web-2 first', async () => {
    assert.equal((await ok('scale', 'statefulset', 'web', '--replicas=3')).trim(), 'statefulset.apps/web scaled');
    await eventually('web-2 Running', () => firstLine(/^web-2\s+1\/1\s+Running/) >= 0, 30_000);
    const mark = watched.lines.length;
    await ok('scale', 'statefulset', 'web', '--replicas=1');
    await eventually('one pod left', async () => (await pods()).length === 1, 30_000);
    const web2Gone = firstLine(/^web-2\s+\S+\s+(Terminating|Completed)/, mark);
    const web1Gone = firstLine(/^web-1\s+\S+\s+(Terminating|Completed)/, mark);
    assert.ok(web2Gone >= 0 && web1Gone > web2Gone, watched.lines.slice(mark).join('\n'));
    const events = await ok('get', 'events', '--field-selector', 'reason=SuccessfulDelete', '-o', 'custom-columns=MESSAGE:.message', '--no-headers');
    assert.match(events, /delete Pod web-2 in StatefulSet web successful/);
  });

  test('a deleted pod comes back with the same name', async () => {
    await ok('scale', 'statefulset', 'web', '--replicas=3');
    await eventually('3 ready', async () => (await ok('get', 'statefulset', 'web', '--no-headers')).includes('3/3'), 30_000);
    const before = (await pods()).find((p) => p.metadata?.name === 'web-1')!.metadata?.uid;
    await ok('delete', 'pod', 'web-1');
    const back = await eventually('web-1 back', async () => {
      const pod = (await pods()).find((p) => p.metadata?.name === 'web-1');
      return pod && pod.metadata?.uid !== before && pod.status?.phase === 'Running' ? pod : undefined;
    }, 30_000);
    assert.equal(back.spec?.hostname, 'web-1');
  });

  test('a partitioned rolling update (partition 1) replaces web-2 then web-1 and holds web-0 back', async () => {
    await eventually('3 ready', async () => (await ok('get', 'statefulset', 'web', '--no-headers')).includes('3/3'), 30_000);
    await ok('patch', 'statefulset', 'web', '-p', '{"spec":{"updateStrategy":{"type":"RollingUpdate","rollingUpdate":{"partition":1}}}}');
    const mark = watched.lines.length;
    await ok('set', 'image', 'statefulset/web', 'nginx=registry.k8s.io/nginx-slim:0.9');
    const status = await ok('rollout', 'status', 'statefulset', 'web', '--timeout=25s');
    assert.match(status, /partitioned roll out complete: 2 new pods have been updated\.\.\.\n$/);
    assert.deepEqual(await images(), { 'web-0': 'registry.k8s.io/nginx-slim:0.8', 'web-1': 'registry.k8s.io/nginx-slim:0.9', 'web-2': 'registry.k8s.io/nginx-slim:0.9' });
    const web2 = firstLine(/^web-2\s+\S+\s+Terminating/, mark);
    const web1 = firstLine(/^web-1\s+\S+\s+Terminating/, mark);
    assert.ok(web2 >= 0 && web1 > web2, watched.lines.slice(mark).join('\n'));
    const sts = await lab.cluster.client.resource(kinds.StatefulSet, 'default').get('web');
    assert.notEqual(sts.status?.currentRevision, sts.status?.updateRevision);
    assert.deepEqual([sts.status?.replicas, sts.status?.updatedReplicas, sts.status?.currentReplicas, sts.status?.readyReplicas], [3, 2, 1, 3]);
  });

  test('rollout history lists both revisions; undo rolls the template back', async () => {
    const history = await ok('rollout', 'history', 'statefulset', 'web');
    assert.match(history, /^statefulset\.apps\/web\s*\nREVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>\n/);
    assert.equal((await ok('rollout', 'undo', 'statefulset', 'web')).trim(), 'statefulset.apps/web rolled back');
    await ok('rollout', 'status', 'statefulset', 'web', '--timeout=25s');
    await eventually('all back on 0.8', async () => Object.values(await images()).every((i) => i === 'registry.k8s.io/nginx-slim:0.8') && Object.keys(await images()).length === 3, 30_000);
    await ok('patch', 'statefulset', 'web', '-p', '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}');
    const done = await ok('rollout', 'status', 'statefulset', 'web', '--timeout=25s');
    assert.match(done, /partitioned roll out complete: 3 new pods have been updated\.\.\.\n$/);
    const sts = await lab.cluster.client.resource(kinds.StatefulSet, 'default').get('web');
    assert.equal(sts.status?.currentRevision, sts.status?.updateRevision);
  });

  test('the twin of kubectl get pods -w -l app=nginx, a plain watch over the same span, was ordered, unique and replays to the final list', async (t) => {
    const twin = await watched.stop();
    t.diagnostic(`twin watch from ${twin.from}: ${twin.events} events checked`);
    assert.ok(twin.events > 0, 'the twin saw the pods change');
  });
});
