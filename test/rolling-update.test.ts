// SCENARIOS.md S11 against a 3-node lab (labWithKubectl): `kubelab
// rolling-update` run as a student runs it, with --kubeconfig pointing at the
// lab, in its three forms: -f NEW.yaml, --image (the hashed name, renamed back
// at the end) and --rollback after an interrupted update. Each checks the
// printed lines word for word and the pods left behind. It needs the lab's
// ReplicationController controller: without it every scenario fails at its
// first step, saying so.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import type { Pod, ReplicationController } from 'kubernetes-types/core/v1.js';
import { isNotFound, kinds } from '../client/index.js';
import { eventually } from './eventually.js';
import { labWithKubectl } from './kubectl.js';

const KUBELAB = fileURLToPath(new URL('../scripts/kubelab.js', import.meta.url));
/** Short periods, as the brief of S11 suggests for a lab: the default minute between steps is for real clusters. */
const FAST = ['--update-period=1s', '--poll-interval=200ms', '--timeout=30s'];

/** An RC of `replicas` pods selected by `labels`, the container `name` running `image`. */
const controllerManifest = (name: string, labels: Record<string, string>, image: string, replicas = 2, namespace?: string): string => {
  const labelLines = (indent: string) =>
    Object.entries(labels)
      .map(([k, v]) => `${indent}${k}: ${v}`)
      .join('\n');
  return `apiVersion: v1
kind: ReplicationController
metadata:
  name: ${name}${namespace ? `\n  namespace: ${namespace}` : ''}
spec:
  replicas: ${replicas}
  selector:
${labelLines('    ')}
  template:
    metadata:
      labels:
${labelLines('        ')}
    spec:
      containers:
      - name: ${labels.name ?? labels.app}
        image: ${image}
`;
};

describe('kubelab rolling-update (SCENARIOS.md S11)', () => {
  const lab = labWithKubectl();
  const run = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, [KUBELAB, 'rolling-update', ...args, '--kubeconfig', lab.cluster.kubeconfigPath], { timeout: 90_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });
  const rolled = async (...args: string[]): Promise<string[]> => {
    const result = await run(...args);
    assert.equal(result.code, 0, `kubelab rolling-update ${args.join(' ')}: ${result.stderr}\n(stdout: ${result.stdout})`);
    return result.stdout.trimEnd().split('\n');
  };
  const rcs = () => lab.cluster.client.resource(kinds.ReplicationController, 'default');
  const pods = async (selector: string): Promise<Pod[]> => (await lab.cluster.client.resource(kinds.Pod, 'default').list({ labelSelector: selector })).items;
  const live = (list: Pod[]) => list.filter((p) => !p.metadata?.deletionTimestamp);
  const ready = (pod: Pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  /** Applies an RC and waits for its pods to be Ready: the step that fails first without an RC controller. */
  const applyRunning = async (file: string, text: string, selector: string, replicas: number) => {
    await lab.ok('apply', '-f', await lab.kubectl.manifest(file, text));
    await eventually(
      `${replicas} Ready pods of ${file} (is the ReplicationController controller running in the lab?)`,
      async () => {
        const found = live(await pods(selector));
        return found.length === replicas && found.every(ready);
      },
      30_000,
    );
  };
  const gone = async (name: string) => {
    try {
      await rcs().get(name);
      return false;
    } catch (error) {
      return isNotFound(error);
    }
  };
  /** The pods left once terminating ones are gone: name and image of each. */
  const settled = (selector: string, replicas: number) =>
    eventually(`${replicas} pods and no more for ${selector}`, async () => {
      const found = await pods(selector);
      return found.length === replicas && found.every(ready) ? found : undefined;
    });
  const imageOf = (pod: Pod) => pod.spec?.containers[0]?.image;

  test('refuses what old kubectl refused, in its words, changing nothing', async () => {
    await lab.ok('apply', '-f', await lab.kubectl.manifest('guarded.yaml', controllerManifest('guarded', { name: 'guarded', version: 'v1' }, 'redis:6', 1)));
    const refusals: { args: string[]; file?: [string, string]; stderr: RegExp }[] = [
      { args: ['guarded'], stderr: /^error: Must specify --filename or --image for new controller\nSee 'kubelab rolling-update -h'/ },
      { args: ['guarded', '-f', 'x.yaml', '--image=redis:7'], stderr: /^error: --filename and --image can not both be specified/ },
      { args: ['guarded', '--image=redis:7', '--rollback'], stderr: /^error: Don't specify --filename or --image on rollback/ },
      { args: ['guarded', '--image=redis:6'], stderr: /^error: --image-pull-policy \(Always\|Never\|IfNotPresent\) must be provided when --image is the same as existing container image/ },
      { args: ['missing', 'missing-v2', '--image=redis:7'], stderr: /^Error from server \(NotFound\): replicationcontrollers "missing" not found/ },
      // OLD gone with --image and no NEW: old kubectl took it for an interrupted rename
      { args: ['missing', '--image=redis:7'], stderr: /^error: couldn't find a replication controller with source id == default\/missing\n/ },
      { args: ['guarded', '--rollback'], stderr: /^error: Could not find {2}to rollback\./ },
      {
        args: ['guarded'],
        file: ['same-name.yaml', controllerManifest('guarded', { name: 'guarded', version: 'v2' }, 'redis:7', 1)],
        stderr: /^error: \S+same-name.yaml cannot have the same name as the existing ReplicationController guarded\n/,
      },
      {
        args: ['guarded'],
        file: ['same-selector.yaml', controllerManifest('guarded-v2', { name: 'guarded', version: 'v1' }, 'redis:7', 1)],
        stderr: /^error: \S+same-selector.yaml must specify a matching key with non-equal value in Selector for guarded\n/,
      },
      {
        args: ['guarded'],
        file: ['other-namespace.yaml', controllerManifest('guarded-v2', { name: 'guarded', version: 'v2' }, 'redis:7', 1, 'kube-system')],
        stderr: /^error: the namespace from the provided object "kube-system" does not match the namespace "default"\. You must pass '--namespace=kube-system' to perform this operation\n/,
      },
    ];
    // What a rolling-update would change (the controller's own status writes aside).
    const intent = (rc: ReplicationController) => ({ labels: rc.metadata?.labels, annotations: rc.metadata?.annotations, spec: rc.spec });
    const before = intent(await rcs().get('guarded'));
    for (const refusal of refusals) {
      const args = refusal.file ? [...refusal.args, '-f', await lab.kubectl.manifest(...refusal.file)] : refusal.args;
      const result = await run(...args, ...FAST);
      assert.equal(result.code, 1, `${args.join(' ')} should fail`);
      assert.match(result.stderr, refusal.stderr, args.join(' '));
      assert.equal(result.stdout, '');
    }
    assert.deepEqual(intent(await rcs().get('guarded')), before, 'a refused rolling-update changed the controller');
    assert.ok(await gone('guarded-v2'));
  });

  test('-f: redis-master replaced by redis-master-v2 one pod at a time, renamed redis-master at the end as old kubectl did with one name', async () => {
    await applyRunning('redis-master.yaml', controllerManifest('redis-master', { name: 'redis', version: 'v1' }, 'redis:6'), 'name=redis', 2);
    const v2 = await lab.kubectl.manifest('redis-master-controller-v2.yaml', controllerManifest('redis-master-v2', { name: 'redis', version: 'v2' }, 'redis:7'));
    const printed = await rolled('redis-master', '-f', v2, ...FAST);
    assert.deepEqual(printed, [
      'Creating redis-master-v2',
      'At beginning of loop: redis-master replicas: 1, redis-master-v2 replicas: 1',
      'Updating redis-master replicas: 1, redis-master-v2 replicas: 1',
      'At end of loop: redis-master replicas: 1, redis-master-v2 replicas: 1',
      'At beginning of loop: redis-master replicas: 0, redis-master-v2 replicas: 2',
      'Updating redis-master replicas: 0, redis-master-v2 replicas: 2',
      'At end of loop: redis-master replicas: 0, redis-master-v2 replicas: 2',
      'Update succeeded. Deleting old controller: redis-master',
      'Renaming redis-master-v2 to redis-master',
      'replicationcontroller/redis-master rolling updated',
    ]);
    const left = await settled('name=redis', 2);
    assert.deepEqual(left.map(imageOf), ['redis:7', 'redis:7']);
    for (const pod of left) assert.match(pod.metadata?.name ?? '', /^redis-master-v2-[a-z0-9]{5}$/);
    assert.ok(await eventually('redis-master-v2 deleted once renamed', () => gone('redis-master-v2')));
    const renamed = await rcs().get('redis-master');
    assert.equal(renamed.spec?.replicas, 2);
    assert.deepEqual(renamed.spec?.selector, { name: 'redis', version: 'v2' });
    assert.equal(renamed.metadata?.annotations?.['kubectl.kubernetes.io/desired-replicas'], undefined);
    assert.equal(renamed.metadata?.annotations?.['kubectl.kubernetes.io/update-source-id'], undefined);
  });

  test('-f with OLD and NEW: the new controller keeps its name and the old one is deleted', async () => {
    await applyRunning('cache.yaml', controllerManifest('cache', { name: 'cache', version: 'v1' }, 'memcached:1.5', 1), 'name=cache', 1);
    const v2 = await lab.kubectl.manifest('cache-v2.yaml', controllerManifest('cache-v2', { name: 'cache', version: 'v2' }, 'memcached:1.6', 1));
    const printed = await rolled('cache', 'cache-v2', '-f', v2, ...FAST);
    assert.deepEqual(printed, [
      'Creating cache-v2',
      'At beginning of loop: cache replicas: 0, cache-v2 replicas: 1',
      'Updating cache replicas: 0, cache-v2 replicas: 1',
      'At end of loop: cache replicas: 0, cache-v2 replicas: 1',
      'Update succeeded. Deleting cache',
      'replicationcontroller/cache-v2 rolling updated to "cache-v2"',
    ]);
    const left = await settled('name=cache', 1);
    assert.deepEqual(left.map(imageOf), ['memcached:1.6']);
    assert.ok(await eventually('cache deleted', () => gone('cache')));
  });

  test('--image: a new controller frontend-<hash> with the deployment key, renamed frontend at the end; --dry-run first changes nothing', async () => {
    await applyRunning('frontend.yaml', controllerManifest('frontend', { app: 'frontend' }, 'nginx:1.26'), 'app=frontend', 2);
    const before = await rcs().get('frontend');
    const dry = await rolled('frontend', '--image=nginx:1.27', '--dry-run', ...FAST);
    assert.equal(dry.length, 4);
    assert.deepEqual([dry[0], dry[1], dry[2]], ['Rolling from:', 'frontend', 'To:']);
    assert.match(dry[3] ?? '', /^frontend-[0-9a-f]{32}$/);
    assert.equal((await rcs().get('frontend')).metadata?.generation, before.metadata?.generation, '--dry-run changed the controller');
    assert.deepEqual((await rcs().get('frontend')).metadata?.annotations, before.metadata?.annotations, '--dry-run annotated the controller');

    const printed = await rolled('frontend', '--image=nginx:1.27', ...FAST);
    const hashed = /^Creating (frontend-([0-9a-f]{32}))$/.exec(printed[0] ?? '');
    assert.ok(hashed, `first line: ${printed[0]}`);
    const [, next, hash] = hashed;
    assert.equal(next, dry[3], 'the dry run named another controller');
    assert.deepEqual(printed, [
      `Creating ${next}`,
      `At beginning of loop: frontend replicas: 1, ${next} replicas: 1`,
      `Updating frontend replicas: 1, ${next} replicas: 1`,
      `At end of loop: frontend replicas: 1, ${next} replicas: 1`,
      `At beginning of loop: frontend replicas: 0, ${next} replicas: 2`,
      `Updating frontend replicas: 0, ${next} replicas: 2`,
      `At end of loop: frontend replicas: 0, ${next} replicas: 2`,
      'Update succeeded. Deleting old controller: frontend',
      `Renaming ${next} to frontend`,
      'replicationcontroller/frontend rolling updated',
    ]);
    const frontend: ReplicationController = await rcs().get('frontend');
    assert.deepEqual(frontend.spec?.selector, { app: 'frontend', deployment: hash });
    assert.equal(frontend.spec?.template?.spec?.containers[0]?.image, 'nginx:1.27');
    assert.ok(await gone(next!), `${next} is still there`);
    // The pods the hashed controller made stay, and the renamed one adopts them.
    const left = await settled('app=frontend', 2);
    assert.deepEqual(left.map(imageOf), ['nginx:1.27', 'nginx:1.27']);
    for (const pod of left) {
      assert.match(pod.metadata?.name ?? '', new RegExp(`^${next}-[a-z0-9]{5}$`));
      assert.equal(pod.metadata?.labels?.deployment, hash);
    }
    await eventually('the pods adopted by the renamed frontend', async () =>
      (await pods('app=frontend')).every((p) => p.metadata?.ownerReferences?.some((o) => o.kind === 'ReplicationController' && o.name === 'frontend' && o.uid === frontend.metadata?.uid)),
    );
  });

  test('--rollback: an interrupted --image update turned back to the old controller and its old pods', async () => {
    await applyRunning('web.yaml', controllerManifest('web', { app: 'web' }, 'nginx:1.26'), 'app=web', 2);
    const originals = (await pods('app=web')).map((p) => p.metadata?.name).sort();
    // An update whose next step is an hour away, stopped after its first scale-up (a Ctrl-C).
    const interrupted = spawn(process.execPath, [KUBELAB, 'rolling-update', 'web', '--image=nginx:1.27', '--update-period=1h', '--poll-interval=200ms', '--kubeconfig', lab.cluster.kubeconfigPath]);
    let output = '';
    interrupted.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const next = await eventually('the interrupted update to scale its new controller up', () => /^Updating web replicas: 1, (web-[0-9a-f]{32}) replicas: 1$/m.exec(output)?.[1], 30_000);
      await eventually(`a Ready pod of ${next}`, async () => live(await pods('app=web')).filter(ready).length === 3, 30_000);
      interrupted.kill('SIGTERM');
      await new Promise((resolve) => (interrupted.exitCode !== null ? resolve(undefined) : interrupted.once('exit', resolve)));

      const printed = await rolled('web', '--rollback', ...FAST);
      assert.deepEqual(printed, [
        'Setting "web" replicas to 2',
        'Continuing update with existing controller web.',
        `At beginning of loop: ${next} replicas: 0, web replicas: 2`,
        `Updating ${next} replicas: 0, web replicas: 2`,
        `At end of loop: ${next} replicas: 0, web replicas: 2`,
        `Update succeeded. Deleting ${next}`,
        'replicationcontroller/web rolling updated',
      ]);
      assert.ok(await eventually(`${next} deleted`, () => gone(next)));
      const left = await settled('app=web', 2);
      assert.deepEqual(left.map(imageOf), ['nginx:1.26', 'nginx:1.26']);
      assert.deepEqual(left.map((p) => p.metadata?.name).sort(), originals);
      const web = await rcs().get('web');
      assert.equal(web.spec?.replicas, 2);
      assert.equal(web.metadata?.annotations?.['kubectl.kubernetes.io/desired-replicas'], undefined);
    } finally {
      interrupted.kill('SIGKILL');
    }
  });
});
