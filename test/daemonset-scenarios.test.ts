// SCENARIOS.md S1-S5 and S12 with the real kubectl against a 3-node lab
// (labWithKubectl: the API server, every controller, simulated kubelets): each
// step runs the tutorial's command and checks what kubectl prints.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { parse as parseYaml } from 'yaml';
import { kinds } from '../client/index.js';
import { eventually } from './eventually.js';
import { labWithKubectl } from './kubectl.js';
import { FLUENTD_DAEMONSET, NGINX_DAEMONSET_V1BETA1 } from './manifests.js';



/** S3's DaemonSet: only on nodes labelled ssd, preferably node-3. */
const SSD_DS = `apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: ssd-monitor
spec:
  selector:
    matchLabels:
      app: ssd-monitor
  template:
    metadata:
      labels:
        app: ssd-monitor
    spec:
      nodeSelector:
        disk: ssd
      affinity:
        nodeAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
            nodeSelectorTerms:
            - matchExpressions:
              - key: kubernetes.io/hostname
                operator: In
                values: [node-2, node-3]
          preferredDuringSchedulingIgnoredDuringExecution:
          - weight: 1
            preference:
              matchExpressions:
              - key: kubernetes.io/hostname
                operator: In
                values: [node-3]
      containers:
      - name: main
        image: busybox
`;

const GRACE_MS = 1_500;

describe('DaemonSet scenarios with kubectl (SCENARIOS.md S1-S5, S12)', () => {
  const lab = labWithKubectl({ nodeMonitorGracePeriodMs: GRACE_MS });
  const ok = lab.ok;
  const kubectl = (...args: string[]) => lab.kubectl.run(...args);
  const manifest = (name: string, text: string) => lab.kubectl.manifest(name, text);
  const rows = (...args: string[]) => lab.rows(...args, '--no-headers');
  async function daemonPods(namespace: string, selector: string): Promise<Pod[]> {
    return (await lab.cluster.client.resource(kinds.Pod, namespace).list({ labelSelector: selector })).items;
  }
  /** The node of each running, not terminating pod, sorted. */
  const nodesOf = (pods: Pod[]) =>
    pods
      .filter((p) => !p.metadata?.deletionTimestamp)
      .map((p) => p.spec?.nodeName ?? '')
      .sort();
  /** The DaemonSet's columns DESIRED..AVAILABLE once they read `expected`. */
  async function counts(namespace: string, name: string, expected: string, timeoutMs = 20_000): Promise<string[]> {
    return eventually(`${name} at ${expected}`, async () => {
      const [row] = await rows('daemonset', '-n', namespace, name);
      const got = row!.slice(1, 6).join(' ');
      return got === expected ? row! : undefined;
    }, timeoutMs);
  }

  describe('S1 DaemonSet basics', () => {
    test('kubectl apply creates the DaemonSet; get shows DESIRED 3 ... AVAILABLE 3 once its pods run', async () => {
      assert.equal((await ok('apply', '-f', await manifest('fluentd.yaml', FLUENTD_DAEMONSET))).trim(), 'daemonset.apps/fluentd-elasticsearch created');
      const row = await counts('kube-system', 'fluentd-elasticsearch', '3 3 3 3 3');
      assert.deepEqual(row.slice(0, 7), ['fluentd-elasticsearch', '3', '3', '3', '3', '3', '<none>']);
      const header = (await ok('get', 'ds', '-n', 'kube-system')).split('\n')[0]!;
      assert.deepEqual(header.trim().split(/\s{2,}/), ['NAME', 'DESIRED', 'CURRENT', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'NODE SELECTOR', 'AGE']);
    });

    test('get pods -o wide shows one Running pod per node, each with an IP and its node', async () => {
      const wide = await rows('pods', '-n', 'kube-system', '-o', 'wide', '-l', 'name=fluentd-elasticsearch');
      assert.equal(wide.length, 3);
      for (const [name, ready, status, , , ip] of wide) {
        assert.match(name!, /^fluentd-elasticsearch-[a-z0-9]{5}$/);
        assert.equal(ready, '1/1');
        assert.equal(status, 'Running');
        assert.match(ip!, /^10\.244\.\d+\.\d+$/);
      }
      assert.deepEqual(wide.map((r) => r[6]).sort(), ['node-1', 'node-2', 'node-3']);
    });

    test('get -o yaml shows the defaults a real cluster adds and the status fields', async () => {
      const ds = parseYaml(await ok('get', 'ds', '-n', 'kube-system', 'fluentd-elasticsearch', '-o', 'yaml')) as DaemonSet;
      const spec = ds.spec!;
      assert.equal(spec.revisionHistoryLimit, 10);
      assert.deepEqual(spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
      const pod = spec.template.spec!;
      const container = pod.containers[0]!;
      assert.equal(pod.restartPolicy, 'Always');
      assert.equal(pod.dnsPolicy, 'ClusterFirst');
      assert.equal(pod.schedulerName, 'default-scheduler');
      assert.deepEqual(pod.securityContext, {});
      assert.equal(container.imagePullPolicy, 'IfNotPresent');
      assert.equal(container.terminationMessagePath, '/dev/termination-log');
      assert.equal(container.terminationMessagePolicy, 'File');
      assert.deepEqual(ds.status, {
        currentNumberScheduled: 3,
        desiredNumberScheduled: 3,
        numberAvailable: 3,
        numberMisscheduled: 0,
        numberReady: 3,
        observedGeneration: 1,
        updatedNumberScheduled: 3,
      });
    });

    test('describe shows the pod template and the SuccessfulCreate events', async () => {
      const text = await ok('describe', 'ds', '-n', 'kube-system', 'fluentd-elasticsearch');
      assert.match(text, /^Name:\s+fluentd-elasticsearch$/m);
      assert.match(text, /^Desired Number of Nodes Scheduled: 3$/m);
      assert.match(text, /^Pods Status:\s+3 Running \/ 0 Waiting \/ 0 Succeeded \/ 0 Failed$/m);
      assert.match(text, /^Pod Template:$/m);
      assert.match(text, /Image:\s+quay\.io\/fluentd_elasticsearch\/fluentd:v2\.5\.2/);
      const created = text.match(/Normal\s+SuccessfulCreate\s+.*daemonset-controller\s+Created pod: fluentd-elasticsearch-[a-z0-9]{5}/g) ?? [];
      assert.equal(created.length, 3, text);
    });

    test('describe pod shows the scheduler placed it (Scheduled) and the kubelet started it', async () => {
      const [pod] = await daemonPods('kube-system', 'name=fluentd-elasticsearch');
      const text = await ok('describe', 'pod', '-n', 'kube-system', pod!.metadata!.name!);
      assert.match(text, new RegExp(`Normal\\s+Scheduled\\s+.*default-scheduler\\s+Successfully assigned kube-system/${pod!.metadata!.name} to ${pod!.spec!.nodeName}`));
      assert.match(text, /Normal\s+Started\s/);
      assert.match(text, /^Controlled By:\s+DaemonSet\/fluentd-elasticsearch$/m);
    });
  });

  describe('S2 rolling update, history and rollback', () => {
    test('set image rolls the pods one node at a time; rollout status follows it to the end', async () => {
      // Every pod the DaemonSet has at each moment, to check there are never two on one node (maxSurge 0).
      let overlap: string | undefined;
      const informer = lab.cluster.client.resource(kinds.Pod, 'kube-system');
      const watching = setInterval(() => {
        void informer.list({ labelSelector: 'name=fluentd-elasticsearch' }).then((list) => {
          const seen = new Set<string>();
          for (const pod of list.items) {
            const node = pod.spec?.nodeName;
            if (!node) continue;
            if (seen.has(node)) overlap ??= `two pods on ${node}: ${list.items.map((p) => `${p.metadata?.name}@${p.spec?.nodeName}`).join(' ')}`;
            seen.add(node);
          }
        });
      }, 20);
      try {
        const set = await ok('set', 'image', 'daemonsets', 'fluentd-elasticsearch', 'fluentd-elasticsearch=quay.io/fluentd_elasticsearch/fluentd:v2.6.0', '-n', 'kube-system');
        assert.equal(set.trim(), 'daemonset.apps/fluentd-elasticsearch image updated');
        const status = await ok('rollout', 'status', 'daemonset', '-n', 'kube-system', 'fluentd-elasticsearch', '--timeout=60s');
        const lines = status.trim().split('\n');
        assert.equal(lines.at(-1), 'daemon set "fluentd-elasticsearch" successfully rolled out');
        for (const line of lines.slice(0, -1)) {
          assert.match(line, /^Waiting for daemon set "fluentd-elasticsearch" rollout to finish: (\d out of 3 new pods have been updated|\d of 3 updated pods are available)\.\.\.$|^Waiting for daemon set spec update to be observed\.\.\.$/);
        }
      } finally {
        clearInterval(watching);
      }
      assert.equal(overlap, undefined);
      const images = (await daemonPods('kube-system', 'name=fluentd-elasticsearch')).map((p) => p.spec?.containers[0]?.image);
      assert.deepEqual(images, Array(3).fill('quay.io/fluentd_elasticsearch/fluentd:v2.6.0'));
    });

    test('rollout history lists revisions 1 and 2; undo --to-revision=1 rolls back', async () => {
      const history = await ok('rollout', 'history', 'daemonset', '-n', 'kube-system', 'fluentd-elasticsearch');
      assert.deepEqual(history.trim().split('\n').map((l) => l.trim().split(/\s+/)), [
        ['daemonset.apps/fluentd-elasticsearch'],
        ['REVISION', 'CHANGE-CAUSE'],
        ['1', '<none>'],
        ['2', '<none>'],
      ]);
      assert.equal((await ok('rollout', 'undo', 'daemonset', '-n', 'kube-system', 'fluentd-elasticsearch', '--to-revision=1')).trim(), 'daemonset.apps/fluentd-elasticsearch rolled back');
      await ok('rollout', 'status', 'daemonset', '-n', 'kube-system', 'fluentd-elasticsearch', '--timeout=60s');
      await eventually('every pod back on v2.5.2', async () => {
        const pods = await daemonPods('kube-system', 'name=fluentd-elasticsearch');
        return pods.length === 3 && pods.every((p) => p.spec?.containers[0]?.image === 'quay.io/fluentd_elasticsearch/fluentd:v2.5.2');
      });
      const revisions = await ok('rollout', 'history', 'daemonset', '-n', 'kube-system', 'fluentd-elasticsearch');
      assert.deepEqual(revisions.trim().split('\n').slice(2).map((l) => l.trim().split(/\s+/)[0]), ['2', '3']);
    });

    test('with updateStrategy OnDelete a new template replaces nothing until a pod is deleted', async () => {
      await ok('patch', 'ds', '-n', 'kube-system', 'fluentd-elasticsearch', '--type=merge', '-p', '{"spec":{"updateStrategy":{"type":"OnDelete","rollingUpdate":null}}}');
      await ok('set', 'image', 'ds/fluentd-elasticsearch', 'fluentd-elasticsearch=quay.io/fluentd_elasticsearch/fluentd:v2.7.0', '-n', 'kube-system');
      await counts('kube-system', 'fluentd-elasticsearch', '3 3 3 0 3');
      const before = await daemonPods('kube-system', 'name=fluentd-elasticsearch');
      assert.ok(before.every((p) => p.spec?.containers[0]?.image === 'quay.io/fluentd_elasticsearch/fluentd:v2.5.2'));
      const victim = before.find((p) => p.spec?.nodeName === 'node-2')!;
      await ok('delete', 'pod', '-n', 'kube-system', victim.metadata!.name!);
      const replaced = await eventually('a new pod on node-2', async () => {
        const pods = await daemonPods('kube-system', 'name=fluentd-elasticsearch');
        return pods.find((p) => p.spec?.nodeName === 'node-2' && p.metadata?.name !== victim.metadata?.name && p.status?.phase === 'Running');
      });
      assert.equal(replaced.spec?.containers[0]?.image, 'quay.io/fluentd_elasticsearch/fluentd:v2.7.0');
      await counts('kube-system', 'fluentd-elasticsearch', '3 3 3 1 3');
    });

    test('delete daemonset: its pods go Terminating, then are gone', async () => {
      assert.equal((await ok('delete', 'daemonset', '-n', 'kube-system', 'fluentd-elasticsearch')).trim(), 'daemonset.apps "fluentd-elasticsearch" deleted');
      await eventually('no fluentd pods left', async () => (await daemonPods('kube-system', 'name=fluentd-elasticsearch')).length === 0, 20_000);
    });
  });

  describe('S3 placement', () => {
    test('nodeSelector and required affinity: pods only on matching nodes, DESIRED counts only them', async () => {
      await ok('label', 'node', 'node-2', 'disk=ssd');
      await ok('apply', '-f', await manifest('ssd.yaml', SSD_DS));
      const row = await counts('default', 'ssd-monitor', '1 1 1 1 1');
      assert.equal(row[6], 'disk=ssd');
      assert.deepEqual(nodesOf(await daemonPods('default', 'app=ssd-monitor')), ['node-2']);
    });

    test('labelling a node so it matches adds a pod there; removing the label removes it', async () => {
      await ok('label', 'node', 'node-3', 'disk=ssd');
      await counts('default', 'ssd-monitor', '2 2 2 2 2');
      await ok('label', 'node', 'node-1', 'disk=ssd'); // matches the selector, not the affinity
      await ok('label', 'node', 'node-2', 'disk-');
      await counts('default', 'ssd-monitor', '1 1 1 1 1');
      assert.deepEqual(nodesOf(await daemonPods('default', 'app=ssd-monitor')), ['node-3']);
    });

    test('a NoSchedule taint the pod does not tolerate keeps a new pod off; a cordoned node still runs daemon pods', async () => {
      await ok('taint', 'node', 'node-2', 'dedicated=db:NoSchedule');
      await ok('label', 'node', 'node-2', 'disk=ssd');
      await ok('cordon', 'node-3');
      // node-3 keeps its pod (daemon pods tolerate unschedulable); node-2's taint keeps one off it.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await counts('default', 'ssd-monitor', '1 1 1 1 1');
      assert.deepEqual(nodesOf(await daemonPods('default', 'app=ssd-monitor')), ['node-3']);
      await ok('taint', 'node', 'node-2', 'dedicated=db:NoSchedule-');
      await counts('default', 'ssd-monitor', '2 2 2 2 2');
      await ok('uncordon', 'node-3');
    });

    test('a NoExecute taint the pod does not tolerate removes its pod', async () => {
      await ok('taint', 'node', 'node-2', 'maintenance=now:NoExecute');
      await counts('default', 'ssd-monitor', '1 1 1 1 1');
      await ok('taint', 'node', 'node-2', 'maintenance=now:NoExecute-');
      await counts('default', 'ssd-monitor', '2 2 2 2 2');
    });

    test('a NotReady node gets no new daemon pod, and keeps the one it has', async () => {
      await lab.cluster.stopNode('node-2');
      await eventually('node-2 NotReady', async () => (await rows('node', 'node-2'))[0]![1] === 'NotReady', GRACE_MS + 10_000);
      const beforeKeys = nodesOf(await daemonPods('default', 'app=ssd-monitor'));
      assert.deepEqual(beforeKeys, ['node-2', 'node-3']);
      // A new DaemonSet for every node: the NotReady node-2 gets none.
      await lab.cluster.client.resource(kinds.DaemonSet, 'default').create({
        metadata: { name: 'everywhere' },
        spec: { selector: { matchLabels: { app: 'everywhere' } }, template: { metadata: { labels: { app: 'everywhere' } }, spec: { tolerations: [{ operator: 'Exists', effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane' }], containers: [{ name: 'c', image: 'busybox' }] } } },
      });
      await eventually('everywhere on node-1 and node-3', async () => {
        const nodes = nodesOf(await daemonPods('default', 'app=everywhere'));
        return nodes.join() === 'node-1,node-3' ? nodes : undefined;
      });
      assert.deepEqual(nodesOf(await daemonPods('default', 'app=ssd-monitor')), ['node-2', 'node-3']);
      await lab.cluster.startNode('node-2');
      await eventually('everywhere on node-2 once it is Ready', async () => nodesOf(await daemonPods('default', 'app=everywhere')).join() === 'node-1,node-2,node-3', 20_000);
    });
  });

  describe('S4 nodes joining and leaving', () => {
    test('a new kubelet registers a Node that becomes Ready and gets a pod of every DaemonSet it is eligible for', async () => {
      await lab.cluster.addNode({ name: 'node-4', labels: { disk: 'ssd' } });
      await eventually('everywhere on node-4', async () => nodesOf(await daemonPods('default', 'app=everywhere')).includes('node-4'), 20_000);
      // ssd-monitor's affinity names node-2 and node-3 only.
      assert.ok(!nodesOf(await daemonPods('default', 'app=ssd-monitor')).includes('node-4'));
    });

    test("deleting a Node garbage-collects the pods bound to it", async () => {
      await lab.cluster.stopNode('node-4');
      assert.equal((await ok('delete', 'node', 'node-4')).trim(), 'node "node-4" deleted');
      await eventually('no pod left on node-4', async () => {
        const pods = (await lab.cluster.client.resource(kinds.Pod).list({ fieldSelector: 'spec.nodeName=node-4' })).items;
        return pods.length === 0;
      }, 60_000);
    });
  });

  describe('S5 old manifests and S12 deleting with and without cascade', () => {
    test('an extensions/v1beta1 DaemonSet without a selector runs a pod on every node it tolerates, with the deprecation warning', async () => {
      const created = await kubectl('create', '-f', await manifest('nginx-ds.yaml', NGINX_DAEMONSET_V1BETA1));
      assert.equal(created.code, 0, created.stderr);
      assert.equal(created.stdout.trim(), 'daemonset.extensions/nginx-ds created');
      assert.match(created.stderr, /Warning: extensions\/v1beta1 DaemonSet is deprecated in v1\.14\+, unavailable in v1\.16\+; use apps\/v1 DaemonSet/);
      // Upstream: no toleration for the control-plane taint, so node-1 runs none.
      await counts('default', 'nginx-ds', '2 2 2 2 2');
    });

    test('delete --cascade=orphan leaves the pods running without their ownerReferences; creating it again adopts them', async () => {
      const before = await daemonPods('default', 'app=nginx');
      assert.equal((await ok('delete', 'ds/nginx-ds', '--cascade=orphan')).trim(), 'daemonset.apps "nginx-ds" deleted');
      const orphans = await eventually('pods released', async () => {
        const pods = await daemonPods('default', 'app=nginx');
        return pods.length === 2 && pods.every((p) => (p.metadata?.ownerReferences ?? []).length === 0) ? pods : undefined;
      });
      assert.deepEqual(orphans.map((p) => p.metadata?.uid).sort(), before.map((p) => p.metadata?.uid).sort());
      await ok('create', '-f', join(lab.kubectl.dir, 'nginx-ds.yaml'));
      const adopted = await eventually('pods adopted', async () => {
        const pods = await daemonPods('default', 'app=nginx');
        return pods.every((p) => p.metadata?.ownerReferences?.[0]?.kind === 'DaemonSet') ? pods : undefined;
      });
      assert.deepEqual(adopted.map((p) => p.metadata?.uid).sort(), before.map((p) => p.metadata?.uid).sort());
    });

    test('kubectl delete ds/nginx-ds deletes its pods', async () => {
      assert.equal((await ok('delete', 'ds/nginx-ds')).trim(), 'daemonset.apps "nginx-ds" deleted');
      await eventually('nginx pods gone', async () => (await daemonPods('default', 'app=nginx')).length === 0, 20_000);
    });
  });
});
