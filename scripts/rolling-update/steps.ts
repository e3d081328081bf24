// The rolling update's steps: how far to scale the new controller up and the
// old one down each time round the loop, after old kubectl's RollingUpdater
// (pkg/kubectl/rolling_updater.go, v1.17 staging/src/k8s.io/kubectl/pkg/cmd/
// rollingupdate: Update, scaleUp, scaleDown, deploymentutil.ResolveFenceposts).
// Pure: replica counts in, a target out.
//
// Invariants, with the command's fixed maxSurge 1 and maxUnavailable 0:
// - a scale-up never takes old + new above desired + maxSurge (unless the old
//   controller is already at 0, when the new one goes straight to desired);
// - a scale-down never takes old + available new below desired -
//   maxUnavailable: only new pods that are available stand in for old ones.
// Worked trace (desired 3, old at 3, every new pod available by the time the
// old one is scaled down), which steps.test.ts replays:
//   bounds: keep 3 pods available, don't exceed 4 pods
//   up new to 1 (1+3=4), down old to 2 (4-3-0=1 fewer)
//   up new to 2 (2+2=4), down old to 1
//   up new to 3 (3+1=4), down old to 0 (new at desired and all available)

/** Old kubectl's defaults, which `rolling-update` did not let the user change. */
export const updateLimits = { maxSurge: 1, maxUnavailable: 0 } as const;

export interface UpdateBounds {
  readonly desired: number;
  readonly maxSurge: number;
  readonly maxUnavailable: number;
  /** The fewest pods that must stay available throughout. */
  readonly minAvailable: number;
}

export interface ReplicaCounts {
  /** The old controller's spec.replicas. */
  readonly oldReplicas: number;
  /** The new controller's spec.replicas. */
  readonly newReplicas: number;
}

/** upstream ResolveFenceposts and the bounds Update computes before its loop. */
export function updateBounds(desired: number, oldReplicas: number, limits: { maxSurge: number; maxUnavailable: number } = updateLimits): UpdateBounds {
  const { maxSurge } = limits;
  let { maxUnavailable } = limits;
  // as upstream ResolveFenceposts: both at zero would never move, so one pod may be unavailable.
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  let minAvailable = Math.max(0, desired - maxUnavailable);
  // Scaling to zero: every old pod may go at once.
  if (desired === 0) {
    maxUnavailable = oldReplicas;
    minAvailable = 0;
  }
  return { desired, maxSurge, maxUnavailable, minAvailable };
}

/** The loop runs until the new controller is at desired and the old one at zero. */
export const updateDone = (counts: ReplicaCounts, bounds: UpdateBounds): boolean => counts.newReplicas === bounds.desired && counts.oldReplicas === 0;

/** upstream scaleUp: the new controller's next size, or undefined when it cannot grow now. */
export function scaleUpTarget(counts: ReplicaCounts, bounds: UpdateBounds): number | undefined {
  const { oldReplicas, newReplicas } = counts;
  if (newReplicas === bounds.desired) return undefined;
  // As far as the surge allows; all the way once the old controller is gone.
  const increment = oldReplicas === 0 ? bounds.desired - newReplicas : bounds.desired + bounds.maxSurge - (oldReplicas + newReplicas);
  if (increment <= 0) return undefined;
  return Math.min(newReplicas + increment, bounds.desired);
}

/**
 * upstream scaleDown: the old controller's next size, or undefined when it
 * cannot shrink without going below minAvailable. `newAvailable` counts the
 * new controller's available pods (Ready for minReadySeconds, not deleted).
 */
export function scaleDownTarget(counts: ReplicaCounts & { readonly newAvailable: number }, bounds: UpdateBounds): number | undefined {
  const { oldReplicas, newReplicas, newAvailable } = counts;
  if (oldReplicas === 0) return undefined;
  // The old controller counts as available: availability is kept even if its pods die meanwhile.
  const newUnavailable = newReplicas - newAvailable;
  const decrement = oldReplicas + newReplicas - bounds.minAvailable - newUnavailable;
  if (decrement <= 0) return undefined;
  // The new controller is complete and available: the rest of the old one goes.
  if (newReplicas === bounds.desired && newAvailable === bounds.desired) return 0;
  return Math.max(0, oldReplicas - decrement);
}
