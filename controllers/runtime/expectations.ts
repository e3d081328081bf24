// Upstream's ControllerExpectations (pkg/controller/controller_utils.go): a
// controller records how many creates and deletes it has just issued for a
// key, and does not act on that key again until its informer has observed
// them all, or until they are 5 minutes old (the informer may have missed
// them: a watch gap, a create that failed silently). It is what keeps a
// stale cache from making two daemon pods for one node.
//
// As upstream, a count may go below zero (an observation nothing waited for);
// zero or less is met.
import type { Clock } from '../../client/index.js';

/** upstream ExpectationsTimeout */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  /** When it was set, by the controller's clock. */
  readonly timestamp: number;
}

export class Expectations {
  private readonly byKey = new Map<string, Expectation>();

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs = EXPECTATIONS_TIMEOUT_MS,
  ) {}

  /** Upstream SatisfiedExpectations: no record, all observed, or expired: the controller may sync. */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now() - e.timestamp > this.timeoutMs;
  }

  /** Upstream SetExpectations: replaces what was expected (and restarts its clock). */
  set(key: string, add: number, del: number): void {
    this.byKey.set(key, { add, del, timestamp: this.clock.now() });
  }

  expectCreations(key: string, adds: number): void {
    this.set(key, adds, 0);
  }

  expectDeletions(key: string, dels: number): void {
    this.set(key, 0, dels);
  }

  /** Upstream RaiseExpectations: more of the same, without restarting the clock. */
  raise(key: string, add: number, del: number): void {
    const e = this.byKey.get(key);
    if (e) {
      e.add += add;
      e.del += del;
    }
  }

  /** A create the informer has seen (or one the controller knows will never come: a failed create). */
  creationObserved(key: string): void {
    this.lower(key, 1, 0);
  }

  deletionObserved(key: string): void {
    this.lower(key, 0, 1);
  }

  /** Upstream DeleteExpectations: the controlled object is gone. */
  delete(key: string): void {
    this.byKey.delete(key);
  }

  /** What is still expected, for logs and tests. */
  pending(key: string): { add: number; del: number } | undefined {
    const e = this.byKey.get(key);
    return e ? { add: e.add, del: e.del } : undefined;
  }

  private lower(key: string, add: number, del: number): void {
    const e = this.byKey.get(key);
    if (e) {
      e.add -= add;
      e.del -= del;
    }
  }
}

/**
 * upstream UIDTrackingControllerExpectations: deletions expected by pod key
 * (`namespace/name`). Only the deletion of a pod the controller chose counts:
 * a pod someone else deletes meanwhile (or its update with a
 * deletionTimestamp, then its removal) lowers nothing twice.
 */
export class UIDTrackingExpectations extends Expectations {
  private readonly deleting = new Map<string, Set<string>>();

  /** upstream ExpectDeletions(rcKey, deletedKeys) */
  expectDeletionsOf(key: string, podKeys: readonly string[]): void {
    this.deleting.set(key, new Set(podKeys));
    this.expectDeletions(key, podKeys.length);
  }

  /** upstream DeletionObserved(rcKey, deleteKey): counts once, and only for a pod expected to go. */
  deletionObservedOf(key: string, podKey: string): void {
    if (this.deleting.get(key)?.delete(podKey)) this.deletionObserved(key);
  }

  override delete(key: string): void {
    super.delete(key);
    this.deleting.delete(key);
  }
}
