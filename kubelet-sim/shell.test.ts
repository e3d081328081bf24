import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { containerView } from './container-view.js';
import { dateText, runCommand } from './shell.js';

const pod: Pod = {
  metadata: { name: 'web-0', namespace: 'default', uid: 'u1' },
  spec: {
    hostname: 'web-0',
    subdomain: 'nginx',
    containers: [{ name: 'nginx', image: 'nginx', env: [{ name: 'GREETING', value: 'hi' }, { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }], volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }] }],
  },
  status: { podIP: '10.244.1.5' },
};
const NOW = Date.UTC(2026, 10, 3, 9, 5, 7);
const view = containerView(pod, pod.spec!.containers[0]!, NOW);
const run = (...argv: string[]) => runCommand(argv, view);
const sh = (script: string) => runCommand(['sh', '-c', script], view);

describe('the simulated container shell', () => {
  test('hostname and /etc/hostname are the pod hostname', () => {
    assert.deepEqual(run('hostname'), { stdout: 'web-0\n', stderr: '', exitCode: 0 });
    assert.equal(run('/bin/hostname').stdout, 'web-0\n');
    assert.equal(run('cat', '/etc/hostname').stdout, 'web-0\n');
  });

  test('/etc/hosts names the pod with its subdomain, as the kubelet writes it', () => {
    assert.match(run('cat', '/etc/hosts').stdout, /\n10\.244\.1\.5\tweb-0\.nginx\.default\.svc\.cluster\.local\tweb-0\n$/);
  });

  test('env prints PATH, HOSTNAME, the container env (fieldRefs resolved), the kubernetes service and HOME', () => {
    const lines = run('env').stdout.trim().split('\n');
    assert.equal(lines[0], 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    assert.equal(lines[1], 'HOSTNAME=web-0');
    assert.deepEqual(lines.slice(2, 4), ['GREETING=hi', 'POD=web-0']);
    assert.ok(lines.includes('KUBERNETES_PORT_443_TCP=tcp://10.96.0.1:443'));
    assert.equal(lines.at(-1), 'HOME=/root');
  });

  test('echo, -n, and date in coreutils form', () => {
    assert.equal(run('echo', 'a', 'b').stdout, 'a b\n');
    assert.equal(run('echo', '-n', 'a').stdout, 'a');
    assert.equal(run('date').stdout, 'Tue Nov  3 09:05:07 UTC 2026\n');
    assert.equal(dateText(Date.UTC(2026, 10, 23, 13, 5, 55)), 'Mon Nov 23 13:05:55 UTC 2026');
  });

  test('ls lists the root, mounted paths and their parents; a missing path exits 2', () => {
    assert.ok(run('ls').stdout.split('\n').includes('etc'));
    assert.equal(run('ls', '/usr/share/nginx').stdout, 'html\n');
    assert.equal(run('ls', '/usr/share/nginx/html/').stdout, '');
    assert.deepEqual(run('ls', '/nope'), { stdout: '', stderr: "ls: cannot access '/nope': No such file or directory\n", exitCode: 2 });
    assert.equal(run('cat', '/nope').stderr, 'cat: /nope: No such file or directory\n');
  });

  test('a command that does not exist exits 127 with a shell message', () => {
    assert.deepEqual(run('nosuch', 'x'), { stdout: '', stderr: 'sh: nosuch: not found\n', exitCode: 127 });
    assert.deepEqual(sh('nosuch'), { stdout: '', stderr: 'sh: 1: nosuch: not found\n', exitCode: 127 });
  });

  test('sh -c runs ; && || left to right, with quotes and $VAR expansion', () => {
    assert.equal(sh('hostname; echo $HOSTNAME').stdout, 'web-0\nweb-0\n');
    assert.equal(sh(`echo 'a  $GREETING' "b  $GREETING" \${GREETING}x`).stdout, 'a  $GREETING b  hi hix\n');
    assert.deepEqual(sh('false && echo no; echo yes'), { stdout: 'yes\n', stderr: '', exitCode: 0 });
    assert.deepEqual(sh('false && echo no || echo fallback'), { stdout: 'fallback\n', stderr: '', exitCode: 0 });
    assert.deepEqual(sh('true || echo no'), { stdout: '', stderr: '', exitCode: 0 });
    assert.equal(sh('echo a && nosuch && echo b').exitCode, 127);
    assert.equal(run('/bin/sh', '-c', 'cat /etc/hostname').stdout, 'web-0\n');
  });

  test('what is not simulated is a syntax error (exit 2), never a crash', () => {
    assert.equal(sh('echo $(hostname)').exitCode, 2);
    assert.equal(sh('hostname | cat').exitCode, 2);
    assert.equal(sh("echo 'open").stderr, 'sh: 1: Syntax error: Unterminated quoted string\n');
    assert.equal(sh('&& echo').exitCode, 2);
    assert.equal(run('sh').exitCode, 2);
    assert.equal(run().exitCode, 127);
  });
});
