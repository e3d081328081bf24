// SCENARIOS.md S8-S10 with the real kubectl against a 3-node lab
// (labWithKubectl: the API server, every controller, simulated kubelets):
// each step runs the tutorial's command and checks what kubectl prints.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod, ReplicationController } from 'kubernetes-types/core/v1.js';
import { parse as parseYaml } from 'yaml';
import { eventually } from './eventually.js';
import { labWithKubectl, podManifest } from './kubectl.js';
import { REDIS_SLAVE_RC, redisMasterRC } from './manifests.js';

describe('ReplicationController scenarios with kubectl (SCENARIOS.md S8-S10)', () => {
  const lab = labWithKubectl();
  const ok = lab.ok;
  const manifest = (name: string, text: string) => lab.kubectl.manifest(name, text);
  const rows = (...args: string[]) => lab.rows(...args, '--no-headers');
  /** The RC's DESIRED CURRENT READY once they read `expected`. */
  const counts = (name: string, expected: string) =>
    eventually(`rc ${name} at ${expected}`, async () => {
      const [row] = await rows('rc', name);
      return row!.slice(1, 4).join(' ') === expected ? row! : undefined;
    });
  /** The pods of selector `-l`: name and STATUS. */
  const podRows = async (selector: string) => (await rows('pods', '-l', selector)).map(([name, , status]) => ({ name: name!, status: status! }));
  const running = async (selector: string) => (await podRows(selector)).filter((p) => p.status === 'Running');
  const pod = async (name: string) => parseYaml(await ok('get', 'pod', name, '-o', 'yaml')) as Pod;

  describe('S8 ReplicationController scaling', () => {
    test('kubectl apply creates redis-slave; two pods Running; get rc shows DESIRED 2 CURRENT 2 READY 2', async () => {
      assert.equal((await ok('apply', '-f', await manifest('redis-slave.yaml', REDIS_SLAVE_RC))).trim(), 'replicationcontroller/redis-slave created');
      const row = await counts('redis-slave', '2 2 2');
      assert.equal(row[0], 'redis-slave');
      const header = (await ok('get', 'rc')).split('\n')[0]!;
      assert.deepEqual(header.trim().split(/\s{2,}/), ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE']);
      const pods = await eventually('two Running', async () => ((await running('role=slave')).length === 2 ? running('role=slave') : undefined));
      for (const p of pods) assert.match(p.name, /^redis-slave-[a-z0-9]{5}$/);
    });

    test('get rc -o wide adds CONTAINERS IMAGES SELECTOR', async () => {
      const out = await ok('get', 'rc', 'redis-slave', '-o', 'wide');
      const [header, row] = out.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));
      assert.deepEqual(header, ['NAME', 'DESIRED', 'CURRENT', 'READY', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
      assert.deepEqual([row![0], ...row!.slice(5)], ['redis-slave', 'slave', 'gcr.io/google_samples/gb-redisslave:v1', 'app=redis,role=slave,tier=backend']);
    });

    test('its pods name the RC as controller, and the status is written through /status', async () => {
      const [first] = await running('role=slave');
      assert.deepEqual((await pod(first!.name)).metadata?.ownerReferences?.map((r) => [r.kind, r.name, r.controller, r.blockOwnerDeletion]), [['ReplicationController', 'redis-slave', true, true]]);
      const rc = parseYaml(await ok('get', 'rc', 'redis-slave', '-o', 'yaml')) as ReplicationController;
      assert.deepEqual(rc.status, { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 });
    });

    test('kubectl scale rc redis-slave --replicas=3: three', async () => {
      assert.equal((await ok('scale', 'rc', 'redis-slave', '--replicas=3')).trim(), 'replicationcontroller/redis-slave scaled');
      await counts('redis-slave', '3 3 3');
      assert.equal((await running('role=slave')).length, 3);
    });

    test('--replicas=1: one, the others terminate (get pods -w shows them Terminating)', async () => {
      // The lab's kubelets end a pod within a tenth of a second: a watch sees the Terminating rows, a poll may not.
      const watched = lab.watch('pods', '-l', 'role=slave');
      await eventually('the watch lists three pods', () => watched.lines.length >= 3);
      await ok('scale', 'rc', 'redis-slave', '--replicas=1');
      const terminating = await eventually('two pods Terminating', () => {
        const names = new Set(watched.lines.filter((l) => /\sTerminating\s/.test(l)).map((l) => l.split(/\s+/)[0]));
        return names.size === 2 ? names : undefined;
      });
      for (const name of terminating) assert.match(name!, /^redis-slave-[a-z0-9]{5}$/);
      // kubectl's rows carry no resourceVersions: its twin watch is checked instead (lab.watch).
      assert.ok((await watched.stop()).events >= 2, 'the twin watch saw the pods terminate');
      await counts('redis-slave', '1 1 1');
      await eventually('one pod left', async () => ((await podRows('role=slave')).length === 1 ? true : undefined));
      const events = await ok('describe', 'rc', 'redis-slave');
      assert.match(events, /Normal {2}SuccessfulCreate .* replication-controller {2}Created pod: redis-slave-[a-z0-9]{5}/);
      assert.match(events, /Normal {2}SuccessfulDelete .* replication-controller {2}Deleted pod: redis-slave-[a-z0-9]{5}/);
    });

    test('deleting its pod by hand: the RC replaces it', async () => {
      const [before] = await running('role=slave');
      await ok('delete', 'pod', before!.name, '--wait=false');
      const replacement = await eventually('a replacement Running', async () => (await running('role=slave')).find((p) => p.name !== before!.name));
      assert.match(replacement.name, /^redis-slave-/);
      await counts('redis-slave', '1 1 1');
    });
  });

  describe('S9 Labels', () => {
    test('kubectl label pod web role=backend; get pods -Lrole shows a ROLE column', async () => {
      await ok('apply', '-f', await manifest('web.yaml', podManifest('web')));
      assert.equal((await ok('label', 'pod', 'web', 'role=backend')).trim(), 'pod/web labeled');
      const out = await ok('get', 'pods', 'web', '-Lrole');
      const [header, row] = out.trim().split('\n').map((l) => l.trim().split(/\s{2,}/));
      assert.deepEqual(header, ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'ROLE']);
      assert.equal(row!.at(-1), 'backend');
    });

    test('role=master without --overwrite is refused; with it the value changes; role- removes it', async () => {
      const refused = await lab.kubectl.run('label', 'pod', 'web', 'role=master');
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /'role' already has a value \(backend\), and --overwrite is false/);
      await ok('label', 'pod', 'web', 'role=master', '--overwrite');
      assert.equal((await rows('pods', 'web', '-Lrole'))[0]!.at(-1), 'master');
      assert.equal((await ok('label', 'pod', 'web', 'role-')).trim(), 'pod/web unlabeled');
      const [header, row] = (await ok('get', 'pods', 'web', '-Lrole')).trim().split('\n');
      assert.equal(header!.trim().split(/\s{2,}/).at(-1), 'ROLE');
      assert.equal(row!.trim().split(/\s{2,}/).length, 5, 'an empty ROLE cell');
    });

    test('relabelling a pod out of the RC selector orphans it, and the RC makes a replacement', async () => {
      const [mine] = await running('role=slave');
      await ok('label', 'pod', mine!.name, 'role=orphan', '--overwrite');
      const orphan = await eventually('released', async () => {
        const p = await pod(mine!.name);
        return (p.metadata?.ownerReferences ?? []).length === 0 ? p : undefined;
      });
      assert.equal(orphan.status?.phase, 'Running');
      const replacement = await eventually('a replacement', async () => (await running('role=slave')).find((p) => p.name !== mine!.name));
      assert.match(replacement.name, /^redis-slave-/);
      await counts('redis-slave', '1 1 1');
      assert.deepEqual((await rows('pods', '-l', 'role=orphan')).map((r) => r[0]), [mine!.name]);
    });
  });

  describe('S10 Scheduling to chosen nodes', () => {
    test('kubectl label nodes node-3 zone=north; redis-master with nodeSelector zone: north runs there', async () => {
      assert.equal((await ok('label', 'nodes', 'node-3', 'zone=north')).trim(), 'node/node-3 labeled');
      await ok('apply', '-f', await manifest('redis-master.yaml', redisMasterRC('north')));
      const [row] = await eventually('redis-master Running', async () => {
        const wide = await rows('pods', '-l', 'role=master', '-o', 'wide');
        return wide.length === 1 && wide[0]![2] === 'Running' ? wide : undefined;
      });
      assert.match(row![0]!, /^redis-master-[a-z0-9]{5}$/);
      assert.equal(row![6], 'node-3');
    });

    test('with no node matching, the pod stays Pending and describe pod shows FailedScheduling as upstream words it', async () => {
      await ok('apply', '-f', await manifest('redis-south.yaml', redisMasterRC('south', 'redis-south')));
      const name = await eventually('a pod of redis-south', async () => (await rows('pods', '-l', 'zone=south'))[0]?.[0]);
      const described = await eventually('FailedScheduling', async () => {
        const out = await ok('describe', 'pod', name);
        return out.includes('FailedScheduling') ? out : undefined;
      });
      assert.match(described, /Status:\s+Pending/);
      assert.match(
        described,
        /Warning {2}FailedScheduling .* default-scheduler {2}0\/3 nodes are available: 1 node\(s\) had untolerated taint \{node-role\.kubernetes\.io\/control-plane: \}, 2 node\(s\) didn't match Pod's node affinity\/selector\. preemption: 0\/3 nodes are available: 3 Preemption is not helpful for scheduling\./,
      );
      assert.deepEqual((await rows('rc', 'redis-south')).map((r) => r.slice(1, 4)), [['1', '1', '0']]);
    });
  });
});
