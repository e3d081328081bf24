// A twin for a watch a test cannot check itself (kubectl get -w prints
// tables without resourceVersions): a plain HTTP watch of the same objects
// over the same span, from a list, checked when stopped with checkWatch and
// against a list at the end (checkReplaysToList).
import type { KubeObject, ResourceClient } from '../../client/index.js';
import { checkReplaysToList, checkWatch, namedVersions } from './guarantees.js';
import { watchHttp, type WatchFrame, type WatchRecorder } from './recorder.js';

export interface TwinWatch {
  /** Stops the twin and asserts its guarantees; answers how many events it checked. */
  stop(): Promise<{ events: number; from: number }>;
}

/** How long the replay may take to meet the final list: events in flight when the test ends. */
const SETTLE_MS = 3_000;

export function twinWatch(serverUrl: string, resource: ResourceClient<KubeObject>, selector: { labelSelector?: string; fieldSelector?: string }, name: string): TwinWatch {
  /** The events up to a list's revision, replayed onto the first list, must give that list; retried while events are in flight. */
  const replaysToTheEndList = async (events: () => WatchFrame[]): Promise<void> => {
    const { items } = await started;
    for (const deadline = Date.now() + SETTLE_MS; ; ) {
      const end = await resource.list(selector);
      const revision = Number(end.metadata.resourceVersion);
      try {
        checkReplaysToList(items, events().filter((f) => f.resourceVersion <= revision), namedVersions(end.items), name);
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  const started = (async () => {
    const list = await resource.list(selector);
    const from = Number(list.metadata.resourceVersion);
    const recorder: WatchRecorder = watchHttp(serverUrl, resource.path(), { ...selector, resourceVersion: String(from) });
    return { from, items: namedVersions(list.items), recorder };
  })();
  return {
    async stop() {
      const { from, recorder } = await started;
      try {
        await replaysToTheEndList(() => checkWatch(recorder.frames, { from, name }));
      } finally {
        await recorder.stop();
      }
      return { events: checkWatch(recorder.frames, { from, name }).length, from };
    },
  };
}
