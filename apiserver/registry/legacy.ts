// The defaults of the old versions (DESIGN.md "Legacy versions"), applied
// before an object sent in one is stored as the current version: upstream
// 1.15's pkg/apis/extensions/v1beta1/defaults.go and
// pkg/apis/apps/v1beta1/defaults.go. apps/v1beta2 defaults as apps/v1 does.
import { apiVersionOf, type ResourceType } from '../../proto/index.js';
import type { KubeObject, Strategy } from './strategy.js';

interface WorkloadSpec {
  selector?: unknown;
  template?: { metadata?: { labels?: Record<string, string> } };
  updateStrategy?: { type?: string };
  templateGeneration?: unknown;
}

/** As the old SetDefaults_DaemonSet and SetDefaults_StatefulSet: the selector, and the object's labels, from the template's. */
function selectorFromTemplate(object: KubeObject): void {
  const spec = (object.spec ??= {}) as WorkloadSpec;
  const labels = spec.template?.metadata?.labels;
  if (!labels) return;
  spec.selector ??= { matchLabels: { ...labels } };
  const meta = (object.metadata ??= {});
  if (Object.keys(meta.labels ?? {}).length === 0) meta.labels = { ...labels };
}

/** The old versions updated daemons and stateful pods only when deleted, unless told otherwise. */
function onDeleteByDefault(object: KubeObject): void {
  const spec = (object.spec ??= {}) as WorkloadSpec;
  (spec.updateStrategy ??= {}).type ??= 'OnDelete';
}

const legacyDefaults: Record<string, (object: KubeObject) => void> = {
  'extensions/v1beta1 DaemonSet': (ds) => {
    selectorFromTemplate(ds);
    onDeleteByDefault(ds);
    // apps/v1 has no such field: the server keeps the template generation itself.
    delete ((ds.spec ?? {}) as WorkloadSpec).templateGeneration;
  },
  'apps/v1beta1 StatefulSet': (sts) => {
    selectorFromTemplate(sts);
    onDeleteByDefault(sts);
  },
};

/**
 * The strategy of a resource as served: for a legacy version, the stored
 * version's strategy with the old defaults first.
 */
export function servedStrategy(resource: ResourceType, strategy: Strategy): Strategy {
  const old = resource.storage ? legacyDefaults[`${apiVersionOf(resource)} ${resource.kind}`] : undefined;
  if (!old) return strategy;
  return {
    ...strategy,
    defaults(object) {
      old(object);
      strategy.defaults?.(object);
    },
  };
}
