import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { setImmediate as tick } from 'node:timers/promises';
import { FakeClock } from './fake-clock.js';
import { ExponentialRateLimiter } from './rate-limiter.js';
import { runWorker, WorkQueue } from './workqueue.js';

/** Whether a promise has settled, after letting pending callbacks run. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true));
  await tick();
  return done;
}

describe('WorkQueue', () => {
  test('a key added twice while it waits is handed out once', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    queue.add('b');
    queue.add('a');
    assert.equal(queue.length, 2);
    assert.equal(await queue.get(), 'a');
    assert.equal(await queue.get(), 'b');
    assert.equal(queue.length, 0);
  });

  test('a key added while it is processing goes to no other worker until done, then comes back once', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    const first = await queue.get();
    queue.add('a');
    queue.add('a');
    const second = queue.get();
    assert.equal(await settled(second), false, 'handed out while still processing');
    queue.done(first!);
    assert.equal(await second, 'a');
    queue.done('a');
    assert.equal(queue.length, 0);
  });

  test('backoff doubles from 5 ms per failure up to the cap, and forget starts it over', () => {
    const limiter = new ExponentialRateLimiter<string>({ maxDelayMs: 100 });
    assert.deepEqual(
      Array.from({ length: 7 }, () => limiter.when('k')),
      [5, 10, 20, 40, 80, 100, 100],
    );
    assert.equal(limiter.when('other'), 5, 'per key');
    assert.equal(limiter.numRequeues('k'), 7);
    limiter.forget('k');
    assert.equal(limiter.numRequeues('k'), 0);
    assert.equal(limiter.when('k'), 5);
    assert.equal(new ExponentialRateLimiter<string>().when('x'), 5);
  });

  test('the default cap is client-go\'s 1000 seconds', () => {
    const limiter = new ExponentialRateLimiter<string>();
    let last = 0;
    for (let i = 0; i < 40; i++) last = limiter.when('k');
    assert.equal(last, 1_000_000);
  });

  test('addRateLimited holds a key back for its backoff on the injected clock', async () => {
    const clock = new FakeClock();
    const queue = new WorkQueue<string>({ clock });
    queue.addRateLimited('k');
    queue.addRateLimited('k');
    assert.equal(queue.length, 0);
    clock.step(4);
    assert.equal(queue.length, 0);
    clock.step(1);
    assert.equal(queue.length, 1, 'the earlier of the two delays (5 ms, not 10 ms) wins');
    assert.equal(await queue.get(), 'k');
    queue.done('k');
    clock.step(10);
    assert.equal(queue.length, 0, 'the later delay was dropped, not queued again');
  });

  test('addAfter adds a key once its time has come', () => {
    const clock = new FakeClock();
    const queue = new WorkQueue<string>({ clock });
    queue.addAfter('late', 1_000);
    queue.addAfter('now', 0);
    assert.equal(queue.length, 1);
    clock.step(999);
    assert.equal(queue.length, 1);
    clock.step(1);
    assert.equal(queue.length, 2);
  });

  test('shutting down with drain hands out what is queued, waits for what is processing, and accepts no more', async () => {
    const queue = new WorkQueue();
    queue.add('a');
    queue.add('b');
    const a = await queue.get();
    const drained = queue.shutDownWithDrain();
    queue.add('c');
    assert.equal(await queue.get(), 'b');
    assert.equal(await queue.get(), undefined);
    assert.equal(await settled(drained), false);
    queue.done(a!);
    assert.equal(await settled(drained), false, 'b is still processing');
    queue.done('b');
    assert.equal(await settled(drained), true);
  });

  test('workers never sync one key at the same time, and a failed sync is retried with backoff', async () => {
    const clock = new FakeClock();
    const queue = new WorkQueue<string>({ clock });
    const busy = new Set<string>();
    const synced: string[] = [];
    let overlaps = 0;
    let failures = 0;
    const sync = async (key: string) => {
      if (busy.has(key)) overlaps++;
      busy.add(key);
      await tick();
      queue.add(key === 'x' && synced.length < 3 ? 'x' : 'y');
      await tick();
      busy.delete(key);
      synced.push(key);
      if (key === 'flaky' && failures++ < 2) throw new Error('not yet');
    };
    const workers = [1, 2, 3, 4].map(() => runWorker(queue, sync));
    queue.add('x');
    queue.add('flaky');
    for (let i = 0; i < 20; i++) await tick();
    assert.equal(queue.numRequeues('flaky'), 1);
    clock.step(5);
    for (let i = 0; i < 20; i++) await tick();
    assert.equal(queue.numRequeues('flaky'), 2);
    clock.step(10);
    for (let i = 0; i < 20; i++) await tick();
    assert.equal(queue.numRequeues('flaky'), 0, 'forgotten after it succeeded');
    await queue.shutDownWithDrain();
    await Promise.all(workers);
    assert.equal(overlaps, 0);
    assert.equal(synced.filter((k) => k === 'flaky').length, 3);
    assert.ok(synced.filter((k) => k === 'x').length >= 2);
  });
});
