// For the controllers' tests against a real API server: one on port 0 over a
// memory store, a client of it, and the named controllers running against it.
// Tests only (it starts apiserver/, which no controller imports).
import { startApiServer, type RunningApiServer } from '../apiserver/index.js';
import { KubeClient, type ClientCredentials } from '../client/index.js';
import { openStore, type MvccStore } from '../store/index.js';
import type { ControllerOptions } from './registry.js';
import { startControllers, type RunningControllers } from './start.js';

export interface ControllerLabOptions {
  /** The controllers to run (short or upstream names). */
  readonly controllers: readonly string[];
  readonly options?: ControllerOptions;
  /** The API server's options but its store and port (authentication, authorization modes, ...). */
  readonly apiServer?: Omit<Parameters<typeof startApiServer>[0], 'store' | 'port'>;
  /** Who the test's client is, and who the controllers are (none: whoever the server takes a bare request for). */
  readonly clientCredentials?: ClientCredentials;
  readonly controllerCredentials?: ClientCredentials;
}

export interface ControllerLab {
  readonly store: MvccStore;
  readonly server: RunningApiServer;
  readonly client: KubeClient;
  readonly controllers: RunningControllers;
  stop(): Promise<void>;
}

export async function startControllerLab(options: ControllerLabOptions): Promise<ControllerLab> {
  const store = await openStore({ backend: 'memory', autoCompaction: false });
  const server = await startApiServer({ ...options.apiServer, store });
  const client = new KubeClient({ ...options.clientCredentials, server: server.url });
  const controllers = startControllers({ server: server.url, credentials: options.controllerCredentials, controllers: options.controllers, options: options.options });
  return {
    store,
    server,
    client,
    controllers,
    async stop() {
      await controllers.stop();
      await server.close();
      await store.close();
    },
  };
}
