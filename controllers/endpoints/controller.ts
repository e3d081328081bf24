// The endpoints controller's wiring (upstream pkg/controller/endpoint):
// keys are Services (`namespace/name`); a Service's change, a change of a
// pod its selector matches (before or after), or a change of its Endpoints
// by someone else wakes its sync, which recomputes the Endpoints from the
// caches and writes them when they differ.
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { NAMESPACE_INDEX } from '../../client/index.js';
import { labelSelectorFromSet } from '../../proto/index.js';
import { splitKey, type Controller, type ControllerDeps } from '../runtime/controller.js';
import { executePlan } from '../runtime/executor.js';
import { planEndpoints } from './plan.js';

const keyOf = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
const hasSelector = (service: Service) => Object.keys(service.spec?.selector ?? {}).length > 0;

/** What of a pod an Endpoints shows: a change of anything else wakes no Service. */
const endpointInputs = (pod: Pod) =>
  JSON.stringify([pod.metadata?.labels, pod.status?.podIP, pod.status?.phase, pod.metadata?.deletionTimestamp, pod.spec?.nodeName, pod.status?.conditions?.find((c) => c.type === 'Ready')?.status, pod.spec?.hostname, pod.spec?.subdomain]);

export function endpointsController(deps: ControllerDeps): Controller {
  const services = deps.informers.informerFor('Service');
  const pods = deps.informers.informerFor('Pod');
  const endpoints = deps.informers.informerFor('Endpoints');

  return {
    name: 'endpoints',
    workers: 5, // upstream --concurrent-endpoint-syncs
    watch(enqueue) {
      services.addEventHandler({
        onAdd: (service) => enqueue(keyOf(service)),
        onUpdate: (_old, service) => enqueue(keyOf(service)),
        onDelete: (service) => enqueue(keyOf(service)),
      });
      // upstream getPodServiceMemberships: the Services of the pod's namespace whose selector matches it.
      const wakeServicesOf = (pod: Pod) => {
        const labels = pod.metadata?.labels ?? {};
        for (const service of services.byIndex(NAMESPACE_INDEX, pod.metadata?.namespace ?? '')) {
          if (hasSelector(service) && labelSelectorFromSet(service.spec!.selector).matches(labels)) enqueue(keyOf(service));
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
      // Endpoints changed or deleted by someone else are put back.
      endpoints.addEventHandler({
        onUpdate: (_old, e) => {
          if (services.get(keyOf(e))) enqueue(keyOf(e));
        },
        onDelete: (e) => {
          if (services.get(keyOf(e))) enqueue(keyOf(e));
        },
      });
    },
    async sync(key) {
      const { namespace = '', name } = splitKey(key);
      const service = services.get(key);
      const selector = service && hasSelector(service) ? labelSelectorFromSet(service.spec!.selector) : undefined;
      const plan = planEndpoints({ service, selector, pods: selector ? pods.byIndex(NAMESPACE_INDEX, namespace) : [], current: endpoints.get(key), namespace, name });
      await executePlan(plan, { ...deps, log: deps.log.child({ key }) });
    },
  };
}
