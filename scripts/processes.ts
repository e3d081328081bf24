// The lab's child processes (the apiserver, the controllers, one kubelet-sim
// a node), each a Node process of this package, with their pino lines merged
// into one readable, colourised stream: `12:00:01 apiserver INFO listening`.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { prettyFactory } from 'pino-pretty';

const COLOURS = [36, 35, 33, 32, 34, 31];

export interface LabProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  readonly exited: Promise<number | string>;
}

export interface LogStream {
  line(name: string, text: string): void;
}

/** Prints each child's lines with its name in a colour of its own; pino's JSON lines are made readable. */
export function logStream(output: NodeJS.WritableStream, colour: boolean): LogStream {
  const pretty = prettyFactory({ colorize: colour, translateTime: 'HH:MM:ss', ignore: 'pid,hostname,name', singleLine: true });
  const colours = new Map<string, number>();
  return {
    line(name, text) {
      if (!colours.has(name)) colours.set(name, COLOURS[colours.size % COLOURS.length]!);
      const label = colour ? `\u001b[${colours.get(name)}m${name.padEnd(12)}\u001b[0m` : name.padEnd(12);
      const body = text.startsWith('{') ? pretty(text).trimEnd() : text;
      output.write(`${label} ${body}\n`);
    },
  };
}

/** Starts `node <script> <args>`, its output into `logs` under `name`. */
export function startProcess(name: string, script: string, args: readonly string[], logs: LogStream, env: NodeJS.ProcessEnv): LabProcess {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (text) => logs.line(name, text));
  }
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (error) => {
      logs.line(name, `could not start: ${error.message}`);
      resolve('error');
    });
  });
  return { name, child, exited };
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`. Only the process this lab started. */
export async function stopProcess(lab: LabProcess, graceMs = 5_000): Promise<void> {
  if (lab.child.exitCode !== null || lab.child.signalCode !== null) return;
  lab.child.kill('SIGTERM');
  const timer = setTimeout(() => lab.child.kill('SIGKILL'), graceMs);
  await lab.exited;
  clearTimeout(timer);
}
