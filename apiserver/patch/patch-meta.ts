// How strategic merge patch merges each list (upstream: the
// `patchStrategy:"merge" patchMergeKey:"..."` tags of staging/src/k8s.io/api
// core/v1 and apps/v1 types.go). A list not named here is replaced whole.

/** What a strategic merge knows about one object type: the lists among its fields, and its nested types. */
export interface TypeMeta {
  readonly fields?: Readonly<Record<string, FieldMeta>>;
}

export interface FieldMeta {
  /** The field's own type, when it is an object (or a list of objects). */
  readonly type?: TypeMeta;
  /** A merged list: by this key for objects; absent key: a set of primitives. */
  readonly merge?: { readonly key?: string };
}

const conditions: FieldMeta = { merge: { key: 'type' } };

const container: TypeMeta = {
  fields: {
    ports: { merge: { key: 'containerPort' } },
    env: { merge: { key: 'name' } },
    volumeMounts: { merge: { key: 'mountPath' } },
    volumeDevices: { merge: { key: 'devicePath' } },
  },
};

const podSpec: TypeMeta = {
  fields: {
    containers: { type: container, merge: { key: 'name' } },
    initContainers: { type: container, merge: { key: 'name' } },
    ephemeralContainers: { type: container, merge: { key: 'name' } },
    volumes: { merge: { key: 'name' } },
    imagePullSecrets: { merge: { key: 'name' } },
    hostAliases: { merge: { key: 'ip' } },
    topologySpreadConstraints: { merge: { key: 'topologyKey' } },
    resourceClaims: { merge: { key: 'name' } },
    schedulingGates: { merge: { key: 'name' } },
  },
};

const objectMeta: TypeMeta = {
  fields: {
    finalizers: { merge: {} },
    ownerReferences: { merge: { key: 'uid' } },
  },
};

const podTemplate: TypeMeta = { fields: { metadata: { type: objectMeta }, spec: { type: podSpec } } };

const withConditions: TypeMeta = { fields: { conditions } };

function kind(fields: Record<string, FieldMeta>): TypeMeta {
  return { fields: { metadata: { type: objectMeta }, ...fields } };
}

const workload = (extraStatus: TypeMeta = withConditions): TypeMeta =>
  kind({ spec: { type: { fields: { template: { type: podTemplate } } } }, status: { type: extraStatus } });

/** By kind ("Pod", "DaemonSet", ...); kinds not listed merge only their metadata's lists. */
export const patchMeta: Readonly<Record<string, TypeMeta>> = {
  Pod: kind({
    spec: { type: podSpec },
    status: { type: { fields: { conditions, podIPs: { merge: { key: 'ip' } }, hostIPs: { merge: { key: 'ip' } } } } },
  }),
  Node: kind({
    spec: { type: { fields: { podCIDRs: { merge: {} } } } },
    status: { type: { fields: { conditions, addresses: { merge: { key: 'type' } } } } },
  }),
  Service: kind({ spec: { type: { fields: { ports: { merge: { key: 'port' } } } } }, status: { type: withConditions } }),
  ReplicationController: workload(),
  DaemonSet: workload(),
  StatefulSet: workload(),
  PersistentVolumeClaim: kind({ status: { type: withConditions } }),
  Namespace: kind({ status: { type: withConditions } }),
};

export function metaOfKind(kindName: string): TypeMeta {
  return patchMeta[kindName] ?? kind({});
}
