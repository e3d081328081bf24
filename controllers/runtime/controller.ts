// The shape every controller has (STYLE.md 4-5), and the loop that runs one:
// informer events become keys in a rate-limited WorkQueue; workers call
// sync(key), which reads the caches, decides and acts, and may ask to be run
// again later. As upstream's controllers: wait for the caches, then start
// `workers` processNextWorkItem loops (client/runWorker), until stopped.
import type { Logger } from 'pino';
import { runWorker, WorkQueue, type Clock, type EventRecorder, type KubeClient } from '../../client/index.js';
import type { SharedInformerFactory } from './informer-factory.js';

/** Every seam a controller touches, in one object (STYLE.md 4, 12): tests pass fakes. */
export interface ControllerDeps {
  readonly client: KubeClient;
  readonly clock: Clock;
  /** Already a child with `{ controller: name }`. */
  readonly log: Logger;
  /** Records with this controller's upstream component name (source.component). */
  readonly recorder: EventRecorder;
  readonly informers: SharedInformerFactory;
}

/** What sync answers: nothing, or when to look at the key again although no event came. */
export interface SyncResult {
  readonly requeueAfterMs?: number;
}

/** Adds a key to the controller's queue. */
export interface Enqueue {
  (key: string): void;
  after(key: string, ms: number): void;
}

export interface Controller {
  /** The name used in --controllers and logs ('nodelifecycle'). */
  readonly name: string;
  /** Concurrent syncs (of different keys; one key is never synced twice at once). */
  readonly workers: number;
  /** Subscribes to the informers it needs (from deps.informers), turning their events into keys. */
  watch(enqueue: Enqueue): void;
  /** Level-triggered and idempotent: recomputes from the caches, whatever woke it; throws to be retried with backoff. */
  sync(key: string): Promise<SyncResult | void>;
}

/** How a controller is made: from its deps and the process's options. */
export type ControllerFactory<O = unknown> = (deps: ControllerDeps, options: O) => Controller;

/**
 * Runs `controller` until `signal` aborts: subscribes, waits for every
 * informer's first list, then runs its workers; on abort, lets the keys in
 * progress finish (ShutDownWithDrain) and resolves.
 */
export async function runController(controller: Controller, deps: ControllerDeps, signal: AbortSignal): Promise<void> {
  const log = deps.log;
  const queue = new WorkQueue<string>({ clock: deps.clock, logger: log });
  const enqueue: Enqueue = Object.assign((key: string) => queue.add(key), { after: (key: string, ms: number) => queue.addAfter(key, ms) });
  controller.watch(enqueue);
  if (signal.aborted) return;
  const stopped = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  const synced = await Promise.race([deps.informers.waitForSync(), stopped.then(() => false)]);
  if (!synced || signal.aborted) {
    queue.shutDown();
    return;
  }
  log.info({ workers: controller.workers }, 'starting controller');
  const sync = async (key: string) => {
    const result = await controller.sync(key);
    if (result?.requeueAfterMs !== undefined) queue.addAfter(key, Math.max(1, result.requeueAfterMs));
  };
  const workers = Array.from({ length: controller.workers }, () => runWorker(queue, sync));
  await stopped;
  log.info('shutting down controller');
  await queue.shutDownWithDrain();
  await Promise.all(workers);
}

/** The key of a namespaced object (`namespace/name`) split back (client-go's SplitMetaNamespaceKey). */
export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
