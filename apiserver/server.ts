// The API server's Fastify app (STYLE.md 7): every concern a plugin,
// registered here; one error handler turns every error into a Status.
// buildApp() returns the app without listening; index.ts listens.
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import pino, { type Logger } from 'pino';
import type { WebSocket } from 'ws';
import { ApiError, badRequest, chooseRemoteCommandProtocol, deprecationWarning, requestEntityTooLarge, resources } from '../proto/index.js';
import { systemClock, type Clock, type Store } from '../store/index.js';
import { classify, InFlight, limitDefaults, tooManyRequests, WatchCounts, type RequestLimits } from './limits.js';
import { ANONYMOUS, forbidden, forbiddenPath, isPublicPath, labAdminAuthenticator, unauthorized, type Authenticator, type Authorizer, type UserInfo } from './auth.js';
import { admitNodeRequest, authorizerFor, headerPairs, impersonatedUser, ImpersonateUserRequired, confirmNoEscalation, ensureBootstrapPolicy, escalationContext, isEscalationChecked, nodeIdentity, type AuthorizationMode } from './authz/index.js';
import { answerReview, isReview, type Reviewers } from './authz/reviews.js';
import { decodeObjectBody, negotiate } from './content.js';
import { discoveryPlugin } from './discovery.js';
import { toApiError } from './errors.js';
import { ApiMetrics } from './metrics.js';
import { openApiPlugin } from './openapi/index.js';
import { strategies as defaultStrategies } from './registry/index.js';
import { Registry } from './registry/registry.js';
import type { Strategy } from './registry/strategy.js';
import { ensureSystemObjects } from './bootstrap.js';
import { PodStreams, type Query as StreamQuery } from './pod-streams.js';
import { parseResourcePath, pathNotFound, type RequestInfo } from './request-info.js';
import { firstValues, RestHandlers, type Answer, type Query } from './rest.js';
import { includeObjectOf, toTable } from './table.js';
import { WatchCache } from './watch-cache.js';
import { watchDefaults, WatchSession, type WatchOptions } from './watch.js';

/** The largest request body accepted, as upstream's 3 MiB limit. */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export interface ApiServerOptions {
  readonly store: Store;
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly strategies?: ReadonlyMap<string, Strategy>;
  readonly watch?: Partial<WatchOptions>;
  readonly watchCache?: { historyCapacity?: number; maxClientFrames?: number };
  /** Who sent each request; default: the lab's admin (no credentials asked). */
  readonly authenticator?: Authenticator;
  /** What each user may do; default: the authorizer of `authorizationModes`. */
  readonly authorizer?: Authorizer;
  /** Upstream's --authorization-mode, in order (`['Node', 'RBAC']`); default AlwaysAllow. */
  readonly authorizationModes?: readonly AuthorizationMode[];
  /** Bounds on requests in flight, watches per client and list pages (limits.ts). */
  readonly limits?: Partial<RequestLimits>;
  /** Serve HTTPS with this certificate; plain HTTP without it. */
  readonly tls?: ServingTls;
  /** Reach kubelets (logs, exec) over HTTPS with this client certificate; plain HTTP without it. */
  readonly kubeletClient?: KubeletClientTls;
}

/** --kubelet-client-certificate, --kubelet-client-key and --kubelet-certificate-authority (PEM texts). */
export interface KubeletClientTls {
  readonly cert: string;
  readonly key: string;
  /** as upstream: without it the kubelet's serving certificate is not verified. */
  readonly ca?: string;
}

/** The PEM texts of --tls-cert-file, --tls-private-key-file and --client-ca-file. */
export interface ServingTls {
  readonly cert: string;
  readonly key: string;
  /** Client certificates are asked for and verified against this CA (x509Authenticator reads the outcome). */
  readonly clientCa?: string;
}

/**
 * node:https options for `tls`: a client certificate is asked for, never
 * demanded, so that an anonymous client still reaches /healthz and gets a
 * 401 Status elsewhere rather than a failed handshake (as upstream's
 * tls.RequestClientCert).
 */
function httpsOptions(tls: ServingTls): object {
  return { cert: tls.cert, key: tls.key, ...(tls.clientCa ? { ca: tls.clientCa, requestCert: true, rejectUnauthorized: false } : {}) };
}

export interface ApiApp {
  readonly app: FastifyInstance;
  readonly cache: WatchCache;
  /** Stops the watch cache; the app itself is closed by its owner. */
  stop(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    kube?: RequestInfo;
    startedAt?: bigint;
    user?: UserInfo;
  }
}

export async function buildApp(options: ApiServerOptions): Promise<ApiApp> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const clock = options.clock ?? systemClock;
  await ensureSystemObjects(options.store, clock);
  await ensureBootstrapPolicy(options.store, clock);
  const registry = new Registry(options.store, options.strategies ?? defaultStrategies, clock);
  const cache = new WatchCache(options.store, resources, { ...options.watchCache, logger });
  await cache.start();
  const limits: RequestLimits = { ...limitDefaults, ...options.limits };
  const rest = new RestHandlers(registry, options.store, cache, clock, undefined, limits.maxListPageSize);
  const inFlight = new InFlight(limits);
  const watchCounts = new WatchCounts(limits.maxWatchesPerClient);
  const watchOptions: WatchOptions = { ...watchDefaults, ...options.watch };
  const metrics = new ApiMetrics({ watchers: () => cache.watcherCount, revision: () => options.store.revision });
  const sessions = new Set<WatchSession>();

  // Typed as Fastify's logger, so the app is a plain FastifyInstance for its plugins.
  const httpLog: FastifyBaseLogger = logger.child({ component: 'apiserver' });
  // Fastify types an https app apart from an http one; the plugins see one FastifyInstance either way.
  const app = Fastify({
    ...(options.tls ? { https: httpsOptions(options.tls) } : {}),
    loggerInstance: httpLog,
    // One line per request comes from the onResponse hook below instead.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: MAX_BODY_BYTES,
    routerOptions: { maxParamLength: 4096 },
    forceCloseConnections: true,
  });
  // exec's subprotocols (v5.channel.k8s.io, v4) when offered; any other WebSocket gets the first it offers, as ws does by default.
  const handleProtocols = (offered: Set<string>) => chooseRemoteCommandProtocol(offered) ?? offered.values().next().value ?? false;
  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_BODY_BYTES, handleProtocols } });
  const podStreams = new PodStreams(registry, options.kubeletClient);

  // Bodies are decoded by the handlers, which know what each verb takes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  const authenticator = options.authenticator ?? labAdminAuthenticator;
  const modes = authorizerFor(options.authorizationModes ?? ['AlwaysAllow'], cache);
  const authorizer = options.authorizer ?? modes.authorizer;
  const reviewers: Reviewers = {
    authorizer,
    // A custom authorizer cannot list its rules: the answer says it is incomplete, as upstream's for a webhook.
    rulesFor: options.authorizer ? () => ({ rules: [], incomplete: true }) : modes.rulesFor,
  };
  const escalation = escalationContext(authorizer, reviewers.rulesFor, cache);
  // Authentication comes first, for every path: the public ones take anyone, as upstream's anonymous user.
  app.addHook('onRequest', async (request, reply) => {
    request.startedAt = process.hrtime.bigint();
    try {
      request.user = (await authenticator(request)) ?? (isPublicPath(request.url) ? ANONYMOUS : undefined);
    } catch (error) {
      const status = toApiError(error).toStatus();
      return reply.code(status.code ?? 401).send(status);
    }
    if (!request.user) return reply.code(401).send(unauthorized().toStatus());
    // As upstream's filter chain: impersonation right after authentication, so that authorization,
    // the in-flight exemption and everything after see the impersonated user.
    try {
      request.user = await impersonatedUser(request.user, headerPairs(request.raw.rawHeaders), authorizer);
    } catch (error) {
      if (error instanceof ImpersonateUserRequired) {
        // upstream's responsewriters.InternalError: plain text, not a Status.
        const text = `Internal Server Error: ${JSON.stringify(request.url)}: ${error.message}`.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
        return reply.code(500).type('text/plain; charset=utf-8').header('X-Content-Type-Options', 'nosniff').send(`${text}\n`);
      }
      const status = toApiError(error).toStatus();
      return reply.code(status.code ?? 403).send(status);
    }
    // A path that names no resource (discovery, OpenAPI, health, metrics) is authorized here; resource paths in infoOf.
    const path = request.url.split('?')[0]!;
    if (!isResourcePath(path)) {
      const verb = nonResourceVerb(request.method);
      const decision = await authorizer(request.user, { verb, path });
      if (!decision.allowed) return reply.code(403).send(forbiddenPath(request.user, verb, path, decision.reason).toStatus());
    }
    // As upstream's max-in-flight filter, after authentication: long-running requests are not counted, and
    // system:masters (the lab's admin) is never turned away.
    const kind = classify(request.method, request.url);
    if (kind === 'longRunning') return undefined;
    const release = inFlight.acquire(kind);
    if (release) {
      reply.raw.once('close', release);
      return undefined;
    }
    if (request.user.groups.includes('system:masters')) return undefined;
    return reply.code(429).header('Retry-After', '1').send(tooManyRequests().toStatus());
  });

  /** Holds one of the client's watches until `done`; 429 past the client's bound. */
  function holdWatch(request: FastifyRequest, done: Promise<unknown>): void {
    const user = request.user ?? ANONYMOUS;
    const release = watchCounts.acquire(`${user.username} ${request.ip}`);
    if (!release) throw tooManyRequests(`too many watches open: ${user.username} from ${request.ip} holds ${limits.maxWatchesPerClient}, the most one client may`);
    void done.finally(release);
  }
  app.addHook('onResponse', async (request, reply) => {
    logRequest(request, reply.statusCode);
    if (request.kube) observe(request, reply.statusCode);
  });

  function observe(request: FastifyRequest, code: number): void {
    const info = request.kube!;
    const seconds = Number(process.hrtime.bigint() - (request.startedAt ?? 0n)) / 1e9;
    metrics.observe({ verb: info.verb, group: info.resource.group, resource: info.resource.plural, subresource: info.subresource ?? '' }, code, seconds);
  }

  function logRequest(request: FastifyRequest, statusCode: number): void {
    const ms = Number(process.hrtime.bigint() - (request.startedAt ?? 0n)) / 1e6;
    request.log.info({ method: request.method, path: request.url, status: statusCode, ms: Math.round(ms * 100) / 100 }, 'request');
  }

  app.setErrorHandler((error: FastifyError, request, reply) => {
    let apiError: ApiError;
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') apiError = requestEntityTooLarge(MAX_BODY_BYTES);
    else apiError = toApiError(error);
    if (apiError.code >= 500) request.log.error({ err: error }, 'request failed');
    void reply.code(apiError.code).header('Content-Type', 'application/json').send(apiError.toStatus());
  });
  app.setNotFoundHandler((_request, reply) => {
    const error = pathNotFound() as ApiError;
    void reply.code(404).send(error.toStatus());
  });

  for (const path of ['/healthz', '/livez', '/readyz']) {
    app.get(path, async (_request, reply) => reply.type('text/plain; charset=utf-8').send('ok'));
  }
  app.get('/metrics', async (_request, reply) => reply.type(metrics.contentType).send(await metrics.text()));
  discoveryPlugin(app);
  openApiPlugin(app);

  /** The resource request a path names: /api/v1/... or /apis/<group>/<version>/... */
  async function infoOf(request: FastifyRequest): Promise<RequestInfo> {
    const path = request.url.split('?')[0]!;
    const segments = path.split('/').filter((s) => s !== '').map(decodeSegment);
    const [root, ...rest] = segments;
    const [group, version, tail] = root === 'api' ? ['', rest[0]!, rest.slice(1)] : [rest[0]!, rest[1]!, rest.slice(2)];
    const query = firstValues(request.query);
    const info = parseResourcePath(group, version, tail, request.method, query.watch === 'true' || query.watch === '1');
    const user = request.user ?? ANONYMOUS;
    const fieldSelector = info.verb === 'list' || info.verb === 'watch' ? query.fieldSelector : undefined;
    // As upstream's RequestInfo: a list or watch of metadata.name=<name> is authorized as one of that name.
    const named = info.name === undefined && fieldSelector ? /^metadata\.name==?([^,]+)$/.exec(fieldSelector)?.[1] : undefined;
    const decision = await authorizer(user, { verb: info.verb, path, resource: named ? { ...info, name: named } : info, fieldSelector });
    if (!decision.allowed) throw forbidden(user, info, decision.reason);
    request.kube = info;
    return info;
  }

  async function handle(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    const info = await infoOf(request);
    const warning = deprecationWarning(info.resource);
    // As upstream: every request to a deprecated version is answered with a warning, which kubectl prints.
    if (warning) void reply.header('Warning', `299 - ${JSON.stringify(warning)}`);
    const query = firstValues(request.query);
    const body = request.body as Buffer | undefined;
    const contentType = request.headers['content-type'];
    const userAgent = request.headers['user-agent'];
    if (info.resource.verbs.indexOf(info.verb === 'watch' ? 'watch' : info.verb) < 0 && info.subresource === undefined) {
      throw new ApiError(405, 'MethodNotAllowed', info.resource.refusal ?? 'the server does not allow this method on the requested resource');
    }
    const subresource = info.subresource === undefined ? undefined : info.resource.subresources.find((s) => s.name === info.subresource);
    if (subresource && !subresource.verbs.includes(info.verb)) {
      throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
    if (info.verb === 'create' && isReview(info.resource)) {
      const { object, warnings } = rest.decodeCreate(info, body, contentType, query);
      const review = await answerReview(info, object, request.user ?? ANONYMOUS, reviewers);
      return send(reply, request, { code: 201, body: review, warnings });
    }
    await admitNode(request.user ?? ANONYMOUS, info, body, contentType);
    await admitRbacWrite(request.user ?? ANONYMOUS, info, body, contentType, query, userAgent);
    if (info.subresource === 'log') return serveLog(info, request, reply);
    // as upstream: exec is an upgrade (WebSocket here; SPDY is not served, kubectl 1.32 speaks WebSocket first).
    if (info.subresource === 'exec') throw badRequest('Upgrade request required');
    switch (info.verb) {
      case 'watch':
        return serveWatch(info, query, request, reply);
      case 'get':
        return send(reply, request, await rest.get(info));
      case 'list':
        return send(reply, request, await rest.list(info, query));
      case 'create':
        return send(reply, request, await rest.create(info, body, contentType, query, userAgent));
      case 'update':
        return send(reply, request, await rest.update(info, body, contentType, query, userAgent));
      case 'patch':
        return send(reply, request, await rest.patch(info, body, contentType, query, userAgent));
      case 'delete':
        return send(reply, request, await rest.delete(info, body, contentType, query));
      case 'deletecollection':
        return send(reply, request, await rest.deleteCollection(info, body, contentType, query));
    }
  }

  /** NodeRestriction, for a kubelet's writes: the object it creates, or the one it changes, must be its own. */
  async function admitNode(user: UserInfo, info: RequestInfo, body: Buffer | undefined, contentType: string | undefined): Promise<void> {
    if (nodeIdentity(user) === undefined || !['create', 'update', 'patch', 'delete'].includes(info.verb)) return;
    const created = info.verb === 'create' && info.subresource === undefined ? decodeObjectBody(body, contentType) : undefined;
    const existing = info.name === undefined ? undefined : await registry.of(info.resource).get(info.namespace, info.name).catch(() => undefined);
    admitNodeRequest({ user, info, created, existing });
  }

  /**
   * RBAC's escalation prevention, on the object the write would store: the
   * write is first made as a dry run (defaults, patches and applies done),
   * then its rules or its role's rules must be the user's own.
   */
  async function admitRbacWrite(user: UserInfo, info: RequestInfo, body: Buffer | undefined, contentType: string | undefined, query: Query, userAgent: string | undefined): Promise<void> {
    if (!['create', 'update', 'patch'].includes(info.verb) || info.subresource !== undefined || !isEscalationChecked(info.resource)) return;
    if (user.groups.includes('system:masters')) return;
    const dry = { ...query, dryRun: 'All' };
    const write = info.verb === 'create' ? rest.create(info, body, contentType, dry, userAgent) : info.verb === 'update' ? rest.update(info, body, contentType, dry, userAgent) : rest.patch(info, body, contentType, dry, userAgent);
    await confirmNoEscalation(user, info, (await write).body, escalation);
  }

  function send(reply: FastifyReply, request: FastifyRequest, answer: Answer): FastifyReply {
    const rendering = request.method === 'GET' ? negotiate(request.headers.accept) : 'object';
    reply.code(answer.code).header('Content-Type', 'application/json');
    // As upstream's warning recorder: `Warning: 299 - "unknown field \"spec.foo\""`, one header a warning.
    // Added to any deprecation warning already set.
    if (answer.warnings?.length) {
      const earlier = reply.getHeader('Warning');
      const kept = earlier === undefined ? [] : Array.isArray(earlier) ? earlier : [String(earlier)];
      reply.header('Warning', [...kept, ...answer.warnings.map((text) => `299 - ${JSON.stringify(text)}`)]);
    }
    if (rendering === 'table' && answer.objects && request.kube) {
      const table = registry.of(request.kube.resource).strategy.table;
      const meta = answer.listMeta ?? {};
      const include = includeObjectOf(firstValues(request.query).includeObject);
      return reply.send(toTable(table, answer.objects, meta, include, new Date(clock.now())));
    }
    return reply.send(answer.json ?? answer.body);
  }

  async function serveLog(info: RequestInfo, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const closed = new AbortController();
    reply.raw.on('close', () => closed.abort());
    const stream = await podStreams.log(info, request.query as StreamQuery, closed.signal);
    stream.on('error', () => stream.destroy());
    return reply.code(200).header('Content-Type', 'text/plain').send(stream);
  }

  async function serveWatch(info: RequestInfo, query: Query, request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const rendering = negotiate(request.headers.accept);
    let session: WatchSession;
    try {
      session = await WatchSession.open(info, query, rendering, { registry, cache, clock, options: watchOptions });
    } catch (error) {
      // As upstream's cacher (storage/cacher/cacher.go Watch, newErrWatcher): a resourceVersion too old
      // to serve, once the request is parsed, is a 200 whose stream holds one ERROR event; a bad query stays an HTTP error.
      const apiError = toApiError(error);
      if (apiError.code !== 410) throw error;
      reply.hijack();
      reply.raw.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
      reply.raw.end(JSON.stringify({ type: 'ERROR', object: apiError.toStatus() }) + '\n');
      logRequest(request, 200);
      observe(request, 200);
      return;
    }
    try {
      holdWatch(request, new Promise((resolve) => reply.raw.once('close', resolve)));
    } catch (error) {
      session.end();
      throw error;
    }
    sessions.add(session);
    reply.hijack();
    try {
      await session.streamHttp(reply.raw);
    } finally {
      sessions.delete(session);
      logRequest(request, 200);
      observe(request, 200);
    }
  }

  async function serveWebSocketWatch(socket: WebSocket, request: FastifyRequest): Promise<void> {
    let session: WatchSession;
    try {
      const info = await infoOf(request);
      if (info.verb !== 'watch' && info.verb !== 'list') throw new ApiError(400, 'BadRequest', 'a WebSocket request must be a watch');
      session = await WatchSession.open({ ...info, verb: 'watch' }, firstValues(request.query), 'object', { registry, cache, clock, options: watchOptions });
      try {
        holdWatch(request, new Promise((resolve) => socket.once('close', resolve)));
      } catch (error) {
        session.end();
        throw error;
      }
    } catch (error) {
      const status = toApiError(error).toStatus();
      socket.send(JSON.stringify({ type: 'ERROR', object: status }));
      socket.close(1000, status.message?.slice(0, 120));
      return;
    }
    sessions.add(session);
    try {
      await session.streamWebSocket(socket);
    } finally {
      sessions.delete(session);
      logRequest(request, 101);
    }
  }

  for (const url of ['/api/v1/*', '/apis/:group/:version/*']) {
    app.route({
      method: 'GET',
      url,
      handler: handle,
      wsHandler: (socket, request) => {
        const upgrade = async (): Promise<void> => {
          if (/\/pods\/[^/]+\/exec(\?|$)/.test(request.url)) {
            // Not a pod's exec after all, or refused: the watch path answers the error on the socket.
            const info = await infoOf(request).catch(() => undefined);
            if (info?.subresource === 'exec') {
              await podStreams.exec(info, request.query as StreamQuery, socket).catch((error: unknown) => request.log.error({ err: error }, 'exec failed'));
              return;
            }
          }
          await serveWebSocketWatch(socket, request).catch((error: unknown) => request.log.error({ err: error }, 'websocket watch failed'));
        };
        void upgrade();
      },
    });
    app.route({ method: ['POST', 'PUT', 'PATCH', 'DELETE'], url, handler: handle });
  }

  app.addHook('preClose', (done) => {
    for (const session of sessions) session.end();
    done();
  });

  return {
    app,
    cache,
    stop: () => cache.stop(),
  };
}

/** /api/v1/<resource>... or /apis/<group>/<version>/<resource>...: authorized as a resource request. */
function isResourcePath(path: string): boolean {
  return /^\/api\/v1\/[^/]/.test(path) || /^\/apis\/[^/]+\/[^/]+\/[^/]/.test(path);
}

/** Upstream's verb of a non-resource request: the HTTP method in lower case, HEAD as get. */
function nonResourceVerb(method: string): string {
  return method === 'HEAD' ? 'get' : method.toLowerCase();
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

