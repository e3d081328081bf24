// The latency a kubelet sees renewing its Lease: the benchmark holds a few
// Leases of its own in kube-node-lease and renews them as upstream's lease
// controller does (component-helpers/apimachinery/lease/controller.go: an
// update of the whole Lease with its resourceVersion and a new renewTime),
// timing each PUT from send to the end of the answer.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { microTime } from '../client/index.js';

const NAMESPACE = 'kube-node-lease';
const LEASES_PATH = `/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases`;

interface Lease {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; resourceVersion?: string };
  spec: { holderIdentity: string; leaseDurationSeconds: number; renewTime?: string };
}

export interface RenewalResult {
  /** Each renewal's latency in ms, sorted. */
  readonly latenciesMs: Float64Array;
  /** Renewals not sent because the same Lease's previous one was still in flight. */
  readonly skipped: number;
  readonly failed: number;
}

export class LeaseRenewer {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  private readonly host: string;
  private readonly port: string;
  private readonly leases: Lease[] = [];

  constructor(url: string) {
    const { hostname, port } = new URL(url);
    this.host = hostname;
    this.port = port;
  }

  /** Creates `count` Leases named `<prefix><n>`. */
  async create(prefix: string, count: number): Promise<void> {
    for (let n = 1; n <= count; n++) {
      const lease: Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: `${prefix}${n}`, namespace: NAMESPACE },
        spec: { holderIdentity: `${prefix}${n}`, leaseDurationSeconds: 40, renewTime: microTime(Date.now()) },
      };
      const answer = await this.send('POST', LEASES_PATH, lease);
      if (answer.status !== 201) throw new Error(`create lease ${lease.metadata.name}: ${answer.status} ${answer.text}`);
      this.leases.push(JSON.parse(answer.text) as Lease);
    }
  }

  /**
   * Every `tickMs`, renews the next `perTick` Leases in turn until `seconds`
   * have passed; a Lease whose previous renewal has not been answered yet
   * is skipped this time, as a kubelet's renewal loop waits for its last.
   */
  async renew(seconds: number, tickMs: number, perTick: number): Promise<RenewalResult> {
    const latencies: number[] = [];
    const inFlight = new Set<number>();
    const pending: Promise<void>[] = [];
    let skipped = 0;
    let failed = 0;
    let next = 0;
    const started = performance.now();
    for (let tick = 0; performance.now() < started + seconds * 1000; tick++) {
      const wait = started + tick * tickMs - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      for (let i = 0; i < perTick; i++) {
        const index = next++ % this.leases.length;
        if (inFlight.has(index)) {
          skipped++;
          continue;
        }
        inFlight.add(index);
        pending.push(
          this.renewOne(index).then(
            (ms) => void latencies.push(ms),
            () => void failed++,
          ).finally(() => inFlight.delete(index)),
        );
      }
    }
    await Promise.all(pending);
    return { latenciesMs: Float64Array.from(latencies).sort(), skipped, failed };
  }

  close(): void {
    this.agent.destroy();
  }

  private async renewOne(index: number): Promise<number> {
    const lease = this.leases[index]!;
    const body: Lease = { ...lease, spec: { ...lease.spec, renewTime: microTime(Date.now()) } };
    const sent = performance.now();
    const answer = await this.send('PUT', `${LEASES_PATH}/${lease.metadata.name}`, body);
    const ms = performance.now() - sent;
    if (answer.status !== 200) throw new Error(`renew ${lease.metadata.name}: ${answer.status} ${answer.text}`);
    this.leases[index] = JSON.parse(answer.text) as Lease;
    return ms;
  }

  private send(method: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
    const json = JSON.stringify(body);
    const headers = { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(json) };
    return new Promise((resolve, reject) => {
      const req = http.request({ host: this.host, port: this.port, path, method, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(json);
    });
  }
}
