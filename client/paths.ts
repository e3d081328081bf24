// API paths of proto's catalogue entries, as upstream lays them out:
// /api/v1/namespaces/<ns>/pods/<name>/status, /apis/apps/v1/daemonsets, ...
import type { ResourceType } from '../proto/index.js';

export interface ObjectPath {
  /** Ignored for a cluster-scoped resource; absent for a namespaced one: every namespace. */
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
}

export function groupVersionPath(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group === '' ? `/api/${type.version}` : `/apis/${type.group}/${type.version}`;
}

export function resourcePath(type: ResourceType, at: ObjectPath = {}): string {
  let path = groupVersionPath(type);
  if (type.scope === 'Namespaced' && at.namespace !== undefined) path += `/namespaces/${encodeURIComponent(at.namespace)}`;
  path += `/${type.plural}`;
  if (at.name !== undefined) {
    path += `/${encodeURIComponent(at.name)}`;
    if (at.subresource !== undefined) path += `/${at.subresource}`;
  }
  return path;
}
