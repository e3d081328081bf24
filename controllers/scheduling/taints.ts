// Taints against tolerations as the scheduler and the DaemonSet controller
// check them (k8s.io/component-helpers/scheduling/corev1
// FindMatchingUntoleratedTaint).
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';
import { toleratesTaint } from '../tainteviction/tolerations.js';

export { toleratesTaint };

/** Taints the scheduler's TaintToleration filter and the DaemonSet controller consider. */
export const schedulingEffects = (taint: Taint): boolean => taint.effect === 'NoSchedule' || taint.effect === 'NoExecute';

/** Only NoExecute: what keeps an already running daemon pod off a node. */
export const noExecuteOnly = (taint: Taint): boolean => taint.effect === 'NoExecute';

/**
 * upstream FindMatchingUntoleratedTaint: the first taint that passes
 * `include` and that no toleration tolerates, or undefined.
 */
export function findUntoleratedTaint(taints: readonly Taint[] | undefined, tolerations: readonly Toleration[] | undefined, include: (taint: Taint) => boolean): Taint | undefined {
  for (const taint of taints ?? []) {
    if (!include(taint)) continue;
    if (!(tolerations ?? []).some((toleration) => toleratesTaint(toleration, taint))) return taint;
  }
  return undefined;
}

/** A taint as the scheduler's messages print it: `{key: value}` (upstream's `{%s: %s}`). */
export function taintText(taint: Taint): string {
  return `{${taint.key}: ${taint.value ?? ''}}`;
}
