// The back-off between deletions of failed daemon pods on one node (upstream
// daemon_controller.go failedPodsBackoff, a client-go flowcontrol.Backoff of
// 1 s doubling to 15 min): a kubelet that keeps rejecting a pod must not make
// the controller delete and recreate it in a hot loop. As data: the decision
// reads the entries and says which to write; `now` is passed in.

export const FAILED_POD_BACKOFF_INITIAL_MS = 1_000;
export const FAILED_POD_BACKOFF_MAX_MS = 15 * 60_000;

export interface BackoffEntry {
  readonly backoffMs: number;
  readonly lastUpdate: number;
}

/** upstream failedPodsBackoffKey: per DaemonSet uid, observed generation and node. */
export function failedPodsBackoffKey(dsUid: string, observedGeneration: number, nodeName: string): string {
  return `${dsUid}/${observedGeneration}/${nodeName}`;
}

/** upstream hasExpired: an entry untouched for twice the maximum is forgotten. */
export function backoffExpired(entry: BackoffEntry, now: number): boolean {
  return now - entry.lastUpdate > 2 * FAILED_POD_BACKOFF_MAX_MS;
}

/** upstream IsInBackOffSinceUpdate */
export function inBackoff(entry: BackoffEntry | undefined, now: number): boolean {
  if (!entry || backoffExpired(entry, now)) return false;
  return now - entry.lastUpdate < entry.backoffMs;
}

/** upstream Backoff.Next: 1 s for a new (or expired) entry, else twice the last, at most 15 min. */
export function nextBackoff(entry: BackoffEntry | undefined, now: number): BackoffEntry {
  if (!entry || backoffExpired(entry, now)) return { backoffMs: FAILED_POD_BACKOFF_INITIAL_MS, lastUpdate: now };
  return { backoffMs: Math.min(entry.backoffMs * 2, FAILED_POD_BACKOFF_MAX_MS), lastUpdate: now };
}
