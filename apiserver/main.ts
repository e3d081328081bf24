#!/usr/bin/env node
// The apiserver process: parses its flags, opens the store, seeds the
// namespaces every cluster has, listens on loopback, and shuts down cleanly
// on SIGINT or SIGTERM. Everything else lives in the modules it calls.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { openStore } from '../store/index.js';
import { AUTHORIZATION_MODES, startApiServer, type AuthorizationMode } from './index.js';
import { limitDefaults } from './limits.js';

const usage = `Usage: apiserver [--port 6443] [--data-dir .kubelab/store] [--store level|memory]
                 [--max-requests-inflight 400] [--max-mutating-requests-inflight 200]
                 [--authorization-mode AlwaysAllow|Node,RBAC|...]`;

/** Upstream's --authorization-mode: a comma-separated list of AlwaysAllow, AlwaysDeny, Node and RBAC, each once. */
export function parseAuthorizationModes(flag: string): AuthorizationMode[] {
  const modes = flag.split(',').map((mode) => mode.trim());
  for (const mode of modes) {
    if (!(AUTHORIZATION_MODES as readonly string[]).includes(mode)) {
      throw new Error(`--authorization-mode: authorization-mode "${mode}" is not a valid mode (${AUTHORIZATION_MODES.join(', ')})`);
    }
    if (modes.indexOf(mode) !== modes.lastIndexOf(mode)) throw new Error(`--authorization-mode: "${mode}" is specified more than once`);
  }
  return modes as AuthorizationMode[];
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '6443' },
      host: { type: 'string', default: '127.0.0.1' },
      'data-dir': { type: 'string', default: '.kubelab/store' },
      store: { type: 'string', default: 'level' },
      'max-requests-inflight': { type: 'string', default: String(limitDefaults.maxReadOnlyInFlight) },
      'max-mutating-requests-inflight': { type: 'string', default: String(limitDefaults.maxMutatingInFlight) },
      'authorization-mode': { type: 'string', default: 'AlwaysAllow' },
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
  if (values.store !== 'level' && values.store !== 'memory') throw new Error(`--store must be level or memory, not ${values.store}`);
  const positive = (flag: 'max-requests-inflight' | 'max-mutating-requests-inflight'): number => {
    const n = Number(values[flag]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a whole number of 1 or more, not ${values[flag]}`);
    return n;
  };
  const limits = { maxReadOnlyInFlight: positive('max-requests-inflight'), maxMutatingInFlight: positive('max-mutating-requests-inflight') };
  const dataDir = resolve(values['data-dir']);
  if (values.store === 'level') mkdirSync(dataDir, { recursive: true });
  const store = await openStore({ backend: values.store, dataDir, logger: log });
  const authorizationModes = parseAuthorizationModes(values['authorization-mode']);
  const server = await startApiServer({ store, port, host: values.host, logger: log, limits, authorizationModes });
  log.info({ url: server.url, store: values.store, authorizationModes, dataDir: values.store === 'level' ? dataDir : undefined }, 'apiserver listening');

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
