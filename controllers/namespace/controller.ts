// The namespace controller's wiring (upstream pkg/controller/namespace):
// keys are namespace names; a namespace being deleted is read live, its
// content listed live kind by kind (every namespaced kind the catalogue
// serves), deleted, listed again, and its status and finalizer written as
// the plan says.
import type { Namespace } from 'kubernetes-types/core/v1.js';
import { isNotFound, kinds, resourcePath, type KubeObject } from '../../client/index.js';
import type { Controller, ControllerDeps } from '../runtime/controller.js';
import { executePlan } from '../runtime/executor.js';
import type { KindName } from '../runtime/plan.js';
import { KUBERNETES_FINALIZER, namespaceToEmpty, planContentDeletion, planNamespaceStatus, type ResourceContent } from './plan.js';

const namespacedKinds = (Object.keys(kinds) as KindName[]).filter((k) => kinds[k].scope === 'Namespaced');

export function namespaceController(deps: ControllerDeps): Controller {
  const namespaces = deps.informers.informerFor('Namespace');

  async function listContent(namespace: string): Promise<ResourceContent[]> {
    return Promise.all(
      namespacedKinds.map(async (kind) => {
        const { plural, group } = kinds[kind];
        const list = await deps.client.resource<KubeObject>(kinds[kind], namespace).list();
        return { kind, plural, group, items: list.items };
      }),
    );
  }

  /** Upstream finalizeNamespace: PUT namespaces/<name>/finalize without the kubernetes finalizer. */
  async function finalize(namespace: Namespace): Promise<void> {
    const body = { ...namespace, spec: { ...namespace.spec, finalizers: (namespace.spec?.finalizers ?? []).filter((f) => f !== KUBERNETES_FINALIZER) } };
    const path = resourcePath(kinds.Namespace, { name: namespace.metadata?.name, subresource: 'finalize' });
    try {
      await deps.client.request('PUT', path, { body });
    } catch (error) {
      // As upstream: another controller may have finished first.
      if (!isNotFound(error)) throw error;
    }
  }

  return {
    name: 'namespace',
    workers: 10, // upstream --concurrent-namespace-syncs
    watch(enqueue) {
      const deleting = (ns: Namespace) => {
        if (ns.metadata?.deletionTimestamp) enqueue(ns.metadata.name ?? '');
      };
      namespaces.addEventHandler({ onAdd: deleting, onUpdate: (_old, ns) => deleting(ns) });
    },
    async sync(name) {
      if (!namespaces.get(name)?.metadata?.deletionTimestamp) return;
      // As upstream's deleter: the namespace as the API has it now, not as the cache had it.
      let namespace: Namespace;
      try {
        namespace = await deps.client.resource(kinds.Namespace).get(name);
      } catch (error) {
        if (isNotFound(error)) return;
        throw error;
      }
      if (!namespaceToEmpty(namespace)) return;
      const log = deps.log.child({ key: name });
      const content = planContentDeletion(await listContent(name));
      if (content.deletes.length > 0) log.info({ objects: content.deletes.length }, 'deleting the content of the namespace');
      await executePlan(content, { ...deps, log });
      const decision = planNamespaceStatus(namespace, await listContent(name), deps.clock.now());
      await executePlan(decision.plan, { ...deps, log });
      if (!decision.finalize) return { requeueAfterMs: decision.plan.requeueAfterMs };
      log.info('namespace empty: removing the kubernetes finalizer');
      await finalize(await deps.client.resource(kinds.Namespace).get(name));
    },
  };
}
