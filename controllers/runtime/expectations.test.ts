import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeClock } from '../../client/index.js';
import { Expectations, EXPECTATIONS_TIMEOUT_MS, UIDTrackingExpectations } from './expectations.js';

describe('Expectations (upstream ControllerExpectations)', () => {
  test('a key nothing was expected for is satisfied', () => {
    assert.equal(new Expectations(new FakeClock()).satisfied('default/ds'), true);
  });

  test('creations are satisfied once each has been observed', () => {
    const e = new Expectations(new FakeClock());
    e.expectCreations('default/ds', 2);
    assert.equal(e.satisfied('default/ds'), false);
    e.creationObserved('default/ds');
    assert.equal(e.satisfied('default/ds'), false);
    e.creationObserved('default/ds');
    assert.equal(e.satisfied('default/ds'), true);
  });

  test('deletions likewise, and an extra observation does not break it', () => {
    const e = new Expectations(new FakeClock());
    e.expectDeletions('k', 1);
    e.deletionObserved('k');
    e.deletionObserved('k');
    assert.deepEqual(e.pending('k'), { add: 0, del: -1 });
    assert.equal(e.satisfied('k'), true);
  });

  test('expectations expire after 5 minutes, so a missed event cannot block a controller for ever', () => {
    const clock = new FakeClock(1_000);
    const e = new Expectations(clock);
    e.expectCreations('k', 1);
    clock.step(EXPECTATIONS_TIMEOUT_MS);
    assert.equal(e.satisfied('k'), false);
    clock.step(1);
    assert.equal(e.satisfied('k'), true);
  });

  test('raise adds to what is expected without restarting the clock; delete forgets', () => {
    const clock = new FakeClock();
    const e = new Expectations(clock);
    e.set('k', 1, 1);
    clock.step(EXPECTATIONS_TIMEOUT_MS);
    e.raise('k', 1, 0);
    assert.deepEqual(e.pending('k'), { add: 2, del: 1 });
    clock.step(1);
    assert.equal(e.satisfied('k'), true);
    e.delete('k');
    assert.equal(e.pending('k'), undefined);
  });

  test('observations for a key never expected are ignored', () => {
    const e = new Expectations(new FakeClock());
    e.creationObserved('k');
    assert.equal(e.pending('k'), undefined);
    assert.equal(e.satisfied('k'), true);
  });
});

describe('UIDTrackingExpectations (upstream UIDTrackingControllerExpectations)', () => {
  test('only the deletions of the pods chosen count, each once', () => {
    const e = new UIDTrackingExpectations(new FakeClock());
    e.expectDeletionsOf('default/rc', ['default/a', 'default/b']);
    e.deletionObservedOf('default/rc', 'default/c');
    assert.deepEqual(e.pending('default/rc'), { add: 0, del: 2 });
    e.deletionObservedOf('default/rc', 'default/a');
    e.deletionObservedOf('default/rc', 'default/a');
    assert.equal(e.satisfied('default/rc'), false);
    e.deletionObservedOf('default/rc', 'default/b');
    assert.equal(e.satisfied('default/rc'), true);
  });

  test('forgetting a key forgets its pods too', () => {
    const e = new UIDTrackingExpectations(new FakeClock());
    e.expectDeletionsOf('default/rc', ['default/a']);
    e.delete('default/rc');
    e.expectCreations('default/rc', 1);
    e.deletionObservedOf('default/rc', 'default/a');
    assert.deepEqual(e.pending('default/rc'), { add: 1, del: 0 });
  });
});
