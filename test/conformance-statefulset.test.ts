// The [Conformance] tests of upstream's test/e2e/apps/statefulset.go (v1.32,
// "[sig-apps] StatefulSet Basic StatefulSet functionality [StatefulSetBasic]"),
// restated against startCluster: one test each, named as upstream, with its
// steps and checks, on lab timings (pod stages at 5 %, 3 s where upstream
// confirms a count for 10 s).
//
// Where upstream breaks a pod's readiness probe (exec `mv index.html /tmp/`
// in the httpd container), the lab does what the kubelet then does: it
// reports the pod not Ready. Its simulated kubelet would put Ready back at
// once, so the node's kubelet is stopped first (a frozen node, well inside the
// 20 s node monitor grace period) and started again to "restore the probe":
// level-triggered, it finds the pod running and marks it Ready again.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { kinds, type KubeClient } from '../client/index.js';
import type { Cluster } from '../scripts/start-cluster.js';
import { conformanceLab } from './conformance-cluster.js';
import { eventually } from './eventually.js';
import { watchUntil } from './watch-until.js';

const SS_NAME = 'ss';
const HEADLESS = 'test';
const LABELS = { foo: 'bar', baz: 'blah' };
const SELECTOR = 'foo=bar,baz=blah';
const WEBSERVER_IMAGE = 'registry.k8s.io/e2e-test-images/httpd:2.4.38-4';
const NEW_WEBSERVER_IMAGE = 'registry.k8s.io/e2e-test-images/httpd:2.4.39-4';
const REVISION_LABEL = 'controller-revision-hash';
const CONFIRM_MS = 3_000;

/** upstream e2estatefulset.NewStatefulSet, with setHTTPProbe's readiness probe. */
function newStatefulSet(name: string, replicas: number, labels: Record<string, string> = LABELS): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      replicas,
      serviceName: HEADLESS,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'webserver', image: WEBSERVER_IMAGE, readinessProbe: { httpGet: { path: '/index.html', port: 80 }, periodSeconds: 1, successThreshold: 1, failureThreshold: 1 } }],
        },
      },
    },
  };
}

const ordinalOf = (pod: Pod) => Number(/-(\d+)$/.exec(pod.metadata?.name ?? '')?.[1]);
const isRunningAndReady = (pod: Pod) => pod.status?.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
const isReady = (pod: Pod) => (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

describe('[sig-apps] StatefulSet Basic StatefulSet functionality [StatefulSetBasic]', () => {
  const lab = conformanceLab('statefulset');
  let ns = '';
  let client: KubeClient;
  let cluster: Cluster;

  /** upstream's BeforeEach: a namespace of the test's own and the headless service `test`. */
  const newNamespace = async () => {
    ns = await lab.newNamespace();
    client = lab.client;
    cluster = lab.cluster;
    await client.resource(kinds.Service, ns).create({ apiVersion: 'v1', kind: 'Service', metadata: { name: HEADLESS, labels: LABELS }, spec: { clusterIP: 'None', selector: LABELS, ports: [{ name: 'http', port: 80 }] } });
  };
  const ssClient = () => client.resource(kinds.StatefulSet, ns);
  const podClient = () => client.resource(kinds.Pod, ns);
  /** upstream e2estatefulset.GetPodList, sorted as SortStatefulPods. */
  const podList = async (selector = SELECTOR) => (await podClient().list({ labelSelector: selector })).items.sort((a, b) => ordinalOf(a) - ordinalOf(b));
  /** upstream WaitForRunningAndReady: exactly `n` pods, all Running and Ready. */
  const runningAndReady = (n: number, selector = SELECTOR) => eventually(`${n} pods running and ready`, async () => {
    const pods = await podList(selector);
    return pods.length === n && pods.every(isRunningAndReady) ? pods : undefined;
  }, 30_000);
  /** upstream waitForStatus: the controller has observed the set's generation. */
  const waitForStatus = (name: string) => eventually('status observed', async () => {
    const ss = await ssClient().get(name);
    return ss.status?.observedGeneration === ss.metadata?.generation ? ss : undefined;
  });
  /** upstream waitForRollingUpdate: every pod at the update revision and Running and Ready, the current revision moved to it. */
  const waitForRollingUpdate = (name: string) => eventually('rolling update done', async () => {
    const ss = await ssClient().get(name);
    const pods = await podList();
    const done = ss.status?.observedGeneration === ss.metadata?.generation && ss.status?.currentRevision === ss.status?.updateRevision && pods.length === ss.spec?.replicas && pods.every((p) => p.metadata?.labels?.[REVISION_LABEL] === ss.status?.updateRevision && isRunningAndReady(p));
    return done ? { ss, pods } : undefined;
  }, 30_000);
  /** upstream waitForPartitionedRollingUpdate: the pods from the partition up are at the update revision. */
  const waitForPartitionedRollingUpdate = (name: string) => eventually('partitioned update done', async () => {
    const ss = await ssClient().get(name);
    const partition = ss.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
    const pods = await podList();
    const done = ss.status?.observedGeneration === ss.metadata?.generation && pods.length === ss.spec?.replicas && pods.every(isRunningAndReady) && pods.every((p) => ordinalOf(p) < partition || p.metadata?.labels?.[REVISION_LABEL] === ss.status?.updateRevision);
    return done ? { ss, pods } : undefined;
  }, 30_000);
  const updateImage = (name: string, image: string) => ssClient().patch(name, { spec: { template: { spec: { containers: [{ name: 'webserver', image }] } } } }, 'strategic');
  const setPartition = (name: string, partition: number) => ssClient().patch(name, { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition } } } }, 'strategic');
  /** upstream deleteStatefulPodAtIndex: grace period 0. */
  const deleteStatefulPodAtIndex = (index: number, name = SS_NAME) => podClient().delete(`${name}-${index}`, { gracePeriodSeconds: 0 });
  const scale = (name: string, replicas: number) => ssClient().patch(name, { spec: { replicas } });

  /** The lab's breakHTTPProbe: freeze the pods' nodes and report the pods not Ready (see the head comment). */
  const frozen = new Set<string>();
  const breakHTTPProbe = async (pods: readonly Pod[]) => {
    for (const node of new Set(pods.map((p) => p.spec?.nodeName ?? ''))) {
      if (!frozen.has(node)) await cluster.stopNode(node);
      frozen.add(node);
    }
    for (const pod of pods) {
      const fresh = await podClient().get(pod.metadata?.name ?? '');
      const conditions = (fresh.status?.conditions ?? []).map((c) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False', reason: 'ContainersNotReady' } : c));
      await podClient().updateStatus({ ...fresh, status: { ...fresh.status, conditions, containerStatuses: fresh.status?.containerStatuses?.map((s) => ({ ...s, ready: false })) } });
    }
  };
  /** The lab's restoreHTTPProbe: the frozen kubelets start again and mark their running pods Ready. */
  const restoreHTTPProbe = async () => {
    for (const node of frozen) await cluster.startNode(node);
    frozen.clear();
  };
  /** upstream confirmStatefulPodCount with hard = true: the count stays `n` for the whole time. */
  const confirmStatefulPodCount = async (n: number, ms: number) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const pods = await podList();
      assert.equal(pods.length, n, `StatefulSet scaled unexpectedly to ${pods.length} replicas`);
      assert.ok(pods.every((p) => !p.metadata?.deletionTimestamp), 'no pod deleted');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  /** A watch of the set's pods from `resourceVersion`, answering once `expected` pod names came in order in events of `type`. */
  const watchOrder = (resourceVersion: string, type: 'ADDED' | 'DELETED', expected: string[]) => {
    const remaining = [...expected];
    return watchUntil<Pod>(cluster.url, `/api/v1/namespaces/${ns}/pods`, { labelSelector: SELECTOR, resourceVersion, timeoutSeconds: 60 }, (event) => {
      if (event.type === type && event.object.metadata?.name === remaining[0]) remaining.shift();
      return remaining.length === 0;
    });
  };

  test('should perform rolling updates and roll backs of template modifications', async () => {
    await newNamespace();
    await ssClient().create(newStatefulSet('ss2', 3));
    await runningAndReady(3);
    let ss = await waitForStatus('ss2');
    let { currentRevision, updateRevision } = ss.status!;
    assert.equal(currentRevision, updateRevision, 'created with update revision equal to current revision');
    let pods = await podList();
    for (const pod of pods) assert.equal(pod.metadata?.labels?.[REVISION_LABEL], currentRevision);
    await breakHTTPProbe([pods[1]!]);
    await eventually('ss2-1 not ready', async () => !isReady(await podClient().get('ss2-1')));
    // Updating StatefulSet template: update image
    await updateImage('ss2', NEW_WEBSERVER_IMAGE);
    // Creating a new revision
    ss = await waitForStatus('ss2');
    ({ currentRevision, updateRevision } = ss.status!);
    assert.notEqual(currentRevision, updateRevision, 'Current revision should not equal update revision during rolling update');
    // Updating Pods in reverse ordinal order
    await restoreHTTPProbe();
    let done = await waitForRollingUpdate('ss2');
    assert.equal(done.ss.status?.currentRevision, updateRevision);
    for (const pod of done.pods) {
      assert.equal(pod.spec?.containers[0]?.image, NEW_WEBSERVER_IMAGE);
      assert.equal(pod.metadata?.labels?.[REVISION_LABEL], updateRevision);
    }
    // Rolling back to a previous revision
    pods = done.pods;
    await breakHTTPProbe([pods[1]!]);
    await eventually('ss2-1 not ready', async () => !isReady(await podClient().get('ss2-1')));
    const priorRevision = currentRevision;
    await updateImage('ss2', WEBSERVER_IMAGE);
    ss = await waitForStatus('ss2');
    ({ currentRevision, updateRevision } = ss.status!);
    assert.equal(priorRevision, updateRevision, 'Prior revision should equal update revision during roll back');
    assert.notEqual(currentRevision, updateRevision, 'Current revision should not equal update revision during roll back');
    // Rolling back update in reverse ordinal order
    await restoreHTTPProbe();
    done = await waitForRollingUpdate('ss2');
    assert.equal(done.ss.status?.currentRevision, priorRevision);
    for (const pod of done.pods) {
      assert.equal(pod.spec?.containers[0]?.image, WEBSERVER_IMAGE);
      assert.equal(pod.metadata?.labels?.[REVISION_LABEL], priorRevision);
    }
  });

  test('should perform canary updates and phased rolling updates of template modifications', async () => {
    await newNamespace();
    const template = newStatefulSet('ss2', 3);
    template.spec!.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 3 } };
    await ssClient().create(template);
    await runningAndReady(3);
    let ss = await waitForStatus('ss2');
    const { currentRevision } = ss.status!;
    assert.equal(currentRevision, ss.status?.updateRevision);
    let pods = await podList();
    for (const pod of pods) assert.equal(pod.metadata?.labels?.[REVISION_LABEL], currentRevision);
    // Updating stateful set template: update image
    await updateImage('ss2', NEW_WEBSERVER_IMAGE);
    // Creating a new revision
    ss = await waitForStatus('ss2');
    const updateRevision = ss.status?.updateRevision;
    assert.notEqual(currentRevision, updateRevision, 'Current revision should not equal update revision during rolling update');
    // Not applying an update when the partition is greater than the number of replicas
    for (const pod of await podList()) {
      assert.equal(pod.spec?.containers[0]?.image, WEBSERVER_IMAGE);
      assert.equal(pod.metadata?.labels?.[REVISION_LABEL], currentRevision);
    }
    const checkPartition = (partition: number, list: readonly Pod[]) => {
      for (const pod of list) {
        const updated = ordinalOf(pod) >= partition;
        assert.equal(pod.spec?.containers[0]?.image, updated ? NEW_WEBSERVER_IMAGE : WEBSERVER_IMAGE, `${pod.metadata?.name}'s image`);
        assert.equal(pod.metadata?.labels?.[REVISION_LABEL], updated ? updateRevision : currentRevision, `${pod.metadata?.name}'s revision`);
      }
    };
    // Performing a canary update
    await setPartition('ss2', 2);
    ({ pods } = await waitForPartitionedRollingUpdate('ss2'));
    checkPartition(2, pods);
    // Restoring Pods to the correct revision when they are deleted
    await deleteStatefulPodAtIndex(0, 'ss2');
    await deleteStatefulPodAtIndex(2, 'ss2');
    await eventually('ss2-0 and ss2-2 recreated', async () => {
      const list = await runningAndReady(3);
      return list.every((p) => !p.metadata?.deletionTimestamp) && list.find((p) => ordinalOf(p) === 2)?.spec?.containers[0]?.image === NEW_WEBSERVER_IMAGE;
    });
    checkPartition(2, await podList());
    // Performing a phased rolling update
    for (let partition = 1; partition >= 0; partition--) {
      await setPartition('ss2', partition);
      ({ ss, pods } = await waitForPartitionedRollingUpdate('ss2'));
      checkPartition(partition, pods);
    }
    ss = await eventually('current revision moved', async () => {
      const got = await ssClient().get('ss2');
      return got.status?.currentRevision === updateRevision ? got : undefined;
    });
    assert.equal(ss.status?.currentRevision, updateRevision);
  });

  test('Scaling should happen in predictable order and halt if any stateful pod is unhealthy [Slow]', async () => {
    await newNamespace();
    let pl = await podClient().list({ labelSelector: SELECTOR });
    // Verify that stateful set will be scaled up in order.
    const scaledUp = watchOrder(pl.metadata?.resourceVersion ?? '', 'ADDED', [`${SS_NAME}-0`, `${SS_NAME}-1`, `${SS_NAME}-2`]);
    await ssClient().create(newStatefulSet(SS_NAME, 1));
    const [first] = await runningAndReady(1);
    // Confirming that stateful set scale up will halt with unhealthy stateful pod
    await breakHTTPProbe([first!]);
    await eventually('status readyReplicas 0', async () => ((await ssClient().get(SS_NAME)).status?.readyReplicas ?? 0) === 0);
    await scale(SS_NAME, 3);
    await confirmStatefulPodCount(1, CONFIRM_MS);
    // Scaling up stateful set to 3 replicas and waiting until all of them will be running
    await restoreHTTPProbe();
    const pods = await runningAndReady(3);
    // Verifying that stateful set was scaled up in order
    await scaledUp;
    // Scale down will halt with unhealthy stateful pod
    pl = await podClient().list({ labelSelector: SELECTOR });
    const scaledDown = watchOrder(pl.metadata?.resourceVersion ?? '', 'DELETED', [`${SS_NAME}-2`, `${SS_NAME}-1`, `${SS_NAME}-0`]);
    await breakHTTPProbe(pods);
    await eventually('status readyReplicas 0', async () => ((await ssClient().get(SS_NAME)).status?.readyReplicas ?? 0) === 0);
    await scale(SS_NAME, 0);
    await confirmStatefulPodCount(3, CONFIRM_MS);
    // Scaling down stateful set to 0 replicas and waiting until none of pods will run
    await restoreHTTPProbe();
    await eventually('no pods', async () => (await podList()).length === 0, 30_000);
    // Verifying that stateful set was scaled down in reverse order
    await scaledDown;
  });

  test('Burst scaling should run to completion even with unhealthy pods [Slow]', async () => {
    await newNamespace();
    const template = newStatefulSet(SS_NAME, 1);
    template.spec!.podManagementPolicy = 'Parallel';
    await ssClient().create(template);
    const [first] = await runningAndReady(1);
    // Confirming that stateful set scale up will not halt with unhealthy stateful pod
    await breakHTTPProbe([first!]);
    await eventually('status readyReplicas 0', async () => ((await ssClient().get(SS_NAME)).status?.readyReplicas ?? 0) === 0);
    await scale(SS_NAME, 3);
    await eventually('3 pods while ss-0 is unhealthy', async () => (await podList()).length === 3);
    // Scaling up stateful set to 3 replicas and waiting until all of them will be running
    await restoreHTTPProbe();
    const pods = await runningAndReady(3);
    // Scale down will not halt with unhealthy stateful pod; the frozen kubelets cannot finish the
    // deletions, so the lab checks that the controller deleted every pod while they were unhealthy.
    await breakHTTPProbe(pods);
    await eventually('status readyReplicas 0', async () => ((await ssClient().get(SS_NAME)).status?.readyReplicas ?? 0) === 0);
    await scale(SS_NAME, 0);
    await eventually('every pod deleted while unhealthy', async () => (await podList()).every((p) => p.metadata?.deletionTimestamp));
    // Scaling down stateful set to 0 replicas and waiting until none of pods will run
    await restoreHTTPProbe();
    await eventually('no pods', async () => (await podList()).length === 0, 30_000);
    await eventually('status replicas 0', async () => (await ssClient().get(SS_NAME)).status?.replicas === 0);
  });

  test('Should recreate evicted statefulset', async () => {
    await newNamespace();
    const node = 'node-2';
    const conflictingPort = { hostPort: 21017, containerPort: 21017, name: 'conflict' };
    // Creating pod with conflicting port
    await podClient().create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'test-pod' }, spec: { nodeName: node, terminationGracePeriodSeconds: 1, containers: [{ name: 'webserver', image: WEBSERVER_IMAGE, ports: [conflictingPort] }] } });
    await eventually('test-pod running', async () => (await podClient().get('test-pod')).status?.phase === 'Running');
    // Creating statefulset with conflicting port
    const template = newStatefulSet(SS_NAME, 1);
    const container = template.spec!.template.spec!.containers[0]!;
    container.ports = [conflictingPort];
    delete container.readinessProbe;
    template.spec!.template.spec!.nodeName = node;
    await ssClient().create(template);
    // Waiting until stateful pod ss-0 will be recreated and deleted at least once. The simulated
    // kubelet admits every pod, so the lab writes what the real kubelet's admission would:
    // phase Failed, reason UnexpectedAdmissionError for the host port already taken.
    const statefulPodName = `${SS_NAME}-0`;
    const initial = await eventually('ss-0 created', () => podClient().get(statefulPodName).catch(() => undefined));
    const deleted = watchUntil<Pod>(cluster.url, `/api/v1/namespaces/${ns}/pods`, { resourceVersion: initial.metadata?.resourceVersion, timeoutSeconds: 30 }, (e) => e.type === 'DELETED' && e.object.metadata?.name === statefulPodName);
    // Unconditional (no resourceVersion), as the kubelet may be writing the pod's status too.
    const rejected = await podClient().get(statefulPodName);
    await podClient().updateStatus({ ...rejected, metadata: { ...rejected.metadata, resourceVersion: '' }, status: { ...rejected.status, phase: 'Failed', reason: 'UnexpectedAdmissionError', message: 'Pod was rejected: predicate NodePorts failed' } });
    await deleted;
    // Removing pod with conflicting port
    await podClient().delete('test-pod', { gracePeriodSeconds: 0 });
    // Waiting when stateful pod ss-0 will be recreated and will be in running state
    await eventually('ss-0 recreated and running', async () => {
      const pod = await podClient().get(statefulPodName);
      return pod.status?.phase === 'Running' && pod.metadata?.uid !== initial.metadata?.uid;
    });
  });

  test('should have a working scale subresource', async () => {
    await newNamespace();
    await ssClient().create(newStatefulSet(SS_NAME, 1));
    await runningAndReady(1);
    await waitForStatus(SS_NAME);
    // getting scale subresource
    const scaleGot = await ssClient().getScale(SS_NAME);
    assert.equal(scaleGot.spec?.replicas, 1);
    assert.equal(scaleGot.status?.replicas, 1);
    // updating a scale subresource, unconditionally
    const result = await ssClient().updateScale(SS_NAME, { ...scaleGot, metadata: { ...scaleGot.metadata, resourceVersion: '' }, spec: { replicas: 2 } });
    assert.equal(result.spec?.replicas, 2);
    // verifying the statefulset Spec.Replicas was modified
    assert.equal((await ssClient().get(SS_NAME)).spec?.replicas, 2);
    // Patch a scale subresource
    await ssClient().patch(SS_NAME, { spec: { replicas: 4 } }, 'strategic', { subresource: 'scale' });
    assert.equal((await ssClient().get(SS_NAME)).spec?.replicas, 4, 'statefulset should have 4 replicas');
  });

  test('should list, patch and delete a collection of StatefulSets', async () => {
    await newNamespace();
    const ssName = 'test-ss';
    const podLabels = { name: 'sample-pod', pod: 'httpd' };
    const selector = 'name=sample-pod,pod=httpd';
    const patchImage = 'registry.k8s.io/pause:3.10';
    await ssClient().create(newStatefulSet(ssName, 1, podLabels));
    await runningAndReady(1, selector);
    await waitForStatus(ssName);
    // patching the StatefulSet
    await ssClient().patch(ssName, { metadata: { labels: { 'test-ss': 'patched' } }, spec: { replicas: 2, template: { spec: { terminationGracePeriodSeconds: 1, containers: [{ name: ssName, image: patchImage }] } } } }, 'strategic');
    const ss = await ssClient().get(ssName);
    assert.equal(ss.spec?.replicas, 2, 'statefulset should have 2 replicas');
    assert.equal(ss.spec?.template.spec?.containers[0]?.image, patchImage, 'statefulset not using ssPatchImage');
    await runningAndReady(2, selector);
    await waitForStatus(ssName);
    // Listing all StatefulSets
    const all = client.resource(kinds.StatefulSet);
    assert.equal((await all.list({ labelSelector: 'test-ss=patched' })).items.length, 1);
    // Delete all of the StatefulSets
    await ssClient().deleteCollection({ labelSelector: 'test-ss=patched' }, { gracePeriodSeconds: 1 });
    // Verify that StatefulSets have been deleted
    assert.equal((await all.list({ labelSelector: 'test-ss=patched' })).items.length, 0);
  });

  test('should validate Statefulset Status endpoints', async () => {
    await newNamespace();
    const labelSelector = 'e2e=testing';
    const listed = await client.resource(kinds.StatefulSet).list({ labelSelector });
    // Creating statefulset ss with labels e2e=testing
    const template = newStatefulSet(SS_NAME, 1);
    template.metadata!.labels = { e2e: 'testing' };
    await ssClient().create(template);
    await runningAndReady(1);
    await waitForStatus(SS_NAME);
    // Patch Statefulset to include a label
    await ssClient().patch(SS_NAME, { metadata: { labels: { e2e: 'testing' } } }, 'strategic');
    // Getting /status
    const got = await client.request<StatefulSet>('GET', `/apis/apps/v1/namespaces/${ns}/statefulsets/${SS_NAME}/status`);
    assert.equal(got.metadata?.name, SS_NAME);
    // updating the StatefulSet Status (upstream retries on conflict: the controller writes status too)
    await eventually('status updated', async () => {
      const toUpdate = await ssClient().get(SS_NAME);
      toUpdate.status!.conditions = [...(toUpdate.status?.conditions ?? []), { type: 'StatusUpdate', status: 'True', reason: 'E2E', message: 'Set from e2e test' }];
      return ssClient().updateStatus(toUpdate);
    });
    // watching for the statefulset status to be updated
    const path = `/apis/apps/v1/namespaces/${ns}/statefulsets`;
    const options = { labelSelector, resourceVersion: listed.metadata?.resourceVersion };
    await watchUntil<StatefulSet>(cluster.url, path, options, ({ object }) => object.metadata?.name === SS_NAME && object.status?.conditions?.some((c) => c.type === 'StatusUpdate' && c.reason === 'E2E' && c.message === 'Set from e2e test'));
    // patching the Statefulset Status
    await ssClient().patch(SS_NAME, { metadata: { annotations: { patchedstatus: 'true' } }, status: { conditions: [{ type: 'StatusPatched', status: 'True' }] } }, 'merge', { subresource: 'status' });
    // watching for the Statefulset status to be patched
    await watchUntil<StatefulSet>(cluster.url, path, options, ({ object }) => object.metadata?.name === SS_NAME && object.status?.conditions?.some((c) => c.type === 'StatusPatched'));
  });
});
