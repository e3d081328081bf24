import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { slowStartBatch } from './slow-start.js';

describe('slow-start batches (upstream slowStartBatch)', () => {
  /** The batches the calls ran in, and the result, when the calls at `failing` indexes fail. */
  async function run(count: number, failing: number[] = []) {
    const batches: number[][] = [];
    let current: number[] = [];
    const result = await slowStartBatch(count, async (index) => {
      current.push(index);
      await Promise.resolve();
      if (current.length > 0) {
        batches.push(current);
        current = [];
      }
      if (failing.includes(index)) throw new Error(`call ${index} failed`);
    });
    return { batches: batches.map((b) => b.length), result };
  }

  test('10 calls go in batches of 1, 2, 4 and the 3 left', async () => {
    const { batches, result } = await run(10);
    assert.deepEqual(batches, [1, 2, 4, 3]);
    assert.deepEqual(result, { successes: 10, skipped: 0 });
  });

  test('a failure in the first call skips every other', async () => {
    const { batches, result } = await run(10, [0]);
    assert.deepEqual(batches, [1]);
    assert.equal(result.successes, 0);
    assert.equal(result.skipped, 9);
    assert.match(String(result.error), /call 0 failed/);
  });

  test('a failure in the third batch: its other calls still count, the rest are skipped', async () => {
    const { batches, result } = await run(10, [4]);
    assert.deepEqual(batches, [1, 2, 4]);
    assert.equal(result.successes, 6);
    assert.equal(result.skipped, 3);
  });

  test('no calls, nothing to do', async () => {
    assert.deepEqual((await run(0)).result, { successes: 0, skipped: 0 });
  });
});
