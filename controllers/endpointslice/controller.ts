// The EndpointSlice controller's wiring (upstream pkg/controller/endpointslice):
// keys are Services (`namespace/name`), woken as the endpoints controller's
// are, and also by a change of one of its slices by someone else. Its slices
// are made with generateName, so a cache that has not yet seen the last
// creates would make more: as upstream's endpointSliceTracker, the controller
// waits (Expectations) until its informer has seen what it created and
// deleted before planning that Service again.
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { NAMESPACE_INDEX } from '../../client/index.js';
import { serviceKeyOf, serviceSelector, watchServicesAndPods } from '../endpoints/service-pods.js';
import type { Controller, ControllerDeps } from '../runtime/controller.js';
import { splitKey } from '../runtime/controller.js';
import { executePlan } from '../runtime/executor.js';
import { Expectations } from '../runtime/expectations.js';
import { POD_NODE_NAME_INDEX } from '../runtime/informer-factory.js';
import { MANAGED_BY_LABEL, CONTROLLER_NAME, SERVICE_NAME_LABEL, nodeZone, planEndpointSlices } from './plan.js';

/** The Service key of a slice this controller manages, or undefined for anyone else's. */
function managingServiceKey(slice: EndpointSlice): string | undefined {
  const labels = slice.metadata?.labels ?? {};
  const service = labels[SERVICE_NAME_LABEL];
  if (!service || labels[MANAGED_BY_LABEL] !== CONTROLLER_NAME) return undefined;
  return `${slice.metadata?.namespace ?? ''}/${service}`;
}

export function endpointSliceController(deps: ControllerDeps): Controller {
  const services = deps.informers.informerFor('Service');
  const pods = deps.informers.informerFor('Pod');
  const nodes = deps.informers.informerFor('Node');
  const slices = deps.informers.informerFor('EndpointSlice');
  const expectations = new Expectations(deps.clock);

  return {
    name: 'endpointslice',
    workers: 5, // upstream --concurrent-service-endpoint-syncs
    watch(enqueue) {
      watchServicesAndPods(services, pods, enqueue);
      const sliceChanged = (slice: EndpointSlice, seen?: 'created' | 'deleted') => {
        const key = managingServiceKey(slice);
        if (!key) return;
        if (seen === 'created') expectations.creationObserved(key);
        if (seen === 'deleted') expectations.deletionObserved(key);
        enqueue(key);
      };
      slices.addEventHandler({
        onAdd: (slice) => sliceChanged(slice, 'created'),
        onUpdate: (old, slice) => {
          // A slice relabelled to another Service (or away from this controller) wakes both.
          if (managingServiceKey(old) !== managingServiceKey(slice)) sliceChanged(old);
          sliceChanged(slice);
        },
        onDelete: (slice) => sliceChanged(slice, 'deleted'),
      });
      // A node's zone is in its endpoints.
      nodes.addEventHandler({
        onUpdate: (old, node) => {
          if (nodeZone(old.metadata?.labels) === nodeZone(node.metadata?.labels)) return;
          const namespaces = new Set(pods.byIndex(POD_NODE_NAME_INDEX, node.metadata?.name ?? '').map((p) => p.metadata?.namespace ?? ''));
          for (const namespace of namespaces) for (const service of services.byIndex(NAMESPACE_INDEX, namespace)) enqueue(serviceKeyOf(service));
        },
      });
    },
    async sync(key) {
      if (!expectations.satisfied(key)) return; // the informer's add or delete of our last write wakes it again
      const { namespace = '' } = splitKey(key);
      const service = services.get(key);
      if (!service) {
        expectations.delete(key);
        return;
      }
      const selector = serviceSelector(service);
      const plan = planEndpointSlices({
        service,
        selector,
        pods: selector ? pods.byIndex(NAMESPACE_INDEX, namespace) : [],
        zoneOf: (nodeName) => nodeZone(nodes.get(nodeName)?.metadata?.labels),
        slices: slices.byIndex(NAMESPACE_INDEX, namespace).filter((s) => managingServiceKey(s) === key),
      });
      expectations.set(key, plan.creates?.length ?? 0, plan.deletes.length);
      try {
        await executePlan(plan, { ...deps, log: deps.log.child({ key }) });
      } catch (error) {
        // What failed will never be observed: plan again from the caches on the retry.
        expectations.delete(key);
        throw error;
      }
    },
  };
}
