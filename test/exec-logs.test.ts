// `kubectl logs` and `kubectl exec` against a lab (labWithKubectl: simulated
// kubelets with their kubelet servers; the API server proxies to them), with
// the real kubectl 1.32: what it prints and how it exits (docs/nodes.md
// "exec and logs").
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { kinds } from '../client/index.js';
import { defaultPodStages, scaleStageDelays } from '../kubelet-sim/index.js';
import { eventually } from './eventually.js';
import { labWithKubectl } from './kubectl.js';

const pod = (name: string, annotations: Record<string, string> = {}) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  annotations: ${JSON.stringify(annotations)}
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    env:
    - name: GREETING
      value: hello
    volumeMounts:
    - name: www
      mountPath: /usr/share/nginx/html
  volumes:
  - name: www
    emptyDir: {}
`;

describe('kubectl logs and exec on simulated pods', () => {
  const lab = labWithKubectl({
    nodes: 2,
    kubelet: { leaseRenewMs: 200, stages: scaleStageDelays(defaultPodStages, 0.1), crashLoopBackOff: { initialMs: 200, maxMs: 1000 } },
  });
  const ok = lab.ok;
  const kubectl = (...args: string[]) => lab.kubectl.run(...args);
  const apply = async (name: string, text: string) => {
    await ok('apply', '-f', await lab.kubectl.manifest(`${name}.yaml`, text));
  };
  async function running(name: string, restarts = 0): Promise<void> {
    await eventually(`${name} running`, async () => {
      const p = await lab.cluster.client.resource(kinds.Pod, 'default').get(name);
      const s = p.status?.containerStatuses?.[0];
      return s?.state?.running && (s.restartCount ?? 0) >= restarts ? p : undefined;
    }, 20_000);
  }

  test('a pod not yet running answers as upstream: waiting to start: ContainerCreating', async () => {
    await apply('slow', pod('slow', { 'kubelab.dev/simulate': 'slow-start' }));
    await eventually('slow is creating', async () => (await lab.cluster.client.resource(kinds.Pod, 'default').get('slow')).status?.containerStatuses?.[0], 10_000);
    const run = await kubectl('logs', 'slow');
    assert.notEqual(run.code, 0);
    assert.equal(run.stderr.trim(), 'Error from server (BadRequest): container "nginx" in pod "slow" is waiting to start: ContainerCreating');
  });

  test('kubectl logs shows nginx start lines; --tail, -c and --previous as upstream', async () => {
    await apply('web-0', pod('web-0'));
    await running('web-0');
    const log = await ok('logs', 'web-0');
    assert.match(log, /^\/docker-entrypoint\.sh: \/docker-entrypoint\.d\/ is not empty, will attempt to perform configuration\n/);
    assert.match(log, /\/docker-entrypoint\.sh: Configuration complete; ready for start up\n/);
    assert.match(log, /\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[notice\] 1#1: nginx\/1\.27\.3\n/);
    assert.match(await ok('logs', 'web-0', '--tail=1'), /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \[notice\] 1#1: start worker process 29\n$/);
    assert.equal(await ok('logs', 'web-0', '-c', 'nginx'), log);
    assert.match(await ok('logs', 'web-0', '--tail=2', '--timestamps'), /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z .*\n){2}$/);
    const previous = await kubectl('logs', 'web-0', '--previous');
    assert.notEqual(previous.code, 0);
    assert.equal(previous.stderr.trim(), 'Error from server (BadRequest): previous terminated container "nginx" in pod "web-0" not found');
    const wrong = await kubectl('logs', 'web-0', '-c', 'nope');
    assert.equal(wrong.stderr.trim(), 'error: container nope is not valid for pod web-0');
  });

  test('kubectl logs --previous shows the crashed instance after a simulated crash', async () => {
    await apply('crasher', pod('crasher', { 'kubelab.dev/simulate': 'crash' }));
    await running('crasher', 1);
    const previous = await ok('logs', 'crasher', '--previous');
    assert.match(previous, /Configuration complete; ready for start up\n/);
    assert.match(previous, /\[emerg\] 1#1: kubelab: simulated crash, exiting with code 1\n$/);
  });

  test('kubectl logs -f streams until the pod stops', async () => {
    const child = lab.kubectl.spawn('logs', '-f', 'web-0');
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    // 'close', not 'exit': a process may exit before its last output is read from the pipe.
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await eventually('the start lines', () => Promise.resolve(out.includes('start worker process 29') ? true : undefined), 10_000);
    await ok('delete', 'pod', 'web-0', '--wait=false');
    const code = await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 15_000))]);
    if (code === 'timeout') child.kill('SIGKILL');
    assert.equal(code, 0);
    assert.match(out, /\[notice\] 1#1: signal 3 \(SIGQUIT\) received, shutting down\n/);
    assert.match(out, /\[notice\] 1#1: exit\n$/);
  });

  test('kubectl exec runs the simulated commands', async () => {
    await apply('web-1', pod('web-1'));
    await running('web-1');
    assert.equal(await ok('exec', 'web-1', '--', 'hostname'), 'web-1\n');
    assert.equal(await ok('exec', 'web-1', '--', 'sh', '-c', 'hostname; cat /etc/hostname && echo "$GREETING  there"'), 'web-1\nweb-1\nhello  there\n');
    const envLines = (await ok('exec', 'web-1', '--', 'env')).split('\n');
    assert.ok(envLines.includes('HOSTNAME=web-1'));
    assert.ok(envLines.includes('GREETING=hello'));
    assert.ok(envLines.includes('KUBERNETES_SERVICE_HOST=10.96.0.1'));
    assert.equal(await ok('exec', 'web-1', '--', 'ls', '/usr/share/nginx'), 'html\n');
  });

  test('a command that does not exist exits 127, and kubectl says so', async () => {
    const run = await kubectl('exec', 'web-1', '--', 'nosuch', 'arg');
    assert.equal(run.code, 127);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, 'sh: nosuch: not found\ncommand terminated with exit code 127\n');
    const shell = await kubectl('exec', 'web-1', '--', 'sh', '-c', 'echo before && nosuch');
    assert.equal(shell.code, 127);
    assert.equal(shell.stdout, 'before\n');
    assert.equal(shell.stderr, 'sh: 1: nosuch: not found\ncommand terminated with exit code 127\n');
  });
});
