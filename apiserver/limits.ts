// The server's bounds on what clients may hold at once, as upstream's
// max-in-flight filter (staging/src/k8s.io/apiserver/pkg/server/filters/
// maxinflight.go): read-only and mutating requests counted apart, long-running
// ones (watches, exec, followed logs) not counted; past a bound, 429 with
// Retry-After: 1. Besides: how many watches one client may keep open, and the
// largest page a list answers (a bigger `limit` gets that many and a continue
// token, which upstream's list semantics allow).
import { ApiError } from '../proto/index.js';

export interface RequestLimits {
  /** upstream --max-requests-inflight (400). */
  readonly maxReadOnlyInFlight: number;
  /** upstream --max-mutating-requests-inflight (200). */
  readonly maxMutatingInFlight: number;
  /** Watches one client (user and address) may keep open; the lab's kubelet-sim opens one a node. */
  readonly maxWatchesPerClient: number;
  /** The most items one list page holds. */
  readonly maxListPageSize: number;
}

export const limitDefaults: RequestLimits = { maxReadOnlyInFlight: 400, maxMutatingInFlight: 200, maxWatchesPerClient: 10_000, maxListPageSize: 5_000 };

/** The 429 upstream's filters answer, as a Status (upstream writes the same words as plain text), with Retry-After. */
export function tooManyRequests(message = 'Too many requests, please try again later.'): ApiError {
  return new ApiError(429, 'TooManyRequests', message, { retryAfterSeconds: 1 });
}

export type RequestClass = 'readOnly' | 'mutating' | 'longRunning';

/** upstream's classification: GET, HEAD, OPTIONS are read-only; a watch, an exec and a followed log run long. */
export function classify(method: string, url: string): RequestClass {
  const query = url.includes('?') ? url.slice(url.indexOf('?')) : '';
  if (/[?&]watch=(true|1)(&|$)/.test(query) || /^\/api(s\/[^/]+)?\/[^/]+\/watch\//.test(url)) return 'longRunning';
  if (/\/pods\/[^/]+\/(exec|attach|portforward)(\?|$)/.test(url)) return 'longRunning';
  if (/\/pods\/[^/]+\/log\?/.test(url) && /[?&]follow=(true|1)(&|$)/.test(query)) return 'longRunning';
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS' ? 'readOnly' : 'mutating';
}

/** Counts requests in flight by class; acquire answers a release, or undefined when the class is full. */
export class InFlight {
  private readonly counts = { readOnly: 0, mutating: 0 };

  constructor(private readonly limits: Pick<RequestLimits, 'maxReadOnlyInFlight' | 'maxMutatingInFlight'>) {}

  acquire(kind: 'readOnly' | 'mutating'): (() => void) | undefined {
    const max = kind === 'readOnly' ? this.limits.maxReadOnlyInFlight : this.limits.maxMutatingInFlight;
    if (this.counts[kind] >= max) return undefined;
    this.counts[kind] += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.counts[kind] -= 1;
    };
  }

  get readOnly(): number {
    return this.counts.readOnly;
  }

  get mutating(): number {
    return this.counts.mutating;
  }
}

/** Open watches by client; acquire answers a release, or undefined when the client holds its bound. */
export class WatchCounts {
  private readonly byClient = new Map<string, number>();

  constructor(private readonly max: number) {}

  acquire(client: string): (() => void) | undefined {
    const held = this.byClient.get(client) ?? 0;
    if (held >= this.max) return undefined;
    this.byClient.set(client, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.byClient.get(client) ?? 1) - 1;
      if (left === 0) this.byClient.delete(client);
      else this.byClient.set(client, left);
    };
  }
}
