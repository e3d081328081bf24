// What the API server's tests share: a server on an in-memory store and a
// port of its own, and small HTTP helpers that read like curl.
import { openStore } from '../store/index.js';
import { startApiServer, type RunningApiServer } from './index.js';
import type { ApiServerOptions } from './server.js';

export interface TestServer extends RunningApiServer {
  /** A request; the body is sent as JSON unless it is a string. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
}

export async function startTestServer(options: Partial<ApiServerOptions> = {}): Promise<TestServer> {
  const store = options.store ?? (await openStore({ backend: 'memory', autoCompaction: false }));
  const server = await startApiServer({ ...options, store });
  const call: TestServer['call'] = async (method, path, body, headers = {}) => {
    const response = await fetch(server.url + path, {
      method,
      headers: { ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON: the text itself
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
  return {
    ...server,
    call,
    close: async () => {
      await server.close();
      if (!options.store) await store.close();
    },
  };
}

/** Reads a chunked watch response line by line until `count` events have arrived. */
export async function readWatch(url: string, count: number, signal?: AbortSignal, headers: Record<string, string> = {}): Promise<any[]> {
  const controller = new AbortController();
  signal?.addEventListener('abort', () => controller.abort());
  const response = await fetch(url, { signal: controller.signal, headers });
  if (!response.ok || !response.body) throw new Error(`watch answered ${response.status}: ${await response.text()}`);
  const events: any[] = [];
  const decoder = new TextDecoder();
  let buffered = '';
  const reader = response.body.getReader();
  try {
    while (events.length < count) {
      const { done, value } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buffered.slice(0, newline)));
        buffered = buffered.slice(newline + 1);
      }
    }
  } finally {
    controller.abort();
  }
  return events;
}

export const pod = (name: string, labels: Record<string, string> = {}, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels },
  spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] },
  ...extra,
});
