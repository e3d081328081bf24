// The pod subresources a kubelet serves, proxied to the pod's node as the
// upstream API server does (pkg/registry/core/pod/rest/log.go and
// subresources.go, locations from pkg/registry/core/pod/strategy.go
// LogLocation and streamLocation): GET pods/<name>/log streams the kubelet's
// /containerLogs answer, and the exec WebSocket is relayed message for message
// to the kubelet's /exec. The kubelet is found at 127.0.0.1 and the port in
// its Node's status.daemonEndpoints.kubeletEndpoint.Port: kubelet-sim
// processes run on the apiserver's machine (docs/nodes.md "exec and logs").
// With a kubelet client certificate (--kubelet-client-certificate) the
// kubelet is reached over HTTPS and WSS, as upstream always does.
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import WebSocket from 'ws';
import { ApiError, badRequest, channelMessage, ExecChannel, execFailure, findResource, internalError } from '../proto/index.js';
import { toApiError } from './errors.js';
import type { Registry } from './registry/registry.js';
import type { RequestInfo } from './request-info.js';

export type Query = Record<string, string | string[] | undefined>;

const KUBELET_HOST = '127.0.0.1';
/** How much of a kubelet's error answer is read (upstream GenericHttpResponseChecker's maxReadLength). */
const MAX_ERROR_BYTES = 50_000;

/** The query parameters of PodLogOptions passed on to the kubelet. */
const LOG_PARAMETERS = ['follow', 'previous', 'timestamps', 'tailLines', 'sinceSeconds', 'sinceTime', 'limitBytes'];
/** The query parameters of PodExecOptions passed on. */
const EXEC_PARAMETERS = ['command', 'stdin', 'stdout', 'stderr', 'tty'];

/** as upstream strategy.go ValidateContainer: the container asked for, or the only one. */
export function containerOf(pod: Pod, asked: string | undefined): string {
  const name = pod.metadata?.name ?? '';
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? [])].map((c) => c.name);
  if (!asked) {
    const containers = pod.spec?.containers ?? [];
    if (containers.length === 1) return containers[0]!.name;
    if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`);
  }
  if (!all.includes(asked)) throw badRequest(`container ${asked} is not valid for pod ${name}`);
  return asked;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function queryString(query: Query, names: readonly string[]): string {
  const params = new URLSearchParams();
  for (const name of names) {
    const value = query[name];
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) params.append(name, v);
  }
  return params.toString();
}

/** The client certificate and the CA of the API server's connections to kubelets. */
export interface KubeletConnection {
  readonly cert: string;
  readonly key: string;
  readonly ca?: string;
}

export class PodStreams {
  private readonly scheme: 'http' | 'https';
  private readonly tlsOptions: object;

  constructor(
    private readonly registry: Registry,
    kubeletClient?: KubeletConnection,
  ) {
    this.scheme = kubeletClient ? 'https' : 'http';
    this.tlsOptions = kubeletClient ? { cert: kubeletClient.cert, key: kubeletClient.key, ...(kubeletClient.ca ? { ca: kubeletClient.ca } : { rejectUnauthorized: false }) } : {};
  }

  private get(url: string, signal: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const request = (this.scheme === 'https' ? https : http).get(url, { ...this.tlsOptions, signal }, resolve);
      request.on('error', reject);
    });
  }

  private async pod(info: RequestInfo): Promise<Pod> {
    return (await this.registry.of(info.resource).get(info.namespace, info.name!)) as Pod;
  }

  /** http://127.0.0.1:<port>/<verb>/<namespace>/<pod>/<container>, or undefined when the pod has no node. */
  private async kubeletPath(pod: Pod, verb: string, container: string): Promise<string | undefined> {
    const nodeName = pod.spec?.nodeName;
    if (!nodeName) return undefined;
    const nodes = findResource('', 'v1', 'nodes')!;
    const node = (await this.registry.of(nodes).get(undefined, nodeName)) as Node;
    const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
    if (!port) throw internalError(`node ${nodeName} reports no kubelet endpoint`);
    const segments = [verb, pod.metadata?.namespace ?? 'default', pod.metadata?.name ?? '', container].map(encodeURIComponent);
    return `${KUBELET_HOST}:${port}/${segments.join('/')}`;
  }

  /**
   * GET pods/<name>/log: the kubelet's answer as a stream (until the container
   * ends when following), or its error as upstream's GenericHttpResponseChecker
   * turns it into a Status. A pod not yet bound has an empty log.
   */
  async log(info: RequestInfo, query: Query, closed: AbortSignal): Promise<Readable> {
    const pod = await this.pod(info);
    const container = containerOf(pod, single(query.container));
    const path = await this.kubeletPath(pod, 'containerLogs', container);
    if (!path) return Readable.from([]);
    let response: IncomingMessage;
    try {
      response = await this.get(`${this.scheme}://${path}?${queryString(query, LOG_PARAMETERS)}`, closed);
    } catch (error) {
      throw internalError(`Get "${this.scheme}://${path}": ${error instanceof Error ? error.message : String(error)}`);
    }
    const status = response.statusCode ?? 500;
    if (status < 200 || status > 206) {
      const text = (await textOf(response)).slice(0, MAX_ERROR_BYTES);
      if (status === 400) throw badRequest(text);
      if (status === 500) throw internalError(text);
      throw new ApiError(status, status === 404 ? 'NotFound' : 'InternalError', text);
    }
    return response;
  }

  /** The exec WebSocket: relayed to the kubelet with the subprotocol kubectl and the API server agreed on. */
  async exec(info: RequestInfo, query: Query, client: WebSocket): Promise<void> {
    let path: string | undefined;
    try {
      const pod = await this.pod(info);
      const container = containerOf(pod, single(query.container));
      if (!single(query.command)) throw badRequest('you must specify at least 1 command');
      path = await this.kubeletPath(pod, 'exec', container);
      if (!path) throw badRequest(`pod ${pod.metadata?.name} does not have a host assigned`);
    } catch (error) {
      return failExec(client, toApiError(error).message);
    }
    const kubelet = new WebSocket(`${this.scheme === 'https' ? 'wss' : 'ws'}://${path}?${queryString(query, EXEC_PARAMETERS)}`, client.protocol ? [client.protocol] : [], this.tlsOptions);
    const pending: WebSocket.RawData[] = [];
    client.on('message', (data) => (kubelet.readyState === WebSocket.OPEN ? kubelet.send(data) : pending.push(data)));
    client.on('close', () => kubelet.close());
    kubelet.on('open', () => {
      for (const data of pending.splice(0)) kubelet.send(data);
    });
    kubelet.on('message', (data, isBinary) => client.send(data, { binary: isBinary }));
    kubelet.on('close', () => client.close(1000));
    // The kubelet refused the upgrade: its answer is the error kubectl prints.
    kubelet.on('unexpected-response', (_request, response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => failExec(client, text.slice(0, MAX_ERROR_BYTES) || `kubelet answered ${response.statusCode}`));
    });
    kubelet.on('error', (error) => failExec(client, `error dialing backend: ${error.message}`));
  }
}

async function textOf(response: IncomingMessage): Promise<string> {
  let text = '';
  response.setEncoding('utf8');
  for await (const chunk of response) text += chunk as string;
  return text;
}

function failExec(client: WebSocket, message: string): void {
  if (client.readyState !== WebSocket.OPEN) return;
  client.send(channelMessage(ExecChannel.error, JSON.stringify(execFailure(message))));
  client.close(1000);
}
