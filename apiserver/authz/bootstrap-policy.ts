// The roles and bindings every cluster starts with (upstream
// plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go and
// controller_policy.go), written at apiserver start when missing, labelled and
// annotated as upstream's so `kubectl get clusterroles -l
// kubernetes.io/bootstrapping=rbac-defaults` finds them. admin, edit and view
// are aggregated as upstream's: each has an aggregationRule selecting
// rbac.authorization.k8s.io/aggregate-to-<role>: "true"; the rules live in
// system:aggregate-to-admin/edit/view, edit aggregates to admin and view to
// edit (their labels). Upstream writes admin, edit and view with no rules and
// leaves them to the clusterrole-aggregation controller; kubelab writes them
// with the rules that controller would give them (aggregatedBootstrapRules),
// so an apiserver without the controllers process serves them from its first
// request, and the controller keeps them right afterwards.
// kubelab's controllers run as one identity, system:kube-controller-manager
// (upstream's controllers each have a service account), so
// system:kubelab:controllers grants that user what controllers/ does.
import { settleAggregation, type AggregatableClusterRole } from '../../proto/index.js';
import type { KubeObject } from '../registry/strategy.js';
import type { PolicyRule, Subject } from './rules.js';

const RBAC = 'rbac.authorization.k8s.io';
const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];

function rule(verbs: readonly string[], apiGroups: readonly string[], resources: readonly string[], resourceNames?: readonly string[]): PolicyRule {
  return { verbs: [...verbs], apiGroups: [...apiGroups], resources: [...resources], ...(resourceNames ? { resourceNames: [...resourceNames] } : {}) };
}

const urls = (verbs: readonly string[], nonResourceURLs: readonly string[]): PolicyRule => ({ verbs: [...verbs], nonResourceURLs: [...nonResourceURLs] });

const eventsRule = rule(['create', 'update', 'patch'], ['', 'events.k8s.io'], ['events']);

/** aggregate-to-view: reading a namespace's workloads, never its secrets. */
const viewRules: PolicyRule[] = [
  rule(READ, [''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status']),
  rule(READ, [''], ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status', 'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status']),
  rule(READ, [''], ['namespaces']),
  rule(READ, ['discovery.k8s.io'], ['endpointslices']),
  rule(READ, ['apps'], ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status']),
  rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
  rule(READ, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
  rule(READ, ['extensions'], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status', 'ingresses', 'ingresses/status', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicasets/status', 'replicationcontrollers/scale']),
  rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
  rule(READ, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
];

/** aggregate-to-edit: writing them too (endpoints and slices stay read-only since 1.22), and secrets. */
const editRules: PolicyRule[] = [
  rule(READ, [''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy']),
  rule(['impersonate'], [''], ['serviceaccounts']),
  rule(WRITE, [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
  rule(['create'], [''], ['pods/eviction']),
  rule(WRITE, [''], ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'serviceaccounts', 'services', 'services/proxy']),
  rule(['create'], [''], ['serviceaccounts/token']),
  rule(WRITE, ['apps'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale']),
  rule(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
  rule(WRITE, ['batch'], ['cronjobs', 'jobs']),
  rule(WRITE, ['extensions'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'ingresses', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale']),
  rule(WRITE, ['policy'], ['poddisruptionbudgets']),
  rule(WRITE, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
];

/** aggregate-to-admin: roles and bindings of the namespace, and access checks in it. */
const adminRules: PolicyRule[] = [
  rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
  rule([...WRITE, ...READ], [RBAC], ['rolebindings', 'roles']),
];

/** What upstream's Node authorizer lets every kubelet do (NodeRules); it narrows nodes, pods, leases and reads itself. */
export const NODE_RULES: PolicyRule[] = [
  rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
  rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews', 'subjectaccessreviews']),
  rule(READ, [''], ['services']),
  rule(['create', 'get', 'list', 'watch'], [''], ['nodes']),
  rule(['update', 'patch'], [''], ['nodes/status']),
  rule(['update', 'patch'], [''], ['nodes']),
  rule(['create', 'update', 'patch'], ['', 'events.k8s.io'], ['events']),
  rule(READ, [''], ['pods']),
  rule(['create', 'delete'], [''], ['pods']),
  rule(['update', 'patch'], [''], ['pods/status']),
  rule(['create'], [''], ['pods/eviction']),
  rule(['get'], [''], ['configmaps', 'secrets']),
  rule(['get'], [''], ['persistentvolumeclaims', 'persistentvolumes']),
  rule(['get'], [''], ['endpoints']),
  rule(['create'], ['certificates.k8s.io'], ['certificatesigningrequests']),
  rule(['get', 'create', 'update', 'patch', 'delete'], ['coordination.k8s.io'], ['leases']),
  rule(['get'], ['storage.k8s.io'], ['volumeattachments']),
  rule(['get', 'patch', 'update'], [''], ['persistentvolumeclaims/status']),
  rule(['create'], [''], ['serviceaccounts/token']),
  rule(READ, ['storage.k8s.io'], ['csidrivers']),
  rule(['get', 'create', 'update', 'patch', 'delete'], ['storage.k8s.io'], ['csinodes']),
  rule(READ, ['node.k8s.io'], ['runtimeclasses']),
];

/** Everything controllers/ (scheduler included) reads and writes: its informers, its writes, its status updates and its Lease. */
const kubelabControllerRules: PolicyRule[] = [
  rule(READ, ['*'], ['*']),
  rule(['create', 'delete', 'patch', 'update'], [''], ['pods', 'endpoints', 'persistentvolumes', 'persistentvolumeclaims']),
  rule(['patch', 'update'], [''], ['pods/status', 'nodes', 'nodes/status', 'namespaces', 'namespaces/status', 'namespaces/finalize', 'replicationcontrollers', 'replicationcontrollers/status', 'persistentvolumes/status', 'persistentvolumeclaims/status', 'services']),
  rule(['create'], [''], ['pods/binding', 'bindings', 'pods/eviction']),
  rule(['delete'], [''], ['nodes', 'namespaces']),
  rule(['patch', 'update'], ['apps'], ['daemonsets', 'daemonsets/status', 'statefulsets', 'statefulsets/status', 'replicasets', 'replicasets/status']),
  rule(['create', 'delete', 'patch', 'update'], ['apps'], ['controllerrevisions']),
  rule(['create', 'delete', 'patch', 'update'], ['discovery.k8s.io'], ['endpointslices']),
  rule(['create', 'patch', 'update'], ['coordination.k8s.io'], ['leases']),
  // The clusterrole-aggregation controller writes any rule into an aggregated role (upstream's clusterrole-aggregation-controller role).
  rule(['escalate'], [RBAC], ['clusterroles']),
  // The garbage collector and the namespace controller delete any kind (upstream's generic-garbage-collector and namespace-controller).
  rule(['delete', 'deletecollection', 'patch', 'update'], ['*'], ['*']),
  eventsRule,
];

/** A component's leader election, on its own Lease (and the Endpoints of older releases). */
const leaderElectionRules = (name: string): PolicyRule[] => [
  rule(['create'], ['coordination.k8s.io'], ['leases']),
  rule(['get', 'update'], ['coordination.k8s.io'], ['leases'], [name]),
  rule(['create'], [''], ['endpoints']),
  rule(['get', 'update'], [''], ['endpoints'], [name]),
];

const clusterRoles: Record<string, PolicyRule[]> = {
  'cluster-admin': [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])],
  'system:discovery': [urls(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'])],
  'system:basic-user': [
    rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
    rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
  ],
  'system:public-info-viewer': [urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])],
  // Authentication and authorization delegation (an aggregated API server, a kubelet's webhook): bound to no one by default.
  'system:auth-delegator': [rule(['create'], ['authentication.k8s.io'], ['tokenreviews']), rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews'])],
  'system:aggregate-to-admin': adminRules,
  'system:aggregate-to-edit': editRules,
  'system:aggregate-to-view': viewRules,
  'system:node': NODE_RULES,
  'system:kube-controller-manager': [
    eventsRule,
    ...leaderElectionRules('kube-controller-manager'),
    rule(['create'], [''], ['secrets', 'serviceaccounts']),
    rule(['delete'], [''], ['secrets']),
    rule(['get'], [''], ['configmaps', 'namespaces', 'secrets', 'serviceaccounts']),
    rule(['update'], [''], ['secrets', 'serviceaccounts']),
    rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    rule(['list', 'watch'], ['*'], ['*']),
    rule(['create'], [''], ['serviceaccounts/token']),
  ],
  'system:kube-scheduler': [
    eventsRule,
    ...leaderElectionRules('kube-scheduler'),
    rule(READ, [''], ['nodes']),
    rule(['delete', ...READ], [''], ['pods']),
    rule(['create'], [''], ['bindings', 'pods/binding']),
    rule(['patch', 'update'], [''], ['pods/status']),
    rule(READ, [''], ['replicationcontrollers', 'services']),
    rule(READ, ['apps', 'extensions'], ['replicasets']),
    rule(READ, ['apps'], ['statefulsets']),
    rule(READ, ['policy'], ['poddisruptionbudgets']),
    rule(READ, [''], ['persistentvolumeclaims', 'persistentvolumes']),
    rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    rule(READ, ['storage.k8s.io'], ['csinodes']),
    rule(READ, [''], ['namespaces']),
    rule(READ, ['storage.k8s.io'], ['csidrivers', 'csistoragecapacities']),
  ],
  'system:kubelet-api-admin': [
    rule(['get', 'list', 'watch'], [''], ['nodes']),
    rule(['proxy'], [''], ['nodes']),
    rule(['*'], [''], ['nodes/log', 'nodes/metrics', 'nodes/proxy', 'nodes/stats']),
  ],
  'system:kubelab:controllers': kubelabControllerRules,
};

const aggregateTo = (role: string): Record<string, string> => ({ [`${RBAC}/aggregate-to-${role}`]: 'true' });

/** The labels that aggregate a default role into another, as upstream's. */
const aggregationLabels: Record<string, Record<string, string>> = {
  edit: aggregateTo('admin'),
  view: aggregateTo('edit'),
  'system:aggregate-to-admin': aggregateTo('admin'),
  'system:aggregate-to-edit': aggregateTo('edit'),
  'system:aggregate-to-view': aggregateTo('view'),
};

/** The aggregated default roles: each gathers the roles labelled aggregate-to-<its name>. */
const aggregatedRoles = ['admin', 'edit', 'view'];

const user = (name: string): Subject => ({ kind: 'User', apiGroup: RBAC, name });
const group = (name: string): Subject => ({ kind: 'Group', apiGroup: RBAC, name });

const clusterRoleBindings: Record<string, { role: string; subjects: Subject[] }> = {
  'cluster-admin': { role: 'cluster-admin', subjects: [group('system:masters')] },
  'system:discovery': { role: 'system:discovery', subjects: [group('system:authenticated')] },
  'system:basic-user': { role: 'system:basic-user', subjects: [group('system:authenticated')] },
  'system:public-info-viewer': { role: 'system:public-info-viewer', subjects: [group('system:authenticated'), group('system:unauthenticated')] },
  // As upstream since 1.8: bound to no one; kubelets get their rights from the Node authorizer.
  'system:node': { role: 'system:node', subjects: [] },
  'system:kube-controller-manager': { role: 'system:kube-controller-manager', subjects: [user('system:kube-controller-manager')] },
  'system:kube-scheduler': { role: 'system:kube-scheduler', subjects: [user('system:kube-scheduler'), user('system:kube-controller-manager')] },
  'system:kubelab:controllers': { role: 'system:kubelab:controllers', subjects: [user('system:kube-controller-manager')] },
  // The apiserver's client to the kubelets (logs, exec), as kubeadm's kube-apiserver-kubelet-client binding.
  'kube-apiserver-kubelet-client': { role: 'system:kubelet-api-admin', subjects: [user('kube-apiserver-kubelet-client')] },
};

const BOOTSTRAP_LABELS = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
const AUTOUPDATE = { 'rbac.authorization.kubernetes.io/autoupdate': 'true' };

/** The aggregated default roles with the rules the clusterrole-aggregation controller would give them (see the header). */
function aggregatedBootstrapRules(roles: KubeObject[]): KubeObject[] {
  const settled = settleAggregation(roles as AggregatableClusterRole[]);
  return roles.map((role) => {
    const rules = settled.get(role.metadata?.name ?? '');
    return rules ? { ...role, rules } : role;
  });
}

/** The default ClusterRoles and ClusterRoleBindings, as objects to write. */
export function bootstrapPolicy(): { clusterRoles: KubeObject[]; clusterRoleBindings: KubeObject[] } {
  const meta = (name: string) => ({ name, labels: { ...BOOTSTRAP_LABELS, ...aggregationLabels[name] }, annotations: { ...AUTOUPDATE } });
  const aggregated = aggregatedRoles.map((name) => ({
    apiVersion: `${RBAC}/v1`,
    kind: 'ClusterRole',
    metadata: meta(name),
    aggregationRule: { clusterRoleSelectors: [{ matchLabels: aggregateTo(name) }] },
    rules: [],
  }));
  const plain = Object.entries(clusterRoles).map(([name, rules]) => ({ apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: meta(name), rules }));
  return {
    clusterRoles: aggregatedBootstrapRules([...aggregated, ...plain]),
    clusterRoleBindings: Object.entries(clusterRoleBindings).map(([name, { role, subjects }]) => ({
      apiVersion: `${RBAC}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: meta(name),
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: role },
      ...(subjects.length > 0 ? { subjects } : {}),
    })),
  };
}
