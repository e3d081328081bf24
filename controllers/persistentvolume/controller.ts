// The PersistentVolume binder's wiring (upstream
// pkg/controller/volume/persistentvolume pv_controller_base.go): one queue of
// claims (`claim:<namespace>/<name>`) and volumes (`volume:<name>`), one
// worker (upstream's claim and volume workers each run alone). A change of a
// claim syncs the claim and the volumes that name it; a change of a volume
// syncs the volume, the claim it names, and the waiting claims when it may
// now fit one; a new StorageClass wakes the waiting claims. A volume whose
// claim the cache lacks looks the claim up live before reclaiming, as
// upstream's syncVolume does.
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import { isNotFound, kinds } from '../../client/index.js';
import type { Controller, ControllerDeps, Enqueue } from '../runtime/controller.js';
import { executePlan } from '../runtime/executor.js';
import { planClaim, planVolume } from './plan.js';

const claimKeyOf = (namespace: string | undefined, name: string | undefined) => `claim:${namespace ?? ''}/${name ?? ''}`;
const claimKey = (claim: PersistentVolumeClaim) => claimKeyOf(claim.metadata?.namespace, claim.metadata?.name);
const volumeKey = (volume: PersistentVolume) => `volume:${volume.metadata?.name ?? ''}`;

export function persistentVolumeBinderController(deps: ControllerDeps): Controller {
  const claims = deps.informers.informerFor('PersistentVolumeClaim');
  const volumes = deps.informers.informerFor('PersistentVolume');
  const classes = deps.informers.informerFor('StorageClass');

  function wakeWaitingClaims(enqueue: Enqueue): void {
    for (const claim of claims.list()) if (claim.status?.phase !== 'Bound') enqueue(claimKey(claim));
  }
  function volumeChanged(enqueue: Enqueue, volume: PersistentVolume): void {
    enqueue(volumeKey(volume));
    const ref = volume.spec?.claimRef;
    if (ref) enqueue(claimKeyOf(ref.namespace, ref.name));
    if (!ref && volume.status?.phase === 'Available') wakeWaitingClaims(enqueue);
  }

  async function claimOfVolume(volume: PersistentVolume): Promise<PersistentVolumeClaim | undefined> {
    const ref = volume.spec?.claimRef;
    if (!ref?.name) return undefined;
    const cached = claims.get(`${ref.namespace ?? ''}/${ref.name}`);
    if (cached?.metadata?.uid === ref.uid) return cached;
    try {
      return await deps.client.resource(kinds.PersistentVolumeClaim, ref.namespace ?? '').get(ref.name);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  return {
    name: 'persistentvolume-binder',
    workers: 1,
    watch(enqueue) {
      claims.addEventHandler({
        onAdd: (claim) => enqueue(claimKey(claim)),
        onUpdate: (_old, claim) => enqueue(claimKey(claim)),
        onDelete: (claim) => {
          for (const volume of volumes.list()) {
            const ref = volume.spec?.claimRef;
            if (volume.metadata?.name === claim.spec?.volumeName || (ref?.name === claim.metadata?.name && ref?.namespace === claim.metadata?.namespace)) enqueue(volumeKey(volume));
          }
        },
      });
      volumes.addEventHandler({
        onAdd: (volume) => volumeChanged(enqueue, volume),
        onUpdate: (_old, volume) => volumeChanged(enqueue, volume),
        onDelete: (volume) => {
          const ref = volume.spec?.claimRef;
          if (ref) enqueue(claimKeyOf(ref.namespace, ref.name));
        },
      });
      classes.addEventHandler({ onAdd: () => wakeWaitingClaims(enqueue) });
    },
    async sync(key) {
      const now = deps.clock.now();
      if (key.startsWith('claim:')) {
        const claim = claims.get(key.slice('claim:'.length));
        if (!claim) return;
        const plan = planClaim({ claim, volumes: volumes.list(), classes: classes.list(), now });
        await executePlan(plan, deps);
        return { requeueAfterMs: plan.requeueAfterMs };
      }
      const volume = volumes.get(key.slice('volume:'.length));
      if (!volume) return;
      const plan = planVolume({ volume, claim: await claimOfVolume(volume), now });
      await executePlan(plan, deps);
      return { requeueAfterMs: plan.requeueAfterMs };
    },
  };
}
