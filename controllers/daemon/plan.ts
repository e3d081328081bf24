// The DaemonSet controller's decision for one DaemonSet (upstream
// daemon_controller.go updateDaemonSet): manage first (pods missing, failed,
// extra or misplaced); only when it has nothing to do, a rolling update step.
// Upstream runs both in one sync, but manage's creates and deletes leave
// expectations unmet, which skips the rolling update: the same thing.
import { planManage } from './manage.js';
import { planRollingUpdate } from './rolling-update.js';
import { daemonSetCounts, statusPatch } from './status.js';
import type { DaemonSetState, NodeActions } from './state.js';
import type { PatchAction } from '../runtime/plan.js';

export function planDaemonSet(state: DaemonSetState): NodeActions {
  const managed = planManage(state);
  if (managed.nodesNeedingPods.length > 0 || managed.podsToDelete.length > 0) return managed;
  if (state.ds.spec?.updateStrategy?.type !== 'RollingUpdate') return managed;
  const step = planRollingUpdate(state);
  return { ...step, events: managed.events, backoff: managed.backoff, requeueAfterMs: managed.requeueAfterMs };
}

export interface StatusDecision {
  readonly patch?: PatchAction;
  /** upstream: resync after minReadySeconds while a ready pod is not yet available. */
  readonly requeueAfterMs?: number;
}

/** upstream updateDaemonSetStatus */
export function planStatus(state: DaemonSetState, updateObservedGeneration: boolean): StatusDecision {
  const counts = daemonSetCounts(state);
  const minReady = state.ds.spec?.minReadySeconds ?? 0;
  const patch = statusPatch(state.ds, counts, updateObservedGeneration);
  const requeueAfterMs = minReady > 0 && counts.numberReady !== counts.numberAvailable ? minReady * 1000 : undefined;
  return { patch, requeueAfterMs };
}
