/* eslint-disable @typescript-eslint/no-unsafe-member-access -- watch frames are untyped JSON from the wire */
// The guarantees an API watch makes (DESIGN.md "Store semantics" and
// upstream's watch contract), as checks over recorded frames, in the spirit of
// etcd's tests/robustness/validate/watch.go (ordered, unique, resumable,
// "atomic", bookmarkable):
//   - ordered: events come in strictly increasing resourceVersion (which also
//     rules out duplicates: one object changes at most once a revision);
//   - after `from`: a watch from a resourceVersion sends nothing at or before it;
//   - bookmarks never claim a resourceVersion behind an event already sent;
//   - an ERROR frame ends the stream; 410 Expired comes as such a frame;
//   - no gaps: every change a reference (a watch that saw the whole range,
//     or the history a test recorded) holds in the range, this watch holds too;
//   - two watches of the same resource agree on every change both cover;
//   - replaying the events onto the state they started from gives the state a
//     list shows at the end.
import assert from 'node:assert/strict';
import type { WatchFrame } from './recorder.js';

export type { WatchFrame };

const isEvent = (f: WatchFrame): boolean => f.type === 'ADDED' || f.type === 'MODIFIED' || f.type === 'DELETED';
/** One change, as both watches and references name it. */
export const changeOf = (f: WatchFrame): string => `${f.type} ${f.namespace}/${f.name}@${f.resourceVersion}`;

export interface WatchCheck {
  /** The watch's resourceVersion: nothing at or before it may come. */
  readonly from?: number;
  /** The watch must end with this ERROR (e.g. 410 Expired), delivered in-stream. */
  readonly expectError?: { readonly code: number; readonly reason?: string };
  /** A name for messages. */
  readonly name?: string;
}

/** Checks one watch's frames on their own; returns its events (BOOKMARK and ERROR frames left out). */
export function checkWatch(frames: readonly WatchFrame[], check: WatchCheck = {}): WatchFrame[] {
  const name = check.name ?? 'watch';
  const events: WatchFrame[] = [];
  let last = check.from ?? 0;
  let lastEvent: WatchFrame | undefined;
  frames.forEach((frame, i) => {
    if (frame.type === 'ERROR') {
      assert.equal(i, frames.length - 1, `${name}: frames after an ERROR (${frame.code} ${frame.reason})`);
      return;
    }
    if (frame.type === 'BOOKMARK') {
      assert.ok(frame.resourceVersion >= (lastEvent?.resourceVersion ?? 0), `${name}: BOOKMARK at ${frame.resourceVersion} behind the event sent before it (${lastEvent && changeOf(lastEvent)})`);
      return;
    }
    assert.ok(isEvent(frame), `${name}: unknown frame type ${frame.type}`);
    if (frame.resourceVersion === last && lastEvent) assert.fail(`${name}: duplicate event ${changeOf(frame)} after ${changeOf(lastEvent)}`);
    assert.ok(frame.resourceVersion > last, `${name}: ${changeOf(frame)} out of order, after resourceVersion ${last}${check.from !== undefined && !lastEvent ? ' (the watch started there)' : ''}`);
    last = frame.resourceVersion;
    lastEvent = frame;
    events.push(frame);
  });
  const error = frames.find((f) => f.type === 'ERROR');
  if (check.expectError) {
    assert.ok(error, `${name}: expected an in-stream ERROR ${check.expectError.code}, got ${frames.length} frames and none`);
    assert.equal(error.code, check.expectError.code, `${name}: ERROR code`);
    if (check.expectError.reason) assert.equal(error.reason, check.expectError.reason, `${name}: ERROR reason`);
  } else {
    assert.equal(error, undefined, `${name}: unexpected ERROR ${error?.code} ${error?.reason}: ${error?.object?.message}`);
  }
  return events;
}

/** Every change of `reference` in (from, to] is in `events`, and `events` has none beyond them in that range. */
export function checkNoGaps(events: readonly WatchFrame[], reference: readonly WatchFrame[], range: { from: number; to: number }, name = 'watch'): void {
  const inRange = (f: WatchFrame): boolean => f.resourceVersion > range.from && f.resourceVersion <= range.to;
  const got = events.filter(inRange).map(changeOf);
  const want = reference.filter(inRange).map(changeOf);
  const missing = want.filter((c) => !got.includes(c));
  assert.deepEqual(missing, [], `${name}: ${missing.length} changes missing in (${range.from}, ${range.to}]: a gap`);
  assert.deepEqual(got, want, `${name}: changes in (${range.from}, ${range.to}] differ from the reference`);
}

/** Two watches agree on every change in the range both cover. */
export function checkSameSequence(a: readonly WatchFrame[], b: readonly WatchFrame[], names = ['first watch', 'second watch']): number {
  const lastOf = (events: readonly WatchFrame[]): number => events[events.length - 1]?.resourceVersion ?? 0;
  const firstOf = (events: readonly WatchFrame[]): number => events[0]?.resourceVersion ?? 0;
  const from = Math.max(firstOf(a), firstOf(b)) - 1;
  const to = Math.min(lastOf(a), lastOf(b));
  if (to <= from) return 0;
  checkNoGaps(b, a, { from, to }, `${names[1]} against ${names[0]}`);
  return a.filter((f) => f.resourceVersion > from && f.resourceVersion <= to).length;
}

/** A list's objects as checkReplaysToList compares them: each name and resourceVersion. */
export function namedVersions(items: readonly { metadata?: { name?: string; resourceVersion?: string } }[]): { name: string; resourceVersion: number }[] {
  return items.map((o) => ({ name: o.metadata?.name ?? '', resourceVersion: Number(o.metadata?.resourceVersion) }));
}

/** Replays the events onto the objects listed at the watch's start: the result must be what a list shows at the end. */
export function checkReplaysToList(
  start: readonly { name: string; resourceVersion: number }[],
  events: readonly WatchFrame[],
  end: readonly { name: string; resourceVersion: number }[],
  name = 'watch',
): void {
  const state = new Map(start.map((o) => [o.name, o.resourceVersion]));
  for (const e of events) {
    if (e.type === 'DELETED') state.delete(e.name);
    else state.set(e.name, e.resourceVersion);
  }
  const show = (entries: Iterable<[string, number]>): string[] => [...entries].map(([n, rv]) => `${n}@${rv}`).sort();
  assert.deepEqual(show(state), show(end.map((o) => [o.name, o.resourceVersion])), `${name}: its events do not lead to the state listed at the end`);
}
