// Persistent volumes with the real kubectl against a 3-node lab (SCENARIOS.md
// S6 step 1 and 6; issue 7 "Volumes"): hand-made volumes bound to class-less
// claims, a claim of the lab's class `standard` provisioned, a pod waiting for
// its claim, and the reclaim policies.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { kinds } from '../client/index.js';
import { eventually } from './eventually.js';
import { labWithKubectl } from './kubectl.js';
import { persistentVolume } from './manifests.js';

const claim = (name: string, size = '1Gi', storageClass?: string) => `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ${name}
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: ${size}
${storageClass ? `  storageClassName: ${storageClass}\n` : ''}`;

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: waiter
spec:
  containers:
  - name: nginx
    image: nginx
    volumeMounts:
    - name: www
      mountPath: /usr/share/nginx/html
  volumes:
  - name: www
    persistentVolumeClaim:
      claimName: later
`;

describe('persistent volumes with kubectl', () => {
  const lab = labWithKubectl();
  const { ok, rows } = lab;

  const apply = async (name: string, text: string) => ok('apply', '-f', await lab.kubectl.manifest(name, text));
  const row = async (...args: string[]) => (await rows(...args, '--no-headers'))[0]!;

  test('the lab has the StorageClass standard, not the default class', async () => {
    const [header, standard] = await rows('storageclass');
    assert.deepEqual(header, ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE']);
    assert.deepEqual(standard!.slice(0, 5), ['standard', 'kubelab.dev/simulated', 'Delete', 'Immediate', 'false']);
  });

  test('hand-made volumes pv001 and pv002 are Available', async () => {
    await apply('pv001.yaml', persistentVolume('pv001'));
    await apply('pv002.yaml', persistentVolume('pv002'));
    await eventually('pv001 and pv002 Available', async () => {
      const got = await rows('pv', '--no-headers');
      return got.length === 2 && got.every((r) => r[4] === 'Available') ? got : undefined;
    });
    const [header] = await rows('pv');
    assert.deepEqual(header!.slice(0, 7), ['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS']);
  });

  test('class-less claims bind to them: kubectl get pv shows Bound and CLAIM default/www-web-0', async () => {
    await apply('www-web-0.yaml', claim('www-web-0'));
    await eventually('www-web-0 Bound', async () => (await row('pvc', 'www-web-0'))[1] === 'Bound');
    await apply('www-web-1.yaml', claim('www-web-1'));
    await eventually('www-web-1 Bound', async () => (await row('pvc', 'www-web-1'))[1] === 'Bound');
    assert.deepEqual((await row('pvc', 'www-web-0')).slice(0, 5), ['www-web-0', 'Bound', 'pv001', '1Gi', 'RWO']);
    assert.deepEqual((await row('pvc', 'www-web-1')).slice(0, 5), ['www-web-1', 'Bound', 'pv002', '1Gi', 'RWO']);
    assert.deepEqual((await row('pv', 'pv001')).slice(0, 6), ['pv001', '1Gi', 'RWO', 'Recycle', 'Bound', 'default/www-web-0']);
    assert.deepEqual((await row('pv', 'pv002')).slice(0, 6), ['pv002', '1Gi', 'RWO', 'Recycle', 'Bound', 'default/www-web-1']);
    const bound = await lab.cluster.client.resource(kinds.PersistentVolumeClaim, 'default').get('www-web-0');
    assert.equal(bound.metadata?.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
    assert.equal(bound.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller'], 'yes');
  });

  test('a claim of class standard gets a provisioned volume pvc-<uid>', async () => {
    await apply('data.yaml', claim('data', '2Gi', 'standard'));
    const [, status, volumeName, capacity, , storageClass] = await eventually('data Bound', async () => {
      const r = await row('pvc', 'data');
      return r[1] === 'Bound' ? r : undefined;
    });
    const uid = (await lab.cluster.client.resource(kinds.PersistentVolumeClaim, 'default').get('data')).metadata?.uid;
    assert.deepEqual([status, volumeName, capacity, storageClass], ['Bound', `pvc-${uid}`, '2Gi', 'standard']);
    assert.deepEqual((await row('pv', volumeName!)).slice(1, 7), ['2Gi', 'RWO', 'Delete', 'Bound', 'default/data', 'standard']);
    const events = await ok('get', 'events', '--field-selector', 'involvedObject.name=data', '-o', 'custom-columns=REASON:.reason', '--no-headers');
    assert.match(events, /ProvisioningSucceeded/);
  });

  test('a pod using an unbound claim waits in Pending with FailedScheduling until the claim binds', async () => {
    await apply('later.yaml', claim('later', '5Gi'));
    await apply('waiter.yaml', POD);
    const described = await eventually('FailedScheduling on waiter', async () => {
      const out = await ok('describe', 'pod', 'waiter');
      return out.includes('FailedScheduling') ? out : undefined;
    });
    assert.match(described, /0\/3 nodes are available: pod has unbound immediate PersistentVolumeClaims\. preemption: 0\/3 nodes are available: 3 Preemption is not helpful for scheduling\./);
    assert.equal((await row('pod', 'waiter'))[2], 'Pending');
    const claimEvents = await ok('describe', 'pvc', 'later');
    assert.match(claimEvents, /no persistent volumes available for this claim and no storage class is set/);
    await apply('pv003.yaml', persistentVolume('pv003', '5Gi'));
    await eventually('later Bound', async () => (await row('pvc', 'later'))[1] === 'Bound');
    await eventually('waiter Running', async () => (await row('pod', 'waiter'))[2] === 'Running', 30_000);
  });

  test('deleting claims: Recycle makes the volume Available again, Delete deletes it', async () => {
    const provisioned = (await lab.cluster.client.resource(kinds.PersistentVolumeClaim, 'default').get('data')).spec?.volumeName ?? '';
    await ok('delete', 'pvc', 'www-web-1', 'data');
    await eventually('pv002 Available', async () => (await row('pv', 'pv002'))[4] === 'Available');
    const pv002 = await lab.cluster.client.resource(kinds.PersistentVolume).get('pv002');
    assert.equal(pv002.spec?.claimRef, undefined);
    await eventually(`${provisioned} deleted`, async () => {
      const run = await lab.kubectl.run('get', 'pv', provisioned);
      return run.code !== 0 && run.stderr.includes('NotFound');
    });
  });
});

describe('the lab with --default-storage-class', () => {
  const lab = labWithKubectl({ nodes: 1, defaultStorageClass: true });

  test('standard is the default class, and a claim without a class is given it and provisioned', async () => {
    const got = await lab.kubectl.run('get', 'sc', '--no-headers');
    assert.match(got.stdout, /^standard \(default\)\s+kubelab\.dev\/simulated/);
    await lab.kubectl.run('apply', '-f', await lab.kubectl.manifest('claim.yaml', claim('data')));
    const bound = await eventually('data Bound', async () => {
      const pvc = await lab.cluster.client.resource(kinds.PersistentVolumeClaim, 'default').get('data');
      return pvc.status?.phase === 'Bound' ? pvc : undefined;
    });
    assert.equal(bound.spec?.storageClassName, 'standard');
    assert.equal(bound.spec?.volumeName, `pvc-${bound.metadata?.uid}`);
  });
});
