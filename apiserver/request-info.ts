// What a resource request asks for, read off its path and method (upstream
// staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go):
// /api/v1/namespaces/default/pods/web-0/status -> pods "web-0" in default,
// subresource status. The rest of the server works from this, never from
// the raw path.
import { findResource, notFound, resources, type ResourceType } from '../proto/index.js';

export type RequestVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface RequestInfo {
  readonly resource: ResourceType;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
  readonly verb: RequestVerb;
}

const NOT_FOUND_MESSAGE = 'the server could not find the requested resource';

/** The 404 upstream answers for a path no resource serves. */
export function pathNotFound(): Error {
  const error = notFound({ group: '', resource: '' });
  return Object.assign(error, { message: NOT_FOUND_MESSAGE, details: {} });
}

/**
 * Parses the part of a path after /api/v1 or /apis/<group>/<version>.
 * `segments` are already split and URI-decoded.
 */
export function parseResourcePath(
  group: string,
  version: string,
  segments: readonly string[],
  method: string,
  watchParam: boolean,
): RequestInfo {
  let parts = [...segments];
  let watch = watchParam;
  if (parts[0] === 'watch') {
    // The old watch paths: /api/v1/watch/namespaces/default/pods.
    watch = true;
    parts = parts.slice(1);
  }
  let namespace: string | undefined;
  // namespaces/<ns>/<resource>... is a namespaced request when <resource> is a
  // namespaced resource of this group version; else namespaces/<name>[/<sub>]
  // is the Namespace itself.
  if (parts[0] === 'namespaces' && parts.length >= 3 && findResource(group, version, parts[2]!)?.scope === 'Namespaced') {
    namespace = parts[1];
    parts = parts.slice(2);
  }
  const [plural, name, subresource, ...rest] = parts;
  const resource = plural === undefined ? undefined : findResource(group, version, plural);
  if (!resource || rest.length > 0 || name === '' || subresource === '') throw pathNotFound();
  if (subresource !== undefined && !resource.subresources.some((s) => s.name === subresource)) throw pathNotFound();
  if (namespace !== undefined && resource.scope === 'Cluster') throw pathNotFound();
  return { resource, namespace, name, subresource, verb: verbOf(method, name !== undefined, watch) };
}

function verbOf(method: string, hasName: boolean, watch: boolean): RequestVerb {
  switch (method) {
    case 'GET':
    case 'HEAD':
      if (watch) return 'watch';
      return hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return 'get';
  }
}

/** Whether a group/version is served at all. */
export function servesGroupVersion(group: string, version: string): boolean {
  return resources.some((r) => r.group === group && r.version === version);
}
