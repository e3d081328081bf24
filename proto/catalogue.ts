// The resource catalogue: every resource kubelab serves, with what routing,
// discovery, storage keys and kubectl's short names need to know about it.
// Adding a resource is one entry here plus its strategy in apiserver/registry
// (STYLE.md 2). The entries follow upstream v1.32 discovery (`kubectl
// api-resources` on a real cluster): names, short names, categories, verbs.

export type Scope = 'Namespaced' | 'Cluster';

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export interface GroupVersionKind {
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

export interface Subresource {
  /** 'status', 'scale', 'binding', ... */
  readonly name: string;
  /** The kind the subresource takes and answers (Scale is autoscaling/v1). */
  readonly kind: GroupVersionKind;
  readonly verbs: readonly Verb[];
  /** Served by a node's kubelet as a stream (pods/log, pods/exec; upstream's Connecters), not an object: OpenAPI leaves it out. */
  readonly stream?: true;
}

export interface ResourceType {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** The plural, lower-case name in paths: 'daemonsets'. */
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly scope: Scope;
  readonly verbs: readonly Verb[];
  readonly subresources: readonly Subresource[];
  /**
   * A legacy version (DESIGN.md "Legacy versions"): the resource its objects
   * are stored as and served from. Absent: the resource is its own.
   */
  readonly storage?: ResourceType;
  /** For a deprecated version: when, and what replaces it (the Warning upstream answers with). */
  readonly deprecation?: Deprecation;
  /**
   * Why the verbs the resource does not have are refused, when kubelab has a
   * reason of its own to say (405 MethodNotAllowed); absent: upstream's message.
   */
  readonly refusal?: string;
}

export interface Deprecation {
  /** "1.14": the release that deprecated the version. */
  readonly deprecatedIn: string;
  /** "1.16": the release that stopped serving it upstream. */
  readonly removedIn: string;
  readonly replacement: GroupVersionKind;
}

const ALL_VERBS: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const STATUS_VERBS: readonly Verb[] = ['get', 'patch', 'update'];

function status(group: string, version: string, kind: string): Subresource {
  return { name: 'status', kind: { group, version, kind }, verbs: STATUS_VERBS };
}

const scale: Subresource = { name: 'scale', kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: STATUS_VERBS };

interface Entry {
  group: string;
  version: string;
  kind: string;
  plural: string;
  scope: Scope;
  shortNames?: string[];
  categories?: string[];
  verbs?: readonly Verb[];
  /** Subresource names; their kinds follow from the entry ('status': its own kind). */
  subresources?: ('status' | 'scale' | 'binding' | 'eviction' | 'finalize' | 'log' | 'exec')[];
  refusal?: string;
}

function resource(e: Entry): ResourceType {
  const subresources = (e.subresources ?? []).map((name): Subresource => {
    if (name === 'status') return status(e.group, e.version, e.kind);
    if (name === 'scale') return scale;
    // Upstream's namespaces/finalize: a PUT that changes only spec.finalizers (the namespace controller's last step).
    if (name === 'finalize') return { name: 'finalize', kind: { group: e.group, version: e.version, kind: e.kind }, verbs: ['update'] };
    // as upstream's discovery: pods/log answers with kind Pod (its body is text), pods/exec takes PodExecOptions.
    if (name === 'log') return { name: 'log', kind: { group: '', version: 'v1', kind: 'Pod' }, verbs: ['get'], stream: true };
    if (name === 'exec') return { name: 'exec', kind: { group: '', version: 'v1', kind: 'PodExecOptions' }, verbs: ['create', 'get'], stream: true };
    // pods/eviction takes a policy/v1 Eviction (policy/v1beta1 accepted too, as upstream's EvictionREST).
    if (name === 'eviction') return { name: 'eviction', kind: { group: 'policy', version: 'v1', kind: 'Eviction' }, verbs: ['create'] };
    return { name: 'binding', kind: { group: '', version: 'v1', kind: 'Binding' }, verbs: ['create'] };
  });
  return {
    group: e.group,
    version: e.version,
    kind: e.kind,
    plural: e.plural,
    singular: e.kind.toLowerCase(),
    shortNames: e.shortNames ?? [],
    categories: e.categories ?? [],
    scope: e.scope,
    verbs: e.verbs ?? ALL_VERBS,
    subresources,
    ...(e.refusal === undefined ? {} : { refusal: e.refusal }),
  };
}

/**
 * An old version of a resource, stored as the current one (DESIGN.md "Legacy
 * versions"), with upstream's deprecation: what Kubernetes 1.14 and 1.15
 * served, so that tutorials' old manifests still apply.
 */
function legacy(current: ResourceType, group: string, version: string, deprecatedIn: string, removedIn: string): ResourceType {
  return {
    ...current,
    group,
    version,
    // Short names and categories stay with the current version, so `ds` and `all` are never ambiguous.
    shortNames: [],
    categories: [],
    subresources: current.subresources.map((s) => (s.name === 'status' ? status(group, version, current.kind) : s)),
    storage: current,
    deprecation: { deprecatedIn, removedIn, replacement: { group: current.group, version: current.version, kind: current.kind } },
  };
}

const current: readonly ResourceType[] = [
  // core/v1
  resource({
    group: '',
    version: 'v1',
    kind: 'Namespace',
    plural: 'namespaces',
    scope: 'Cluster',
    shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['finalize', 'status'],
  }),
  resource({ group: '', version: 'v1', kind: 'Node', plural: 'nodes', scope: 'Cluster', shortNames: ['no'], subresources: ['status'] }),
  resource({
    group: '',
    version: 'v1',
    kind: 'Pod',
    plural: 'pods',
    scope: 'Namespaced',
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['binding', 'eviction', 'exec', 'log', 'status'],
  }),
  resource({
    group: '',
    version: 'v1',
    kind: 'Service',
    plural: 'services',
    scope: 'Namespaced',
    shortNames: ['svc'],
    categories: ['all'],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: ['status'],
  }),
  resource({ group: '', version: 'v1', kind: 'Endpoints', plural: 'endpoints', scope: 'Namespaced', shortNames: ['ep'] }),
  resource({
    group: '',
    version: 'v1',
    kind: 'PersistentVolume',
    plural: 'persistentvolumes',
    scope: 'Cluster',
    shortNames: ['pv'],
    subresources: ['status'],
  }),
  resource({
    group: '',
    version: 'v1',
    kind: 'PersistentVolumeClaim',
    plural: 'persistentvolumeclaims',
    scope: 'Namespaced',
    shortNames: ['pvc'],
    subresources: ['status'],
  }),
  resource({ group: '', version: 'v1', kind: 'Event', plural: 'events', scope: 'Namespaced', shortNames: ['ev'] }),
  resource({
    group: '',
    version: 'v1',
    kind: 'ReplicationController',
    plural: 'replicationcontrollers',
    scope: 'Namespaced',
    shortNames: ['rc'],
    categories: ['all'],
    subresources: ['scale', 'status'],
  }),
  resource({ group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', scope: 'Namespaced', shortNames: ['cm'] }),
  // apps/v1
  resource({
    group: 'apps',
    version: 'v1',
    kind: 'DaemonSet',
    plural: 'daemonsets',
    scope: 'Namespaced',
    shortNames: ['ds'],
    categories: ['all'],
    subresources: ['status'],
  }),
  resource({
    group: 'apps',
    version: 'v1',
    kind: 'StatefulSet',
    plural: 'statefulsets',
    scope: 'Namespaced',
    shortNames: ['sts'],
    categories: ['all'],
    subresources: ['scale', 'status'],
  }),
  resource({ group: 'apps', version: 'v1', kind: 'ControllerRevision', plural: 'controllerrevisions', scope: 'Namespaced' }),
  // coordination.k8s.io/v1
  resource({ group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', scope: 'Namespaced' }),
  // storage.k8s.io/v1
  resource({ group: 'storage.k8s.io', version: 'v1', kind: 'StorageClass', plural: 'storageclasses', scope: 'Cluster', shortNames: ['sc'] }),
  // discovery.k8s.io/v1
  resource({ group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', plural: 'endpointslices', scope: 'Namespaced' }),
  // rbac.authorization.k8s.io/v1
  resource({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRoleBinding', plural: 'clusterrolebindings', scope: 'Cluster' }),
  resource({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'ClusterRole', plural: 'clusterroles', scope: 'Cluster' }),
  resource({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'RoleBinding', plural: 'rolebindings', scope: 'Namespaced' }),
  resource({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: 'Role', plural: 'roles', scope: 'Namespaced' }),
  // The reviews: create-only, answered and never stored (upstream's rest.Creater of
  // pkg/registry/authorization and pkg/registry/authentication).
  resource({ group: 'authentication.k8s.io', version: 'v1', kind: 'SelfSubjectReview', plural: 'selfsubjectreviews', scope: 'Cluster', verbs: ['create'] }),
  resource({ group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectAccessReview', plural: 'selfsubjectaccessreviews', scope: 'Cluster', verbs: ['create'] }),
  resource({ group: 'authorization.k8s.io', version: 'v1', kind: 'SelfSubjectRulesReview', plural: 'selfsubjectrulesreviews', scope: 'Cluster', verbs: ['create'] }),
  resource({ group: 'authorization.k8s.io', version: 'v1', kind: 'SubjectAccessReview', plural: 'subjectaccessreviews', scope: 'Cluster', verbs: ['create'] }),
  resource({ group: 'authorization.k8s.io', version: 'v1', kind: 'LocalSubjectAccessReview', plural: 'localsubjectaccessreviews', scope: 'Namespaced', verbs: ['create'] }),
  // apiextensions.k8s.io/v1: read-only and always empty, for kubelab serves no custom resources.
  // kubectl's client-side validation lists CRDs before it checks a kind without a PATCH
  // operation (the reviews; upstream's QueryParamVerifier and CRDFinder), so the list is served.
  resource({
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kind: 'CustomResourceDefinition',
    plural: 'customresourcedefinitions',
    scope: 'Cluster',
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    verbs: ['get', 'list', 'watch'],
    refusal: 'kubelab does not serve custom resources: CustomResourceDefinitions can be listed, never created',
  }),
];

const currentOf = (group: string, kind: string): ResourceType => current.find((r) => r.group === group && r.kind === kind)!;

/**
 * Every resource served: the current versions, then the legacy ones (after
 * them, so that discovery prefers apps/v1 and kubectl resolves `ds` there).
 */
export const resources: readonly ResourceType[] = [
  ...current,
  // As upstream 1.15: apps/v1beta2 and apps/v1beta1 deprecated in 1.9 (the latter for StatefulSets since 1.8),
  // extensions/v1beta1 DaemonSets in 1.14; all gone in 1.16.
  legacy(currentOf('apps', 'DaemonSet'), 'apps', 'v1beta2', '1.9', '1.16'),
  legacy(currentOf('apps', 'StatefulSet'), 'apps', 'v1beta2', '1.9', '1.16'),
  legacy(currentOf('apps', 'ControllerRevision'), 'apps', 'v1beta2', '1.9', '1.16'),
  legacy(currentOf('apps', 'StatefulSet'), 'apps', 'v1beta1', '1.8', '1.16'),
  legacy(currentOf('apps', 'ControllerRevision'), 'apps', 'v1beta1', '1.8', '1.16'),
  legacy(currentOf('apps', 'DaemonSet'), 'extensions', 'v1beta1', '1.14', '1.16'),
];

/** "apps/v1", or "v1" for the core group: an object's apiVersion. */
export function apiVersionOf(gv: { readonly group: string; readonly version: string }): string {
  return gv.group === '' ? gv.version : `${gv.group}/${gv.version}`;
}

/** The groups served, each with its versions, in discovery order (core first). */
export function groupVersions(): { group: string; versions: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const r of resources) {
    const versions = groups.get(r.group) ?? [];
    if (!versions.includes(r.version)) versions.push(r.version);
    groups.set(r.group, versions);
  }
  return [...groups].map(([group, versions]) => ({ group, versions }));
}

/** The resource served at group/version/plural, if any. */
export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return resources.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** The Warning upstream answers every request to a deprecated version with (apiserver/pkg/endpoints/deprecation). */
export function deprecationWarning(r: ResourceType): string | undefined {
  const d = r.deprecation;
  if (!d) return undefined;
  return `${apiVersionOf(r)} ${r.kind} is deprecated in v${d.deprecatedIn}+, unavailable in v${d.removedIn}+; use ${apiVersionOf(d.replacement)} ${d.replacement.kind}`;
}

/** The resource of an object's apiVersion and kind, if any. */
export function resourceForKind(apiVersion: string, kind: string): ResourceType | undefined {
  return resources.find((r) => apiVersionOf(r) === apiVersion && r.kind === kind);
}

/**
 * The store key of an object (DESIGN.md "Store semantics"):
 * /registry/<group>/<plural>/<namespace>/<name>, 'core' for the core group,
 * no namespace segment for a cluster-scoped resource.
 */
export function storageKey(r: ResourceType, namespace: string | undefined, name: string): string {
  return storagePrefix(r, namespace) + name;
}

/** The store prefix of a resource's objects, in one namespace or in all. */
export function storagePrefix(r: ResourceType, namespace?: string): string {
  const stored = r.storage ?? r;
  const base = `/registry/${stored.group === '' ? 'core' : stored.group}/${stored.plural}/`;
  return r.scope === 'Namespaced' && namespace !== undefined ? `${base}${namespace}/` : base;
}
