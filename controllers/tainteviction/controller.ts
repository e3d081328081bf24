// The taint eviction controller's wiring (upstream
// pkg/controller/tainteviction, a controller of its own since v1.29): keys
// are node names; a change of a node's NoExecute taints, or of a pod's node,
// tolerations or deletion, wakes that node's sync. Its memory, the scheduled
// evictions, is updated only once a plan has been applied, so a failed
// delete is tried again.
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { Controller, ControllerDeps } from '../runtime/controller.js';
import { executePlan } from '../runtime/executor.js';
import { POD_NODE_NAME_INDEX } from '../runtime/informer-factory.js';
import { noExecuteTaints, planTaintEviction, type PodEviction } from './plan.js';

const taintsOf = (node: Node) => JSON.stringify(noExecuteTaints(node));
const evictionInputs = (pod: Pod) => JSON.stringify([pod.spec?.nodeName, pod.spec?.tolerations, pod.metadata?.deletionTimestamp !== undefined]);

export function taintEvictionController(deps: ControllerDeps): Controller {
  const nodes = deps.informers.informerFor('Node');
  const pods = deps.informers.informerFor('Pod');
  const evictionsByNode = new Map<string, Map<string, PodEviction>>();

  return {
    name: 'tainteviction',
    workers: 8, // upstream UpdateWorkerSize
    watch(enqueue) {
      const nodeOf = (node: Node) => node.metadata?.name ?? '';
      nodes.addEventHandler({
        onAdd: (node) => enqueue(nodeOf(node)),
        onUpdate: (old, node) => {
          if (taintsOf(old) !== taintsOf(node)) enqueue(nodeOf(node));
        },
        onDelete: (node) => enqueue(nodeOf(node)),
      });
      const podChanged = (pod: Pod) => {
        if (pod.spec?.nodeName) enqueue(pod.spec.nodeName);
      };
      pods.addEventHandler({
        onAdd: podChanged,
        onUpdate: (old, pod) => {
          if (evictionInputs(old) !== evictionInputs(pod)) podChanged(pod);
        },
        onDelete: podChanged,
      });
    },
    async sync(nodeName) {
      const node = nodes.get(nodeName);
      const decision = planTaintEviction({
        nodeName,
        node,
        pods: pods.byIndex(POD_NODE_NAME_INDEX, nodeName),
        evictions: evictionsByNode.get(nodeName) ?? new Map(),
        now: deps.clock.now(),
      });
      const log = deps.log.child({ key: nodeName });
      for (const action of decision.plan.deletes) log.info({ pod: `${action.namespace}/${action.name}` }, 'deleting pod: NoExecute taint not tolerated');
      await executePlan(decision.plan, { ...deps, log });
      if (decision.evictions.size > 0) evictionsByNode.set(nodeName, decision.evictions);
      else evictionsByNode.delete(nodeName);
      return { requeueAfterMs: decision.plan.requeueAfterMs };
    },
  };
}
