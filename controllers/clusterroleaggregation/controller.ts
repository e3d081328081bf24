// The clusterrole-aggregation controller's wiring (upstream
// pkg/controller/clusterroleaggregation): one informer of ClusterRoles; any
// add, update or delete enqueues every aggregating ClusterRole (the roles are
// few, and which aggregation a change touches is not known); sync(name)
// aggregates one from the cache and applies its rules when they changed.
import type { Controller, ControllerDeps } from '../runtime/controller.js';
import { executePlan } from '../runtime/executor.js';
import { aggregatingRoleNames, planClusterRoleAggregation } from './plan.js';

export function clusterRoleAggregationController(deps: ControllerDeps): Controller {
  const clusterRoles = deps.informers.informerFor('ClusterRole');
  return {
    name: 'clusterrole-aggregation',
    workers: 5, // as kube-controller-manager's crac.Run(ctx, 5)
    watch(enqueue) {
      const enqueueAll = () => {
        for (const name of aggregatingRoleNames(clusterRoles.list())) enqueue(name);
      };
      clusterRoles.addEventHandler({ onAdd: enqueueAll, onUpdate: enqueueAll, onDelete: enqueueAll });
    },
    async sync(name) {
      const role = clusterRoles.get(name);
      if (!role) return;
      const plan = planClusterRoleAggregation(role, clusterRoles.list());
      if (plan.patches.length > 0) deps.log.info({ clusterRole: name }, 'aggregating rules');
      await executePlan(plan, deps);
    },
  };
}
