// The watch guarantees for an informer (client/informer.ts) a test runs: its
// reflector's lists and watch connections, heard through the client's
// ListWatchObserver, recorded as epochs (a list and the watch sessions that
// follow it, the first from the list's resourceVersion, each resume from where
// the one before stopped) and checked:
//   - each session with checkWatch: ordered, no duplicates, nothing at or
//     before the resourceVersion it started from, no ERROR but 410 Expired,
//     which ends the session;
//   - a 410 ends its epoch: the next thing the reflector does is list again;
//   - a resume starts from the last resourceVersion delivered (event or
//     BOOKMARK) before it, so the client leaves no gap and repeats nothing;
//   - the events of the last epoch replayed onto its list give the informer's
//     cache (up to the resourceVersion the cache is at);
//   - against a reference (a plain watch of the same objects over the same
//     range, e.g. one opened from the informer's first list with
//     referenceWatchFrom), no gaps across resumes: every change the reference
//     holds in the range both cover, the informer heard too.
//
//   const watched = checkedInformer(client.resource(kinds.Pod, 'default'), { reference: server.url });
//   ... watched.informer as any informer ...
//   t.diagnostic(JSON.stringify(await watched.check()));   // stops both, asserts
import assert from 'node:assert/strict';
import { Informer, type InformerOptions, type KubeObject, type ListWatchObserver, type ResourceClient } from '../../client/index.js';
import { checkNoGaps, checkReplaysToList, checkWatch, namedVersions } from './guarantees.js';
import { toFrame, watchHttp, type WatchFrame, type WatchRecorder } from './recorder.js';

/** One watch connection: where it started and what it delivered. */
export interface WatchSession {
  readonly from: number;
  readonly frames: WatchFrame[];
}

/** One list and the watch sessions after it. */
export interface ListEpoch {
  readonly resourceVersion: number;
  readonly items: { name: string; resourceVersion: number }[];
  readonly sessions: WatchSession[];
}

export interface InformerRecording {
  /** Give it to the informer's options. */
  readonly observer: ListWatchObserver;
  readonly epochs: readonly ListEpoch[];
}

/** Records an informer's lists and watch sessions as epochs. */
export function recordInformer(onList?: (resourceVersion: string) => void): InformerRecording {
  const epochs: ListEpoch[] = [];
  const current = (): ListEpoch => {
    const epoch = epochs[epochs.length - 1];
    if (!epoch) throw new Error('informer-check: a watch before any list');
    return epoch;
  };
  return {
    epochs,
    observer: {
      onList: (resourceVersion, items) => {
        epochs.push({ resourceVersion: Number(resourceVersion), items: namedVersions(items), sessions: [] });
        onList?.(resourceVersion);
      },
      onConnect: (resourceVersion) => void current().sessions.push({ from: Number(resourceVersion ?? 0), frames: [] }),
      onFrame: (type, object) => {
        const sessions = current().sessions;
        sessions[sessions.length - 1]?.frames.push(toFrame({ type, object }));
      },
    },
  };
}

/** What checkInformerEpochs found, for a test's diagnostic. */
export interface InformerWatchSummary {
  readonly lists: number;
  readonly sessions: number;
  readonly resumes: number;
  readonly events: number;
  readonly expired: number;
}

const isExpired = (f: WatchFrame | undefined): boolean => f?.type === 'ERROR' && f.code === 410;
/** The resourceVersion frames have reached from `from`: their last event or BOOKMARK (or only their last event). */
const reachedOf = (frames: readonly WatchFrame[], from: number, bookmarks = true): number =>
  frames.reduce((rv, f) => (f.type === 'ERROR' || (f.type === 'BOOKMARK' && !bookmarks) ? rv : Math.max(rv, f.resourceVersion)), from);
const lastDelivered = (session: WatchSession): number => reachedOf(session.frames, session.from);

/** Checks every epoch and session on its own (see the header); answers each epoch's events in order. */
export function checkInformerEpochs(epochs: readonly ListEpoch[], name = 'informer'): { events: WatchFrame[][]; summary: InformerWatchSummary } {
  const events: WatchFrame[][] = [];
  let sessions = 0;
  let resumes = 0;
  let expired = 0;
  epochs.forEach((epoch, e) => {
    const epochEvents: WatchFrame[] = [];
    let resumeAt = epoch.resourceVersion;
    epoch.sessions.forEach((session, s) => {
      const at = `${name}: list ${e + 1} (at ${epoch.resourceVersion}), watch session ${s + 1}`;
      assert.equal(session.from, resumeAt, `${at} started from ${session.from}, not from ${resumeAt} where ${s === 0 ? 'the list was' : 'the session before stopped'}`);
      const last = session.frames[session.frames.length - 1];
      if (isExpired(last)) {
        expired++;
        assert.equal(s, epoch.sessions.length - 1, `${at} ended with 410 Expired, yet the informer watched again instead of listing`);
      }
      epochEvents.push(...checkWatch(session.frames, { from: session.from, name: at, expectError: isExpired(last) ? { code: 410, reason: 'Expired' } : undefined }));
      resumeAt = lastDelivered(session);
      sessions++;
      if (s > 0) resumes++;
    });
    // Sessions joined: ordered and unique across resumes too.
    checkWatch(epochEvents, { from: epoch.resourceVersion, name: `${name}: list ${e + 1}, all its sessions` });
    events.push(epochEvents);
  });
  const summary = { lists: epochs.length, sessions, resumes, events: events.reduce((n, list) => n + list.length, 0), expired };
  return { events, summary };
}

/** The frames of the last epoch replayed onto its list must give the cache, up to the resourceVersion the cache is at. */
export function checkCacheReplays(epochs: readonly ListEpoch[], events: readonly WatchFrame[], cache: { resourceVersion: string; items: readonly KubeObject[] }, name = 'informer'): void {
  const epoch = epochs[epochs.length - 1];
  if (!epoch) return;
  const upTo = Number(cache.resourceVersion);
  checkReplaysToList(epoch.items, events.filter((f) => f.resourceVersion <= upTo), namedVersions(cache.items), `${name}'s cache`);
}

/**
 * No gaps against a reference watch that ran from the informer's first list:
 * every change the reference holds up to where both reached, the informer's
 * first epoch holds too, and nothing else. Only the first epoch is compared: a
 * re-list legitimately skips what happened while the watch was away.
 */
export function checkAgainstReference(epochs: readonly ListEpoch[], firstEpochEvents: readonly WatchFrame[], reference: readonly WatchFrame[], name = 'informer'): number {
  const first = epochs[0];
  if (!first) return 0;
  // A reference cut off (its server killed) is compared as far as it went.
  const ended = reference.findIndex((f) => f.type === 'ERROR');
  const referenceFrames = ended < 0 ? reference : reference.slice(0, ended);
  const referenceEvents = checkWatch(referenceFrames, { from: first.resourceVersion, name: `${name}'s reference watch` });
  const informerReached = Math.max(first.resourceVersion, ...first.sessions.map(lastDelivered));
  const to = Math.min(informerReached, reachedOf(referenceFrames, first.resourceVersion));
  checkNoGaps(firstEpochEvents, referenceEvents, { from: first.resourceVersion, to }, `${name} against its reference watch`);
  return referenceEvents.filter((f) => f.resourceVersion <= to).length;
}

export interface CheckedInformerOptions<T extends KubeObject> extends InformerOptions<T> {
  /** A server URL: a plain HTTP watch of the same objects runs from the informer's first list, to compare with. */
  readonly reference?: string;
  readonly name?: string;
}

export interface CheckedInformer<T extends KubeObject> {
  readonly informer: Informer<T>;
  readonly recording: InformerRecording;
  /** Waits briefly (up to 3 s) for the informer and its reference to have the same last event, stops both, and asserts every guarantee above. */
  check(): Promise<InformerWatchSummary & { compared: number }>;
  /** Stops the informer and the reference without checking (for after hooks of failed tests). */
  stop(): Promise<void>;
}

const CATCH_UP_MS = 3_000;

/** An Informer whose watch is recorded, with an optional reference watch, for check() at the end of a test. */
export function checkedInformer<T extends KubeObject>(resource: ResourceClient<T>, options: CheckedInformerOptions<T> = {}): CheckedInformer<T> {
  const name = options.name ?? `informer of ${resource.path()}`;
  let reference: WatchRecorder | undefined;
  const recording = recordInformer((resourceVersion) => {
    if (options.reference && !reference) {
      reference = watchHttp(options.reference, resource.path(), { resourceVersion, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector, allowWatchBookmarks: true });
    }
  });
  const informer = new Informer<T>(resource, { ...options, observer: recording.observer });
  const stop = async (): Promise<void> => {
    await informer.stop();
    await reference?.stop();
  };
  return {
    informer,
    recording,
    stop,
    async check() {
      if (reference) {
        // The tail: when the test ends, either watch may be a few events behind the other.
        const recorded = reference;
        // Compared by their last events: BOOKMARKs come to each at its own time.
        const lastEventOf = (frames: readonly WatchFrame[]): number => reachedOf(frames, 0, false);
        const informerLastEvent = (): number => Math.max(0, ...recording.epochs.flatMap((e) => e.sessions.map((s) => lastEventOf(s.frames))));
        const caughtUp = (): boolean => informerLastEvent() === lastEventOf(recorded.frames) || recorded.frames.some((f) => f.type === 'ERROR');
        for (const deadline = Date.now() + CATCH_UP_MS; !caughtUp() && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await informer.stop();
      const referenceFrames = (await reference?.stop()) ?? [];
      const { events, summary } = checkInformerEpochs(recording.epochs, name);
      const lastEvents = events[events.length - 1] ?? [];
      checkCacheReplays(recording.epochs, lastEvents, { resourceVersion: informer.resourceVersion, items: informer.list() }, name);
      const compared = reference ? checkAgainstReference(recording.epochs, events[0] ?? [], referenceFrames, name) : 0;
      return { ...summary, compared };
    },
  };
}
