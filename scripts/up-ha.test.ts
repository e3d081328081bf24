// `kubelab up --ha` as a student runs it (docs/ha.md), on free ports:
// it prints every process's pid and the leading controllers process, kubectl
// sees three Ready nodes through the kubeconfig it writes, and SIGINT (Ctrl-C)
// stops every process it started. Skipped without etcd.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { KUBECTL } from '../test/kubectl.js';
import { findEtcd } from './etcd-cluster.js';
import { freePort } from './ports.js';

const skip = findEtcd() ? false : 'etcd is not installed (sudo apt-get install etcd-server)';
const kubelab = fileURLToPath(new URL('./kubelab.js', import.meta.url));

/** A free port whose next one is free too (an etcd member's client and peer ports, or the two apiservers'). */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await freePort();
    const nextFree = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port + 1, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (nextFree) return port;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('kubelab up --ha prints the pids and the leader, serves kubectl, and stops every process on SIGINT', { skip, timeout: 90_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'kubelab-up-ha-'));
  const port = await freePortPair();
  const etcdPorts = [await freePortPair(), await freePortPair(), await freePortPair()];
  const child = spawn(process.execPath, [kubelab, 'up', '--ha', '--data-dir', dataDir, '--port', String(port), '--etcd-ports', etcdPorts.join(',')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const leads = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no leader line within 60 s:\n${lines.join('\n')}`)), 60_000);
      void exited.then((code) => reject(new Error(`kubelab up --ha exited (${code}):\n${lines.join('\n')}`)));
      for (const stream of [child.stdout, child.stderr]) {
        createInterface({ input: stream }).on('line', (line) => {
          lines.push(line);
          if (/^kubelab: controllers-\d \(pid \d+\) leads/.test(line)) {
            clearTimeout(timer);
            resolve(line);
          }
        });
      }
    });
    assert.match(leads, /^kubelab: controllers-1 \(pid \d+\) leads: it holds the Lease kube-system\/kube-controller-manager$/);
    const output = lines.join('\n');
    assert.match(output, new RegExp(`infra1 http://127.0.0.1:${etcdPorts[0]} \\(pid \\d+\\)`));
    assert.match(output, new RegExp(`apiserver-2 ready at https://127.0.0.1:${port + 1} \\(pid \\d+\\)`));
    assert.match(output, new RegExp(`export KUBECONFIG=${join(dataDir, 'kubeconfig')}`));
    const pids = [...output.matchAll(/\(pid (\d+)\)/g)].map((m) => Number(m[1]));
    assert.equal(new Set(pids).size, 7, 'three etcd members, two apiservers, two controllers processes');

    const env = { ...process.env, KUBECONFIG: join(dataDir, 'kubeconfig'), KUBECACHEDIR: join(dataDir, 'kube-cache') };
    const nodes = await new Promise<string>((resolve, reject) =>
      execFile(KUBECTL, ['get', 'nodes', '--no-headers'], { env, timeout: 30_000 }, (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(stdout))),
    );
    assert.deepEqual(nodes.trim().split('\n').map((line) => line.split(/\s+/).slice(0, 2)), [
      ['node-1', 'Ready'],
      ['node-2', 'Ready'],
      ['node-3', 'Ready'],
    ]);

    child.kill('SIGINT');
    assert.equal(await exited, 0);
    assert.equal(lines.at(-1), 'kubelab: stopped');
    assert.deepEqual(pids.filter(isAlive), [], 'every process it started has exited');
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  }
});
