// What wakes a Service's sync in the controllers that list its pods
// (endpoints and EndpointSlice, upstream's shared
// pkg/controller/util/endpoint): the Service itself, and a change of a pod
// its selector matches, before or after, in what they show of the pod.
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { NAMESPACE_INDEX, type Informer } from '../../client/index.js';
import { labelSelectorFromSet, type LabelSelector } from '../../proto/index.js';
import type { Enqueue } from '../runtime/controller.js';

export const serviceKeyOf = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

/** The Service's selector, parsed; undefined for a Service without one (its endpoints are kept by hand). */
export const serviceSelector = (service: Service | undefined): LabelSelector | undefined =>
  service && Object.keys(service.spec?.selector ?? {}).length > 0 ? labelSelectorFromSet(service.spec!.selector) : undefined;

/** What of a pod endpoints show: a change of anything else wakes no Service. */
const endpointInputs = (pod: Pod) =>
  JSON.stringify([pod.metadata?.labels, pod.status?.podIP, pod.status?.phase, pod.metadata?.deletionTimestamp, pod.spec?.nodeName, pod.status?.conditions?.find((c) => c.type === 'Ready')?.status, pod.spec?.hostname, pod.spec?.subdomain]);

/** Enqueues a Service when it changes, and every Service of a pod's namespace whose selector matches the pod when the pod changes (upstream getPodServiceMemberships). */
export function watchServicesAndPods(services: Informer<Service>, pods: Informer<Pod>, enqueue: Enqueue): void {
  services.addEventHandler({
    onAdd: (service) => enqueue(serviceKeyOf(service)),
    onUpdate: (_old, service) => enqueue(serviceKeyOf(service)),
    onDelete: (service) => enqueue(serviceKeyOf(service)),
  });
  const wakeServicesOf = (pod: Pod) => {
    const labels = pod.metadata?.labels ?? {};
    for (const service of services.byIndex(NAMESPACE_INDEX, pod.metadata?.namespace ?? '')) {
      if (serviceSelector(service)?.matches(labels)) enqueue(serviceKeyOf(service));
    }
  };
  pods.addEventHandler({
    onAdd: wakeServicesOf,
    onUpdate: (old, pod) => {
      if (endpointInputs(old) === endpointInputs(pod)) return;
      wakeServicesOf(old);
      wakeServicesOf(pod);
    },
    onDelete: wakeServicesOf,
  });
}
