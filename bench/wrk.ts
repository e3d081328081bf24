// wrk (Debian's package `wrk`) as a load generator beside the Node clients:
// a C event loop that takes far less of the two shared cores than any Node
// HTTP client (about 30 µs of CPU a request here, against 130-160 µs for
// node:http, undici or autocannon), so the server measured gets the CPU.
// Used against kubelab's API and against etcd's own JSON gateway
// (/v3/kv/put), so that both are loaded by the same client.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoopResult } from './load.js';

export interface WrkResult extends LoopResult {
  /** Answers that were not 2xx or 3xx, and socket errors: a run with any is not a measurement. */
  readonly errors: number;
}

export function wrkInstalled(): boolean {
  return spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
}

/** A Lua string literal. */
export function luaString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * Posts to `path` in a closed loop from `connections` keep-alive connections
 * for `seconds`; `bodyLua` is a Lua expression of the body that may use
 * `counter`, a number unique to each request of the run.
 */
export async function wrkPost(options: {
  url: string;
  path: string;
  connections: number;
  seconds: number;
  bodyLua: string;
  /** Lua run once before the first request (tables the body uses). */
  setupLua?: string;
}): Promise<WrkResult> {
  const dir = await mkdtemp(join(tmpdir(), 'kubelab-wrk-'));
  const script = join(dir, 'post.lua');
  await writeFile(
    script,
    [
      'local counter = 0',
      options.setupLua ?? '',
      'wrk.method = "POST"',
      'wrk.headers["Content-Type"] = "application/json"',
      'request = function()',
      '  counter = counter + 1',
      `  return wrk.format(nil, ${luaString(options.path)}, nil, ${options.bodyLua})`,
      'end',
    ].join('\n'),
  );
  try {
    const args = ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--latency', '-s', script, options.url];
    const output = await new Promise<string>((resolve, reject) =>
      execFile('wrk', args, { timeout: (options.seconds + 30) * 1000 }, (error, stdout) => (error ? reject(new Error(`wrk failed: ${error.message}`)) : resolve(stdout))),
    );
    return parseWrk(output);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function latencyMs(output: string, percent: string): number {
  const match = new RegExp(`^\\s*${percent}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(output);
  return match ? Number(match[1]) * UNIT_MS[match[2]!]! : NaN;
}

export function parseWrk(output: string): WrkResult {
  const perSec = /^Requests\/sec:\s+([\d.]+)/m.exec(output);
  const count = /^\s*(\d+) requests in/m.exec(output);
  if (!perSec || !count) throw new Error(`wrk printed no result:\n${output}`);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return {
    perSec: Number(perSec[1]),
    p50Ms: latencyMs(output, '50'),
    p99Ms: latencyMs(output, '99'),
    count: Number(count[1]),
    errors: Number(non2xx?.[1] ?? 0) + socketErrors,
  };
}
