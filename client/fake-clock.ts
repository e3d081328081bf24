// A clock tests move by hand (client-go's k8s.io/utils/clock/testing.FakeClock):
// step() fires every timer that falls due, in time order.
import type { Clock, Timer } from './clock.js';

interface Pending {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
}

export class FakeClock implements Clock {
  private pending: Pending[] = [];
  private seq = 0;
  private waiters: { count: number; resolve: () => void }[] = [];

  constructor(private time = 0) {}

  now(): number {
    return this.time;
  }

  schedule(ms: number, callback: () => void): Timer {
    const entry: Pending = { at: this.time + Math.max(0, ms), seq: this.seq++, callback };
    this.pending.push(entry);
    this.wakeWaiters();
    return { cancel: () => void (this.pending = this.pending.filter((p) => p !== entry)) };
  }

  /** How many timers wait to fire (upstream's HasWaiters). */
  get timerCount(): number {
    return this.pending.length;
  }

  /** Moves time forward by `ms`, firing each timer that falls due at its own time. */
  step(ms: number): void {
    const until = this.time + ms;
    for (;;) {
      const next = this.pending.filter((p) => p.at <= until).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.pending = this.pending.filter((p) => p !== next);
      this.time = Math.max(this.time, next.at);
      next.callback();
    }
    this.time = until;
  }

  /** Resolves once at least `count` timers are pending: the code under test has gone to sleep. */
  whenTimers(count: number): Promise<void> {
    if (this.pending.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  private wakeWaiters(): void {
    const ready = this.waiters.filter((w) => this.pending.length >= w.count);
    this.waiters = this.waiters.filter((w) => this.pending.length < w.count);
    for (const w of ready) w.resolve();
  }
}
