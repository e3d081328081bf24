// The API as curl sees it: status codes, Status bodies and objects, on a
// real server listening on a loopback port.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { openStore } from '../store/index.js';
import { pod, readWatch, startTestServer, type TestServer } from './test-support.js';

let server: TestServer;
before(async () => {
  server = await startTestServer({ watchCache: { historyCapacity: 50 } });
});
after(() => server.close());

describe('discovery', () => {
  test('/api lists v1 and /api/v1 lists pods with their short name and subresources', async () => {
    const api = await server.call('GET', '/api');
    assert.equal(api.status, 200);
    assert.deepEqual(api.body.versions, ['v1']);
    const v1 = await server.call('GET', '/api/v1');
    const pods = v1.body.resources.find((r: any) => r.name === 'pods');
    assert.deepEqual(pods.shortNames, ['po']);
    assert.equal(pods.namespaced, true);
    assert.ok(v1.body.resources.some((r: any) => r.name === 'pods/status'));
    assert.ok(v1.body.resources.some((r: any) => r.name === 'replicationcontrollers/scale' && r.kind === 'Scale'));
  });

  test('/apis prefers apps/v1 over its legacy versions, and /apis/apps/v1 lists daemonsets as ds', async () => {
    const apis = await server.call('GET', '/apis');
    assert.deepEqual(
      apis.body.groups.map((g: any) => g.preferredVersion.groupVersion),
      [
        'apps/v1',
        'coordination.k8s.io/v1',
        'storage.k8s.io/v1',
        'discovery.k8s.io/v1',
        'rbac.authorization.k8s.io/v1',
        'authentication.k8s.io/v1',
        'authorization.k8s.io/v1',
        'apiextensions.k8s.io/v1',
        'extensions/v1beta1',
      ],
    );
    assert.deepEqual(
      apis.body.groups[0].versions.map((v: any) => v.version),
      ['v1', 'v1beta2', 'v1beta1'],
    );
    const apps = await server.call('GET', '/apis/apps/v1');
    assert.deepEqual(apps.body.resources.find((r: any) => r.name === 'daemonsets').shortNames, ['ds']);
  });

  test('aggregated discovery answers in the apidiscovery.k8s.io/v2 form kubectl asks for first', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json';
    const apis = await server.call('GET', '/apis', undefined, { Accept: accept });
    assert.match(apis.headers.get('content-type') ?? '', /as=APIGroupDiscoveryList/);
    const apps = apis.body.items.find((g: any) => g.metadata.name === 'apps');
    const sts = apps.versions[0].resources.find((r: any) => r.resource === 'statefulsets');
    assert.deepEqual(sts.shortNames, ['sts']);
    assert.deepEqual(
      sts.subresources.map((s: any) => s.subresource),
      ['scale', 'status'],
    );
  });

  test('/version, /healthz and /metrics answer', async () => {
    assert.equal((await server.call('GET', '/version')).body.minor, '32');
    assert.equal((await server.call('GET', '/healthz')).body, 'ok');
    await server.call('GET', '/api/v1/namespaces');
    const metrics = await server.call('GET', '/metrics');
    assert.match(metrics.body, /apiserver_request_total\{verb="LIST",group="",resource="namespaces",subresource="",code="200"\} \d+/);
    assert.match(metrics.body, /kubelab_store_revision \d+/);
  });
});

describe('create, get, update, delete', () => {
  test('the system namespaces exist from the start', async () => {
    const list = await server.call('GET', '/api/v1/namespaces');
    const names = list.body.items.map((n: any) => n.metadata.name);
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.ok(names.includes(name), name);
  });

  test('the kubernetes service is in default from the start, at 10.96.0.1:443', async () => {
    const service = await server.call('GET', '/api/v1/namespaces/default/services/kubernetes');
    assert.equal(service.body.spec.clusterIP, '10.96.0.1');
    assert.deepEqual(service.body.spec.ports, [{ name: 'https', protocol: 'TCP', port: 443, targetPort: 6443 }]);
    const table = await server.call('GET', '/api/v1/namespaces/default/services/kubernetes', undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    assert.deepEqual(table.body.rows[0].cells.slice(0, 5), ['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP']);
  });

  test('a created pod gets a uid, a creation time and a resourceVersion, and reads back', async () => {
    const created = await server.call('POST', '/api/v1/namespaces/default/pods', pod('crud-1'));
    assert.equal(created.status, 201);
    assert.match(created.body.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(created.body.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(created.body.metadata.namespace, 'default');
    const got = await server.call('GET', '/api/v1/namespaces/default/pods/crud-1');
    assert.equal(got.status, 200);
    assert.equal(got.body.kind, 'Pod');
    assert.equal(got.body.metadata.resourceVersion, created.body.metadata.resourceVersion);
    // The answer to a write is the object as stored (sent from the stored JSON), the same a get answers.
    assert.deepEqual(created.body, got.body);
    const updated = await server.call('PUT', '/api/v1/namespaces/default/pods/crud-1', { ...got.body, metadata: { ...got.body.metadata, labels: { app: 'crud' } } });
    assert.equal(updated.status, 200);
    assert.notEqual(updated.body.metadata.resourceVersion, got.body.metadata.resourceVersion);
    assert.deepEqual(updated.body, (await server.call('GET', '/api/v1/namespaces/default/pods/crud-1')).body);
  });

  test('creating a name that exists is 409 AlreadyExists with upstream Status', async () => {
    await server.call('POST', '/api/v1/namespaces/default/pods', pod('dup'));
    const again = await server.call('POST', '/api/v1/namespaces/default/pods', pod('dup'));
    assert.equal(again.status, 409);
    assert.deepEqual(again.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "dup" already exists',
      reason: 'AlreadyExists',
      details: { name: 'dup', kind: 'pods' },
      code: 409,
    });
  });

  test('generateName makes a name from the prefix and five characters', async () => {
    const created = await server.call('POST', '/api/v1/namespaces/default/pods', { ...pod(''), metadata: { generateName: 'gen-' } });
    assert.equal(created.status, 201);
    assert.match(created.body.metadata.name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  test('a missing object is 404 NotFound naming the resource and group', async () => {
    const missing = await server.call('GET', '/apis/apps/v1/namespaces/default/daemonsets/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'daemonsets.apps "nope" not found');
    assert.deepEqual(missing.body.details, { name: 'nope', group: 'apps', kind: 'daemonsets' });
  });

  test('writing into a missing namespace is 404 for the namespace', async () => {
    const answer = await server.call('POST', '/api/v1/namespaces/nowhere/pods', pod('p'));
    assert.equal(answer.status, 404);
    assert.equal(answer.body.message, 'namespaces "nowhere" not found');
  });

  test('an update with a stale resourceVersion is 409 Conflict; with the current one it lands', async () => {
    const created = await server.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'cm-1' }, data: { a: '1' } });
    const first = { ...created.body, data: { a: '2' } };
    const updated = await server.call('PUT', '/api/v1/namespaces/default/configmaps/cm-1', first);
    assert.equal(updated.status, 200);
    assert.notEqual(updated.body.metadata.resourceVersion, created.body.metadata.resourceVersion);
    const stale = await server.call('PUT', '/api/v1/namespaces/default/configmaps/cm-1', { ...created.body, data: { a: '3' } });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.reason, 'Conflict');
    assert.equal(
      stale.body.message,
      'Operation cannot be fulfilled on configmaps "cm-1": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  test('delete answers a Success Status, and the object is gone', async () => {
    await server.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'gone' } });
    const deleted = await server.call('DELETE', '/api/v1/namespaces/default/configmaps/gone');
    assert.equal(deleted.status, 200);
    assert.equal(deleted.body.status, 'Success');
    assert.equal(deleted.body.details.name, 'gone');
    assert.equal((await server.call('GET', '/api/v1/namespaces/default/configmaps/gone')).status, 404);
  });

  test('deletecollection deletes what the selector picks and lists it', async () => {
    for (const name of ['dc-1', 'dc-2', 'dc-keep']) {
      await server.call('POST', '/api/v1/namespaces/kube-public/configmaps', { metadata: { name, labels: { batch: name === 'dc-keep' ? 'no' : 'yes' } } });
    }
    const answer = await server.call('DELETE', '/api/v1/namespaces/kube-public/configmaps?labelSelector=batch%3Dyes');
    assert.equal(answer.status, 200);
    assert.equal(answer.body.kind, 'ConfigMapList');
    assert.deepEqual(
      answer.body.items.map((c: any) => c.metadata.name),
      ['dc-1', 'dc-2'],
    );
    const left = await server.call('GET', '/api/v1/namespaces/kube-public/configmaps?labelSelector=batch');
    assert.deepEqual(
      left.body.items.map((c: any) => c.metadata.name),
      ['dc-keep'],
    );
  });

  test('dryRun=All answers as a create would and stores nothing', async () => {
    const answer = await server.call('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', { metadata: { name: 'dry' } });
    assert.equal(answer.status, 201);
    assert.equal(answer.body.metadata.name, 'dry');
    assert.equal((await server.call('GET', '/api/v1/namespaces/default/configmaps/dry')).status, 404);
  });

  test('a delete whose uid precondition fails is 409 and deletes nothing', async () => {
    await server.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'kept' } });
    const answer = await server.call('DELETE', '/api/v1/namespaces/default/configmaps/kept', { preconditions: { uid: 'not-it' } });
    assert.equal(answer.status, 409);
    assert.match(answer.body.message, /Precondition failed: UID in precondition: not-it, UID in object meta: /);
    assert.equal((await server.call('GET', '/api/v1/namespaces/default/configmaps/kept')).status, 200);
  });

  test('a PUT naming another uid is 409 Precondition failed; a PATCH changing the uid is 422, as upstream', async () => {
    await server.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'same-uid' } });
    const put = await server.call('PUT', '/api/v1/namespaces/default/configmaps/same-uid', { metadata: { name: 'same-uid', uid: 'not-it' }, data: { a: 'b' } });
    assert.equal(put.status, 409);
    assert.match(put.body.message, /^Operation cannot be fulfilled on configmaps "same-uid": Precondition failed: UID in precondition: not-it, UID in object meta: [0-9a-f-]{36}$/);
    const patch = await server.call('PATCH', '/api/v1/namespaces/default/configmaps/same-uid', { metadata: { uid: 'not-it' } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(patch.status, 422);
    assert.match(patch.body.message, /metadata\.uid: Invalid value: "not-it": field is immutable/);
    assert.equal((await server.call('GET', '/api/v1/namespaces/default/configmaps/same-uid')).body.data, undefined);
  });

  test('a patch that removes the last ownerReference leaves none, as Go omits an empty list (omitempty)', async () => {
    const owner = { apiVersion: 'v1', kind: 'ReplicationController', name: 'rc', uid: 'rc-uid', controller: true };
    await server.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'owned', ownerReferences: [owner], labels: {} } });
    const created = await server.call('GET', '/api/v1/namespaces/default/configmaps/owned');
    assert.equal('labels' in created.body.metadata, false);
    const patch = { metadata: { ownerReferences: [{ $patch: 'delete', uid: 'rc-uid' }] } };
    const released = await server.call('PATCH', '/api/v1/namespaces/default/configmaps/owned', patch, { 'Content-Type': 'application/strategic-merge-patch+json' });
    assert.equal(released.status, 200);
    assert.equal('ownerReferences' in released.body.metadata, false);
  });

  test('an orphaning delete marks the object with the orphan finalizer and answers 200 with it, as upstream', async () => {
    await server.call('POST', '/api/v1/namespaces/default/replicationcontrollers', {
      metadata: { name: 'orphaned' },
      spec: { replicas: 1, selector: { app: 'o' }, template: { metadata: { labels: { app: 'o' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    const answer = await server.call('DELETE', '/api/v1/namespaces/default/replicationcontrollers/orphaned', { propagationPolicy: 'Orphan' });
    assert.equal(answer.status, 200);
    assert.deepEqual(answer.body.metadata.finalizers, ['orphan']);
    assert.ok(answer.body.metadata.deletionTimestamp);
    // Removing the last finalizer finishes the deletion.
    const marked = (await server.call('GET', '/api/v1/namespaces/default/replicationcontrollers/orphaned')).body;
    const cleared = await server.call('PUT', '/api/v1/namespaces/default/replicationcontrollers/orphaned', { ...marked, metadata: { ...marked.metadata, finalizers: [] } });
    assert.equal(cleared.status, 200);
    assert.equal((await server.call('GET', '/api/v1/namespaces/default/replicationcontrollers/orphaned')).status, 404);
  });
});

describe('bad input', () => {
  test('malformed JSON is 400 BadRequest and stores nothing', async () => {
    const answer = await server.call('POST', '/api/v1/namespaces/default/pods', '{"metadata": {"name": "x"');
    assert.equal(answer.status, 400);
    assert.equal(answer.body.kind, 'Status');
    assert.equal(answer.body.reason, 'BadRequest');
    assert.equal((await server.call('GET', '/api/v1/namespaces/default/pods/x')).status, 404);
  });

  test('a body over 3 MiB is 413 RequestEntityTooLarge', async () => {
    const big = { metadata: { name: 'big' }, data: { a: 'x'.repeat(3 * 1024 * 1024 + 10) } };
    const answer = await server.call('POST', '/api/v1/namespaces/default/configmaps', big);
    assert.equal(answer.status, 413);
    assert.equal(answer.body.reason, 'RequestEntityTooLarge');
  });

  test('a namespace in the body other than the path is 400', async () => {
    const answer = await server.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'x', namespace: 'kube-system' } });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.message, 'the namespace of the provided object does not match the namespace sent on the request');
  });

  test('a name in the body other than the path is 400', async () => {
    await server.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'named' } });
    const answer = await server.call('PUT', '/api/v1/namespaces/default/configmaps/named', { metadata: { name: 'other' } });
    assert.equal(answer.status, 400);
    assert.equal(answer.body.message, 'the name of the object (other) does not match the name on the URL (named)');
  });

  test('a kind other than the path is 400, an unknown resource is 404', async () => {
    const kind = await server.call('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'k' } });
    assert.equal(kind.status, 400);
    const unknown = await server.call('GET', '/api/v1/namespaces/default/widgets');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.message, 'the server could not find the requested resource');
  });

  test('a body that is not an object and an unknown content type are refused', async () => {
    assert.equal((await server.call('POST', '/api/v1/namespaces/default/configmaps', '[1,2]')).status, 400);
    const xml = await server.call('POST', '/api/v1/namespaces/default/configmaps', '<x/>', { 'Content-Type': 'application/xml' });
    assert.equal(xml.status, 415);
  });

  test('a label that is not a string is 400, as upstream decoding refuses it', async () => {
    const answer = await server.call('POST', '/apis/apps/v1/namespaces/default/daemonsets', {
      metadata: { name: 'typed' },
      spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: true } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
    });
    assert.equal(answer.status, 400);
    assert.equal(
      answer.body.message,
      'DaemonSet in version "v1" cannot be handled as a DaemonSet: json: cannot unmarshal bool into Go struct field ObjectMeta.spec.template.metadata.labels of type string',
    );
  });

  test('a bad label selector is 400 with the parser message', async () => {
    const answer = await server.call('GET', '/api/v1/namespaces/default/pods?labelSelector=' + encodeURIComponent('a in (b'));
    assert.equal(answer.status, 400);
    assert.equal(answer.body.reason, 'BadRequest');
  });

  test('a selector requirement given as null or {} is Go\'s zero one: 422 naming its empty key and operator, not a crash', async () => {
    for (const requirement of [null, {}]) {
      const daemonSet = {
        metadata: { name: 'zero-requirement' },
        spec: { selector: { matchLabels: { a: 'b' }, matchExpressions: [requirement] }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      };
      const answer = await server.call('POST', '/apis/apps/v1/namespaces/default/daemonsets', daemonSet);
      assert.equal(answer.status, 422, JSON.stringify(answer.body));
      assert.match(answer.body.message, /spec\.selector\.matchExpressions\[0\]\.operator: Invalid value: "": not a valid selector operator/);
      assert.match(answer.body.message, /spec\.selector\.matchExpressions\[0\]\.key: Invalid value: "": name part must be non-empty/);
    }
  });

  test('a field selector on a field the kind does not have is 400', async () => {
    const answer = await server.call('GET', '/api/v1/namespaces/default/configmaps?fieldSelector=spec.nodeName%3Dx');
    assert.equal(answer.status, 400);
    assert.equal(answer.body.message, 'field label not supported: spec.nodeName');
  });
});

describe('lists', () => {
  test('labelSelector and fieldSelector pick the matching objects', async () => {
    await server.call('POST', '/api/v1/namespaces/kube-public/pods', pod('sel-a', { tier: 'web', env: 'prod' }));
    await server.call('POST', '/api/v1/namespaces/kube-public/pods', pod('sel-b', { tier: 'db', env: 'prod' }));
    await server.call('POST', '/api/v1/namespaces/kube-public/pods', pod('sel-c', { env: 'dev' }));
    const names = async (query: string) =>
      (await server.call('GET', `/api/v1/namespaces/kube-public/pods?${query}`)).body.items.map((p: any) => p.metadata.name);
    assert.deepEqual(await names('labelSelector=env%3Dprod'), ['sel-a', 'sel-b']);
    assert.deepEqual(await names('labelSelector=' + encodeURIComponent('tier in (db,cache)')), ['sel-b']);
    assert.deepEqual(await names('labelSelector=!tier'), ['sel-c']);
    assert.deepEqual(await names('fieldSelector=metadata.name%3Dsel-c'), ['sel-c']);
    assert.deepEqual(await names('fieldSelector=metadata.name!%3Dsel-c'), ['sel-a', 'sel-b']);
  });

  test('limit and continue page through a list at one resourceVersion', async () => {
    for (let i = 0; i < 5; i++) await server.call('POST', '/api/v1/namespaces/kube-node-lease/configmaps', { metadata: { name: `page-${i}` } });
    const first = await server.call('GET', '/api/v1/namespaces/kube-node-lease/configmaps?limit=2');
    assert.deepEqual(
      first.body.items.map((c: any) => c.metadata.name),
      ['page-0', 'page-1'],
    );
    assert.equal(first.body.metadata.remainingItemCount, 3);
    await server.call('POST', '/api/v1/namespaces/kube-node-lease/configmaps', { metadata: { name: 'page-9' } });
    const second = await server.call('GET', `/api/v1/namespaces/kube-node-lease/configmaps?limit=2&continue=${first.body.metadata.continue}`);
    assert.deepEqual(
      second.body.items.map((c: any) => c.metadata.name),
      ['page-2', 'page-3'],
    );
    const third = await server.call('GET', `/api/v1/namespaces/kube-node-lease/configmaps?limit=2&continue=${second.body.metadata.continue}`);
    assert.deepEqual(
      third.body.items.map((c: any) => c.metadata.name),
      ['page-4'],
      'the page-9 written after the first page is not in this list',
    );
    assert.equal(third.body.metadata.continue, undefined);
    assert.equal(third.body.metadata.resourceVersion, first.body.metadata.resourceVersion);
  });

  test('kubectl get asks for a Table and gets rows with object metadata', async () => {
    const table = await server.call('GET', '/api/v1/namespaces', undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    assert.equal(table.body.kind, 'Table');
    assert.ok(table.body.columnDefinitions.length >= 2);
    const row = table.body.rows.find((r: any) => r.object.metadata.name === 'default');
    assert.equal(row.cells[0], 'default');
    assert.equal(row.object.kind, 'PartialObjectMetadata');
  });
});

describe('subresources', () => {
  const rc = (name: string) => ({
    metadata: { name },
    spec: { replicas: 2, selector: { app: name }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'redis' }] } } },
  });

  test('status changes only through /status, and spec only through the object', async () => {
    const created = (await server.call('POST', '/api/v1/namespaces/default/replicationcontrollers', rc('st'))).body;
    const viaMain = await server.call('PUT', '/api/v1/namespaces/default/replicationcontrollers/st', { ...created, status: { replicas: 7 } });
    assert.notEqual(viaMain.body.status?.replicas, 7);
    const viaStatus = await server.call('PUT', '/api/v1/namespaces/default/replicationcontrollers/st/status', {
      ...viaMain.body,
      spec: { ...viaMain.body.spec, replicas: 9 },
      status: { replicas: 2 },
    });
    assert.equal(viaStatus.status, 200);
    assert.equal(viaStatus.body.status.replicas, 2);
    assert.equal(viaStatus.body.spec.replicas, 2);
  });

  test('/scale reads and sets replicas', async () => {
    await server.call('POST', '/api/v1/namespaces/default/replicationcontrollers', rc('sc'));
    const scale = await server.call('GET', '/api/v1/namespaces/default/replicationcontrollers/sc/scale');
    assert.equal(scale.body.kind, 'Scale');
    assert.equal(scale.body.spec.replicas, 2);
    const patched = await server.call('PATCH', '/api/v1/namespaces/default/replicationcontrollers/sc/scale', { spec: { replicas: 3 } }, {
      'Content-Type': 'application/merge-patch+json',
    });
    assert.equal(patched.status, 200);
    assert.equal(patched.body.spec.replicas, 3);
    assert.equal((await server.call('GET', '/api/v1/namespaces/default/replicationcontrollers/sc')).body.spec.replicas, 3);
  });

  test('binding assigns a pod to a node once', async () => {
    await server.call('POST', '/api/v1/namespaces/default/pods', pod('bound'));
    const binding = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bound' }, target: { kind: 'Node', name: 'node-1' } };
    assert.equal((await server.call('POST', '/api/v1/namespaces/default/pods/bound/binding', binding)).status, 201);
    assert.equal((await server.call('GET', '/api/v1/namespaces/default/pods/bound')).body.spec.nodeName, 'node-1');
    const again = await server.call('POST', '/api/v1/namespaces/default/pods/bound/binding', { ...binding, target: { name: 'node-2' } });
    assert.equal(again.status, 409);
  });

  test('eviction: dry run keeps the pod, a grace period marks it, a PUT is refused', async () => {
    await server.call('POST', '/api/v1/namespaces/default/pods', pod('evicted'));
    const eviction = (deleteOptions: object) => ({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'evicted', namespace: 'default' }, deleteOptions });
    const dry = await server.call('POST', '/api/v1/namespaces/default/pods/evicted/eviction', eviction({ dryRun: ['All'] }));
    assert.equal(dry.status, 201);
    assert.equal((await server.call('GET', '/api/v1/namespaces/default/pods/evicted')).body.metadata.deletionTimestamp, undefined);
    const mismatched = await server.call('POST', '/api/v1/namespaces/default/pods/evicted/eviction?dryRun=All', eviction({ dryRun: [] }));
    assert.equal(mismatched.status, 400);
    assert.equal((await server.call('PUT', '/api/v1/namespaces/default/pods/evicted/eviction', eviction({}))).status, 405);
    // A bound pod is deleted gracefully, as by kubectl delete: its kubelet finishes the job.
    await server.call('POST', '/api/v1/namespaces/default/pods/evicted/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'evicted' }, target: { name: 'node-1' } });
    const v1beta1 = { ...eviction({ gracePeriodSeconds: 5 }), apiVersion: 'policy/v1beta1' };
    assert.equal((await server.call('POST', '/api/v1/namespaces/default/pods/evicted/eviction', v1beta1)).status, 201);
    const marked = (await server.call('GET', '/api/v1/namespaces/default/pods/evicted')).body;
    assert.equal(marked.metadata.deletionGracePeriodSeconds, 5);
    const wrongKind = await server.call('POST', '/api/v1/namespaces/default/pods/evicted/eviction', { ...eviction({}), kind: 'Binding' });
    assert.equal(wrongKind.status, 400);
  });
});

describe('namespaces being deleted', () => {
  test('default, kube-system and kube-public may not be deleted', async () => {
    for (const name of ['default', 'kube-system', 'kube-public']) {
      const answer = await server.call('DELETE', `/api/v1/namespaces/${name}`);
      assert.equal(answer.status, 403);
      assert.equal(answer.body.message, `namespaces "${name}" is forbidden: this namespace may not be deleted`);
    }
  });

  test('a terminating namespace refuses new objects with 403', async () => {
    await server.call('POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } });
    await server.call('DELETE', '/api/v1/namespaces/doomed');
    const answer = await server.call('POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'late' } });
    assert.equal(answer.status, 403);
    assert.equal(answer.body.message, 'configmaps "late" is forbidden: unable to create new content in namespace doomed because it is being terminated');
  });
});

describe('watch', () => {
  test('a watch from a list resourceVersion sees later changes, with ADDED, MODIFIED and DELETED', async () => {
    const list = await server.call('GET', '/api/v1/namespaces/default/configmaps');
    const rv = list.body.metadata.resourceVersion;
    const events = readWatch(`${server.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`, 3);
    const created = await server.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'w1' } });
    await server.call('PUT', '/api/v1/namespaces/default/configmaps/w1', { ...created.body, data: { x: '1' } });
    await server.call('DELETE', '/api/v1/namespaces/default/configmaps/w1');
    assert.deepEqual(
      (await events).map((e) => `${e.type} ${e.object.metadata.name}`),
      ['ADDED w1', 'MODIFIED w1', 'DELETED w1'],
    );
  });

  test('a label-selected watch reports an object that stops matching as DELETED', async () => {
    const rv = (await server.call('GET', '/api/v1/namespaces/default/pods')).body.metadata.resourceVersion;
    const events = readWatch(`${server.url}/api/v1/namespaces/default/pods?watch=1&labelSelector=role%3Dweb&resourceVersion=${rv}`, 2);
    const created = await server.call('POST', '/api/v1/namespaces/default/pods', pod('relabel', { role: 'web' }));
    await server.call('PUT', '/api/v1/namespaces/default/pods/relabel', { ...created.body, metadata: { ...created.body.metadata, labels: { role: 'db' } } });
    assert.deepEqual(
      (await events).map((e) => `${e.type} ${e.object.metadata.name}`),
      ['ADDED relabel', 'DELETED relabel'],
    );
  });

  test('a watch from a resourceVersion older than the cache window gets 410 Expired as an in-stream ERROR, as upstream', async () => {
    const rv = Number((await server.call('GET', '/api/v1/namespaces/default/configmaps')).body.metadata.resourceVersion);
    for (let i = 0; i < 60; i++) await server.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `churn-${i}` } });
    const answer = await server.call('GET', `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`);
    assert.equal(answer.status, 200);
    assert.equal(answer.body.type, 'ERROR');
    assert.equal(answer.body.object.code, 410);
    assert.equal(answer.body.object.reason, 'Expired');
    assert.match(answer.body.object.message, /^too old resource version: \d+ \(\d+\)$/);
  });

  test('sendInitialEvents sends the current objects, then a bookmark marking their end', async () => {
    await server.call('POST', '/api/v1/namespaces/kube-system/configmaps', { metadata: { name: 'initial' } });
    const events = await readWatch(
      `${server.url}/api/v1/namespaces/kube-system/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`,
      2,
    );
    assert.equal(events[0].type, 'ADDED');
    assert.equal(events[0].object.metadata.name, 'initial');
    assert.equal(events[1].type, 'BOOKMARK');
    assert.equal(events[1].object.metadata.annotations['k8s.io/initial-events-end'], 'true');
  });

  test('timeoutSeconds ends the watch', async () => {
    const started = Date.now();
    const answer = await fetch(`${server.url}/api/v1/namespaces/default/pods?watch=true&timeoutSeconds=1`);
    await answer.text();
    assert.ok(Date.now() - started >= 900);
  });

  test('the same URL with Upgrade: websocket streams one event per text frame', async () => {
    const rv = (await server.call('GET', '/api/v1/namespaces/default/configmaps')).body.metadata.resourceVersion;
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`);
    const frames: any[] = [];
    const got = new Promise<void>((resolve, reject) => {
      socket.on('message', (data) => {
        frames.push(JSON.parse((data as Buffer).toString('utf8')));
        resolve();
      });
      socket.on('error', reject);
    });
    await new Promise((resolve) => socket.once('open', resolve));
    await server.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'over-ws' } });
    await got;
    socket.close();
    assert.equal(frames[0].type, 'ADDED');
    assert.equal(frames[0].object.metadata.name, 'over-ws');
  });
});

describe('a watch client that stops reading', () => {
  test('is cut off once the server holds more than its limit unsent, with an ERROR event', async () => {
    const slow = await startTestServer({ watch: { maxUnsentBytes: 64 * 1024 } });
    try {
      const rv = (await slow.call('GET', '/api/v1/namespaces/default/configmaps')).body.metadata.resourceVersion;
      const response = await new Promise<http.IncomingMessage>((resolve) => http.get(`${slow.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`, resolve));
      response.pause();
      const big = 'x'.repeat(100 * 1024);
      for (let i = 0; i < 100; i++) await slow.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `big-${i}` }, data: { big } });
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      const ended = new Promise((resolve) => response.on('end', resolve));
      response.resume();
      await ended;
      const lines = Buffer.concat(chunks).toString('utf8').trim().split('\n');
      assert.ok(lines.length < 101, `the stream ended early, after ${lines.length} lines`);
      const last = JSON.parse(lines[lines.length - 1]!);
      assert.equal(last.type, 'ERROR');
      assert.equal(last.object.code, 410);
      assert.match(last.object.message, /cut off/);
      assert.equal((await slow.call('GET', '/healthz')).body, 'ok');
    } finally {
      await slow.close();
    }
  });
});

describe('a restarted API server', () => {
  test('resumes a watch from a resourceVersion seen before the restart', async () => {
    const store = await openStore({ backend: 'memory', autoCompaction: false });
    const first = await startTestServer({ store });
    const created = await first.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'before-restart' } });
    const rv = created.body.metadata.resourceVersion;
    await first.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'missed-1' } });
    await first.call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'missed-2' } });
    await first.close();
    const second = await startTestServer({ store });
    try {
      const events = await readWatch(`${second.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`, 2);
      assert.deepEqual(
        events.map((e) => `${e.type} ${e.object.metadata.name}`),
        ['ADDED missed-1', 'ADDED missed-2'],
      );
    } finally {
      await second.close();
      await store.close();
    }
  });
});

describe('updates and deletes without a resourceVersion', () => {
  // On LevelDB a write waits for its group commit, so concurrent requests interleave between read and write.
  let dir: string;
  let levelServer: TestServer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubelab-unconditional-'));
    levelServer = await startTestServer({ store: await openStore({ backend: 'level', dataDir: dir, autoCompaction: false }) });
  });
  after(async () => {
    await levelServer.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('are unconditional: fifty at once all land, none is 409, and the last one stored is what reads back', async () => {
    const path = '/api/v1/namespaces/default/configmaps';
    await levelServer.call('POST', path, { metadata: { name: 'cm-race' }, data: { v: 'start' } });
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => levelServer.call('PUT', `${path}/cm-race`, { metadata: { name: 'cm-race' }, data: { v: `w${i}` } })),
    );
    assert.deepEqual(answers.map((a) => a.status), Array(50).fill(200));
    const last = answers.reduce((p, q) => (Number(q.body.metadata.resourceVersion) > Number(p.body.metadata.resourceVersion) ? q : p));
    const stored = await levelServer.call('GET', `${path}/cm-race`);
    assert.deepEqual(stored.body.data, last.body.data);
  });

  test('a delete without preconditions that a write overtakes is not a 409: it is decided again on the newer object (upstream conditionalDelete)', async () => {
    // A store in which, each time, another writer updates the object between the delete's read and its write.
    const inner = await openStore({ backend: 'memory', autoCompaction: false });
    let overtaken = 0;
    const racing = new Proxy(inner, {
      get(target, property, receiver) {
        if (property !== 'delete') return Reflect.get(target, property, receiver) as unknown;
        return async (key: string, options?: { expectedModRevision?: number }) => {
          const kv = await target.get(key);
          if (kv && overtaken < 3) {
            overtaken++;
            await target.update(key, kv.value, { expectedModRevision: kv.modRevision });
          }
          return target.delete(key, options);
        };
      },
    });
    const server = await startTestServer({ store: racing });
    try {
      const path = '/api/v1/namespaces/default/configmaps';
      await server.call('POST', path, { metadata: { name: 'cm-overtaken' }, data: { v: 'start' } });
      const deleted = await server.call('DELETE', `${path}/cm-overtaken`);
      assert.equal(deleted.status, 200, JSON.stringify(deleted.body));
      assert.equal(overtaken, 3);
      assert.equal((await server.call('GET', `${path}/cm-overtaken`)).status, 404);
    } finally {
      await server.close();
    }
  });

  test('a delete whose resourceVersion precondition is stale is still a 409', async () => {
    const path = '/api/v1/namespaces/default/configmaps';
    const created = await levelServer.call('POST', path, { metadata: { name: 'cm-delete-stale' }, data: { v: 'start' } });
    await levelServer.call('PUT', `${path}/cm-delete-stale`, { metadata: { name: 'cm-delete-stale' }, data: { v: 'changed' } });
    const answer = await levelServer.call('DELETE', `${path}/cm-delete-stale`, { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { resourceVersion: created.body.metadata.resourceVersion } });
    assert.equal(answer.status, 409);
    assert.match(answer.body.message, /^Operation cannot be fulfilled on configmaps "cm-delete-stale": Precondition failed: ResourceVersion in precondition/);
  });
});
