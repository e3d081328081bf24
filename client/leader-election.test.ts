import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startApiServer, type RunningApiServer } from '../apiserver/index.js';
import { openStore, type MvccStore } from '../store/index.js';
import { FakeClock } from './fake-clock.js';
import { kinds } from './kinds.js';
import { LeaderElector } from './leader-election.js';
import { KubeClient } from './rest.js';

const START = Date.parse('2025-01-01T00:00:00Z');

interface Candidate {
  readonly elector: LeaderElector;
  readonly stop: AbortController;
  readonly events: string[];
  readonly done: Promise<void>;
}

describe('LeaderElector', () => {
  let store: MvccStore;
  let server: RunningApiServer;
  let clock: FakeClock;
  before(async () => {
    store = await openStore({ backend: 'memory', autoCompaction: false });
    server = await startApiServer({ store });
  });
  after(async () => {
    await server.close();
    await store.close();
  });

  function candidate(identity: string, lease: string, url = server.url, releaseOnCancel = true): Candidate {
    const events: string[] = [];
    const stop = new AbortController();
    const elector = new LeaderElector({
      client: new KubeClient({ server: url, requestTimeoutMs: 1_000 }),
      namespace: 'kube-system',
      name: lease,
      identity,
      clock,
      random: () => 0,
      releaseOnCancel,
      callbacks: {
        onStartedLeading: () => events.push('started'),
        onStoppedLeading: () => events.push('stopped'),
        onNewLeader: (id) => events.push(`leader ${id}`),
      },
    });
    return { elector, stop, events, done: elector.run(stop.signal) };
  }

  /** Moves the clock on a retry period at a time, each time waiting for the candidates to go back to sleep. */
  async function advance(ms: number, sleepers: number): Promise<void> {
    for (let moved = 0; moved < ms; moved += 2_000) {
      clock.step(2_000);
      await clock.whenTimers(sleepers);
    }
  }

  const leaseOf = (name: string) => new KubeClient({ server: server.url }).resource(kinds.Lease, 'kube-system').get(name);

  test('a released lease passes to the waiting candidate at its next retry, and counts a transition', async () => {
    clock = new FakeClock(START);
    const a = candidate('a', 'handover');
    await clock.whenTimers(1);
    const b = candidate('b', 'handover');
    await clock.whenTimers(2);
    assert.deepEqual(a.events, ['leader a', 'started']);
    assert.deepEqual(b.events, ['leader a']);
    assert.equal((await leaseOf('handover')).spec?.holderIdentity, 'a');

    a.stop.abort();
    await a.done;
    assert.deepEqual(a.events, ['leader a', 'started', 'stopped']);
    const released = await leaseOf('handover');
    assert.equal(released.spec?.holderIdentity, undefined);

    await advance(2_000, 1);
    assert.deepEqual(b.events, ['leader a', 'leader b', 'started']);
    const lease = await leaseOf('handover');
    assert.equal(lease.spec?.holderIdentity, 'b');
    assert.equal(lease.spec?.leaseTransitions, 1);
    assert.equal(lease.spec?.leaseDurationSeconds, 15);
    assert.equal(lease.spec?.acquireTime, new Date(START + 2_000).toISOString().replace('Z', '000Z'));
    b.stop.abort();
    await b.done;
  });

  test('a leader that cannot renew steps down after the renew deadline, and another takes over once the lease expires', async () => {
    clock = new FakeClock(START);
    // The first candidate reaches the API through a server of its own, which then goes away.
    const own = await startApiServer({ store });
    const a = candidate('a', 'expiry', own.url);
    await clock.whenTimers(1);
    const b = candidate('b', 'expiry');
    await clock.whenTimers(2);
    await advance(4_000, 2);
    assert.equal((await leaseOf('expiry')).spec?.holderIdentity, 'a');
    const lastRenewal = clock.now();

    await own.close();
    await advance(8_000, 2);
    assert.deepEqual(a.events, ['leader a', 'started'], 'still leading within the renew deadline');
    await advance(2_000, 1);
    await a.done;
    assert.deepEqual(a.events, ['leader a', 'started', 'stopped'], 'stepped down at the renew deadline');
    assert.ok(!b.events.includes('started'), 'the lease has not expired yet');

    // b saw the last renewal at once or at its next retry, and waits 15 s from then by its own clock.
    await advance(lastRenewal + 14_000 - clock.now(), 1);
    assert.ok(!b.events.includes('started'), 'the lease has not expired yet by b\'s clock');
    await advance(4_000, 1);
    assert.deepEqual(b.events, ['leader a', 'leader b', 'started']);
    const lease = await leaseOf('expiry');
    assert.equal(lease.spec?.holderIdentity, 'b');
    assert.equal(lease.spec?.leaseTransitions, 1);
    b.stop.abort();
    await b.done;
  });

  test('a leader keeps renewing: the renewTime moves and the other candidate waits', async () => {
    clock = new FakeClock(START);
    const a = candidate('a', 'renewed');
    await clock.whenTimers(1);
    const b = candidate('b', 'renewed');
    await clock.whenTimers(2);
    await advance(30_000, 2);
    const lease = await leaseOf('renewed');
    assert.equal(lease.spec?.holderIdentity, 'a');
    assert.equal(lease.spec?.renewTime, new Date(START + 30_000).toISOString().replace('Z', '000Z'));
    assert.equal(lease.spec?.leaseTransitions, 0);
    assert.ok(!b.events.includes('started'));
    a.stop.abort();
    b.stop.abort();
    await Promise.all([a.done, b.done]);
  });
});
