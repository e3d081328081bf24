// proto's catalogue entries, each tagged with its kubernetes-types object
// type, so `client.resource(kinds.Pod, 'default').get('web')` answers a Pod
// (client-go's typed clientsets, without generated code).
import type { ControllerRevision, DaemonSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { ClusterRole } from 'kubernetes-types/rbac/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type {
  ConfigMap,
  Endpoints,
  Event,
  Namespace,
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  ReplicationController,
  Service,
} from 'kubernetes-types/core/v1.js';
import { findResource, type ResourceType } from '../proto/index.js';

/** A catalogue entry whose objects are `T`; the tag exists only for the compiler. */
export interface TypedResource<T> extends ResourceType {
  readonly __objectType?: T;
}

function typed<T>(group: string, version: string, plural: string): TypedResource<T> {
  const type = findResource(group, version, plural);
  if (!type) throw new Error(`client/kinds: ${plural} is not in proto's catalogue`);
  return type;
}

export const kinds = {
  Namespace: typed<Namespace>('', 'v1', 'namespaces'),
  Node: typed<Node>('', 'v1', 'nodes'),
  Pod: typed<Pod>('', 'v1', 'pods'),
  Service: typed<Service>('', 'v1', 'services'),
  Endpoints: typed<Endpoints>('', 'v1', 'endpoints'),
  PersistentVolume: typed<PersistentVolume>('', 'v1', 'persistentvolumes'),
  PersistentVolumeClaim: typed<PersistentVolumeClaim>('', 'v1', 'persistentvolumeclaims'),
  Event: typed<Event>('', 'v1', 'events'),
  ReplicationController: typed<ReplicationController>('', 'v1', 'replicationcontrollers'),
  ConfigMap: typed<ConfigMap>('', 'v1', 'configmaps'),
  DaemonSet: typed<DaemonSet>('apps', 'v1', 'daemonsets'),
  StatefulSet: typed<StatefulSet>('apps', 'v1', 'statefulsets'),
  ControllerRevision: typed<ControllerRevision>('apps', 'v1', 'controllerrevisions'),
  Lease: typed<Lease>('coordination.k8s.io', 'v1', 'leases'),
  StorageClass: typed<StorageClass>('storage.k8s.io', 'v1', 'storageclasses'),
  EndpointSlice: typed<EndpointSlice>('discovery.k8s.io', 'v1', 'endpointslices'),
  ClusterRole: typed<ClusterRole>('rbac.authorization.k8s.io', 'v1', 'clusterroles'),
} as const;
