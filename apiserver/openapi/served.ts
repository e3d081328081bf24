// The OpenAPI documents of the served API, built once per process at the
// first request that needs them (kubectl explain, kubectl's validation, a
// create that checks its fields) and kept: the catalogue does not change
// while a process runs.
import { createHash } from 'node:crypto';
import { groupVersions, resources } from '../../proto/index.js';
import { buildDefinitions, type ServedDefinitions } from './definitions.js';
import { groupVersionDocument, swaggerDocument } from './documents.js';
import { encodeSwaggerProtobuf } from './gnostic.js';

export interface ServedDocument {
  readonly body: string;
  /** Upstream's etag: the SHA-512 of the body, upper-case hex (kube-openapi handler3). */
  readonly hash: string;
}

export interface ServedOpenApi {
  readonly v2: ServedDocument;
  /** By path under /openapi/v3/: "api/v1", "apis/apps/v1". */
  readonly v3: ReadonlyMap<string, ServedDocument>;
  /** The /openapi/v3 root: each group version's serverRelativeURL with its hash. */
  readonly v3Root: string;
  /** When the documents were built: their Last-Modified. */
  readonly builtAt: Date;
}

function served(body: string): ServedDocument {
  return { body, hash: createHash('sha512').update(body).digest('hex').toUpperCase() };
}

let definitions: ServedDefinitions | undefined;
let openApi: ServedOpenApi | undefined;
let v2Protobuf: Buffer | undefined;

/** The definitions of every served kind and what they reference. */
export function servedDefinitions(): ServedDefinitions {
  definitions ??= buildDefinitions(resources);
  return definitions;
}

export function servedOpenApi(): ServedOpenApi {
  if (openApi) return openApi;
  const all = servedDefinitions();
  const v3 = new Map<string, ServedDocument>();
  for (const { group, versions } of groupVersions()) {
    for (const version of versions) {
      const key = group === '' ? `api/${version}` : `apis/${group}/${version}`;
      // Every group version is listed, a legacy one too (its paths, without schemas): kubectl
      // reads from its paths that the server validates fields itself (QueryParamVerifierV3).
      const inGroupVersion = resources.filter((r) => r.group === group && r.version === version);
      v3.set(key, served(JSON.stringify(groupVersionDocument(inGroupVersion, all))));
    }
  }
  const v3Root = JSON.stringify({
    paths: Object.fromEntries([...v3].map(([key, doc]) => [key, { serverRelativeURL: `/openapi/v3/${key}?hash=${doc.hash}` }])),
  });
  openApi = { v2: served(JSON.stringify(swaggerDocument(resources, all))), v3, v3Root, builtAt: new Date() };
  return openApi;
}

/**
 * /openapi/v2 in protobuf, encoded from the JSON document served (its body,
 * parsed) at the first request for it and kept, as kube-openapi's handler
 * keeps its protoCache beside its jsonCache. Its ETag is the JSON's there too.
 */
export function servedV2Protobuf(): Buffer {
  v2Protobuf ??= encodeSwaggerProtobuf(JSON.parse(servedOpenApi().v2.body) as Record<string, unknown>);
  return v2Protobuf;
}
