// The endpoints controller's wiring (upstream pkg/controller/endpoint):
// keys are Services (`namespace/name`); a Service's change, a change of a
// pod its selector matches (before or after), or a change of its Endpoints
// by someone else wakes its sync, which recomputes the Endpoints from the
// caches and writes them when they differ.
import { NAMESPACE_INDEX } from '../../client/index.js';
import { splitKey, type Controller, type ControllerDeps } from '../runtime/controller.js';
import { executePlan } from '../runtime/executor.js';
import { planEndpoints } from './plan.js';
import { serviceKeyOf, serviceSelector, watchServicesAndPods } from './service-pods.js';

export function endpointsController(deps: ControllerDeps): Controller {
  const services = deps.informers.informerFor('Service');
  const pods = deps.informers.informerFor('Pod');
  const endpoints = deps.informers.informerFor('Endpoints');

  return {
    name: 'endpoints',
    workers: 5, // upstream --concurrent-endpoint-syncs
    watch(enqueue) {
      watchServicesAndPods(services, pods, enqueue);
      // Endpoints changed or deleted by someone else are put back.
      endpoints.addEventHandler({
        onUpdate: (_old, e) => {
          if (services.get(serviceKeyOf(e))) enqueue(serviceKeyOf(e));
        },
        onDelete: (e) => {
          if (services.get(serviceKeyOf(e))) enqueue(serviceKeyOf(e));
        },
      });
    },
    async sync(key) {
      const { namespace = '', name } = splitKey(key);
      const service = services.get(key);
      const selector = serviceSelector(service);
      const plan = planEndpoints({ service, selector, pods: selector ? pods.byIndex(NAMESPACE_INDEX, namespace) : [], current: endpoints.get(key), namespace, name });
      await executePlan(plan, { ...deps, log: deps.log.child({ key }) });
    },
  };
}
