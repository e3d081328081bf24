// meta.k8s.io/v1 Tables (upstream staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/types.go
// Table, and apiserver/pkg/endpoints/handlers/response.go asTable): the rows
// kubectl get prints, with each row's object as PartialObjectMetadata unless
// the client asks includeObject=Object or None.
import type { KubeObject, TableConvertor } from './registry/strategy.js';

export type IncludeObject = 'None' | 'Object' | 'Metadata';

export function includeObjectOf(value: unknown): IncludeObject {
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

function rowObject(object: KubeObject, include: IncludeObject): unknown {
  if (include === 'Object') return object;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: object.metadata ?? {} };
}

export interface TableMeta {
  readonly resourceVersion?: string;
  readonly continue?: string;
  readonly remainingItemCount?: number;
}

export function toTable(
  convertor: TableConvertor,
  objects: readonly KubeObject[],
  meta: TableMeta,
  include: IncludeObject,
  now: Date,
  withColumns = true,
): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    columnDefinitions: withColumns ? convertor.columns : null,
    rows: objects.map((object) => ({
      cells: convertor.cells(object, now),
      ...(include === 'None' ? {} : { object: rowObject(object, include) }),
    })),
  };
}
