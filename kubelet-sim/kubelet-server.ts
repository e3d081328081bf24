// The kubelet's HTTP endpoint for this process's nodes (upstream
// pkg/kubelet/server/server.go): GET /containerLogs/<namespace>/<pod>/<container>
// and the exec WebSocket at /exec/<namespace>/<pod>/<container>?command=...
// It listens on 127.0.0.1 (port 0: any free one) and every node of the process
// shares it: the pod's namespace and name find the pod, and it must be bound
// to one of this process's nodes. Its port is what each Node reports in
// status.daemonEndpoints.kubeletEndpoint.Port; the API server proxies to it.
// With `tls` it serves HTTPS and answers only clients whose certificate the
// cluster's CA signed (the API server's kube-apiserver-kubelet-client), as a
// kubelet with --client-ca-file and anonymous auth off; others get 401.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { TLSSocket } from 'node:tls';
import type { Duplex } from 'node:stream';
import type { Container, Pod } from 'kubernetes-types/core/v1.js';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import { channelMessage, chooseRemoteCommandProtocol, ExecChannel, exitStatus } from '../proto/index.js';
import type { ContainerLogs, LogLine } from './container-logs.js';
import { containerView } from './container-view.js';
import { chooseLogContainer, formatLine, parseLogQuery, selectLines } from './log-read.js';
import { runCommand } from './shell.js';

export interface KubeletServerDeps {
  /** The informer's pod with this `namespace/name` key. */
  readonly cachedPod: (key: string) => Pod | undefined;
  /** Whether a node of this name is hosted by this process. */
  readonly hostsNode: (name: string) => boolean;
  readonly logs: ContainerLogs;
  readonly now: () => number;
  readonly log: Logger;
  /** Serve HTTPS with this certificate, asking clients for one that `ca` signed. */
  readonly tls?: { readonly cert: string; readonly key: string; readonly ca: string };
}

class KubeletRequestError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

interface Target {
  readonly pod: Pod;
  readonly container: Container;
  readonly query: URLSearchParams;
}

export class KubeletServer {
  private readonly server: Server;
  private readonly sockets = new WebSocketServer({ noServer: true, handleProtocols: (offered) => chooseRemoteCommandProtocol(offered) ?? false });
  private readonly closers = new Set<() => void>();

  constructor(private readonly deps: KubeletServerDeps) {
    const serve = (request: IncomingMessage, response: ServerResponse) => this.serveHttp(request, response);
    const tls = deps.tls;
    this.server = tls ? createHttpsServer({ cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: true, rejectUnauthorized: false }, serve) : createServer(serve);
    this.server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => this.serveUpgrade(request, socket, head));
  }

  /** Listens on 127.0.0.1:`port` (0: any); resolves with the port. */
  listen(port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        const address = this.server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  async close(): Promise<void> {
    for (const close of this.closers) close();
    for (const client of this.sockets.clients) client.terminate();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** On HTTPS, a client certificate the CA signed; upstream's kubelet answers `Unauthorized` otherwise. */
  private authenticate(request: IncomingMessage): void {
    if (!this.deps.tls) return;
    const socket = request.socket;
    if (!(socket instanceof TLSSocket) || !socket.authorized) throw new KubeletRequestError(401, 'Unauthorized');
  }

  /** /<verb>/<namespace>/<pod>/<container>: the pod (bound here) and its container. */
  private target(request: IncomingMessage, verb: string): Target {
    const url = new URL(request.url ?? '/', 'http://kubelet');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts.length !== 4 || parts[0] !== verb) throw new KubeletRequestError(404, '404 page not found');
    const [, namespace, name, containerName] = parts as [string, string, string, string];
    const pod = this.deps.cachedPod(`${namespace}/${name}`);
    if (!pod || !this.deps.hostsNode(pod.spec?.nodeName ?? '')) throw new KubeletRequestError(404, `pod "${name}" in namespace "${namespace}" not found`);
    const container = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find((c) => c.name === containerName);
    if (!container) throw new KubeletRequestError(404, `container "${containerName}" not found in pod "${name}"`);
    return { pod, container, query: url.searchParams };
  }

  private serveHttp(request: IncomingMessage, response: ServerResponse): void {
    try {
      this.authenticate(request);
      if (request.method !== 'GET') throw new KubeletRequestError(405, 'method not allowed');
      this.serveLogs(this.target(request, 'containerLogs'), request, response);
    } catch (error) {
      const code = error instanceof KubeletRequestError ? error.code : 500;
      if (code === 500) this.deps.log.error({ err: error }, 'kubelet request failed');
      response.writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' }).end(error instanceof Error ? error.message : String(error));
    }
  }

  private serveLogs({ pod, container, query }: Target, request: IncomingMessage, response: ServerResponse): void {
    const options = parseLogQuery(query, this.deps.now());
    const choice = chooseLogContainer(pod, container.name, options.previous);
    if ('error' in choice) throw new KubeletRequestError(400, choice.error);
    const uid = pod.metadata?.uid ?? '';
    const instance = [this.deps.logs.instance(uid, container.name), this.deps.logs.instance(uid, container.name, true)].find((i) => i?.containerID === choice.containerID);
    response.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    let budget = options.limitBytes ?? Infinity;
    // as upstream's limitWriter: limitBytes cuts the output, then the stream ends.
    const write = (line: LogLine): boolean => {
      const text = formatLine(line, options.timestamps);
      const bytes = Buffer.from(text);
      if (bytes.length >= budget) {
        response.end(bytes.subarray(0, budget));
        budget = 0;
        return false;
      }
      budget -= bytes.length;
      response.write(bytes);
      return true;
    };
    for (const line of selectLines(instance?.lines() ?? [], options)) if (!write(line)) return;
    if (!options.follow || !instance || instance.ended) {
      response.end();
      return;
    }
    const stop = () => {
      unsubscribe();
      this.closers.delete(stop);
      if (!response.writableEnded) response.end();
    };
    const unsubscribe = instance.follow({ line: (line) => void (write(line) || stop()), end: stop });
    this.closers.add(stop);
    // The response's close (the client went away, or the stream ended), not the request's:
    // an IncomingMessage closes once its (empty) body is consumed, with the client still reading.
    response.on('close', stop);
  }

  private serveUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    let target: Target;
    try {
      this.authenticate(request);
      target = this.target(request, 'exec');
      const status = (target.pod.status?.containerStatuses ?? []).find((s) => s.name === target.container.name);
      // as containerd answers an exec into a container that is not running.
      if (!status?.state?.running) throw new KubeletRequestError(400, `container not found ("${target.container.name}")`);
    } catch (error) {
      const code = error instanceof KubeletRequestError ? error.code : 500;
      const text = error instanceof Error ? error.message : String(error);
      socket.end(`HTTP/1.1 ${code} Error\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
      return;
    }
    this.sockets.handleUpgrade(request, socket, head, (ws) => this.runExec(ws, target));
  }

  /** Runs the command at once (no stdin is read: the simulated commands take none) and answers on the channels asked for. */
  private runExec(ws: WebSocket, { pod, container, query }: Target): void {
    const command = query.getAll('command');
    const wantStdout = query.get('stdout') === 'true' || query.get('stdout') === '1';
    const wantStderr = query.get('stderr') === 'true' || query.get('stderr') === '1';
    const result = runCommand(command, containerView(pod, container, this.deps.now()));
    this.deps.log.debug({ pod: pod.metadata?.name, container: container.name, command, exitCode: result.exitCode }, 'exec');
    // Without a stderr stream (a tty), what the command writes to stderr goes to the terminal too.
    const stdout = wantStderr ? result.stdout : result.stdout + result.stderr;
    if (wantStdout && stdout) ws.send(channelMessage(ExecChannel.stdout, stdout));
    if (wantStderr && result.stderr) ws.send(channelMessage(ExecChannel.stderr, result.stderr));
    ws.send(channelMessage(ExecChannel.error, JSON.stringify(exitStatus(command, result.exitCode))));
    ws.close(1000);
  }
}
