// The API requests of the write benchmarks (bench/api.ts, bench/ha.ts): a
// 1 KiB pod, and its create over node:http with keep-alive.
import http from 'node:http';

/** A pod whose JSON is about 1 KiB. */
export function pod(name: string): string {
  const body = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'bench', tier: 'web' }, annotations: { note: '' } },
    spec: { containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
  };
  const pad = 1024 - JSON.stringify(body).length;
  body.metadata.annotations.note = 'x'.repeat(Math.max(0, pad));
  return JSON.stringify(body);
}

// node:http with keep-alive: a lighter client than fetch, so the load
// generator, which shares the machine, takes less of the CPU being measured.
export const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export function request(url: string, method: string, path: string, body?: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const headers = body === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
    const req = http.request({ host: hostname, port, path, method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function create(url: string, namespace: string, name: string): Promise<void> {
  const answer = await request(url, 'POST', `/api/v1/namespaces/${namespace}/pods`, pod(name));
  if (answer.status !== 201) throw new Error(`create ${name}: ${answer.status} ${answer.text}`);
}

