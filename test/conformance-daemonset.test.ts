// The [Conformance] tests of upstream's test/e2e/apps/daemon_set.go (v1.32,
// "[sig-apps] Daemon set [Serial]"), restated against startCluster: one test
// each, named as upstream, with its steps and checks; lab timings (pod stages
// at 5 %, grace period 1 s) instead of upstream's 5-minute polls. The lab's
// node-1 is the control plane, tainted NoSchedule, so "every node" is the
// nodes the DaemonSet can schedule to (upstream's e2edaemonset.SchedulableNodes).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { kinds, type KubeClient } from '../client/index.js';
import { isPodAvailable } from '../controllers/index.js';
import { conformanceLab } from './conformance-cluster.js';
import { eventually } from './eventually.js';
import { watchUntil } from './watch-until.js';

const DS_NAME = 'daemon-set';
const IMAGE = 'registry.k8s.io/e2e-test-images/agnhost:2.52';
const NEW_IMAGE = 'registry.k8s.io/e2e-test-images/httpd:2.4.38-4';
const LABEL = { 'daemonset-name': DS_NAME };
const SELECTOR = `daemonset-name=${DS_NAME}`;
const WORKERS = ['node-2', 'node-3'];

/** upstream e2edaemonset.NewDaemonSet: serve-hostname on port 9376; newDaemonSet drops the object's labels, newDaemonSetWithLabel keeps them. */
function newDaemonSet(withLabel = false): DaemonSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: DS_NAME, ...(withLabel ? { labels: LABEL } : {}) },
    spec: {
      selector: { matchLabels: LABEL },
      template: {
        metadata: { labels: LABEL },
        spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: IMAGE, ports: [{ containerPort: 9376 }] }] },
      },
    },
  };
}

describe('[sig-apps] Daemon set [Serial]', () => {
  const lab = conformanceLab('daemonsets');
  let ns = '';
  let client: KubeClient;
  const newNamespace = async () => {
    ns = await lab.newNamespace();
    client = lab.client;
  };
  const dsClient = () => client.resource(kinds.DaemonSet, ns);
  const daemonPods = async () => (await client.resource(kinds.Pod, ns).list({ labelSelector: SELECTOR })).items;
  const ownedBy = (pod: Pod, ds: DaemonSet) => pod.metadata?.ownerReferences?.some((o) => o.controller && o.uid === ds.metadata?.uid);
  const isRunningAndReady = (pod: Pod) => pod.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

  /** upstream e2edaemonset.CheckDaemonPodOnNodes: exactly one running, available daemon pod on each named node, and none elsewhere. */
  const onNodes = async (ds: DaemonSet, nodes: readonly string[]) => {
    const pods = (await daemonPods()).filter((p) => ownedBy(p, ds) && !p.metadata?.deletionTimestamp);
    const byNode = new Map<string, number>();
    for (const pod of pods) {
      if (!isRunningAndReady(pod) || !isPodAvailable(pod, ds.spec?.minReadySeconds ?? 0, Date.now())) return false;
      byNode.set(pod.spec?.nodeName ?? '', (byNode.get(pod.spec?.nodeName ?? '') ?? 0) + 1);
    }
    return byNode.size === nodes.length && nodes.every((n) => byNode.get(n) === 1);
  };
  const runningOnAllNodes = (ds: DaemonSet) => eventually('daemon pods on every schedulable node', () => onNodes(ds, WORKERS));
  const runningOnNoNodes = (ds: DaemonSet) => eventually('daemon pods on no node', () => onNodes(ds, []));
  /** upstream e2edaemonset.CheckDaemonStatus: desired = scheduled = ready. */
  const checkDaemonStatus = async () => {
    const status = await eventually('daemon status', async () => {
      const s = (await dsClient().get(DS_NAME)).status;
      return s && s.desiredNumberScheduled === s.currentNumberScheduled && s.currentNumberScheduled === s.numberReady ? s : undefined;
    });
    assert.ok(status.desiredNumberScheduled >= 0);
  };
  /** upstream checkDaemonPodsImageAndAvailability: every live daemon pod has `image`, at most `maxUnavailable` unavailable, one updated pod per node. */
  const imageAndAvailability = (ds: DaemonSet, image: string, maxUnavailable: number) =>
    eventually(`daemon pods at ${image}`, async () => {
      const pods = (await daemonPods()).filter((p) => !p.metadata?.deletionTimestamp && ownedBy(p, ds));
      const unavailable = pods.filter((p) => !isPodAvailable(p, ds.spec?.minReadySeconds ?? 0, Date.now())).length;
      const updated = new Set(pods.filter((p) => p.spec?.containers[0]?.image === image).map((p) => p.spec?.nodeName));
      return unavailable <= maxUnavailable && pods.every((p) => p.spec?.containers[0]?.image === image) && updated.size === WORKERS.length;
    });
  /** upstream waitForHistoryCreated and curHistory: the ControllerRevisions of the set, and the one matching its template. */
  const currentHistory = async (revisions: number) => {
    const list = await eventually(`${revisions} ControllerRevisions`, async () => {
      const items = (await client.resource(kinds.ControllerRevision, ns).list({ labelSelector: SELECTOR })).items;
      return items.length === revisions ? items : undefined;
    });
    const ds = await dsClient().get(DS_NAME);
    const hash = (await daemonPods()).find((p) => !p.metadata?.deletionTimestamp && p.spec?.containers[0]?.image === ds.spec?.template.spec?.containers[0]?.image)?.metadata?.labels?.['controller-revision-hash'];
    const current = list.find((r) => r.metadata?.labels?.['controller-revision-hash'] === hash);
    assert.ok(current, 'the current ControllerRevision');
    return current;
  };
  const checkPodsHash = async (hash: string | undefined) => {
    for (const pod of await daemonPods()) assert.equal(pod.metadata?.labels?.['controller-revision-hash'], hash, `${pod.metadata?.name}'s controller-revision-hash`);
  };
  const imagePatch = (image: string) => ({ spec: { template: { spec: { containers: [{ name: 'app', image }] } } } });

  test('should run and stop simple daemon', async () => {
    await newNamespace();
    const ds = await dsClient().create(newDaemonSet());
    await runningOnAllNodes(ds);
    await checkDaemonStatus();
    // Stop a daemon pod, check that the daemon pod is revived.
    const pod = (await daemonPods())[0]!;
    await client.resource(kinds.Pod, ns).delete(pod.metadata?.name ?? '');
    await eventually('the pod replaced', async () => !(await daemonPods()).some((p) => p.metadata?.uid === pod.metadata?.uid) && (await onNodes(ds, WORKERS)));
  });

  test('should run and stop complex daemon', async () => {
    await newNamespace();
    const nodeClient = client.resource(kinds.Node);
    const template = newDaemonSet();
    template.spec!.template.spec!.nodeSelector = { 'daemonset-color': 'blue' };
    const ds = await dsClient().create(template);
    // Initially, daemon pods should not be running on any nodes.
    await runningOnNoNodes(ds);
    // Change node label to blue, check that daemon pod is launched.
    const node = 'node-2';
    await nodeClient.patch(node, { metadata: { labels: { 'daemonset-color': 'blue' } } });
    await eventually('a daemon pod on the blue node', () => onNodes(ds, [node]));
    await checkDaemonStatus();
    // Update the node label to green, and wait for daemons to be unscheduled.
    await nodeClient.patch(node, { metadata: { labels: { 'daemonset-color': 'green' } } });
    await runningOnNoNodes(ds);
    // Update DaemonSet node selector to green, and change its update strategy to RollingUpdate.
    await dsClient().patch(DS_NAME, { spec: { template: { spec: { nodeSelector: { 'daemonset-color': 'green' } } }, updateStrategy: { type: 'RollingUpdate' } } }, 'strategic');
    await eventually('a daemon pod on the green node', () => onNodes(ds, [node]));
    await checkDaemonStatus();
    await nodeClient.patch(node, { metadata: { labels: { 'daemonset-color': null } } });
  });

  test('should retry creating failed daemon pods', async () => {
    await newNamespace();
    const ds = await dsClient().create(newDaemonSet());
    await runningOnAllNodes(ds);
    await checkDaemonStatus();
    // Set a daemon pod's phase to 'Failed', check that the daemon pod is revived.
    const pod = (await daemonPods())[0]!;
    await client.resource(kinds.Pod, ns).updateStatus({ ...pod, metadata: { ...pod.metadata, resourceVersion: '' }, status: { ...pod.status, phase: 'Failed' } });
    await runningOnAllNodes(ds);
    // Wait for the failed daemon pod to be completely deleted.
    await eventually('the failed pod deleted', async () => !(await daemonPods()).some((p) => p.metadata?.uid === pod.metadata?.uid));
    await runningOnAllNodes(ds);
  });

  test('should update pod when spec was updated and update strategy is RollingUpdate', async () => {
    await newNamespace();
    const template = newDaemonSet();
    template.spec!.updateStrategy = { type: 'RollingUpdate' };
    let ds = await dsClient().create(template);
    await runningOnAllNodes(ds);
    let cur = await currentHistory(1);
    assert.equal(cur.revision, 1);
    await checkPodsHash(cur.metadata?.labels?.['controller-revision-hash']);
    // Update daemon pods image.
    ds = await dsClient().patch(DS_NAME, imagePatch(NEW_IMAGE), 'strategic');
    await imageAndAvailability(ds, NEW_IMAGE, 1);
    await runningOnAllNodes(ds);
    await eventually('old pods gone', async () => (await daemonPods()).length === WORKERS.length);
    cur = await currentHistory(2);
    assert.equal(cur.revision, 2);
    await checkPodsHash(cur.metadata?.labels?.['controller-revision-hash']);
  });

  test('should rollback without unnecessary restarts', async () => {
    await newNamespace();
    const template = newDaemonSet();
    template.spec!.updateStrategy = { type: 'RollingUpdate' };
    const ds = await dsClient().create(template);
    await runningOnAllNodes(ds);
    // Update the DaemonSet to trigger a rollout, to an image that never pulls (the lab's tag `pull-error`
    // for upstream's "foo:non-existent"), so that the rollout cannot finish.
    const newImage = 'foo:pull-error';
    await dsClient().patch(DS_NAME, imagePatch(newImage), 'strategic');
    await eventually('at least one new pod', async () => (await daemonPods()).some((p) => p.spec?.containers[0]?.image === newImage));
    const pods = await daemonPods();
    const existing = pods.filter((p) => p.spec?.containers[0]?.image === IMAGE && !p.metadata?.deletionTimestamp);
    const created = pods.filter((p) => p.spec?.containers[0]?.image === newImage);
    assert.notEqual(existing.length, 0, 'with 2 schedulable nodes, some pods are still old');
    assert.notEqual(created.length, 0);
    assert.equal(pods.length - existing.length - created.length, pods.filter((p) => p.metadata?.deletionTimestamp).length, 'no pod of another image');
    // Roll back the DaemonSet before rollout is complete.
    const rollback = await dsClient().patch(DS_NAME, imagePatch(IMAGE), 'strategic');
    await imageAndAvailability(rollback, IMAGE, 1);
    await eventually('the new pods gone', async () => (await daemonPods()).length === WORKERS.length);
    // The old pods were not restarted.
    const names = new Set((await daemonPods()).map((p) => p.metadata?.name));
    for (const pod of existing) assert.ok(names.has(pod.metadata?.name), `unexpected pod ${pod.metadata?.name} be restarted`);
  });

  test('should list and delete a collection of DaemonSets', async () => {
    await newNamespace();
    const ds = await dsClient().create(newDaemonSet(true));
    await runningOnAllNodes(ds);
    await checkDaemonStatus();
    // listing all DaemonSets
    const all = client.resource(kinds.DaemonSet);
    assert.equal((await all.list({ labelSelector: SELECTOR })).items.length, 1, 'filtered list wasn\'t found');
    // DeleteCollection of the DaemonSets
    await dsClient().deleteCollection({ labelSelector: SELECTOR }, { gracePeriodSeconds: 1 });
    // Verify that DaemonSets have been deleted
    assert.equal((await all.list({ labelSelector: SELECTOR })).items.length, 0, 'filtered list should have no daemonset');
  });

  test('should verify changes to a daemon set status', async () => {
    await newNamespace();
    const listed = await client.resource(kinds.DaemonSet).list({ labelSelector: SELECTOR });
    const ds = await dsClient().create(newDaemonSet(true));
    await runningOnAllNodes(ds);
    await checkDaemonStatus();
    // Getting /status
    const got = await client.request<DaemonSet>('GET', `/apis/apps/v1/namespaces/${ns}/daemonsets/${DS_NAME}/status`);
    assert.equal(got.metadata?.name, DS_NAME);
    // updating the DaemonSet Status (upstream retries on conflict: the controller writes status too)
    const updated = await eventually('status updated', async () => {
      const toUpdate = await dsClient().get(DS_NAME);
      toUpdate.status!.conditions = [...(toUpdate.status?.conditions ?? []), { type: 'StatusUpdate', status: 'True', reason: 'E2E', message: 'Set from e2e test' }];
      return dsClient().updateStatus(toUpdate);
    });
    assert.ok(updated.status?.conditions?.some((c) => c.type === 'StatusUpdate'));
    // watching for the daemon set status to be updated, from the list's resourceVersion
    const watchOptions = { labelSelector: SELECTOR, resourceVersion: listed.metadata?.resourceVersion };
    const named = (d: DaemonSet) => d.metadata?.name === DS_NAME && d.metadata.namespace === ns && d.metadata.labels?.['daemonset-name'] === DS_NAME;
    await watchUntil<DaemonSet>(lab.cluster.url, `/apis/apps/v1/namespaces/${ns}/daemonsets`, watchOptions, ({ object: d }) => named(d) && d.status?.conditions?.some((c) => c.type === 'StatusUpdate' && c.reason === 'E2E' && c.message === 'Set from e2e test'));
    // patching the DaemonSet Status
    await dsClient().patch(DS_NAME, { status: { conditions: [{ type: 'StatusPatched', status: 'True' }] } }, 'merge', { subresource: 'status' });
    await watchUntil<DaemonSet>(lab.cluster.url, `/apis/apps/v1/namespaces/${ns}/daemonsets`, watchOptions, ({ object: d }) => named(d) && d.status?.conditions?.some((c) => c.type === 'StatusPatched'));
  });
});

