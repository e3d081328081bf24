// The pod garbage collector's wiring (upstream pkg/controller/podgc): one
// key, a pass over every pod every gcCheckPeriod (20 s, as upstream), and
// also whenever a Node is deleted or a pod turns up that the pass could
// collect, so a lab need not wait for the period. Its memory is the quarantine: since when
// each missing Node has been missing.
import type { Pod } from 'kubernetes-types/core/v1.js';
import { isNotFound, kinds } from '../../client/index.js';
import type { Controller, ControllerDeps } from '../runtime/controller.js';
import { executePlan } from '../runtime/executor.js';
import { earliestRequeue } from '../runtime/plan.js';
import { planPodGC, planQuarantine } from './plan.js';

export interface PodGCOptions {
  /** upstream gcCheckPeriod */
  readonly gcCheckPeriodMs: number;
  /**
   * How long a pod's Node must be missing from the cache before it is looked
   * up live (upstream's quarantineTime, 40 s; shorter in the lab).
   */
  readonly quarantineMs: number;
}

export const podGCDefaults: PodGCOptions = { gcCheckPeriodMs: 20_000, quarantineMs: 10_000 };

const KEY = 'pods';

export function podGCController(deps: ControllerDeps, options: Partial<PodGCOptions> = {}): Controller {
  const { gcCheckPeriodMs, quarantineMs } = { ...podGCDefaults, ...options };
  const pods = deps.informers.informerFor('Pod');
  const nodes = deps.informers.informerFor('Node');
  let missingSince = new Map<string, number>();

  async function nodeExists(name: string): Promise<boolean> {
    try {
      await deps.client.resource(kinds.Node).get(name);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  return {
    name: 'podgc',
    workers: 1,
    watch(enqueue) {
      // Only a pod this pass could collect wakes it: one on a Node the cache lacks, or unscheduled and being deleted.
      // (A pass over every pod for each of a rollout's thousands of pod events would cost more than the rollout.)
      const collectable = (pod: Pod) => {
        const node = pod.spec?.nodeName;
        return node ? nodes.get(node) === undefined : pod.metadata?.deletionTimestamp !== undefined;
      };
      const gcInputs = (pod: Pod) => `${pod.spec?.nodeName ?? ''} ${pod.metadata?.deletionTimestamp ?? ''}`;
      nodes.addEventHandler({ onDelete: () => enqueue(KEY) });
      pods.addEventHandler({
        onAdd: (pod) => {
          if (collectable(pod)) enqueue(KEY);
        },
        onUpdate: (old, pod) => {
          if (gcInputs(old) !== gcInputs(pod) && collectable(pod)) enqueue(KEY);
        },
      });
      enqueue(KEY);
    },
    async sync() {
      const now = deps.clock.now();
      const all = pods.list();
      const quarantine = planQuarantine({ pods: all, nodeNames: new Set(nodes.list().map((n) => n.metadata?.name ?? '')), missingSince, now, quarantineMs });
      missingSince = quarantine.missingSince;
      // As upstream's checkIfNodeExists: the cache may lag, so the API has the last word.
      const absent = new Set<string>();
      for (const name of quarantine.due) {
        if (await nodeExists(name)) missingSince.delete(name);
        else absent.add(name);
      }
      const plan = planPodGC(all, absent, now);
      for (const action of plan.deletes) deps.log.info({ pod: `${action.namespace}/${action.name}` }, `force-deleting pod: ${action.reason}`);
      await executePlan(plan, deps);
      for (const name of absent) missingSince.delete(name);
      return { requeueAfterMs: earliestRequeue(quarantine.requeueAfterMs, gcCheckPeriodMs) };
    },
  };
}
