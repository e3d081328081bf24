// Every kind kubelab serves, through the real kubectl as a student meets it:
// `kubectl get` and `kubectl get -o wide` print upstream v1.32's columns
// (copied here from pkg/printers/internalversion/printers.go, not from
// kubelab's tables), and `kubectl describe` prints its describer's page.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { eventually } from './eventually.js';
import { labWithKubectl } from './kubectl.js';

const OBJECTS = `apiVersion: v1
kind: Namespace
metadata:
  name: tour
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: tour
data:
  color: blue
  size: large
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: tour
spec:
  selector:
    app: web
  ports:
  - port: 80
---
apiVersion: v1
kind: ReplicationController
metadata:
  name: web
  namespace: tour
spec:
  replicas: 1
  selector:
    app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
  namespace: tour
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: agent
        image: busybox:1.36
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: tour
spec:
  serviceName: web
  replicas: 1
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      containers:
      - name: db
        image: redis:7
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: tour-pv
spec:
  capacity:
    storage: 1Gi
  accessModes: [ReadWriteOnce]
  hostPath:
    path: /tmp/tour
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
  namespace: tour
spec:
  storageClassName: ''
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fast
provisioner: kubelab.dev/simulated
---
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata:
  name: lock
  namespace: tour
spec:
  holderIdentity: me
  leaseDurationSeconds: 15
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: pod-reader
  namespace: tour
rules:
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: read-pods
  namespace: tour
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: pod-reader
subjects:
- kind: User
  name: jane
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: tour-node-reader
rules:
- apiGroups: [""]
  resources: ["nodes"]
  verbs: ["get", "list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: tour-node-readers
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: tour-node-reader
subjects:
- kind: Group
  name: tour-guides
`;

interface Kind {
  /** What to pass to kubectl get and describe. */
  readonly resource: string;
  readonly name: string;
  readonly namespaced: boolean;
  readonly columns: readonly string[];
  /** The columns -o wide adds (priority 1 upstream), in order. */
  readonly wide?: readonly string[];
  /** Where -o wide puts them, if not at the end (events interleave them). */
  readonly wideColumns?: readonly string[];
  /** Lines of `kubectl describe` that show its describer ran (a regular expression each). */
  readonly describes: readonly RegExp[];
  /** kubectl's describer prints no Namespace line (its DaemonSet describer, on a real cluster too). */
  readonly describesNoNamespace?: true;
}

const KINDS: readonly Kind[] = [
  { resource: 'namespaces', name: 'tour', namespaced: false, columns: ['NAME', 'STATUS', 'AGE'], describes: [/^Status:\s+Active$/m, /^Labels:\s+kubernetes.io\/metadata.name=tour$/m] },
  {
    resource: 'nodes',
    name: 'node-2',
    namespaced: false,
    columns: ['NAME', 'STATUS', 'ROLES', 'AGE', 'VERSION'],
    wide: ['INTERNAL-IP', 'EXTERNAL-IP', 'OS-IMAGE', 'KERNEL-VERSION', 'CONTAINER-RUNTIME'],
    describes: [/^Taints:\s+<none>$/m, /^Conditions:$/m, /^Non-terminated Pods:/m],
  },
  {
    resource: 'pods',
    name: 'web-',
    namespaced: true,
    columns: ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
    wide: ['IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES'],
    describes: [/^Status:\s+Running$/m, /^Controlled By:\s+ReplicationController\/web$/m, /Normal\s+Scheduled\s+.*default-scheduler\s+Successfully assigned tour\/web-/],
  },
  {
    resource: 'services',
    name: 'web',
    namespaced: true,
    columns: ['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE'],
    wide: ['SELECTOR'],
    describes: [/^Type:\s+ClusterIP$/m, /^Endpoints:\s+10\.244\.\d+\.\d+:80$/m],
  },
  { resource: 'endpoints', name: 'web', namespaced: true, columns: ['NAME', 'ENDPOINTS', 'AGE'], describes: [/^Subsets:$/m, /^\s+Addresses:\s+10\.244\./m] },
  {
    resource: 'persistentvolumes',
    name: 'tour-pv',
    namespaced: false,
    columns: ['NAME', 'CAPACITY', 'ACCESS MODES', 'RECLAIM POLICY', 'STATUS', 'CLAIM', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'REASON', 'AGE'],
    wide: ['VOLUMEMODE'],
    describes: [/^Status:\s+Bound$/m, /^Claim:\s+tour\/data$/m, /^Reclaim Policy:\s+Retain$/m],
  },
  {
    resource: 'persistentvolumeclaims',
    name: 'data',
    namespaced: true,
    columns: ['NAME', 'STATUS', 'VOLUME', 'CAPACITY', 'ACCESS MODES', 'STORAGECLASS', 'VOLUMEATTRIBUTESCLASS', 'AGE'],
    wide: ['VOLUMEMODE'],
    describes: [/^Status:\s+Bound$/m, /^Volume:\s+tour-pv$/m],
  },
  {
    resource: 'events',
    name: '',
    namespaced: true,
    columns: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'],
    wideColumns: ['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'SUBOBJECT', 'SOURCE', 'MESSAGE', 'FIRST SEEN', 'COUNT', 'NAME'],
    describes: [/^Involved Object:$/m, /^Reason:\s+\w+$/m],
  },
  {
    resource: 'replicationcontrollers',
    name: 'web',
    namespaced: true,
    columns: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE'],
    wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    describes: [/^Replicas:\s+1 current \/ 1 desired$/m, /^Pods Status:\s+1 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed$/m],
  },
  { resource: 'configmaps', name: 'settings', namespaced: true, columns: ['NAME', 'DATA', 'AGE'], describes: [/^Data$/m, /^color:$/m] },
  {
    resource: 'daemonsets',
    name: 'agent',
    namespaced: true,
    columns: ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE'],
    wide: ['CONTAINERS', 'IMAGES', 'SELECTOR'],
    describesNoNamespace: true,
    describes: [/^Desired Number of Nodes Scheduled: 2$/m, /^Pods Status:\s+2 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed$/m],
  },
  {
    resource: 'statefulsets',
    name: 'db',
    namespaced: true,
    columns: ['NAME', 'READY', 'AGE'],
    wide: ['CONTAINERS', 'IMAGES'],
    describes: [/^Replicas:\s+1 desired \| 1 total$/m, /^Update Strategy:\s+RollingUpdate$/m],
  },
  {
    resource: 'endpointslices',
    name: 'web-',
    namespaced: true,
    columns: ['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS', 'AGE'],
    describes: [/^AddressType:\s+IPv4$/m, /^\s+- Addresses:\s+10\.244\./m, /^\s+TargetRef:\s+Pod\/web-/m],
  },
  { resource: 'controllerrevisions', name: 'agent-', namespaced: true, columns: ['NAME', 'CONTROLLER', 'REVISION', 'AGE'], describes: [/^Revision:\s+1$/m] },
  { resource: 'leases', name: 'lock', namespaced: true, columns: ['NAME', 'HOLDER', 'AGE'], describes: [/^\s+Holder Identity:\s+me$/m] },
  {
    resource: 'storageclasses',
    name: 'fast',
    namespaced: false,
    columns: ['NAME', 'PROVISIONER', 'RECLAIMPOLICY', 'VOLUMEBINDINGMODE', 'ALLOWVOLUMEEXPANSION', 'AGE'],
    describes: [/^Provisioner:\s+kubelab\.dev\/simulated$/m, /^IsDefaultClass:\s+No$/m],
  },
  { resource: 'roles', name: 'pod-reader', namespaced: true, describesNoNamespace: true, columns: ['NAME', 'CREATED AT'], describes: [/^\s+pods\s+\[\]\s+\[\]\s+\[get list watch\]$/m] },
  {
    resource: 'rolebindings',
    name: 'read-pods',
    namespaced: true,
    describesNoNamespace: true,
    columns: ['NAME', 'ROLE', 'AGE'],
    wide: ['USERS', 'GROUPS', 'SERVICEACCOUNTS'],
    describes: [/^\s+Kind:\s+Role$/m, /^\s+User\s+jane\s*$/m],
  },
  { resource: 'clusterroles', name: 'tour-node-reader', namespaced: false, columns: ['NAME', 'CREATED AT'], describes: [/^\s+nodes\s+\[\]\s+\[\]\s+\[get list\]$/m] },
  {
    resource: 'clusterrolebindings',
    name: 'tour-node-readers',
    namespaced: false,
    columns: ['NAME', 'ROLE', 'AGE'],
    wide: ['USERS', 'GROUPS', 'SERVICEACCOUNTS'],
    describes: [/^\s+Name:\s+tour-node-reader$/m, /^\s+Group\s+tour-guides\s*$/m],
  },
];

/** A header line's columns: kubectl separates them by at least three spaces, a column's own words by one. */
const headerOf = (output: string): string[] => output.split('\n')[0]!.trim().split(/\s{2,}/);

describe('every served kind through kubectl get, get -o wide and describe', () => {
  const lab = labWithKubectl();
  const ok = lab.ok;
  const names = new Map<string, string>();

  before(async () => {
    await ok('apply', '-f', await lab.kubectl.manifest('tour.yaml', OBJECTS));
    await eventually('the tour objects settled (pods running, claim bound, events written)', async () => {
      const pods = await ok('get', 'pods', '-n', 'tour', '--no-headers');
      const running = pods.split('\n').filter((line) => /\s1\/1\s+Running\s/.test(line)).length;
      const claim = await ok('get', 'pvc', 'data', '-n', 'tour', '-o', 'jsonpath={.status.phase}');
      const endpoints = await ok('get', 'endpoints', 'web', '-n', 'tour', '--no-headers');
      return running === 4 && claim === 'Bound' && /10\.244\./.test(endpoints);
    }, 30_000);
    for (const kind of KINDS) {
      if (!kind.name.endsWith('-') && kind.name !== '') continue;
      const listed = await ok('get', kind.resource, '-n', 'tour', '-o', 'name');
      const first = listed.split('\n').map((line) => line.slice(line.indexOf('/') + 1)).find((name) => name.startsWith(kind.name));
      assert.ok(first, `no ${kind.resource} named ${kind.name}... in ${listed}`);
      names.set(kind.resource, first);
    }
  });

  for (const kind of KINDS) {
    const scope = kind.namespaced ? ['-n', 'tour'] : [];
    const nameOf = () => names.get(kind.resource) ?? kind.name;

    test(`kubectl get ${kind.resource}: upstream's columns, and -o wide's`, async () => {
      const plain = await ok('get', kind.resource, ...scope);
      assert.deepEqual(headerOf(plain), kind.columns, plain);
      assert.ok(plain.split('\n').some((line) => line.startsWith(nameOf()) || kind.resource === 'events'), plain);
      const wide = await ok('get', kind.resource, ...scope, '-o', 'wide');
      assert.deepEqual(headerOf(wide), kind.wideColumns ?? [...kind.columns, ...(kind.wide ?? [])], wide);
    });

    test(`kubectl describe ${kind.resource}`, async () => {
      const page = await ok('describe', kind.resource, ...scope, nameOf());
      assert.match(page, kind.resource === 'events' ? /^Name:\s+\S+/m : new RegExp(`^Name:\\s+${nameOf()}`, 'm'));
      if (kind.namespaced && !kind.describesNoNamespace) assert.match(page, /^Namespace:\s+tour$/m);
      for (const line of kind.describes) assert.match(page, line);
    });
  }

  test('kubectl get all lists the pods, services and workloads of the namespace', async () => {
    const all = await ok('get', 'all', '-n', 'tour');
    for (const kind of ['pod/web-', 'service/web', 'replicationcontroller/web', 'daemonset.apps/agent', 'statefulset.apps/db']) {
      assert.ok(all.includes(kind), `${kind} missing from:\n${all}`);
    }
  });
});
