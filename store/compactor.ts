// Automatic compaction: which revision may be forgotten. Like etcd's
// revision and periodic compactors combined, a revision is compacted only
// when it is both at least `retainRevisions` behind the current one and was
// already superseded `retainMs` ago, so a burst of writes does not erase the
// history a briefly disconnected watcher needs to resume.
import type { AutoCompactionOptions } from './options.js';

interface Sample {
  /** When the sample's bucket began. */
  readonly bucket: number;
  time: number;
  revision: number;
}

/**
 * Remembers when revisions became current, coarsely: one sample per
 * `resolutionMs`, each meaning "this revision was committed by this time".
 */
export class RevisionTimeline {
  private readonly samples: Sample[] = [];

  constructor(private readonly resolutionMs: number) {}

  observe(time: number, revision: number): void {
    const last = this.samples[this.samples.length - 1];
    if (last && time - last.bucket < this.resolutionMs) {
      // Same bucket: move the sample forward, still "committed by this time".
      last.time = time;
      last.revision = revision;
      return;
    }
    this.samples.push({ bucket: time, time, revision });
  }

  /** The highest revision known to have been committed at or before `time` (0 if none). */
  revisionAt(time: number): number {
    let found = 0;
    for (const sample of this.samples) {
      if (sample.time > time) break;
      found = sample.revision;
    }
    return found;
  }

  /** Drops samples older than the last one at or before `time`: they will never be asked for again. */
  forgetBefore(time: number): void {
    let keepFrom = 0;
    while (keepFrom + 1 < this.samples.length && this.samples[keepFrom + 1]!.time <= time) keepFrom++;
    this.samples.splice(0, keepFrom);
  }
}

/** The revision to compact to now, or undefined when there is nothing to do. */
export function autoCompactionTarget(
  options: AutoCompactionOptions,
  state: { now: number; currentRevision: number; compactRevision: number; timeline: RevisionTimeline },
): number | undefined {
  const byCount = state.currentRevision - options.retainRevisions;
  const byAge = state.timeline.revisionAt(state.now - options.retainMs);
  const target = Math.min(byCount, byAge);
  return target > state.compactRevision ? target : undefined;
}
