// kubelet-sim as its own process in a benchmark: N simulated nodes named
// `<prefix>1..N` against one API server, log level warn; its last lines kept
// for the error when it exits early. Stopped, only it, by its pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const kubeletPath = fileURLToPath(new URL('../kubelet-sim/main.js', import.meta.url));

export interface KubeletSimProcess {
  readonly child: ChildProcess;
  logLines(): number;
  lastLines(): string[];
  /** Rejects when the process exits (it never should during a run). */
  readonly exited: Promise<never>;
}

export function startKubeletSim(url: string, options: { nodes: number; namePrefix: string; leaseSeconds: number; extraArgs?: readonly string[] }): KubeletSimProcess {
  const args = [kubeletPath, '--server', url, '--nodes', String(options.nodes), '--name-prefix', options.namePrefix, '--lease-seconds', String(options.leaseSeconds)];
  const child = spawn(process.execPath, [...args, ...(options.extraArgs ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  let count = 0;
  const last: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      count++;
      last.push(line);
      if (last.length > 5) last.shift();
    });
  }
  const exited = new Promise<never>((_, reject) => child.once('exit', (code, signal) => reject(new Error(`kubelet-sim exited (${code ?? signal}):\n${last.join('\n')}`))));
  exited.catch(() => undefined);
  return { child, logLines: () => count, lastLines: () => [...last], exited };
}
