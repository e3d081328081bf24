// The API server the fuzz test (fuzz.test.ts) sends its requests at, in a
// child process of its own so that the test can read the server's heap alone
// (the child runs with --expose-gc, a flag of this harness only) and the two
// share the machine's cores. It authenticates as a cluster that takes bearer
// tokens: `Bearer admin` is the lab's admin, any other token is refused with
// 401, no credentials are anonymous (public paths only). Its store compacts
// every second, keeping 1,000 revisions, so what stays on the heap is the
// objects, not their history. It prints its URL as one JSON line, answers the
// message 'heap' with the heap used after a full GC, and stops on 'stop'.
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { openStore } from '../store/index.js';
import { LAB_ADMIN, unauthorized, type Authenticator } from './auth.js';
import { startApiServer } from './index.js';

export const FUZZ_ADMIN_TOKEN = 'admin';

export const bearerTokenAuthenticator: Authenticator = (request) => {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  if (header === `Bearer ${FUZZ_ADMIN_TOKEN}`) return LAB_ADMIN;
  throw unauthorized();
};

async function main(): Promise<void> {
  const store = await openStore({ backend: 'memory', autoCompaction: { retainRevisions: 1_000, retainMs: 1_000, intervalMs: 1_000 } });
  const server = await startApiServer({ store, port: 0, logger: pino({ level: 'silent' }), authenticator: bearerTokenAuthenticator });
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (message) => {
    if (message === 'heap') {
      void store.range({ prefix: '/registry/', limit: 1 }).then(({ count }) => {
        gc?.();
        process.send?.({ heapUsed: process.memoryUsage().heapUsed, objects: count, revision: store.revision });
      });
    } else if (message === 'stop') {
      void server.close().then(() => store.close()).then(() => process.exit(0));
    }
  });
  process.stdout.write(JSON.stringify({ url: server.url }) + '\n');
}

// Run as a program (the fuzz test's child), not when the test imports the token.
if (process.argv[1] === fileURLToPath(import.meta.url)) void main();
