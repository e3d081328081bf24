// --image: the old controller gets the deployment key too, so that its pods
// and the new controller's never match each other's selector. After old
// kubectl's UpdateExistingReplicationController and
// AddDeploymentKeyToReplicationController (v1.17 rolling_updater.go), with
// merge patches in place of its read-modify-write retries.
import type { Pod, ReplicationController } from 'kubernetes-types/core/v1.js';
import { isNotFound, kinds, type KubeClient } from '../../client/index.js';
import { annotations, nameOf } from './controllers.js';
import { selectorText } from './updater.js';

/** Records the next controller on the old one and, the first time, adds the deployment key to it and its pods. */
export async function prepareOldController(client: KubeClient, oldRc: ReplicationController, nextName: string, key: string, value: string): Promise<ReplicationController> {
  const rcs = client.resource(kinds.ReplicationController, oldRc.metadata?.namespace);
  const pods = client.resource<Pod>(kinds.Pod, oldRc.metadata?.namespace);
  const name = nameOf(oldRc);
  const next = { metadata: { annotations: { [annotations.nextController]: nextName } } };
  if (oldRc.spec?.selector?.[key] !== undefined) return rcs.patch(name, next);

  // The template first, so that any pod made from now on carries the key.
  const labelled = await rcs.patch(name, { ...next, spec: { template: { metadata: { labels: { [key]: value } } } } });
  const originalSelector = selectorText(labelled.spec?.selector);
  // Every pod the controller has gets the key, so it still matches once the selector has it.
  for (const pod of (await pods.list({ labelSelector: originalSelector })).items) {
    try {
      await pods.patch(nameOf(pod), { metadata: { labels: { [key]: value } } });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  const selected = await rcs.patch(name, { spec: { selector: { [key]: value } } });
  // A pod the controller made from the old template meanwhile has no key: it would be orphaned.
  for (const pod of (await pods.list({ labelSelector: originalSelector })).items) {
    if (pod.metadata?.labels?.[key] === value) continue;
    try {
      await pods.delete(nameOf(pod));
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  return selected;
}
