// Which strategy serves which kind: the one place that names them all.
import { resources } from '../../proto/index.js';
import { tables } from '../tables/index.js';
import { holdNamespaceDeletion, podGracePeriod } from './deletion.js';
import type { KubeObject, Strategy, TableConvertor } from './strategy.js';

// Interim: every kind gets the basic strategy (metadata only) until its own
// defaults and validation land; the columns are each kind's own.
const basicTable: TableConvertor = {
  columns: [
    { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
    { name: 'Created At', type: 'date', format: '', description: 'CreationTimestamp', priority: 0 },
  ],
  cells: (object: KubeObject) => [object.metadata?.name ?? '', object.metadata?.creationTimestamp ?? ''],
};

const basic: Strategy = {
  validate: (object) => (object.metadata?.name ? [] : [{ type: 'FieldValueRequired', field: 'metadata.name', detail: 'name or generateName is required' }]),
  tracksGeneration: false,
  table: basicTable,
};

/** As upstream's namespace strategy: the kubernetes finalizer, phase Active, and the name label. */
function namespaceDefaults(namespace: KubeObject): void {
  const spec = (namespace.spec ??= {}) as { finalizers?: string[] };
  spec.finalizers ??= ['kubernetes'];
  namespace.status = { phase: 'Active', ...(namespace.status as object | undefined) };
  const meta = (namespace.metadata ??= {});
  meta.labels = { ...meta.labels, 'kubernetes.io/metadata.name': meta.name ?? '' };
}

export const strategies: ReadonlyMap<string, Strategy> = new Map(
  resources.map((r): [string, Strategy] => {
    const table = tables[r.kind] ?? basicTable;
    if (r.kind === 'Namespace') return [r.kind, { ...basic, table, defaults: namespaceDefaults, holdDeletion: holdNamespaceDeletion }];
    if (r.kind === 'Pod') return [r.kind, { ...basic, table, gracefulDeleteSeconds: podGracePeriod }];
    return [r.kind, { ...basic, table }];
  }),
);
