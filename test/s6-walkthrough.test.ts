// SCENARIOS.md S6 as one run, the way a student follows docs/statefulsets.md
// command by command in one lab: the hand-made volumes, the headless Service
// and the StatefulSet with its claims, ordered start, hostnames, claims
// bound, Endpoints, pods re-created on their claims, scaling and a
// partitioned rolling update. statefulset-scenarios and
// persistentvolume-scenarios test the parts alone; this test is where the
// parts meet (the binder, the scheduler waiting for claims, the kubelet, the
// endpoints controller).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { kinds } from '../client/index.js';
import { defaultPodStages, scaleStageDelays } from '../kubelet-sim/index.js';
import { eventually } from './eventually.js';
import { labWithKubectl, type WatchedLines } from './kubectl.js';
import { S6_VOLUMES, S6_WEB } from './manifests.js';

describe('S6 walkthrough: a StatefulSet with claims on hand-made volumes, with kubectl', () => {
  // Pods start at half the lab's own pace, not the tenth other tests use: kubectl's `delete --wait`
  // looks at its cache 100 ms after listing, and a StatefulSet pod re-created (same name, new uid)
  // within that window makes kubectl wait for a deletion that already happened (its race, which a
  // real cluster's or the lab's seconds-long pod start never meets).
  const lab = labWithKubectl({ kubelet: { leaseRenewMs: 200, stages: scaleStageDelays(defaultPodStages, 0.5) } });
  const { ok, rows } = lab;
  let watched: WatchedLines;
  /** The volume each claim was bound to in step 6, to check that later steps keep it. */
  const volumeOf = new Map<string, string>();

  const pods = async () => (await lab.cluster.client.resource(kinds.Pod, 'default').list({ labelSelector: 'role=stateful' })).items.filter((p) => !p.metadata?.deletionTimestamp);
  const claimOf = (pod: Pod) => pod.spec?.volumes?.find((v) => v.name === 'www')?.persistentVolumeClaim?.claimName;
  const row = async (...args: string[]) => (await rows(...args, '--no-headers'))[0]!;
  /** The pods Running and Ready, by name, once there are exactly `names`. */
  const readyPods = (names: string[]) =>
    eventually(`${names.join(', ')} Running and Ready`, async () => {
      const got = await pods();
      const ready = got.filter((p) => p.status?.phase === 'Running' && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      return got.length === names.length && ready.length === names.length && names.every((n) => ready.some((p) => p.metadata?.name === n)) ? ready : undefined;
    }, 30_000);

  test('1. kubectl get pv shows pv001 and pv002 Available', async () => {
    const applied = await ok('apply', '-f', await lab.kubectl.manifest('pv.yaml', S6_VOLUMES));
    assert.deepEqual(applied.trim().split('\n'), ['persistentvolume/pv001 created', 'persistentvolume/pv002 created']);
    const got = await eventually('both Available', async () => {
      const r = await rows('pv', '--no-headers');
      return r.length === 2 && r.every((v) => v[4] === 'Available') ? r : undefined;
    });
    assert.deepEqual(got.map((r) => r.slice(0, 5)), [
      ['pv001', '1Gi', 'RWO', 'Recycle', 'Available'],
      ['pv002', '1Gi', 'RWO', 'Recycle', 'Available'],
    ]);
  });

  test('2 and 3. the Service and the StatefulSet: web-1 is created only once web-0 is Running and Ready', async () => {
    watched = lab.watch('pods', '-l', 'role=stateful');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const applied = await ok('apply', '-f', await lab.kubectl.manifest('web.yaml', S6_WEB));
    assert.deepEqual(applied.trim().split('\n'), ['service/nginx created', 'statefulset.apps/web created']);
    await eventually('web-1 Running in the watch', () => watched.firstLine(/^web-1\s+1\/1\s+Running/) >= 0, 30_000);
    const web0Pending = watched.firstLine(/^web-0\s+0\/1\s+Pending/);
    const web0Ready = watched.firstLine(/^web-0\s+1\/1\s+Running/);
    const web1First = watched.firstLine(/^web-1\s/);
    assert.ok(web0Pending >= 0 && web0Pending < web0Ready && web0Ready < web1First, watched.lines.join('\n'));
    assert.ok(watched.firstLine(/^web-0\s+0\/1\s+ContainerCreating/) >= 0, watched.lines.join('\n'));
  });

  test('4. kubectl get statefulset web and service nginx show them', async () => {
    await eventually('READY 2/2', async () => (await row('statefulset', 'web'))[1] === '2/2');
    assert.deepEqual((await row('service', 'nginx')).slice(0, 5), ['nginx', 'ClusterIP', 'None', '<none>', '80/TCP']);
  });

  test('5. kubectl exec prints each pod its own hostname', async () => {
    assert.equal(await ok('exec', 'web-0', '--', 'sh', '-c', 'hostname'), 'web-0\n');
    assert.equal(await ok('exec', 'web-1', '--', 'hostname'), 'web-1\n');
  });

  test('6. the claims www-web-0 and www-web-1 are Bound to pv001 and pv002, and get pv shows their CLAIM', async () => {
    const claims = await rows('pvc', '--no-headers');
    assert.deepEqual(claims.map((c) => [c[0], c[1], c[3], c[4]]), [
      ['www-web-0', 'Bound', '1Gi', 'RWO'],
      ['www-web-1', 'Bound', '1Gi', 'RWO'],
    ]);
    for (const c of claims) volumeOf.set(c[0]!, c[2]!);
    assert.deepEqual([...volumeOf.values()].sort(), ['pv001', 'pv002']);
    const volumes = await rows('pv', '--no-headers');
    for (const v of volumes) {
      const claim = [...volumeOf].find(([, volume]) => volume === v[0])![0];
      assert.deepEqual(v.slice(0, 6), [v[0], '1Gi', 'RWO', 'Recycle', 'Bound', `default/${claim}`]);
    }
    for (const pod of await pods()) assert.equal(claimOf(pod), `www-${pod.metadata?.name}`);
  });

  test('5 (Endpoints). kubectl get endpoints nginx lists both pods, with their hostnames', async () => {
    const ips = (await readyPods(['web-0', 'web-1'])).map((p) => `${p.status?.podIP}:80`).sort();
    const [name, listed] = await row('endpoints', 'nginx');
    assert.equal(name, 'nginx');
    assert.deepEqual(listed!.split(',').sort(), ips);
    const endpoints = await lab.cluster.client.resource(kinds.Endpoints, 'default').get('nginx');
    assert.deepEqual(endpoints.subsets?.[0]?.addresses?.map((a) => a.hostname).sort(), ['web-0', 'web-1']);
  });

  test('5 (EndpointSlices). kubectl get endpointslices shows the one slice of nginx with both addresses', async () => {
    const ips = (await readyPods(['web-0', 'web-1'])).map((p) => p.status?.podIP ?? '').sort();
    const [header, ...slices] = await eventually('one slice with both pods', async () => {
      const got = await rows('endpointslices', '-l', 'kubernetes.io/service-name=nginx');
      return got.length === 2 && got[1]![3]!.split(',').length === 2 ? got : undefined;
    });
    assert.deepEqual(header, ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
    assert.match(slices[0]![0]!, /^nginx-[a-z0-9]{5}$/);
    assert.deepEqual(slices[0]!.slice(1, 3), ['IPv4', '80']);
    assert.deepEqual(slices[0]![3]!.split(',').sort(), ips);
    const [slice] = (await lab.cluster.client.resource(kinds.EndpointSlice, 'default').list({ labelSelector: 'kubernetes.io/service-name=nginx' })).items;
    assert.deepEqual(slice?.metadata?.ownerReferences?.map((o) => [o.kind, o.name, o.controller]), [['Service', 'nginx', true]]);
    assert.deepEqual(slice?.endpoints.map((e) => [e.hostname, e.conditions?.ready, e.targetRef?.name]).sort(), [
      ['web-0', true, 'web-0'],
      ['web-1', true, 'web-1'],
    ]);
  });

  test('7. kubectl delete pod -l role=stateful: both come back, in order, on the same claims and volumes', async () => {
    const before = new Map((await pods()).map((p) => [p.metadata?.name, p.metadata?.uid]));
    const mark = watched.lines.length;
    const deleted = await ok('delete', 'pod', '-l', 'role=stateful');
    assert.deepEqual(deleted.trim().split('\n').sort(), ['pod "web-0" deleted', 'pod "web-1" deleted']);
    const back = await readyPods(['web-0', 'web-1']);
    for (const pod of back) {
      assert.notEqual(pod.metadata?.uid, before.get(pod.metadata?.name), `${pod.metadata?.name} is a new pod`);
      assert.equal(claimOf(pod), `www-${pod.metadata?.name}`);
    }
    // OrderedReady: the new web-1 starts only once the new web-0 is Running and Ready.
    const web0Ready = watched.firstLine(/^web-0\s+1\/1\s+Running/, mark);
    const web1Running = watched.firstLine(/^web-1\s+1\/1\s+Running/, mark);
    assert.ok(web0Ready >= 0 && web0Ready < web1Running, watched.lines.slice(mark).join('\n'));
    const claims = await rows('pvc', '--no-headers');
    assert.deepEqual(new Map(claims.map((c) => [c[0], c[2]])), volumeOf);
    const ips = back.map((p) => p.status?.podIP ?? '').sort();
    await eventually('the Endpoints and the EndpointSlice follow the new pods', async () => {
      const endpoints = (await row('endpoints', 'nginx'))[1]!.split(',').sort();
      const slices = await rows('endpointslices', '-l', 'kubernetes.io/service-name=nginx', '--no-headers');
      return endpoints.join() === ips.map((ip) => `${ip}:80`).join() && slices.length === 1 && slices[0]![3]!.split(',').sort().join() === ips.join();
    });
  });

  test('8. scaling down removes web-1 and keeps its claim; scaling up brings it back on the same claim', async () => {
    assert.equal((await ok('scale', 'sts', 'web', '--replicas=1')).trim(), 'statefulset.apps/web scaled');
    await readyPods(['web-0']);
    assert.deepEqual((await row('pvc', 'www-web-1')).slice(0, 3), ['www-web-1', 'Bound', volumeOf.get('www-web-1')]);
    await eventually('one endpoint left', async () => (await row('endpoints', 'nginx'))[1]!.split(',').length === 1);
    assert.equal((await ok('scale', 'sts', 'web', '--replicas=2')).trim(), 'statefulset.apps/web scaled');
    const back = (await readyPods(['web-0', 'web-1'])).find((p) => p.metadata?.name === 'web-1')!;
    assert.equal(claimOf(back), 'www-web-1');
    assert.deepEqual((await row('pvc', 'www-web-1')).slice(0, 3), ['www-web-1', 'Bound', volumeOf.get('www-web-1')]);
    assert.equal((await rows('pvc', '--no-headers')).length, 2);
  });

  test('9. a rolling update with partition 1 gives only web-1 the new image', async () => {
    await eventually('READY 2/2', async () => (await row('statefulset', 'web'))[1] === '2/2', 30_000);
    assert.equal((await ok('patch', 'sts', 'web', '-p', '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":1}}}}')).trim(), 'statefulset.apps/web patched');
    await ok('set', 'image', 'statefulset/web', 'nginx=registry.k8s.io/nginx-slim:0.9');
    const status = await ok('rollout', 'status', 'statefulset', 'web', '--timeout=25s');
    assert.match(status, /partitioned roll out complete: 1 new pods have been updated\.\.\.\n$/);
    const images = await eventually('web-1 on 0.9, web-0 on 0.8', async () => {
      const got = await rows('pods', '-l', 'role=stateful', '-o', 'custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[0].image,CLAIM:.spec.volumes[0].persistentVolumeClaim.claimName', '--no-headers');
      return got.length === 2 && got[1]![1] === 'registry.k8s.io/nginx-slim:0.9' ? got : undefined;
    }, 30_000);
    assert.deepEqual(images, [
      ['web-0', 'registry.k8s.io/nginx-slim:0.8', 'www-web-0'],
      ['web-1', 'registry.k8s.io/nginx-slim:0.9', 'www-web-1'],
    ]);
    await readyPods(['web-0', 'web-1']);
    assert.deepEqual(new Map((await rows('pvc', '--no-headers')).map((c) => [c[0], c[2]])), volumeOf);
  });

  test('the twin of kubectl get pods -w -l role=stateful, a plain watch over the same span, was ordered, unique and replays to the final list', async (t) => {
    const twin = await watched.stop();
    t.diagnostic(`twin watch from ${twin.from}: ${twin.events} events checked`);
    assert.ok(twin.events > 0, 'the twin saw the pods change');
  });
});
