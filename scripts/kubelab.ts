#!/usr/bin/env node
// The `kubelab` command. Parses its arguments and runs a subcommand; the
// work lives in the folders it imports (STYLE.md 16).
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import pino from 'pino';
import { startApiServer } from '../apiserver/index.js';
import { openStore } from '../store/index.js';

const usage = `Usage: kubelab <command> [options]

Commands:
  up      start the lab cluster (--data-dir DIR, default .kubelab/; --port, default 6443)
  help    show this text
`;

async function up(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { 'data-dir': { type: 'string', default: '.kubelab' }, port: { type: 'string', default: '6443' } },
  });
  const dataDir = resolve(values['data-dir']);
  const log = pino({ name: 'kubelab', level: process.env.LOG_LEVEL ?? 'warn' });
  const storeDir = join(dataDir, 'store');
  mkdirSync(storeDir, { recursive: true });
  const store = await openStore({ backend: 'level', dataDir: storeDir, logger: log });
  const server = await startApiServer({ store, port: Number(values.port), logger: log });
  const kubeconfig = join(dataDir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigFor(server.url));
  console.log(`kubelab: API server at ${server.url} (store in ${storeDir}, revision ${store.revision})`);
  console.log(`kubelab: for kubectl, run:  export KUBECONFIG=${kubeconfig}`);
  // Say plainly what is missing rather than pretend to be a whole cluster.
  console.log('kubelab: controllers and simulated nodes are not built yet: objects are stored and watched, but no pod runs.');
  console.log('kubelab: Ctrl-C stops the cluster.');
  await new Promise<void>((resolveStop) => {
    process.once('SIGINT', resolveStop);
    process.once('SIGTERM', resolveStop);
  });
  await server.close();
  await store.close();
  console.log('kubelab: stopped');
  return 0;
}

function kubeconfigFor(server: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: kubelab',
    '  cluster:',
    `    server: ${server}`,
    'users:',
    '- name: kubelab-admin',
    '  user: {}',
    'contexts:',
    '- name: kubelab',
    '  context:',
    '    cluster: kubelab',
    '    user: kubelab-admin',
    '    namespace: default',
    'current-context: kubelab',
    '',
  ].join('\n');
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
