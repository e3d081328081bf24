// What the generic REST code asks of each kind (upstream's per-resource
// strategy in pkg/registry/<group>/<resource>/strategy.go): defaults,
// validation, what a create or update may change, table columns and
// selectable fields. The generic code knows no kind by name (STYLE.md 2).
import type { FieldError } from '../../proto/status.js';

/** A decoded object, as JSON. Strategies narrow it to the kubernetes-types type they know. */
export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMetaLike;
  [field: string]: unknown;
};

export interface ObjectMetaLike {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: {
    apiVersion: string;
    kind: string;
    name: string;
    uid: string;
    controller?: boolean;
    blockOwnerDeletion?: boolean;
  }[];
  managedFields?: unknown[];
  [field: string]: unknown;
}

/** Upstream rest.GarbageCollectionPolicy (Unsupported: the kind never takes the garbage collector's finalizers). */
export type GarbageCollectionPolicy = 'DeleteDependents' | 'OrphanDependents' | 'Unsupported';

/** A column of a meta.k8s.io/v1 Table (TableColumnDefinition). */
export interface TableColumn {
  readonly name: string;
  /** 'string', 'integer', 'number', 'boolean', 'date'. */
  readonly type: string;
  readonly format: string;
  readonly description: string;
  /** 0: shown by default; 1 and more: only with `-o wide`. */
  readonly priority: number;
}

export interface TableConvertor {
  readonly columns: readonly TableColumn[];
  /** One row's cells, in column order; `now` is the time AGE columns count from. */
  cells(object: KubeObject, now: Date): unknown[];
}

export interface Strategy {
  /**
   * Upstream's defaulting functions (pkg/apis/<group>/v1/defaults.go): fills
   * what a real cluster fills, so `kubectl get -o yaml` shows the same object.
   * Runs on create and on every update of the main resource.
   */
  defaults?(object: KubeObject): void;
  /**
   * On create, before the rest: what the server hands out, given the
   * objects of this resource that exist (upstream's Service REST allocating
   * a cluster IP).
   */
  assignOnCreate?(object: KubeObject, existing: readonly KubeObject[]): void;
  /** On create, after defaults: e.g. reset status, set what the server owns. */
  prepareForCreate?(object: KubeObject): void;
  /** On update of the main resource: e.g. keep the old status when a status subresource exists. */
  prepareForUpdate?(object: KubeObject, old: KubeObject): void;
  /** Field errors of a new object, metadata included. */
  validate(object: KubeObject): FieldError[];
  /** Field errors of an update (immutable fields), on top of validate(). */
  validateUpdate?(object: KubeObject, old: KubeObject): FieldError[];
  /** For the status subresource: what of the update to keep (the rest comes from old). */
  prepareForStatusUpdate?(object: KubeObject, old: KubeObject): void;
  validateStatusUpdate?(object: KubeObject, old: KubeObject): FieldError[];
  /**
   * The grace period a delete gets (upstream's CheckGracefulDelete): pods
   * wait for their kubelet; absent, objects are deleted at once.
   */
  gracefulDeleteSeconds?(object: KubeObject, requested: number | undefined): number;
  /**
   * Deletion the kind itself holds up before the generic rules (upstream's
   * namespace storage Delete): returns the object marked for deletion to be
   * kept, or undefined to go on with the generic rules.
   */
  holdDeletion?(object: KubeObject, now: string): KubeObject | undefined;
  /**
   * Upstream's DefaultGarbageCollectionPolicy: what a delete that names no
   * propagationPolicy (nor orphanDependents) does to the object's dependents,
   * by the apiVersion the request was served in. Absent: DeleteDependents.
   */
  defaultGarbageCollectionPolicy?(apiVersion: string): GarbageCollectionPolicy;
  /**
   * Upstream's ShouldDeleteDuringUpdate on top of the generic rule (marked,
   * no finalizers left): a namespace also waits for its spec.finalizers.
   */
  deletableAfterUpdate?(object: KubeObject): boolean;
  /** Whether metadata.generation counts spec changes (workloads; not pods or nodes). */
  readonly tracksGeneration: boolean;
  /** The fields a fieldSelector may name, besides metadata.name and metadata.namespace, and their values. */
  selectableFields?(object: KubeObject): Record<string, string>;
  readonly table: TableConvertor;
}
