// Taints against tolerations, as upstream's helpers the taint eviction
// controller uses (k8s.io/api core/v1 toleration.go ToleratesTaint,
// pkg/apis/core/v1/helper GetMatchingTolerations,
// pkg/controller/tainteviction getMinTolerationTime).
import type { Taint, Toleration } from 'kubernetes-types/core/v1.js';

/** upstream Toleration.ToleratesTaint */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? '') {
    case '':
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** upstream GetMatchingTolerations: whether every taint is tolerated, and the first toleration found for each. */
export function matchingTolerations(taints: readonly Taint[], tolerations: readonly Toleration[]): { allTolerated: boolean; used: Toleration[] } {
  const used: Toleration[] = [];
  for (const taint of taints) {
    const match = tolerations.find((t) => toleratesTaint(t, taint));
    if (!match) return { allTolerated: false, used: [] };
    used.push(match);
  }
  return { allTolerated: true, used };
}

/**
 * upstream getMinTolerationTime: the shortest tolerationSeconds among the
 * tolerations used, in ms; 0 if none is used or one is <= 0; Infinity when
 * none sets tolerationSeconds (tolerated for ever).
 */
export function minTolerationMs(used: readonly Toleration[]): number {
  if (used.length === 0) return 0;
  let min = Infinity;
  for (const toleration of used) {
    const seconds = toleration.tolerationSeconds;
    if (seconds === undefined || seconds === null) continue;
    if (seconds <= 0) return 0;
    min = Math.min(min, seconds * 1000);
  }
  return min;
}
