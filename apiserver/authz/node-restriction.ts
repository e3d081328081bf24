// NodeRestriction admission (upstream plugin/pkg/admission/noderestriction/
// admission.go): what the Node authorizer allows every kubelet in general,
// narrowed to the kubelet's own objects once the object is known: its own
// Node, its own Lease, mirror pods bound to itself, and the status, deletion
// and eviction of pods bound to itself. Runs after authorization, before the
// write; a refusal is upstream's admission 403.
import { forbidden, type ApiError } from '../../proto/index.js';
import type { UserInfo } from '../auth.js';
import type { RequestInfo } from '../request-info.js';
import type { KubeObject } from '../registry/strategy.js';
import { NODE_LEASE_NAMESPACE, nodeIdentity, podNode } from './node.js';

const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

export interface NodeRestrictionInput {
  readonly user: UserInfo;
  readonly info: RequestInfo;
  /** The object a create sends (its name is not in the path). */
  readonly created?: KubeObject;
  /** The object as it is, for a change to an existing one. */
  readonly existing?: KubeObject;
}

/** Throws upstream's 403 when a node asks for what is not its own; anyone else passes. */
export function admitNodeRequest({ user, info, created, existing }: NodeRestrictionInput): void {
  const node = nodeIdentity(user);
  if (node === undefined || !['create', 'update', 'patch', 'delete'].includes(info.verb) || info.resource.group !== '' && info.resource.group !== 'coordination.k8s.io') return;
  const name = info.name ?? created?.metadata?.name ?? '';
  const refuse = (message: string): ApiError => forbidden({ group: info.resource.group, resource: info.resource.plural, name }, message);
  switch (`${info.resource.group}/${info.resource.plural}`) {
    case '/nodes':
      if (name !== node) throw refuse(`node "${node}" is not allowed to modify node "${name}"`);
      return;
    case 'coordination.k8s.io/leases':
      if (info.namespace !== NODE_LEASE_NAMESPACE) throw refuse(`can only access leases in the "${NODE_LEASE_NAMESPACE}" system namespace`);
      if (name !== node) throw refuse('can only access node lease with the same name as the requesting node');
      return;
    case '/pods':
      return admitPod(node, info, refuse, created, existing);
  }
}

function admitPod(node: string, info: RequestInfo, refuse: (message: string) => ApiError, created?: KubeObject, existing?: KubeObject): void {
  if (info.subresource === 'status') {
    if (existing && podNode(existing) !== node) throw refuse(`node "${node}" can only update pod status for pods with spec.nodeName set to itself`);
    return;
  }
  if (info.subresource === 'eviction') {
    if (existing && podNode(existing) !== node) throw refuse(`node "${node}" can only evict pods with spec.nodeName set to itself`);
    return;
  }
  if (info.subresource !== undefined) return;
  if (info.verb === 'create') {
    if (created?.metadata?.annotations?.[MIRROR_POD_ANNOTATION] === undefined) {
      throw refuse(`pod does not have "${MIRROR_POD_ANNOTATION}" annotation, node "${node}" can only create mirror pods`);
    }
    if (podNode(created) !== node) throw refuse(`node "${node}" can only create pods with spec.nodeName set to itself`);
    return;
  }
  if (info.verb === 'delete') {
    if (existing && podNode(existing) !== node) throw refuse(`node "${node}" can only delete pods with spec.nodeName set to itself`);
    return;
  }
  throw refuse(`unexpected operation "${info.verb === 'patch' ? 'UPDATE' : info.verb.toUpperCase()}", node "${node}" can only create and delete mirror pods`);
}
