// upstream's VolumeBinding PreFilter (pkg/scheduler/framework/plugins/volumebinding
// volume_binding.go PreFilter, podHasPVCs, binder.go GetPodVolumeClaims): a
// pod whose claims are missing, being deleted, or not yet bound is not
// placed. Pure: the controller hands it lookups into its caches. kubelab
// binds no claim at scheduling time, so a claim of a WaitForFirstConsumer
// class waits as an Immediate one does.
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';

export const UNBOUND_IMMEDIATE_CLAIMS = 'pod has unbound immediate PersistentVolumeClaims';

/** upstream isPVCBound: the claim names its volume and the binder has completed the binding. */
const fullyBound = (claim: PersistentVolumeClaim) => !!claim.spec?.volumeName && claim.metadata?.annotations?.['pv.kubernetes.io/bind-completed'] !== undefined;

/** Why VolumeBinding rejects the pod (UnschedulableAndUnresolvable), or undefined when its claims are all bound. */
export function volumeBindingRejection(pod: Pod, claimNamed: (name: string) => PersistentVolumeClaim | undefined): string | undefined {
  const names = (pod.spec?.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
  const claims: PersistentVolumeClaim[] = [];
  for (const name of names) {
    const claim = claimNamed(name);
    if (!claim) return `persistentvolumeclaim "${name}" not found`;
    if (claim.metadata?.deletionTimestamp) return `persistentvolumeclaim "${name}" is being deleted`;
    claims.push(claim);
  }
  return claims.every(fullyBound) ? undefined : UNBOUND_IMMEDIATE_CLAIMS;
}
