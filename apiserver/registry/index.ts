// Which strategy serves which kind: the one place that names them all.
import { resources } from '../../proto/index.js';
import { tables } from '../tables/index.js';
import { persistentVolumeClaimStrategy, persistentVolumeStrategy, serviceStrategy } from './core-kinds.js';
import { endpointSliceStrategy } from './endpoint-slice.js';
import { holdNamespaceDeletion, namespaceDeletableAfterUpdate, orphanByDefaultIn } from './deletion.js';
import { configMapStrategy, controllerRevisionStrategy, endpointsStrategy, eventStrategy, leaseStrategy, nodeStrategy } from './small-kinds.js';
import { validateObjectMeta, validateObjectMetaUpdate, type MetaRules } from './meta.js';
import { clusterRoleBindingStrategy, clusterRoleStrategy, roleBindingStrategy, roleStrategy } from './rbac.js';
import { storageClassStrategy } from './storage-class.js';
import type { KubeObject, Strategy } from './strategy.js';
import { daemonSetStrategy, podStrategy, replicationControllerStrategy, statefulSetStrategy } from './workloads.js';

type KindStrategy = Omit<Strategy, 'table'>;

/** A kind whose own rules are only its metadata's (and what `extra` adds). */
function metadataOnly(rules: MetaRules = {}, extra: Partial<KindStrategy> = {}): KindStrategy {
  return {
    tracksGeneration: false,
    validate: (object) => validateObjectMeta(object, rules),
    validateUpdate: validateObjectMetaUpdate,
    ...extra,
  };
}

/** As upstream's namespace strategy: the kubernetes finalizer, phase Active, and the name label. */
function namespaceDefaults(namespace: KubeObject): void {
  const spec = (namespace.spec ??= {}) as { finalizers?: string[] };
  spec.finalizers ??= ['kubernetes'];
  namespace.status = { phase: 'Active', ...(namespace.status as object | undefined) };
  const meta = (namespace.metadata ??= {});
  meta.labels = { ...meta.labels, 'kubernetes.io/metadata.name': meta.name ?? '' };
}

/** As upstream's namespace PrepareForUpdate: spec.finalizers change only through namespaces/<name>/finalize. */
function keepNamespaceFinalizers(namespace: KubeObject, old: KubeObject): void {
  const finalizers = (old.spec as { finalizers?: string[] } | undefined)?.finalizers;
  const spec = (namespace.spec ??= {}) as { finalizers?: string[] };
  if (finalizers === undefined) delete spec.finalizers;
  else spec.finalizers = finalizers;
}

/** A field's value as a field selector compares it: a string ("" when absent). */
const field = (object: KubeObject, path: string): string => {
  let value: unknown = object;
  for (const part of path.split('.')) value = (value as Record<string, unknown> | undefined)?.[part];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return '';
};

const kindStrategies: Record<string, KindStrategy> = {
  Namespace: metadataOnly(
    { nameIsLabel: true },
    {
      defaults: namespaceDefaults,
      prepareForUpdate: keepNamespaceFinalizers,
      holdDeletion: holdNamespaceDeletion,
      deletableAfterUpdate: namespaceDeletableAfterUpdate,
      selectableFields: (ns) => ({ 'status.phase': field(ns, 'status.phase') }),
    },
  ),
  Node: { ...nodeStrategy, selectableFields: (node) => ({ 'spec.unschedulable': String(field(node, 'spec.unschedulable') === 'true') }) },
  Pod: podStrategy,
  Service: serviceStrategy,
  Endpoints: endpointsStrategy,
  EndpointSlice: endpointSliceStrategy,
  PersistentVolume: persistentVolumeStrategy,
  PersistentVolumeClaim: persistentVolumeClaimStrategy,
  Event: {
    ...eventStrategy,
    selectableFields: (event) =>
      Object.fromEntries(
        [
          'involvedObject.kind',
          'involvedObject.namespace',
          'involvedObject.name',
          'involvedObject.uid',
          'involvedObject.apiVersion',
          'involvedObject.resourceVersion',
          'involvedObject.fieldPath',
          'reason',
          'reportingComponent',
          'source',
          'type',
        ].map((path) => [path, path === 'source' ? field(event, 'source.component') : field(event, path)]),
      ),
  },
  // As upstream's strategies (DefaultGarbageCollectionPolicy): the versions that orphaned by default still do.
  ReplicationController: { ...replicationControllerStrategy, defaultGarbageCollectionPolicy: orphanByDefaultIn('v1') },
  ConfigMap: configMapStrategy,
  DaemonSet: { ...daemonSetStrategy, defaultGarbageCollectionPolicy: orphanByDefaultIn('extensions/v1beta1', 'apps/v1beta2') },
  StatefulSet: { ...statefulSetStrategy, defaultGarbageCollectionPolicy: orphanByDefaultIn('apps/v1beta1', 'apps/v1beta2') },
  ControllerRevision: controllerRevisionStrategy,
  Lease: leaseStrategy,
  StorageClass: storageClassStrategy,
  Role: roleStrategy,
  ClusterRole: clusterRoleStrategy,
  RoleBinding: roleBindingStrategy,
  ClusterRoleBinding: clusterRoleBindingStrategy,
  // Answered by apiserver/authz/reviews.ts, never stored: their metadata is all a strategy checks.
  SelfSubjectReview: metadataOnly(),
  SelfSubjectAccessReview: metadataOnly(),
  SelfSubjectRulesReview: metadataOnly(),
  SubjectAccessReview: metadataOnly(),
  LocalSubjectAccessReview: metadataOnly(),
  // Listed, never written (the catalogue refuses every write): nothing for a strategy to check.
  CustomResourceDefinition: metadataOnly(),
};

export const strategies: ReadonlyMap<string, Strategy> = new Map(
  resources.map((r): [string, Strategy] => {
    const strategy = kindStrategies[r.kind];
    const table = tables[r.kind];
    if (!strategy || !table) throw new Error(`the kind ${r.kind} has no strategy or table (apiserver/registry/index.ts)`);
    return [r.kind, { ...strategy, table }];
  }),
);
