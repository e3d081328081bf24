#!/usr/bin/env node
// The `kubelab` command. Parses its arguments and runs a subcommand; the
// work lives in the folders it imports (STYLE.md 16).
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import pino from 'pino';
import { openStore } from '../store/index.js';

const usage = `Usage: kubelab <command> [options]

Commands:
  up      start the lab cluster (--data-dir DIR, default .kubelab/)
  help    show this text
`;

async function up(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string', default: '.kubelab' } } });
  const dataDir = resolve(values['data-dir']);
  const log = pino({ name: 'kubelab', level: process.env.LOG_LEVEL ?? 'warn' });
  const storeDir = join(dataDir, 'store');
  mkdirSync(storeDir, { recursive: true });
  const store = await openStore({ backend: 'level', dataDir: storeDir, logger: log });
  const { count } = await store.range({ prefix: '', limit: 1 });
  console.log(`kubelab: store ready in ${storeDir} (revision ${store.revision}, ${count} keys)`);
  await store.close();
  // Say plainly what is missing rather than pretend to be a cluster.
  console.error(
    'kubelab up: the API server, controllers and simulated nodes are not built yet, so there is no cluster to start.\n' +
      'Only the store exists so far (see docs/store.md); `npm test` exercises it.',
  );
  return 1;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'up':
      return up(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(usage);
      return command === undefined ? 1 : 0;
    default:
      console.error(`kubelab: unknown command "${command}"\n\n${usage}`);
      return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(`kubelab: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
