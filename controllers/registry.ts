// The controllers this process can run, by name (kube-controller-manager's
// NewControllerDescriptors). A later controller adds one line here.
import type { Controller, ControllerDeps } from './runtime/controller.js';
import { clusterRoleAggregationController } from './clusterroleaggregation/controller.js';
import { daemonSetController, type DaemonSetControllerOptions } from './daemon/controller.js';
import { endpointsController } from './endpoints/controller.js';
import { endpointSliceController } from './endpointslice/controller.js';
import { garbageCollectorController } from './garbagecollector/controller.js';
import { namespaceController } from './namespace/controller.js';
import { persistentVolumeBinderController } from './persistentvolume/controller.js';
import { simulatedProvisionerController } from './persistentvolume/provisioner.js';
import { nodeLifecycleController, type NodeLifecycleOptions } from './nodelifecycle/controller.js';
import { podGCController, type PodGCOptions } from './podgc/controller.js';
import { replicationManager, type ReplicationManagerOptions } from './replication/controller.js';
import { schedulerController, type SchedulerOptions } from './scheduler/controller.js';
import { statefulSetController, type StatefulSetControllerOptions } from './statefulset/controller.js';
import { taintEvictionController } from './tainteviction/controller.js';

/** Every controller's options, in one typed object (STYLE.md 16). */
export interface ControllerOptions {
  readonly nodeLifecycle?: Partial<NodeLifecycleOptions>;
  readonly scheduler?: Partial<SchedulerOptions>;
  readonly daemonSet?: Partial<DaemonSetControllerOptions>;
  readonly podGC?: Partial<PodGCOptions>;
  readonly statefulSet?: Partial<StatefulSetControllerOptions>;
  readonly replicationController?: Partial<ReplicationManagerOptions>;
}

interface ControllerDescriptor {
  /** The upstream name, also accepted by --controllers. */
  readonly upstreamName: string;
  /** Its events' source.component, as upstream. */
  readonly component: string;
  readonly make: (deps: ControllerDeps, options: ControllerOptions) => Controller;
}

export const controllerDescriptors: Readonly<Record<string, ControllerDescriptor>> = {
  nodelifecycle: { upstreamName: 'node-lifecycle-controller', component: 'node-controller', make: (deps, o) => nodeLifecycleController(deps, o.nodeLifecycle) },
  scheduler: { upstreamName: 'kube-scheduler', component: 'default-scheduler', make: (deps, o) => schedulerController(deps, o.scheduler) },
  tainteviction: { upstreamName: 'taint-eviction-controller', component: 'taint-eviction-controller', make: (deps) => taintEvictionController(deps) },
  namespace: { upstreamName: 'namespace-controller', component: 'namespace-controller', make: (deps) => namespaceController(deps) },
  podgc: { upstreamName: 'pod-garbage-collector', component: 'pod-garbage-collector', make: (deps, o) => podGCController(deps, o.podGC) },
  garbagecollector: { upstreamName: 'garbage-collector-controller', component: 'garbage-collector-controller', make: (deps) => garbageCollectorController(deps) },
  endpoints: { upstreamName: 'endpoints-controller', component: 'endpoint-controller', make: (deps) => endpointsController(deps) },
  endpointslice: { upstreamName: 'endpointslice-controller', component: 'endpointslice-controller', make: (deps) => endpointSliceController(deps) },
  daemonset: { upstreamName: 'daemonset-controller', component: 'daemonset-controller', make: (deps, o) => daemonSetController(deps, o.daemonSet) },
  'persistentvolume-binder': { upstreamName: 'persistentvolume-binder-controller', component: 'persistentvolume-controller', make: (deps) => persistentVolumeBinderController(deps) },
  // Upstream, an external provisioner is a process of its own (a CSI driver's csi-provisioner), its events from its provisioner name.
  'simulated-provisioner': { upstreamName: 'kubelab-simulated-provisioner', component: 'kubelab.dev/simulated', make: (deps) => simulatedProvisionerController(deps) },
  statefulset: { upstreamName: 'statefulset-controller', component: 'statefulset-controller', make: (deps, o) => statefulSetController(deps, o.statefulSet) },
  replicationcontroller: { upstreamName: 'replicationcontroller-controller', component: 'replication-controller', make: (deps, o) => replicationManager(deps, o.replicationController) },
  // Upstream's alias is clusterrole-aggregation; it records no events.
  'clusterrole-aggregation': { upstreamName: 'clusterrole-aggregation-controller', component: 'clusterrole-aggregation-controller', make: (deps) => clusterRoleAggregationController(deps) },
};

export const knownControllers = Object.keys(controllerDescriptors);

export class UnknownControllerError extends Error {
  constructor(readonly names: readonly string[]) {
    super(`unknown controller${names.length > 1 ? 's' : ''} ${names.map((n) => JSON.stringify(n)).join(', ')}; known controllers: ${knownControllers.join(', ')}`);
    this.name = 'UnknownControllerError';
  }
}

/**
 * The controllers named (short or upstream names; '*' is all, as upstream's
 * --controllers; undefined: all), in a stable order; throws
 * UnknownControllerError listing the known names.
 */
export function resolveControllerNames(names: readonly string[] | undefined): string[] {
  if (names === undefined || names.includes('*')) return [...knownControllers];
  const byUpstreamName = new Map(Object.entries(controllerDescriptors).map(([short, d]) => [d.upstreamName, short]));
  const unknown = names.filter((n) => !(n in controllerDescriptors) && !byUpstreamName.has(n));
  if (unknown.length > 0) throw new UnknownControllerError(unknown);
  const wanted = new Set(names.map((n) => byUpstreamName.get(n) ?? n));
  return knownControllers.filter((n) => wanted.has(n));
}
