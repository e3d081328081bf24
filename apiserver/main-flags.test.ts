// The apiserver process's flags that are refused before anything starts.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const main = fileURLToPath(new URL('./main.js', import.meta.url));
const run = (...args: string[]) =>
  new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(process.execPath, [main, '--store', 'memory', '--port', '0', '--insecure', ...args], { timeout: 15_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr });
    });
  });

test('--etcd-compaction-interval takes a Go duration, as upstream', async () => {
  const answer = await run('--etcd-compaction-interval', '5');
  assert.equal(answer.code, 1);
  assert.equal(answer.stderr, 'apiserver: --etcd-compaction-interval: time: invalid duration "5"\n');
});
