// The simulated provisioner's wiring: kubelab's stand-in for an external
// provisioner (a CSI driver's csi-provisioner sidecar upstream), run as a
// controller of the controllers process. It provisions claims the binder has
// handed to `kubelab.dev/simulated` (provision.ts); its events carry that
// name as their source, as an external provisioner's carry its own.
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import { isAlreadyExists } from '../../client/index.js';
import type { Controller, ControllerDeps } from '../runtime/controller.js';
import { executePlan } from '../runtime/executor.js';
import { planProvision, SIMULATED_PROVISIONER } from './provision.js';

const keyOf = (claim: PersistentVolumeClaim) => `${claim.metadata?.namespace ?? ''}/${claim.metadata?.name ?? ''}`;

export function simulatedProvisionerController(deps: ControllerDeps): Controller {
  const claims = deps.informers.informerFor('PersistentVolumeClaim');
  const volumes = deps.informers.informerFor('PersistentVolume');
  const classes = deps.informers.informerFor('StorageClass');
  return {
    name: 'simulated-provisioner',
    workers: 1,
    watch(enqueue) {
      claims.addEventHandler({ onAdd: (claim) => enqueue(keyOf(claim)), onUpdate: (_old, claim) => enqueue(keyOf(claim)) });
      classes.addEventHandler({ onAdd: () => claims.list().forEach((claim) => enqueue(keyOf(claim))) });
    },
    async sync(key) {
      const claim = claims.get(key);
      if (!claim) return;
      const provisioning = planProvision({ claim, classes: classes.list(), volumeExists: (name) => volumes.get(name) !== undefined, provisioner: SIMULATED_PROVISIONER });
      if (!provisioning) return;
      try {
        await executePlan(provisioning.plan, deps);
      } catch (error) {
        // Created by an earlier sync the cache has not shown yet.
        if (isAlreadyExists(error)) return;
        throw error;
      }
      await executePlan({ events: [provisioning.succeeded], patches: [], deletes: [] }, deps);
    },
  };
}
