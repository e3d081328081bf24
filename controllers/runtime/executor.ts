// Applies a Plan through the API (STYLE.md 4: the dumb executor). Knows no
// controller: it patches, deletes and records what it is told, in order, and
// throws on the first failure so runWorker retries the key with backoff. An
// object already gone is not a failure: the next sync sees it gone.
import type { Logger } from 'pino';
import { isNotFound, kinds, type EventRecorder, type KubeClient, type KubeObject } from '../../client/index.js';
import type { Plan } from './plan.js';

export interface PlanExecutorDeps {
  readonly client: KubeClient;
  readonly recorder: EventRecorder;
  readonly log: Logger;
}

export async function executePlan(plan: Plan, deps: PlanExecutorDeps): Promise<void> {
  for (const event of plan.events) {
    const { apiVersion, kind, namespace, name, uid } = event.regarding;
    deps.recorder.event({ apiVersion, kind, metadata: { namespace, name, uid } }, event.type, event.reason, event.message);
  }
  for (const action of plan.creates ?? []) {
    const resource = deps.client.resource<KubeObject>(kinds[action.kind], action.namespace);
    const created = await resource.create(action.object);
    deps.log.debug({ kind: action.kind, namespace: action.namespace, name: created.metadata?.name, reason: action.reason }, 'created');
  }
  for (const action of plan.bindings ?? []) {
    const pods = deps.client.resource(kinds.Pod, action.namespace);
    await pods.bind(action.name, { metadata: { name: action.name, namespace: action.namespace, ...(action.uid ? { uid: action.uid } : {}) }, target: { kind: 'Node', name: action.nodeName } });
    deps.log.debug({ pod: `${action.namespace}/${action.name}`, node: action.nodeName }, 'bound');
  }
  for (const action of plan.patches) {
    const resource = deps.client.resource<KubeObject>(kinds[action.kind], action.namespace);
    try {
      const { subresource, fieldManager, force } = action;
      await resource.patch(action.name, action.patch, action.patchType, { ...(subresource ? { subresource } : {}), ...(fieldManager ? { fieldManager } : {}), ...(force ? { force } : {}) });
      deps.log.debug({ kind: action.kind, name: action.name, subresource: action.subresource, reason: action.reason }, 'patched');
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
  for (const action of plan.deletes) {
    const resource = deps.client.resource<KubeObject>(kinds[action.kind], action.namespace);
    try {
      const { preconditions, propagationPolicy, gracePeriodSeconds } = action;
      await resource.delete(action.name, { preconditions, propagationPolicy, gracePeriodSeconds });
      deps.log.debug({ kind: action.kind, namespace: action.namespace, name: action.name, reason: action.reason }, 'deleted');
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
