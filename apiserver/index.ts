// apiserver/: the Kubernetes REST and watch API over the store.
import type { Logger } from 'pino';
import { openEtcdStore, openStore, type Clock, type Store } from '../store/index.js';
import { buildApp, type ApiServerOptions } from './server.js';

export { buildApp, MAX_BODY_BYTES, type ApiServerOptions, type KubeletClientTls, type ServingTls } from './server.js';
export { x509Authenticator } from './authn-x509.js';
export { parseTokenFile, readTokenFile, tokenAuthenticator, TokenFileError } from './authn-token-file.js';
export { unionAuthenticator } from './authn-union.js';
export { ANONYMOUS, isPublicPath, labAdminAuthenticator, type Authenticator, type Authorizer, type UserInfo } from './auth.js';
export { AUTHORIZATION_MODES, type AuthorizationMode } from './authz/index.js';

export interface RunningApiServer {
  /** http://127.0.0.1:<port>, https:// with `tls` */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Starts the API server in this process on `host:port` (port 0: any free one), for tests and `kubelab up`. */
export async function startApiServer(options: {
  store: Store;
  port?: number;
  host?: string;
  logger?: Logger;
  clock?: Clock;
  watch?: ApiServerOptions['watch'];
  authenticator?: ApiServerOptions['authenticator'];
  authorizer?: ApiServerOptions['authorizer'];
  authorizationModes?: ApiServerOptions['authorizationModes'];
  limits?: ApiServerOptions['limits'];
  tls?: ApiServerOptions['tls'];
  kubeletClient?: ApiServerOptions['kubeletClient'];
}): Promise<RunningApiServer> {
  const built = await buildApp(options);
  const { app } = built;
  const stop = () => built.stop();
  const host = options.host ?? '127.0.0.1';
  try {
    await app.listen({ port: options.port ?? 0, host });
  } catch (error) {
    await stop();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  let closing: Promise<void> | undefined;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () => {
      closing ??= (async () => {
        await app.close();
        await stop();
      })();
      return closing;
    },
  };
}

/** Which store an API server runs on: LevelDB in a data directory, memory, or an etcd cluster shared by several API servers. */
export type ApiServerStore =
  | { readonly backend: 'level'; readonly dataDir: string }
  | { readonly backend: 'memory' }
  | { readonly backend: 'etcd'; readonly etcdEndpoints: readonly string[]; readonly etcdPrefix?: string };

/** Upstream's --etcd-compaction-interval default: 5m0s. */
export const DEFAULT_COMPACTION_INTERVAL_MS = 5 * 60_000;

/**
 * Opens the store of an API server process. For etcd, StoreUnavailableError
 * with a clear message when no endpoint is given or none answers.
 *
 * Compaction as upstream's --etcd-compaction-interval: every interval, the
 * history older than one interval is forgotten (0: never). On etcd, by
 * upstream's compactor (store/etcd-compactor.ts); on the embedded stores, by
 * their own automatic compaction set to the same rule.
 */
export function openApiServerStore(choice: ApiServerStore, logger?: Logger, compactionIntervalMs = DEFAULT_COMPACTION_INTERVAL_MS): Promise<Store> {
  if (choice.backend === 'etcd') return openEtcdStore({ endpoints: choice.etcdEndpoints, keyPrefix: choice.etcdPrefix, logger, compactionIntervalMs });
  const autoCompaction = compactionIntervalMs > 0 ? { retainRevisions: 0, retainMs: compactionIntervalMs, intervalMs: compactionIntervalMs } : false;
  return openStore({ backend: choice.backend, dataDir: choice.backend === 'level' ? choice.dataDir : undefined, logger, autoCompaction });
}
