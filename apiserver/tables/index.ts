// The kubectl get columns of each kind, by kind name.
import type { TableConvertor } from '../registry/strategy.js';
import {
  configMapTable,
  endpointSliceTable,
  endpointsTable,
  eventTable,
  leaseTable,
  namespaceTable,
  nodeTable,
  persistentVolumeClaimTable,
  persistentVolumeTable,
  serviceTable,
} from './cluster.js';
import { podTable } from './pods.js';
import { reviewTable, roleBindingTable, roleTable } from './rbac.js';
import { storageClassTable } from './storage.js';
import { controllerRevisionTable, daemonSetTable, replicationControllerTable, statefulSetTable } from './workloads.js';

export const tables: Readonly<Record<string, TableConvertor>> = {
  Namespace: namespaceTable,
  Node: nodeTable,
  Pod: podTable,
  Service: serviceTable,
  Endpoints: endpointsTable,
  EndpointSlice: endpointSliceTable,
  PersistentVolume: persistentVolumeTable,
  PersistentVolumeClaim: persistentVolumeClaimTable,
  Event: eventTable,
  ReplicationController: replicationControllerTable,
  ConfigMap: configMapTable,
  DaemonSet: daemonSetTable,
  StatefulSet: statefulSetTable,
  ControllerRevision: controllerRevisionTable,
  Lease: leaseTable,
  StorageClass: storageClassTable,
  Role: roleTable,
  ClusterRole: roleTable,
  RoleBinding: roleBindingTable,
  ClusterRoleBinding: roleBindingTable,
  SelfSubjectReview: reviewTable,
  SelfSubjectAccessReview: reviewTable,
  SelfSubjectRulesReview: reviewTable,
  SubjectAccessReview: reviewTable,
  LocalSubjectAccessReview: reviewTable,
  // upstream's default table convertor: NAME CREATED AT, as roles.
  CustomResourceDefinition: roleTable,
};

export { humanDuration, age } from './format.js';
export { podStatus } from './pods.js';
export { nodeStatus, nodeRoles } from './cluster.js';
export { isDefaultStorageClass } from './storage.js';
