// Leader election on a coordination.k8s.io/v1 Lease, as client-go's
// tools/leaderelection (leaderelection.go): a candidate takes the Lease when
// it is free or expired, renews it every retryPeriod, and gives leadership up
// when it could not renew within renewDeadline. Expiry is judged by the
// candidate's own clock from when it last saw the record change, never by
// comparing timestamps written by another machine's clock. Writes carry the
// resourceVersion read, so two candidates racing for the Lease get one 409.
import type { Lease, LeaseSpec } from 'kubernetes-types/coordination/v1.js';
import type { Logger } from 'pino';
import { sleep, systemClock, type Clock } from './clock.js';
import { isNotFound } from './errors.js';
import { kinds } from './kinds.js';
import type { KubeClient, ResourceClient } from './rest.js';

export interface LeaderCallbacks {
  /** Leadership won; `leading` aborts when it is lost or given up. */
  onStartedLeading(leading: AbortSignal): void;
  /** Leadership lost or released (called only after onStartedLeading). */
  onStoppedLeading(): void;
  /** Another (or this) candidate is seen holding the Lease. */
  onNewLeader?(identity: string): void;
}

export interface LeaderElectionOptions {
  readonly client: KubeClient;
  readonly namespace: string;
  readonly name: string;
  /** This candidate's name in holderIdentity: unique per process (host name and a random suffix upstream). */
  readonly identity: string;
  readonly callbacks: LeaderCallbacks;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
  /** Clear holderIdentity on shutdown, so the next candidate need not wait out the lease. */
  readonly releaseOnCancel?: boolean;
  readonly clock?: Clock;
  /** In [0, 1): the jitter added to each wait while not leading (upstream JitterFactor 1.2). */
  readonly random?: () => number;
  readonly logger?: Logger;
}

/** kube-controller-manager's --leader-elect-lease-duration, -renew-deadline and -retry-period. */
export const leaderElectionDefaults = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
  releaseOnCancel: true,
  jitterFactor: 1.2,
} as const;

/** A Lease's MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '000Z');
}

type LeaderRecord = Pick<LeaseSpec, 'holderIdentity' | 'leaseDurationSeconds' | 'acquireTime' | 'renewTime' | 'leaseTransitions'>;

function sameRecord(a: LeaderRecord | undefined, b: LeaderRecord | undefined): boolean {
  const fields = (r: LeaderRecord | undefined) => [r?.holderIdentity, r?.leaseDurationSeconds, r?.acquireTime, r?.renewTime, r?.leaseTransitions];
  return JSON.stringify(fields(a)) === JSON.stringify(fields(b));
}

export class LeaderElector {
  private readonly leases: ResourceClient<Lease>;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private observedLease: Lease | undefined;
  private observedRecord: LeaderRecord | undefined;
  /** When, by our clock, the record was last seen to change. */
  private observedTime = 0;
  private reportedLeader = '';

  constructor(private readonly options: LeaderElectionOptions) {
    this.leases = options.client.resource(kinds.Lease, options.namespace);
    this.clock = options.clock ?? systemClock;
    this.log = (options.logger ?? options.client.log).child({ lease: `${options.namespace}/${options.name}`, identity: options.identity });
    this.leaseDurationMs = options.leaseDurationMs ?? leaderElectionDefaults.leaseDurationMs;
    this.renewDeadlineMs = options.renewDeadlineMs ?? leaderElectionDefaults.renewDeadlineMs;
    this.retryPeriodMs = options.retryPeriodMs ?? leaderElectionDefaults.retryPeriodMs;
    if (this.renewDeadlineMs >= this.leaseDurationMs) throw new RangeError('leaseDuration must be greater than renewDeadline');
  }

  isLeader(): boolean {
    return this.observedRecord?.holderIdentity === this.options.identity;
  }

  /** The holder last seen ('' if none). */
  get leader(): string {
    return this.observedRecord?.holderIdentity ?? '';
  }

  /** Campaigns until leading, leads until leadership is lost or `signal` aborts, then returns (upstream Run). */
  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.acquire(signal))) return;
    const leading = new AbortController();
    this.log.info('started leading');
    this.options.callbacks.onStartedLeading(leading.signal);
    await this.renew(signal);
    leading.abort();
    if (signal.aborted && (this.options.releaseOnCancel ?? leaderElectionDefaults.releaseOnCancel)) await this.release();
    this.log.info('stopped leading');
    this.options.callbacks.onStoppedLeading();
  }

  /** Tries every retryPeriod (jittered) until the Lease is ours; false if aborted first. */
  private async acquire(signal: AbortSignal): Promise<boolean> {
    const random = this.options.random ?? Math.random;
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew()) return true;
      await sleep(this.clock, this.retryPeriodMs * (1 + (leaderElectionDefaults.jitterFactor - 1) * random()), signal);
    }
    return false;
  }

  /** Renews every retryPeriod; returns when a renewal has not succeeded for renewDeadline, or on abort. */
  private async renew(signal: AbortSignal): Promise<void> {
    let lastRenew = this.clock.now();
    for (;;) {
      await sleep(this.clock, this.retryPeriodMs, signal);
      if (signal.aborted) return;
      if (await this.tryAcquireOrRenew()) lastRenew = this.clock.now();
      else if (this.clock.now() - lastRenew >= this.renewDeadlineMs) {
        this.log.warn('failed to renew the lease within the renew deadline');
        return;
      }
    }
  }

  /** One attempt (upstream tryAcquireOrRenew): create the Lease, take it over, or renew it. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.clock.now();
    const record: LeaderRecord = {
      holderIdentity: this.options.identity,
      leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
      acquireTime: microTime(now),
      renewTime: microTime(now),
      leaseTransitions: 0,
    };
    let current: Lease;
    try {
      current = await this.leases.get(this.options.name);
    } catch (error) {
      if (!isNotFound(error)) return this.failed(error, 'read');
      try {
        this.observe(await this.leases.create({ metadata: { name: this.options.name, namespace: this.options.namespace }, spec: record }), now);
        return true;
      } catch (createError) {
        return this.failed(createError, 'create');
      }
    }
    const old: LeaderRecord = current.spec ?? {};
    if (!sameRecord(old, this.observedRecord)) this.observe(current, now);
    else this.observedLease = current;
    const valid = this.observedTime + (old.leaseDurationSeconds ?? 0) * 1000 > now;
    if (old.holderIdentity && valid && !this.isLeader()) return false;
    if (this.isLeader()) {
      record.acquireTime = old.acquireTime;
      record.leaseTransitions = old.leaseTransitions ?? 0;
    } else {
      record.leaseTransitions = (old.leaseTransitions ?? 0) + 1;
    }
    try {
      this.observe(await this.leases.update({ ...current, spec: { ...current.spec, ...record } }), now);
      return true;
    } catch (error) {
      return this.failed(error, 'update');
    }
  }

  /** Gives the Lease up (upstream release): no holder, a one-second duration, so the next candidate takes it at once. */
  private async release(): Promise<void> {
    if (!this.isLeader() || !this.observedLease) return;
    const now = microTime(this.clock.now());
    const spec: LeaseSpec = { leaseTransitions: this.observedRecord?.leaseTransitions ?? 0, leaseDurationSeconds: 1, acquireTime: now, renewTime: now };
    try {
      this.observe(await this.leases.update({ ...this.observedLease, spec }), this.clock.now());
    } catch (error) {
      this.failed(error, 'release');
    }
  }

  private observe(lease: Lease, now: number): void {
    this.observedLease = lease;
    this.observedRecord = lease.spec ?? {};
    this.observedTime = now;
    const holder = this.observedRecord.holderIdentity ?? '';
    if (holder !== this.reportedLeader) {
      this.reportedLeader = holder;
      if (holder !== '') this.options.callbacks.onNewLeader?.(holder);
    }
  }

  private failed(error: unknown, what: string): false {
    this.log.debug({ err: error }, `lease ${what} failed`);
    return false;
  }
}
