#!/usr/bin/env node
// The apiserver process: parses its flags, opens the store, seeds the
// namespaces every cluster has, listens on loopback, and shuts down cleanly
// on SIGINT or SIGTERM. Everything else lives in the modules it calls.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { openApiServerStore, startApiServer, type ApiServerStore } from './index.js';
import { limitDefaults } from './limits.js';

const usage = `Usage: apiserver [--port 6443] [--store level|memory|etcd] [--data-dir .kubelab/store]
                 [--etcd-endpoints http://127.0.0.1:2379,...] [--etcd-prefix /cluster-a]
                 [--max-requests-inflight 400] [--max-mutating-requests-inflight 200]

  --store level           LevelDB in --data-dir (the default)
  --store memory          nothing on disk
  --store etcd            a real etcd cluster, shared by every apiserver given the same
                          --etcd-endpoints (its members' client URLs) and --etcd-prefix`;

/** The store the flags ask for; an Error naming the flag when they do not make sense. */
function storeChoice(values: { store: string; 'data-dir': string; 'etcd-endpoints'?: string; 'etcd-prefix'?: string }): ApiServerStore {
  const endpoints = (values['etcd-endpoints'] ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  if (values.store !== 'etcd') {
    if (endpoints.length > 0 || values['etcd-prefix'] !== undefined) throw new Error('--etcd-endpoints and --etcd-prefix need --store etcd');
    if (values.store === 'memory') return { backend: 'memory' };
    if (values.store === 'level') return { backend: 'level', dataDir: resolve(values['data-dir']) };
    throw new Error(`--store must be level, memory or etcd, not ${values.store}`);
  }
  if (endpoints.length === 0) throw new Error('--store etcd needs --etcd-endpoints, the client URLs of the etcd members (e.g. http://127.0.0.1:2379)');
  for (const endpoint of endpoints) {
    if (!/^https?:\/\/[^/]+\/?$/.test(endpoint)) throw new Error(`--etcd-endpoints: ${endpoint} is not a client URL like http://127.0.0.1:2379`);
  }
  return { backend: 'etcd', etcdEndpoints: endpoints, etcdPrefix: values['etcd-prefix'] };
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '6443' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: '.kubelab/store' },
      store: { type: 'string', default: 'level' },
      'etcd-endpoints': { type: 'string' },
      'etcd-prefix': { type: 'string' },
      'max-requests-inflight': { type: 'string', default: String(limitDefaults.maxReadOnlyInFlight) },
      'max-mutating-requests-inflight': { type: 'string', default: String(limitDefaults.maxMutatingInFlight) },
      help: { type: 'boolean', default: false },
    },
  });
  const log = pino({ name: 'apiserver', level: process.env.LOG_LEVEL ?? 'info' });
  if (values.help) {
    process.stdout.write(usage + '\n');
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not ${values.port}`);
  const choice = storeChoice(values);
  const positive = (flag: 'max-requests-inflight' | 'max-mutating-requests-inflight'): number => {
    const n = Number(values[flag]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a whole number of 1 or more, not ${values[flag]}`);
    return n;
  };
  const limits = { maxReadOnlyInFlight: positive('max-requests-inflight'), maxMutatingInFlight: positive('max-mutating-requests-inflight') };
  if (choice.backend === 'level') mkdirSync(choice.dataDir, { recursive: true });
  const store = await openApiServerStore(choice, log);
  let server;
  try {
    server = await startApiServer({ store, port, host: values.host, logger: log, limits });
  } catch (error) {
    await store.close();
    throw error;
  }
  log.info({ url: server.url, ...choice }, 'apiserver listening');

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'apiserver shutting down');
    void server
      .close()
      .then(() => store.close())
      .then(
        () => log.info('apiserver stopped'),
        (error: unknown) => {
          log.error({ err: error }, 'apiserver did not stop cleanly');
          process.exitCode = 1;
        },
      );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`apiserver: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
