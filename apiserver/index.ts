// apiserver/: the Kubernetes REST and watch API over the store.
import type { Logger } from 'pino';
import type { Clock, Store } from '../store/index.js';
import { buildApp, type ApiServerOptions } from './server.js';

export { buildApp, MAX_BODY_BYTES, type ApiServerOptions } from './server.js';
export { AUTHORIZATION_MODES, type AuthorizationMode } from './authz/index.js';

export interface RunningApiServer {
  /** http://127.0.0.1:<port> */
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
    url: `http://${host}:${port}`,
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
