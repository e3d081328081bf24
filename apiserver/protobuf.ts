// Protobuf request bodies (upstream's application/vnd.kubernetes.protobuf):
// kubectl's typed-client commands, such as `kubectl create namespace`,
// `kubectl create configmap` and `kubectl create service`, send their object
// this way. A body is the magic
// "k8s\0", then a runtime.Unknown holding the object's TypeMeta and its
// protobuf bytes. The wire format is read with protobufjs; the message
// layouts are those of k8s.io/api's generated.proto for the kinds below.
//
// Not built yet: kinds other than Namespace, ConfigMap, Service, the RBAC kinds
// and the access reviews (their
// bodies get a 415 that says so), and protobuf answers (kubelab always
// answers JSON, which every client accepts).
import protobuf from 'protobufjs';
import { ApiError, badRequest } from '../proto/index.js';
import type { KubeObject } from './registry/strategy.js';

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** A message of string fields numbered 1, 2, 3, ... in the order given. */
function stringFields(...names: string[]): Record<string, { type: 'string'; id: number }> {
  return Object.fromEntries(names.map((name, i) => [name, { type: 'string', id: i + 1 }]));
}

// Typed loosely: map fields (keyType) are protobufjs IMapFields, which its IField type does not list.
const descriptor: Record<string, unknown> = {
  nested: {
    Unknown: { fields: { typeMeta: { type: 'TypeMeta', id: 1 }, raw: { type: 'bytes', id: 2 }, contentEncoding: { type: 'string', id: 3 }, contentType: { type: 'string', id: 4 } } },
    TypeMeta: { fields: { apiVersion: { type: 'string', id: 1 }, kind: { type: 'string', id: 2 } } },
    Time: { fields: { seconds: { type: 'int64', id: 1 }, nanos: { type: 'int32', id: 2 } } },
    OwnerReference: {
      fields: {
        kind: { type: 'string', id: 1 },
        name: { type: 'string', id: 3 },
        uid: { type: 'string', id: 4 },
        apiVersion: { type: 'string', id: 5 },
        controller: { type: 'bool', id: 6 },
        blockOwnerDeletion: { type: 'bool', id: 7 },
      },
    },
    ObjectMeta: {
      fields: {
        name: { type: 'string', id: 1 },
        generateName: { type: 'string', id: 2 },
        namespace: { type: 'string', id: 3 },
        uid: { type: 'string', id: 5 },
        resourceVersion: { type: 'string', id: 6 },
        generation: { type: 'int64', id: 7 },
        labels: { keyType: 'string', type: 'string', id: 11 },
        annotations: { keyType: 'string', type: 'string', id: 12 },
        ownerReferences: { rule: 'repeated', type: 'OwnerReference', id: 13 },
        finalizers: { rule: 'repeated', type: 'string', id: 14 },
      },
    },
    NamespaceSpec: { fields: { finalizers: { rule: 'repeated', type: 'string', id: 1 } } },
    Namespace: { fields: { metadata: { type: 'ObjectMeta', id: 1 }, spec: { type: 'NamespaceSpec', id: 2 } } },
    // k8s.io/apimachinery intstr: type 0 is an int, 1 a string.
    IntOrString: { fields: { type: { type: 'int64', id: 1 }, intVal: { type: 'int32', id: 2 }, strVal: { type: 'string', id: 3 } } },
    ServicePort: {
      fields: {
        name: { type: 'string', id: 1 },
        protocol: { type: 'string', id: 2 },
        port: { type: 'int32', id: 3 },
        targetPort: { type: 'IntOrString', id: 4 },
        nodePort: { type: 'int32', id: 5 },
        appProtocol: { type: 'string', id: 6 },
      },
    },
    ClientIPConfig: { fields: { timeoutSeconds: { type: 'int32', id: 1 } } },
    SessionAffinityConfig: { fields: { clientIP: { type: 'ClientIPConfig', id: 1 } } },
    ServiceSpec: {
      fields: {
        ports: { rule: 'repeated', type: 'ServicePort', id: 1 },
        selector: { keyType: 'string', type: 'string', id: 2 },
        clusterIP: { type: 'string', id: 3 },
        type: { type: 'string', id: 4 },
        externalIPs: { rule: 'repeated', type: 'string', id: 5 },
        sessionAffinity: { type: 'string', id: 7 },
        loadBalancerIP: { type: 'string', id: 8 },
        loadBalancerSourceRanges: { rule: 'repeated', type: 'string', id: 9 },
        externalName: { type: 'string', id: 10 },
        externalTrafficPolicy: { type: 'string', id: 11 },
        healthCheckNodePort: { type: 'int32', id: 12 },
        publishNotReadyAddresses: { type: 'bool', id: 13 },
        sessionAffinityConfig: { type: 'SessionAffinityConfig', id: 14 },
        ipFamilyPolicy: { type: 'string', id: 17 },
        clusterIPs: { rule: 'repeated', type: 'string', id: 18 },
        ipFamilies: { rule: 'repeated', type: 'string', id: 19 },
        allocateLoadBalancerNodePorts: { type: 'bool', id: 20 },
        loadBalancerClass: { type: 'string', id: 21 },
        internalTrafficPolicy: { type: 'string', id: 22 },
        trafficDistribution: { type: 'string', id: 23 },
      },
    },
    // Its status (field 3) is the server's: left out, so it is skipped.
    Service: { fields: { metadata: { type: 'ObjectMeta', id: 1 }, spec: { type: 'ServiceSpec', id: 2 } } },
    ConfigMap: {
      fields: {
        metadata: { type: 'ObjectMeta', id: 1 },
        data: { keyType: 'string', type: 'string', id: 2 },
        binaryData: { keyType: 'string', type: 'bytes', id: 3 },
        immutable: { type: 'bool', id: 4 },
      },
    },
    // rbac.authorization.k8s.io/v1 (kubectl create role, clusterrole, rolebinding, clusterrolebinding).
    PolicyRule: {
      fields: {
        verbs: { rule: 'repeated', type: 'string', id: 1 },
        apiGroups: { rule: 'repeated', type: 'string', id: 2 },
        resources: { rule: 'repeated', type: 'string', id: 3 },
        resourceNames: { rule: 'repeated', type: 'string', id: 4 },
        nonResourceURLs: { rule: 'repeated', type: 'string', id: 5 },
      },
    },
    Role: { fields: { metadata: { type: 'ObjectMeta', id: 1 }, rules: { rule: 'repeated', type: 'PolicyRule', id: 2 } } },
    RoleRef: { fields: { apiGroup: { type: 'string', id: 1 }, kind: { type: 'string', id: 2 }, name: { type: 'string', id: 3 } } },
    Subject: { fields: { kind: { type: 'string', id: 1 }, apiGroup: { type: 'string', id: 2 }, name: { type: 'string', id: 3 }, namespace: { type: 'string', id: 4 } } },
    RoleBinding: { fields: { metadata: { type: 'ObjectMeta', id: 1 }, subjects: { rule: 'repeated', type: 'Subject', id: 2 }, roleRef: { type: 'RoleRef', id: 3 } } },
    // authorization.k8s.io/v1 and authentication.k8s.io/v1 (kubectl auth can-i, can-i --list, whoami).
    ResourceAttributes: { fields: stringFields('namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name') },
    NonResourceAttributes: { fields: { path: { type: 'string', id: 1 }, verb: { type: 'string', id: 2 } } },
    SelfSubjectAccessReviewSpec: { fields: { resourceAttributes: { type: 'ResourceAttributes', id: 1 }, nonResourceAttributes: { type: 'NonResourceAttributes', id: 2 } } },
    SelfSubjectAccessReview: { fields: { metadata: { type: 'ObjectMeta', id: 1 }, spec: { type: 'SelfSubjectAccessReviewSpec', id: 2 } } },
    SelfSubjectRulesReviewSpec: { fields: { namespace: { type: 'string', id: 1 } } },
    SelfSubjectRulesReview: { fields: { metadata: { type: 'ObjectMeta', id: 1 }, spec: { type: 'SelfSubjectRulesReviewSpec', id: 2 } } },
    SelfSubjectReview: { fields: { metadata: { type: 'ObjectMeta', id: 1 } } },
    // SubjectAccessReview and LocalSubjectAccessReview (a component's client asking about another user).
    ExtraValue: { fields: { items: { rule: 'repeated', type: 'string', id: 1 } } },
    SubjectAccessReviewSpec: {
      fields: {
        resourceAttributes: { type: 'ResourceAttributes', id: 1 },
        nonResourceAttributes: { type: 'NonResourceAttributes', id: 2 },
        user: { type: 'string', id: 3 },
        groups: { rule: 'repeated', type: 'string', id: 4 },
        extra: { keyType: 'string', type: 'ExtraValue', id: 5 },
        uid: { type: 'string', id: 6 },
      },
    },
    SubjectAccessReview: { fields: { metadata: { type: 'ObjectMeta', id: 1 }, spec: { type: 'SubjectAccessReviewSpec', id: 2 } } },
  },
};
const root = protobuf.Root.fromJSON(descriptor);

const unknownType = root.lookupType('Unknown');

/** The kinds whose protobuf bodies kubelab reads, by apiVersion/kind. */
const KINDS: Record<string, protobuf.Type> = {
  'v1/Namespace': root.lookupType('Namespace'),
  'v1/ConfigMap': root.lookupType('ConfigMap'),
  'v1/Service': root.lookupType('Service'),
  'rbac.authorization.k8s.io/v1/Role': root.lookupType('Role'),
  // A ClusterRole's aggregationRule (field 3) is not read: kubectl create clusterrole --aggregation-rule sends JSON-only fields kubelab does not aggregate.
  'rbac.authorization.k8s.io/v1/ClusterRole': root.lookupType('Role'),
  'rbac.authorization.k8s.io/v1/RoleBinding': root.lookupType('RoleBinding'),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': root.lookupType('RoleBinding'),
  'authorization.k8s.io/v1/SelfSubjectAccessReview': root.lookupType('SelfSubjectAccessReview'),
  'authorization.k8s.io/v1/SelfSubjectRulesReview': root.lookupType('SelfSubjectRulesReview'),
  'authentication.k8s.io/v1/SelfSubjectReview': root.lookupType('SelfSubjectReview'),
  'authorization.k8s.io/v1/SubjectAccessReview': root.lookupType('SubjectAccessReview'),
  'authorization.k8s.io/v1/LocalSubjectAccessReview': root.lookupType('SubjectAccessReview'),
};

/** The fields besides metadata and spec whose empty values Go writes and JSON leaves out. */
const TOP_LEVEL_FIELDS = ['rules', 'subjects', 'roleRef'];

/**
 * Go's protobuf writes every plain field, empty or not, where its JSON
 * leaves an empty one out (omitempty): such values are dropped, except in
 * the fields that are pointers in Go, where an empty value was set on
 * purpose. IntOrString messages become the number or string JSON has.
 */
const POINTER_FIELDS = new Set(['allocateLoadBalancerNodePorts']);

function asJson(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) {
    // A list's strings stay as they are: `apiGroups: [""]` names the core group.
    const items = (value as unknown[]).map((item) => (item !== null && typeof item === 'object' ? asJson(item) : item));
    return items.length > 0 ? items : undefined;
  }
  if (value !== null && typeof value === 'object') {
    const fields = value as Record<string, unknown>;
    if (key === 'targetPort') return fields.type === 1 ? (fields.strVal ?? '') : (fields.intVal ?? 0);
    const out: Record<string, unknown> = {};
    for (const [name, child] of Object.entries(fields)) {
      const kept = POINTER_FIELDS.has(name) ? child : asJson(child, name);
      if (kept !== undefined) out[name] = kept;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value === '' || value === 0 || value === false ? undefined : value;
}

export function decodeProtobufObject(body: Buffer): KubeObject {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw badRequest('the protobuf body does not start with the Kubernetes magic number');
  }
  let envelope: { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array };
  try {
    envelope = unknownType.toObject(unknownType.decode(body.subarray(MAGIC.length)));
  } catch (error) {
    throw badRequest(`the protobuf body could not be decoded: ${(error as Error).message}`);
  }
  const apiVersion = envelope.typeMeta?.apiVersion ?? '';
  const kind = envelope.typeMeta?.kind ?? '';
  const type = KINDS[`${apiVersion}/${kind}`];
  if (!type) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `kubelab does not read protobuf bodies of ${kind || 'this kind'} (${apiVersion}) yet: send it as JSON (for example kubectl create -f)`,
    );
  }
  try {
    const decoded: KubeObject = type.toObject(type.decode(envelope.raw ?? new Uint8Array()), { longs: Number, bytes: String });
    // Go writes every optional field, empty or not; in JSON an empty one is absent (omitempty).
    const meta = decoded.metadata;
    for (const [field, value] of Object.entries(meta ?? {})) if (value === '' || value === 0) delete meta![field];
    if (decoded.spec !== undefined && kind !== 'Namespace') decoded.spec = asJson(decoded.spec) ?? {};
    // A user's extra values are an ExtraValue message each in protobuf, a plain list in JSON.
    const extra = (decoded.spec as { extra?: Record<string, { items?: string[] }> } | undefined)?.extra;
    if (extra) (decoded.spec as { extra: Record<string, string[]> }).extra = Object.fromEntries(Object.entries(extra).map(([key, value]) => [key, value.items ?? []]));
    for (const field of TOP_LEVEL_FIELDS) {
      if (decoded[field] === undefined) continue;
      const kept = asJson(decoded[field]);
      if (kept === undefined) delete decoded[field];
      else decoded[field] = kept;
    }
    return { apiVersion, kind, ...decoded };
  } catch (error) {
    throw badRequest(`the protobuf ${kind} could not be decoded: ${(error as Error).message}`);
  }
}
