// The REST client (client-go's rest.RESTClient and the typed clientsets over
// it): requests to one of several API servers, failing over to the next when
// one cannot be reached, and typed verbs over proto's resource catalogue.
import type { Binding } from 'kubernetes-types/core/v1.js';
import type { Scale } from 'kubernetes-types/autoscaling/v1.js';
import type { DeleteOptions, ListMeta, ObjectMeta } from 'kubernetes-types/meta/v1.js';
import pino, { type Logger } from 'pino';
import type { ResourceType, Status } from '../proto/index.js';
import { apiErrorFromResponse, ServerUnreachableError } from './errors.js';
import { httpTransport, tlsTransport, type ClientTls, type Transport, type TransportResponse } from './transport.js';
import type { TypedResource } from './kinds.js';
import { resourcePath, type ObjectPath } from './paths.js';

/** Any API object: what every verb reads and writes. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

export interface KubeList<T extends KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata: ListMeta;
  items: T[];
}

/** Who a client is to the API server: a client certificate (and the CA it trusts), or a bearer token, as a kubeconfig's user. */
export interface ClientCredentials {
  readonly tls?: ClientTls;
  readonly bearerToken?: string;
}

export interface KubeClientOptions extends ClientCredentials {
  /** One API server's URL, or several: a request goes to the next when one cannot be reached. */
  readonly server: string | readonly string[];
  readonly userAgent?: string;
  /** How requests are sent: node:http with keep-alive by default (client/transport.ts, with `tls` when given); `fetch` fits too. */
  readonly fetch?: Transport;
  readonly logger?: Logger;
  /** How long one request may take before the next server is tried. */
  readonly requestTimeoutMs?: number;
}

export const clientDefaults = {
  userAgent: 'kubelab-client/0.1.0',
  requestTimeoutMs: 30_000,
} as const;

export interface ListOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly limit?: number;
  readonly continue?: string;
  readonly resourceVersion?: string;
  readonly resourceVersionMatch?: 'Exact' | 'NotOlderThan';
}

export interface WriteOptions {
  readonly dryRun?: 'All';
  readonly fieldManager?: string;
  /** A server-side apply that takes over fields other managers own (an apply patch only). */
  readonly force?: boolean;
}

/** meta/v1 PatchType, by its short name; 'apply' is server-side apply (its body JSON, which is YAML). */
export type PatchType = 'merge' | 'json' | 'strategic' | 'apply';

const PATCH_CONTENT_TYPES: Readonly<Record<PatchType, string>> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export type Query = Readonly<Record<string, string | number | boolean | undefined>>;

export interface RequestOptions {
  readonly query?: Query;
  readonly body?: unknown;
  readonly contentType?: string;
}

export class KubeClient {
  readonly servers: readonly string[];
  readonly log: Logger;
  private current = 0;
  private readonly fetch: Transport;
  private readonly userAgent: string;
  private readonly bearerToken?: string;
  /** The TLS options of every connection, the watch's WebSockets too. */
  readonly tls?: ClientTls;
  private readonly requestTimeoutMs: number;

  constructor(options: KubeClientOptions) {
    this.servers = (typeof options.server === 'string' ? [options.server] : [...options.server]).map((s) => s.replace(/\/+$/, ''));
    if (this.servers.length === 0) throw new TypeError('KubeClient: at least one server URL is needed');
    this.tls = options.tls;
    this.bearerToken = options.bearerToken;
    this.fetch = options.fetch ?? (options.tls ? tlsTransport(options.tls) : httpTransport);
    this.log = options.logger ?? pino({ level: 'silent' });
    this.userAgent = options.userAgent ?? clientDefaults.userAgent;
    this.requestTimeoutMs = options.requestTimeoutMs ?? clientDefaults.requestTimeoutMs;
  }

  /** The server requests go to now: the last one that answered. */
  get server(): string {
    return this.servers[this.current]!;
  }

  get headers(): Readonly<Record<string, string>> {
    return { 'User-Agent': this.userAgent, ...(this.bearerToken ? { Authorization: `Bearer ${this.bearerToken}` } : {}) };
  }

  /** Moves on from `failed` to the next server (a watch that could not connect calls this). */
  failOver(failed: string): void {
    if (this.server === failed && this.servers.length > 1) {
      this.current = (this.current + 1) % this.servers.length;
      this.log.warn({ failed, next: this.server }, 'API server unreachable, failing over');
    }
  }

  /** A typed client of one resource, in one namespace (or all, or a cluster-scoped resource). */
  resource<T extends KubeObject>(type: TypedResource<T>, namespace?: string): ResourceClient<T> {
    return new ResourceClient<T>(this, type, namespace);
  }

  /**
   * Sends one request and returns the decoded body; throws an ApiError for a
   * non-2xx answer and ServerUnreachableError when no server answered.
   * A request is sent again to the next server only when the connection failed,
   * as client-go retries a request that never reached a server.
   */
  async request<R>(method: string, path: string, options: RequestOptions = {}): Promise<R> {
    const search = queryString(options.query);
    const headers: Record<string, string> = { ...this.headers, Accept: 'application/json' };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['Content-Type'] = options.contentType ?? 'application/json';
    }
    let lastError: unknown;
    for (let attempt = 0; attempt < this.servers.length; attempt++) {
      const server = this.server;
      let response: TransportResponse;
      try {
        response = await this.fetch(server + path + search, { method, headers, body, signal: AbortSignal.timeout(this.requestTimeoutMs) });
      } catch (error) {
        lastError = error;
        this.log.debug({ server, method, path, err: error }, 'request did not reach the server');
        this.failOver(server);
        continue;
      }
      const text = await response.text();
      if (!response.ok) throw apiErrorFromResponse(response.status, text);
      return (text === '' ? undefined : JSON.parse(text)) as R;
    }
    throw new ServerUnreachableError(this.servers, lastError);
  }
}

export function queryString(query: Query | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** The verbs on one resource (client-go's typed clients: Get, List, Create, Update, UpdateStatus, Patch, Delete, ...). */
export class ResourceClient<T extends KubeObject> {
  constructor(
    readonly client: KubeClient,
    readonly type: ResourceType,
    readonly namespace?: string,
  ) {}

  /** The path of this resource's collection, an object, or an object's subresource. */
  path(at: ObjectPath = {}): string {
    return resourcePath(this.type, { namespace: this.namespace, ...at });
  }

  get(name: string, options: { resourceVersion?: string } = {}): Promise<T> {
    return this.client.request<T>('GET', this.path({ name }), { query: options });
  }

  list(options: ListOptions = {}): Promise<KubeList<T>> {
    return this.client.request<KubeList<T>>('GET', this.path(), { query: { ...options } });
  }

  create(object: T, options: WriteOptions = {}): Promise<T> {
    return this.client.request<T>('POST', this.path({ namespace: this.namespaceOf(object) }), { body: object, query: { ...options } });
  }

  update(object: T, options: WriteOptions = {}): Promise<T> {
    return this.client.request<T>('PUT', this.path(this.objectPath(object)), { body: object, query: { ...options } });
  }

  updateStatus(object: T, options: WriteOptions = {}): Promise<T> {
    return this.client.request<T>('PUT', this.path({ ...this.objectPath(object), subresource: 'status' }), { body: object, query: { ...options } });
  }

  patch(name: string, patch: unknown, type: PatchType = 'merge', options: WriteOptions & { subresource?: 'status' | 'scale' } = {}): Promise<T> {
    const { subresource, ...query } = options;
    return this.client.request<T>('PATCH', this.path({ name, subresource }), { body: patch, contentType: PATCH_CONTENT_TYPES[type], query });
  }

  /** Deletes one object; answers the object (still there with a deletionTimestamp while finalizers or a grace period run) or a Success Status. */
  delete(name: string, options: DeleteOptions = {}): Promise<T | Status> {
    return this.client.request<T | Status>('DELETE', this.path({ name }), { body: { kind: 'DeleteOptions', apiVersion: 'v1', ...options } });
  }

  deleteCollection(list: ListOptions = {}, options: DeleteOptions = {}): Promise<KubeList<T> | Status> {
    return this.client.request('DELETE', this.path(), { query: { ...list }, body: { kind: 'DeleteOptions', apiVersion: 'v1', ...options } });
  }

  getScale(name: string): Promise<Scale> {
    return this.client.request<Scale>('GET', this.path({ name, subresource: 'scale' }));
  }

  updateScale(name: string, scale: Scale): Promise<Scale> {
    return this.client.request<Scale>('PUT', this.path({ name, subresource: 'scale' }), { body: scale });
  }

  /** Binds a pod to a node (pods/binding, what a scheduler posts). */
  bind(name: string, binding: Binding): Promise<Status> {
    return this.client.request<Status>('POST', this.path({ name, subresource: 'binding' }), { body: { apiVersion: 'v1', kind: 'Binding', ...binding } });
  }

  private namespaceOf(object: T): string | undefined {
    return object.metadata?.namespace ?? this.namespace;
  }

  private objectPath(object: T): ObjectPath {
    const name = object.metadata?.name;
    if (!name) throw new TypeError(`${this.type.kind}: an update needs metadata.name`);
    return { namespace: this.namespaceOf(object), name };
  }
}
