// The API server as its own process in a benchmark (dist/apiserver/main.js
// on a LevelDB store in the caller's directory, log level warn), started on a
// free loopback port and stopped, only it, by its pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from './load.js';

const mainPath = fileURLToPath(new URL('../apiserver/main.js', import.meta.url));

export interface ApiServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
}

/** Resolves once /readyz answers; extra `nodeArgs` go to node itself (e.g. `--cpu-prof`). */
export async function startApiServer(dataDir: string, nodeArgs: readonly string[] = []): Promise<ApiServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...nodeArgs, mainPath, '--port', String(port), '--data-dir', dataDir, '--store', 'level', '--insecure'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the apiserver exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the apiserver did not become ready within 15 s');
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
