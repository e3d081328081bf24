#!/usr/bin/env node
// The apiserver process: parses its flags, opens the store, seeds the
// namespaces every cluster has, listens (HTTPS with client certificates and
// tokens, or plain HTTP for anyone with --insecure on loopback only), and
// shuts down cleanly on SIGINT or SIGTERM. Everything else lives in the
// modules it calls.
import { mkdirSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { AUTHORIZATION_MODES, labAdminAuthenticator, openApiServerStore, readTokenFile, startApiServer, tokenAuthenticator, unionAuthenticator, x509Authenticator, type ApiServerStore, type Authenticator, type AuthorizationMode, type KubeletClientTls, type ServingTls } from './index.js';
import { limitDefaults } from './limits.js';
import { parseDuration } from '../proto/index.js';

const usage = `Usage: apiserver [--port 6443] [--host 127.0.0.1] [--store level|memory|etcd] [--data-dir .kubelab/store]
                 [--etcd-endpoints http://127.0.0.1:2379,...] [--etcd-prefix /cluster-a] [--etcd-compaction-interval 5m0s]
                 [--max-requests-inflight 400] [--max-mutating-requests-inflight 200]
                 (--tls-cert-file FILE --tls-private-key-file FILE [--client-ca-file FILE] [--token-auth-file FILE]
                  [--kubelet-client-certificate FILE --kubelet-client-key FILE [--kubelet-certificate-authority FILE]]
                  | --insecure)
                 [--authorization-mode AlwaysAllow|Node,RBAC|...]

  --store level           LevelDB in --data-dir (the default)
  --store memory          nothing on disk
  --store etcd            a real etcd cluster, shared by every apiserver given the same
                          --etcd-endpoints (its members' client URLs) and --etcd-prefix
  --etcd-compaction-interval D
                          every D, forget the history older than D (watches and reads at older
                          resourceVersions get 410 Expired); 0: never. As upstream, for every --store
  --insecure              plain HTTP, every request the lab's admin: only on a loopback --host`;

/** A duration flag as Go writes it ("5m0s", "200ms", "0"); an Error naming the flag otherwise. */
function durationFlag(flag: string, text: string): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch (error) {
    throw new Error(`--${flag}: ${(error as Error).message}`);
  }
  if (ms < 0) throw new Error(`--${flag} must not be negative, not ${text}`);
  return ms;
}

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

interface SecurityFlags {
  readonly host: string;
  readonly insecure: boolean;
  readonly 'tls-cert-file'?: string;
  readonly 'tls-private-key-file'?: string;
  readonly 'client-ca-file'?: string;
  readonly 'token-auth-file'?: string;
  readonly 'kubelet-client-certificate'?: string;
  readonly 'kubelet-client-key'?: string;
  readonly 'kubelet-certificate-authority'?: string;
}

/** 127.0.0.0/8, ::1 and localhost: the only places plain HTTP without authentication may listen. */
function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1' || host === '0:0:0:0:0:0:0:1';
}

/** What the flags ask for: TLS and who may authenticate how, or --insecure's open loopback server. */
function securityOf(flags: SecurityFlags): { tls?: ServingTls; authenticator: Authenticator; kubeletClient?: KubeletClientTls } {
  const certFile = flags['tls-cert-file'];
  const keyFile = flags['tls-private-key-file'];
  if (flags.insecure) {
    if (certFile || keyFile || flags['client-ca-file'] || flags['token-auth-file'] || flags['kubelet-client-certificate']) throw new Error('--insecure serves plain HTTP without authentication: it takes none of the TLS and authentication flags');
    if (!isLoopbackHost(flags.host)) throw new Error(`--insecure is refused on --host ${flags.host}: plain HTTP without authentication listens only on loopback (127.0.0.1, ::1, localhost)`);
    return { authenticator: labAdminAuthenticator };
  }
  if (!certFile || !keyFile) throw new Error(`give --tls-cert-file and --tls-private-key-file (HTTPS), or --insecure for plain HTTP on loopback\n${usage}`);
  const clientCa = flags['client-ca-file'] ? readFileSync(flags['client-ca-file'], 'utf8') : undefined;
  const authenticators: Authenticator[] = [];
  if (clientCa) authenticators.push(x509Authenticator);
  if (flags['token-auth-file']) authenticators.push(tokenAuthenticator(readTokenFile(flags['token-auth-file'])));
  const kubeletCert = flags['kubelet-client-certificate'];
  const kubeletKey = flags['kubelet-client-key'];
  if (!kubeletCert !== !kubeletKey) throw new Error('give both --kubelet-client-certificate and --kubelet-client-key, or neither');
  const kubeletCa = flags['kubelet-certificate-authority'];
  const kubeletClient = kubeletCert && kubeletKey ? { cert: readFileSync(kubeletCert, 'utf8'), key: readFileSync(kubeletKey, 'utf8'), ca: kubeletCa ? readFileSync(kubeletCa, 'utf8') : undefined } : undefined;
  return { tls: { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), clientCa }, authenticator: unionAuthenticator(...authenticators), kubeletClient };
}

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
      'etcd-endpoints': { type: 'string' },
      'etcd-prefix': { type: 'string' },
      'etcd-compaction-interval': { type: 'string', default: '5m0s' },
      'max-requests-inflight': { type: 'string', default: String(limitDefaults.maxReadOnlyInFlight) },
      'max-mutating-requests-inflight': { type: 'string', default: String(limitDefaults.maxMutatingInFlight) },
      'tls-cert-file': { type: 'string' },
      'tls-private-key-file': { type: 'string' },
      'client-ca-file': { type: 'string' },
      'token-auth-file': { type: 'string' },
      'kubelet-client-certificate': { type: 'string' },
      'kubelet-client-key': { type: 'string' },
      'kubelet-certificate-authority': { type: 'string' },
      insecure: { type: 'boolean', default: false },
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
  const choice = storeChoice(values);
  const positive = (flag: 'max-requests-inflight' | 'max-mutating-requests-inflight'): number => {
    const n = Number(values[flag]);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${flag} must be a whole number of 1 or more, not ${values[flag]}`);
    return n;
  };
  const security = securityOf(values);
  const limits = { maxReadOnlyInFlight: positive('max-requests-inflight'), maxMutatingInFlight: positive('max-mutating-requests-inflight') };
  if (choice.backend === 'level') mkdirSync(choice.dataDir, { recursive: true });
  const compactionIntervalMs = durationFlag('etcd-compaction-interval', values['etcd-compaction-interval']);
  const store = await openApiServerStore(choice, log, compactionIntervalMs);
  const authorizationModes = parseAuthorizationModes(values['authorization-mode']);
  let server;
  try {
    server = await startApiServer({ store, port, host: values.host, logger: log, limits, authorizationModes, ...security });
  } catch (error) {
    await store.close();
    throw error;
  }
  log.info({ url: server.url, insecure: values.insecure, authorizationModes, compactionIntervalMs, ...choice }, 'apiserver listening');

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
