// controllers/: the controllers process and its runtime (DESIGN.md "Controllers").
export { startControllers, LEADER_LEASE, type RunningControllers, type StartControllersOptions, type LeaderElectionSettings } from './start.js';
export { controllerDescriptors, knownControllers, resolveControllerNames, UnknownControllerError, type ControllerOptions } from './registry.js';
export { parseDuration } from '../proto/index.js';
export { runController, splitKey, type Controller, type ControllerDeps, type ControllerFactory, type Enqueue, type SyncResult } from './runtime/controller.js';
export { SharedInformerFactory, POD_NODE_NAME_INDEX, type InformerFactoryOptions } from './runtime/informer-factory.js';
export { Expectations, EXPECTATIONS_TIMEOUT_MS } from './runtime/expectations.js';
export { executePlan, type PlanExecutorDeps } from './runtime/executor.js';
export { emptyPlan, mergePlans, earliestRequeue, type Plan, type PatchAction, type DeleteAction, type EventAction, type EventSubject, type KindName } from './runtime/plan.js';
export { nodeLifecycleDefaults, upstreamNodeLifecycleDefaults, type NodeLifecycleOptions } from './nodelifecycle/controller.js';
export { replicationManager, replicationManagerDefaults, type ReplicationManagerOptions } from './replication/controller.js';
// upstream podutil.IsPodAvailable, which `kubelab rolling-update` counts new pods with as old kubectl did.
export { isPodAvailable } from './runtime/pod-readiness.js';
