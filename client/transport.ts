// How KubeClient sends a request: the least of fetch's shape it needs (a
// status and the body as text), so that a test can pass `fetch` itself, and
// by default node:http with a keep-alive agent. Node's global fetch (undici)
// costs a controller or kubelet-sim process several times more CPU a
// request: web streams, Headers and Response objects for a JSON body that is
// read whole anyway (bench:daemonset profiles: a quarter of the scheduler's
// time went to fetch's machinery).
import http from 'node:http';
import https from 'node:https';

export interface TransportInit {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly signal?: AbortSignal;
}

/** What a transport answers: the status and the whole body. */
export interface TransportResponse {
  readonly status: number;
  readonly ok: boolean;
  text(): Promise<string>;
}

export type Transport = (url: string, init: TransportInit) => Promise<TransportResponse>;

/** What an https client trusts and shows, as a kubeconfig's certificate-authority-data, client-certificate-data and client-key-data (PEM). */
export interface ClientTls {
  /** The CA the server's certificate must chain to; the system's CAs when absent. */
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

const agents = { 'http:': new http.Agent({ keepAlive: true }), 'https:': new https.Agent({ keepAlive: true }) };

/** node:http (or https) with a keep-alive agent per scheme, shared by every client of the process. */
export const httpTransport: Transport = (url, init) => send(url, init, agents);

/** As httpTransport, with an https agent of its own that trusts `tls.ca` and presents the client certificate. */
export function tlsTransport(tls: ClientTls): Transport {
  const own = { 'http:': agents['http:'], 'https:': new https.Agent({ keepAlive: true, ...tls }) };
  return (url, init) => send(url, init, own);
}

function send(url: string, init: TransportInit, agents: { 'http:': http.Agent; 'https:': https.Agent }): Promise<TransportResponse> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const module = target.protocol === 'https:' ? https : http;
    const agent = target.protocol === 'https:' ? agents['https:'] : agents['http:'];
    const headers: Record<string, string | number> = { ...init.headers };
    if (init.body !== undefined) headers['Content-Length'] = Buffer.byteLength(init.body);
    const request = module.request(target, { method: init.method, headers, agent, signal: init.signal }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status, ok: status >= 200 && status < 300, text: () => Promise.resolve(body) });
      });
    });
    request.on('error', reject);
    request.end(init.body);
  });
}
