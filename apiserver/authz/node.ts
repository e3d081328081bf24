// The Node authorizer (upstream plugin/pkg/auth/authorizer/node/
// node_authorizer.go, AuthorizeNodeWithSelectors on as in 1.32): a kubelet,
// user system:node:<name> in group system:nodes, reads its own Node, the pods
// bound to it and what they mount, and writes its own Lease; everything else
// it may do is NODE_RULES. Where upstream walks its graph of pods, claims and
// volumes, this looks at the pods the watch cache holds. Pure over `NodeGraph`.
import type { UserInfo } from '../auth.js';
import type { KubeObject } from '../registry/strategy.js';
import { NODE_RULES } from './bootstrap-policy.js';
import { rulesAllow, type Attributes } from './rules.js';

const NODE_PREFIX = 'system:node:';
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';

/** What the node authorizer reads of the cluster. */
export interface NodeGraph {
  pod(namespace: string, name: string): KubeObject | undefined;
  /** The pods bound to `nodeName` in `namespace`. */
  podsOn(nodeName: string, namespace: string): readonly KubeObject[];
  persistentVolumeClaim(namespace: string, name: string): KubeObject | undefined;
  /** The pods bound to `nodeName`, of every namespace. */
  allPodsOn(nodeName: string): readonly KubeObject[];
}

export interface NodeDecision {
  readonly allowed: boolean;
  readonly reason: string;
}

/** Upstream nodeidentifier.NodeIdentity: the node's name, or undefined when the user is no node. */
export function nodeIdentity(user: UserInfo): string | undefined {
  if (!user.username.startsWith(NODE_PREFIX) || !user.groups.includes('system:nodes')) return undefined;
  return user.username.slice(NODE_PREFIX.length);
}

const allow: NodeDecision = { allowed: true, reason: '' };
const noOpinion = (reason = ''): NodeDecision => ({ allowed: false, reason });
const noRelationship = (node: string) => noOpinion(`no relationship found between node '${node}' and this object`);

/** The field selector's value for `field` when it asks for equality (`a=b` or `a==b`). */
function selected(fieldSelector: string | undefined, field: string): string | undefined {
  for (const requirement of (fieldSelector ?? '').split(',')) {
    const match = /^\s*([^=!\s]+)\s*==?\s*(.*?)\s*$/.exec(requirement);
    if (match && match[1] === field) return match[2];
  }
  return undefined;
}

export class NodeAuthorizer {
  constructor(private readonly graph: NodeGraph) {}

  authorize(attributes: Attributes): NodeDecision | undefined {
    const node = nodeIdentity(attributes.user);
    if (node === undefined) return undefined;
    if (node === '') return noOpinion(`unknown node for user ${JSON.stringify(attributes.user.username)}`);
    if (attributes.resourceRequest) {
      const resource = `${attributes.group}/${attributes.resource}`;
      switch (resource) {
        case '/secrets':
        case '/configmaps':
          return this.readNamespacedObject(node, attributes);
        case '/persistentvolumeclaims':
          return attributes.subresource === 'status' ? this.statusUpdate(node, attributes) : this.get(node, attributes);
        case '/persistentvolumes':
          return this.get(node, attributes);
        case 'coordination.k8s.io/leases':
          return lease(node, attributes);
        case '/nodes':
          return nodeObject(node, attributes);
        case '/pods':
          return this.pod(node, attributes);
      }
    }
    return rulesAllow(attributes, NODE_RULES) ? allow : noOpinion();
  }

  private readNamespacedObject(node: string, attributes: Attributes): NodeDecision {
    if (!['get', 'list', 'watch'].includes(attributes.verb)) return noOpinion('can only read resources of this type');
    if (attributes.subresource) return noOpinion('cannot read subresource');
    if (!attributes.namespace) return noOpinion('can only read namespaced object of this type');
    return this.related(node, attributes);
  }

  private get(node: string, attributes: Attributes): NodeDecision {
    if (attributes.verb !== 'get') return noOpinion('can only get individual resources of this type');
    if (attributes.subresource) return noOpinion('cannot get subresource');
    return this.related(node, attributes);
  }

  private statusUpdate(node: string, attributes: Attributes): NodeDecision {
    if (attributes.verb !== 'update' && attributes.verb !== 'patch') return noOpinion('can only get/update/patch this type');
    return this.related(node, attributes);
  }

  private pod(node: string, attributes: Attributes): NodeDecision {
    const { verb, subresource } = attributes;
    if (subresource === '') {
      if (verb === 'get') return this.get(node, attributes);
      if (verb === 'list' || verb === 'watch') {
        if (selected(attributes.fieldSelector, 'spec.nodeName') === node) return allow;
        if (attributes.name) return this.related(node, attributes);
        return noOpinion('can only list/watch pods with spec.nodeName field selector');
      }
      // Mirror pods; NodeRestriction keeps them to the node's own.
      if (verb === 'create' || verb === 'delete') return allow;
    }
    if (subresource === 'status' && (verb === 'update' || verb === 'patch')) return allow;
    if (subresource === 'eviction' && verb === 'create') return allow;
    return noOpinion();
  }

  /** Upstream's hasPathFrom: node <- pod, node <- pod <- configmap|secret|pvc, node <- pod <- pvc <- pv. */
  private related(node: string, attributes: Attributes): NodeDecision {
    const { resource, namespace, name } = attributes;
    if (!name) return noOpinion('No Object name found');
    if (resource === 'pods') {
      const pod = this.graph.pod(namespace, name);
      return pod && podNode(pod) === node ? allow : noRelationship(node);
    }
    if (resource === 'persistentvolumes') {
      const bound = this.graph.allPodsOn(node).some((pod) =>
        claimsOf(pod).some((claim) => (this.graph.persistentVolumeClaim(pod.metadata?.namespace ?? '', claim)?.spec as { volumeName?: string } | undefined)?.volumeName === name),
      );
      return bound ? allow : noRelationship(node);
    }
    const refers = this.graph.podsOn(node, namespace).some((pod) => referencesOf(pod, resource).includes(name));
    return refers ? allow : noRelationship(node);
  }
}

function lease(node: string, attributes: Attributes): NodeDecision {
  if (!['get', 'create', 'update', 'patch', 'delete'].includes(attributes.verb)) return noOpinion('can only get, create, update, patch, or delete a node lease');
  if (attributes.namespace !== NODE_LEASE_NAMESPACE) return noOpinion(`can only access leases in the "${NODE_LEASE_NAMESPACE}" system namespace`);
  // The name of a create is in its body: NodeRestriction checks it.
  if (attributes.verb !== 'create' && attributes.name !== node) return noOpinion('can only access node lease with the same name as the requesting node');
  return allow;
}

function nodeObject(node: string, attributes: Attributes): NodeDecision {
  const { verb, subresource, name } = attributes;
  if (subresource === '') {
    // NodeRestriction keeps writes to the node's own object.
    if (verb === 'create' || verb === 'update' || verb === 'patch') return allow;
    if (verb === 'get' || verb === 'list' || verb === 'watch') {
      if (name === node) return allow;
      if (name === '') return noOpinion(`node '${node}' cannot read all nodes, only its own Node object`);
      return noOpinion(`node '${node}' cannot read '${name}', only its own Node object`);
    }
  }
  if (subresource === 'status' && (verb === 'update' || verb === 'patch')) return allow;
  return noOpinion();
}

export const podNode = (pod: KubeObject): string | undefined => (pod.spec as { nodeName?: string } | undefined)?.nodeName;

interface PodVolumes {
  volumes?: { configMap?: { name?: string }; secret?: { secretName?: string }; persistentVolumeClaim?: { claimName?: string }; projected?: { sources?: { configMap?: { name?: string }; secret?: { name?: string } }[] } }[];
  containers?: ContainerRefs[];
  initContainers?: ContainerRefs[];
  imagePullSecrets?: { name?: string }[];
}

interface ContainerRefs {
  envFrom?: { configMapRef?: { name?: string }; secretRef?: { name?: string } }[];
  env?: { valueFrom?: { configMapKeyRef?: { name?: string }; secretKeyRef?: { name?: string } } }[];
}

const claimsOf = (pod: KubeObject): string[] => referencesOf(pod, 'persistentvolumeclaims');

/** The configmaps, secrets or claims a pod mounts or reads, as upstream's graph_populator adds them. */
function referencesOf(pod: KubeObject, resource: string): string[] {
  const spec = (pod.spec ?? {}) as PodVolumes;
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  const names: (string | undefined)[] = [];
  if (resource === 'configmaps') {
    for (const v of spec.volumes ?? []) names.push(v.configMap?.name, ...(v.projected?.sources ?? []).map((s) => s.configMap?.name));
    for (const c of containers) names.push(...(c.envFrom ?? []).map((e) => e.configMapRef?.name), ...(c.env ?? []).map((e) => e.valueFrom?.configMapKeyRef?.name));
  } else if (resource === 'secrets') {
    for (const v of spec.volumes ?? []) names.push(v.secret?.secretName, ...(v.projected?.sources ?? []).map((s) => s.secret?.name));
    for (const c of containers) names.push(...(c.envFrom ?? []).map((e) => e.secretRef?.name), ...(c.env ?? []).map((e) => e.valueFrom?.secretKeyRef?.name));
    names.push(...(spec.imagePullSecrets ?? []).map((s) => s.name));
  } else if (resource === 'persistentvolumeclaims') {
    for (const v of spec.volumes ?? []) names.push(v.persistentVolumeClaim?.claimName);
  }
  return names.filter((n): n is string => !!n);
}
