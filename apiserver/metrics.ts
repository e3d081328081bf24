// /metrics in the Prometheus text format, with upstream's metric names where
// they exist (apiserver_request_total, apiserver_request_duration_seconds,
// apiserver_longrunning_requests), and the store's revision.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class ApiMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'apiserver_request_total',
    help: 'Counter of apiserver requests broken out for each verb, group, resource and HTTP response code.',
    labelNames: ['verb', 'group', 'resource', 'subresource', 'code'] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Response latency distribution in seconds for each verb, group and resource.',
    labelNames: ['verb', 'group', 'resource', 'subresource'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  constructor(sources: { watchers: () => number; revision: () => number }) {
    new Gauge({
      name: 'apiserver_longrunning_requests',
      help: 'Gauge of all active long-running apiserver requests (watches).',
      labelNames: ['verb'] as const,
      registers: [this.registry],
      collect() {
        this.set({ verb: 'WATCH' }, sources.watchers());
      },
    });
    new Gauge({
      name: 'kubelab_store_revision',
      help: 'The latest durable revision of the store.',
      registers: [this.registry],
      collect() {
        this.set(sources.revision());
      },
    });
  }

  /** Upstream's verb label: upper case, WATCH for watches, LIST for lists. */
  observe(labels: { verb: string; group: string; resource: string; subresource: string }, code: number, seconds: number): void {
    const verb = labels.verb.toUpperCase();
    this.requests.inc({ ...labels, verb, code: String(code) });
    if (verb !== 'WATCH') this.latency.observe({ ...labels, verb }, seconds);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
