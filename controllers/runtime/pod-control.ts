// upstream controller_utils.go RealPodControl: a workload controller's pod
// creates and deletes, each recorded on the controller as upstream does
// (SuccessfulCreate `Created pod: web-x7k2p`, FailedCreate `Error creating:
// <error>`, SuccessfulDelete `Deleted pod: web-x7k2p`, FailedDelete `Error
// deleting: <error>`; a pod already gone is no event). Both throw on failure.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isNotFound, kinds } from '../../client/index.js';
import type { ControllerDeps } from './controller.js';
import type { EventSubject } from './plan.js';

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

export interface PodControl {
  createPod(pod: Pod): Promise<Pod>;
  deletePod(name: string): Promise<void>;
}

export function podControl(subject: EventSubject, deps: Pick<ControllerDeps, 'client' | 'recorder'>): PodControl {
  const { apiVersion, kind, namespace, name: subjectName, uid } = subject;
  const object = { apiVersion, kind, metadata: { namespace, name: subjectName, uid } };
  const pods = deps.client.resource(kinds.Pod, namespace);
  return {
    async createPod(pod) {
      try {
        const created = await pods.create(pod);
        deps.recorder.event(object, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
        return created;
      } catch (error) {
        deps.recorder.event(object, 'Warning', 'FailedCreate', `Error creating: ${messageOf(error)}`);
        throw error;
      }
    },
    async deletePod(name) {
      try {
        await pods.delete(name);
        deps.recorder.event(object, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
      } catch (error) {
        if (!isNotFound(error)) deps.recorder.event(object, 'Warning', 'FailedDelete', `Error deleting: ${messageOf(error)}`);
        throw error;
      }
    },
  };
}
