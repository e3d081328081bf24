// A pod's readiness as every workload controller reads it (upstream
// pkg/api/v1/pod IsPodReady, IsPodAvailable; pkg/controller/controller_utils.go
// IsPodActive, IsPodTerminating).
import type { Pod } from 'kubernetes-types/core/v1.js';
import { parseTime } from './time.js';

export const isTerminating = (pod: Pod): boolean => Boolean(pod.metadata?.deletionTimestamp);
export const isTerminal = (pod: Pod): boolean => pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded';
/** upstream controller.IsPodActive: neither finished nor being deleted (FilterActivePods keeps these). */
export const isPodActive = (pod: Pod): boolean => !isTerminal(pod) && !isTerminating(pod);

const readyCondition = (pod: Pod) => pod.status?.conditions?.find((c) => c.type === 'Ready');

/** upstream podutil.IsPodReady */
export function isPodReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** When a ready pod became Ready (its Ready condition's lastTransitionTime); undefined if not ready or unknown. */
export function podReadySince(pod: Pod): number | undefined {
  const ready = readyCondition(pod);
  return ready?.status === 'True' ? parseTime(ready.lastTransitionTime) : undefined;
}

/** upstream podutil.IsPodAvailable: Ready for longer than minReadySeconds. */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds === 0) return true;
  const since = podReadySince(pod);
  return since !== undefined && since + minReadySeconds * 1000 < now;
}
