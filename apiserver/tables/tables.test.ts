// kubectl get's columns and cells, as upstream's printers compute them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { humanDuration, tables } from './index.js';

const now = new Date('2026-11-22T12:00:00Z');
const ago = (seconds: number) => new Date(now.getTime() - seconds * 1000).toISOString().replace('.000Z', 'Z');
const names = (kind: string, priority = 0) =>
  tables[kind]!.columns.filter((c) => c.priority === priority).map((c) => c.name.toUpperCase());

describe('ages', () => {
  const cases: [number, string][] = [
    [-3, '<invalid>'],
    [-1, '0s'],
    [0, '0s'],
    [119, '119s'],
    [120, '2m'],
    [182, '3m2s'],
    [600, '10m'],
    [179 * 60, '179m'],
    [3 * 3600, '3h'],
    [5 * 3600 + 3 * 60, '5h3m'],
    [47 * 3600, '47h'],
    [48 * 3600, '2d'],
    [3 * 86400 + 4 * 3600, '3d4h'],
    [12 * 86400, '12d'],
    [730 * 86400, '2y'],
    [(2 * 365 + 30) * 86400, '2y30d'],
    [9 * 365 * 86400, '9y'],
  ];
  for (const [seconds, text] of cases) {
    test(`${seconds} s reads ${text}`, () => assert.equal(humanDuration(seconds * 1000), text));
  }
});

describe('columns', () => {
  test('each kind has upstream columns, wide ones at priority 1', () => {
    assert.deepEqual(names('DaemonSet'), ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE']);
    assert.deepEqual(names('DaemonSet', 1), ['CONTAINERS', 'IMAGES', 'SELECTOR']);
    assert.deepEqual(names('Pod'), ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    assert.deepEqual(names('Pod', 1), ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    assert.deepEqual(names('Node'), ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION']);
    assert.deepEqual(names('StatefulSet'), ['NAME', 'READY', 'AGE']);
    assert.deepEqual(names('ReplicationController'), ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
    assert.deepEqual(names('Service'), ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    assert.deepEqual(names('PersistentVolume'), ['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE']);
    assert.deepEqual(names('PersistentVolumeClaim'), ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE']);
    assert.deepEqual(names('Event'), ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE']);
    assert.deepEqual(names('EndpointSlice'), ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE']);
    for (const [kind, table] of Object.entries(tables)) {
      assert.equal(table.cells({ metadata: { name: 'x', creationTimestamp: ago(5) } }, now).length, table.columns.length, kind);
    }
  });
});

describe('cells', () => {
  test('a DaemonSet shows its counts, node selector and containers', () => {
    const ds = {
      metadata: { name: 'fluentd-elasticsearch', creationTimestamp: ago(90) },
      spec: {
        selector: { matchLabels: { name: 'fluentd-elasticsearch' } },
        template: { spec: { nodeSelector: { disk: 'ssd', zone: 'a' }, containers: [{ name: 'fluentd', image: 'fluentd:v2' }] } },
      },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 },
    };
    assert.deepEqual(tables.DaemonSet!.cells(ds, now), ['fluentd-elasticsearch', 3, 3, 2, 3, 2, 'disk=ssd,zone=a', '90s', 'fluentd', 'fluentd:v2', 'name=fluentd-elasticsearch']);
  });

  test('a running pod shows READY, STATUS, RESTARTS with the last restart, IP and NODE', () => {
    const pod = {
      metadata: { name: 'web-0', creationTimestamp: ago(400) },
      spec: { nodeName: 'node-2', containers: [{ name: 'a' }, { name: 'b' }] },
      status: {
        phase: 'Running',
        podIP: '10.244.1.5',
        containerStatuses: [
          { name: 'a', ready: true, restartCount: 2, state: { running: {} }, lastState: { terminated: { exitCode: 1, finishedAt: ago(300) } } },
          { name: 'b', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
        ],
      },
    };
    assert.deepEqual(tables.Pod!.cells(pod, now), ['web-0', '1/2', 'ContainerCreating', '2 (5m ago)', '6m40s', '10.244.1.5', 'node-2', '<none>', '<none>']);
  });

  test('pod STATUS: Pending, Terminating, Completed, CrashLoopBackOff and Init', () => {
    const status = (pod: object) => tables.Pod!.cells({ metadata: { name: 'p', creationTimestamp: ago(1) }, ...pod }, now)[2];
    assert.equal(status({ spec: { containers: [{}] }, status: { phase: 'Pending' } }), 'Pending');
    assert.equal(status({ metadata: { name: 'p', deletionTimestamp: ago(0) }, spec: { containers: [{}] }, status: { phase: 'Running' } }), 'Terminating');
    assert.equal(status({ spec: { containers: [{}] }, status: { phase: 'Succeeded', containerStatuses: [{ state: { terminated: { reason: 'Completed', exitCode: 0 } } }] } }), 'Completed');
    assert.equal(status({ spec: { containers: [{}] }, status: { phase: 'Running', containerStatuses: [{ state: { waiting: { reason: 'CrashLoopBackOff' } } }] } }), 'CrashLoopBackOff');
    assert.equal(
      status({ spec: { initContainers: [{}, {}], containers: [{}] }, status: { phase: 'Pending', initContainerStatuses: [{ state: { terminated: { exitCode: 0 } } }, { state: { running: {} } }] } }),
      'Init:1/2',
    );
  });

  test('a cordoned ready node reads Ready,SchedulingDisabled with its roles', () => {
    const node = {
      metadata: { name: 'node-1', creationTimestamp: ago(3600), labels: { 'node-role.kubernetes.io/control-plane': '' } },
      spec: { unschedulable: true },
      status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.32.0' }, addresses: [{ type: 'InternalIP', address: '10.0.0.1' }] },
    };
    assert.deepEqual(tables.Node!.cells(node, now).slice(0, 6), ['node-1', 'Ready,SchedulingDisabled', 'control-plane', '60m', 'v1.32.0', '10.0.0.1']);
    assert.equal(tables.Node!.cells({ metadata: { name: 'n' }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }, now)[1], 'NotReady');
    assert.equal(tables.Node!.cells({ metadata: { name: 'n' } }, now)[1], 'Unknown');
  });

  test('a headless service and a NodePort service show their IPs and ports', () => {
    const headless = { metadata: { name: 'nginx' }, spec: { clusterIP: 'None', ports: [{ port: 80, protocol: 'TCP' }], selector: { app: 'nginx' } } };
    assert.deepEqual(tables.Service!.cells(headless, now), ['nginx', 'ClusterIP', 'None', '<none>', '80/TCP', '<unknown>', 'app=nginx']);
    const nodePort = { metadata: { name: 'np' }, spec: { type: 'NodePort', clusterIP: '10.96.0.10', ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] } };
    assert.deepEqual(tables.Service!.cells(nodePort, now).slice(1, 5), ['NodePort', '10.96.0.10', '<none>', '80:30080/TCP']);
  });

  test('a bound PV shows its claim and access modes', () => {
    const pv = {
      metadata: { name: 'pv001', creationTimestamp: ago(30) },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Recycle', claimRef: { namespace: 'default', name: 'www-web-0' }, volumeMode: 'Filesystem' },
      status: { phase: 'Bound' },
    };
    assert.deepEqual(tables.PersistentVolume!.cells(pv, now), ['pv001', '1Gi', 'RWO', 'Recycle', 'Bound', 'default/www-web-0', '', '<unset>', '', '30s', 'Filesystem']);
  });

  test('an event shows its object as kind/name and counts once by default', () => {
    const event = {
      metadata: { name: 'e1' },
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: 'Created pod: web-0 ',
      involvedObject: { kind: 'StatefulSet', name: 'web' },
      firstTimestamp: ago(70),
      lastTimestamp: ago(10),
      source: { component: 'statefulset-controller' },
    };
    assert.deepEqual(tables.Event!.cells(event, now), ['10s', 'Normal', 'SuccessfulCreate', 'statefulset/web', '', 'statefulset-controller', 'Created pod: web-0', '70s', 1, 'e1']);
  });

  test('a controller revision names its controller', () => {
    const cr = { metadata: { name: 'web-7d4', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }] }, revision: 2 };
    assert.deepEqual(tables.ControllerRevision!.cells(cr, now).slice(0, 3), ['web-7d4', 'statefulset.apps/web', 2]);
  });
});
