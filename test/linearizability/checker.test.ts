// The checker against histories whose answer is known: porcupine's own
// register examples (porcupine_test.go TestRegisterModel and
// TestZeroDuration, from MIT 6.824's 2017 quiz 2, section VII), a
// compare-and-swap register as porcupine's etcd model, and API object
// histories for the model the API tests use.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkOperations, type Operation } from './checker.js';
import type { LinearizabilityModel } from './model.js';
import { LOST, objectModel, type ObjectInput, type ObjectOutput } from './object-model.js';

type RegisterInput = { op: 'put'; value: number } | { op: 'get' };
const registerModel: LinearizabilityModel<number, RegisterInput, number> = {
  init: () => 0,
  step: (state, input, output) => (input.op === 'put' ? [input.value] : output === state ? [state] : []),
  stateKey: String,
  describe: (op) => (op.input.op === 'put' ? `put(${op.input.value})` : `get() -> ${op.output}`),
};
const put = (clientId: number, value: number, call: number, ret: number): Operation<RegisterInput, number> => ({ clientId, input: { op: 'put', value }, call, output: 0, return: ret });
const get = (clientId: number, output: number, call: number, ret: number): Operation<RegisterInput, number> => ({ clientId, input: { op: 'get' }, call, output, return: ret });

describe('the linearizability checker on porcupine register histories', () => {
  test('a read overlapping a put may see the old value while a later one sees the new', () => {
    const history = [put(0, 100, 0, 100), get(1, 100, 25, 75), get(2, 0, 30, 60)];
    assert.equal(checkOperations(registerModel, history).result, 'ok');
  });

  test('a read that starts after another read saw the new value may not see the old one', () => {
    const history = [put(0, 200, 0, 100), get(1, 200, 10, 30), get(2, 0, 40, 90)];
    const report = checkOperations(registerModel, history);
    assert.equal(report.result, 'illegal');
    assert.ok(report.failure!.longestPrefix.length >= 1);
  });

  test('zero-length operations at one instant are ordered call before return', () => {
    assert.equal(checkOperations(registerModel, [put(0, 100, 0, 100), get(1, 100, 25, 75), get(2, 0, 30, 30), get(3, 0, 30, 30)]).result, 'ok');
    assert.equal(checkOperations(registerModel, [put(0, 200, 0, 100), get(1, 200, 10, 10), get(2, 200, 10, 10), get(3, 0, 40, 90)]).result, 'illegal');
  });

  test('a search that runs out of time answers unknown, never ok', () => {
    // Many overlapping puts and reads that no order explains: the search space is large.
    const history = [...Array.from({ length: 40 }, (_, i) => put(i, i + 1, 0, 1000)), get(99, 12345, 0, 1000)];
    let ticks = 0;
    const report = checkOperations(registerModel, history, { timeoutMs: 1, now: () => (ticks += 1) });
    assert.equal(report.result, 'unknown');
  });
});

type CasInput = { op: 'read' } | { op: 'write'; value: number } | { op: 'cas'; from: number; to: number };
type CasOutput = { ok?: boolean; value?: number; unknown?: boolean };
/** Porcupine's etcd model: a register with compare-and-swap; an operation that timed out may have happened or not. */
const casModel: LinearizabilityModel<number | null, CasInput, CasOutput> = {
  init: () => null,
  step: (state, input, output) => {
    if (input.op === 'read') return output.unknown || output.value === (state ?? undefined) ? [state] : [];
    if (input.op === 'write') return [input.value];
    const swaps = input.from === state;
    if (output.unknown) return swaps ? [input.to, state] : [state];
    return output.ok === swaps ? [swaps ? input.to : state] : [];
  },
  stateKey: (s) => String(s),
  describe: (op) => JSON.stringify(op.input),
};
const op = <I, O>(clientId: number, input: I, output: O, call: number, ret: number): Operation<I, O> => ({ clientId, input, output, call, return: ret });

describe('the linearizability checker on a compare-and-swap register (porcupine etcd model)', () => {
  test('a successful cas orders itself after the write it swapped', () => {
    const history = [
      op<CasInput, CasOutput>(0, { op: 'write', value: 1 }, {}, 0, 10),
      op<CasInput, CasOutput>(1, { op: 'cas', from: 1, to: 2 }, { ok: true }, 5, 20),
      op<CasInput, CasOutput>(2, { op: 'read' }, { value: 2 }, 21, 30),
    ];
    assert.equal(checkOperations(casModel, history).result, 'ok');
  });

  test('two successful cas from the same value are illegal', () => {
    const history = [
      op<CasInput, CasOutput>(0, { op: 'write', value: 1 }, {}, 0, 10),
      op<CasInput, CasOutput>(1, { op: 'cas', from: 1, to: 2 }, { ok: true }, 11, 20),
      op<CasInput, CasOutput>(2, { op: 'cas', from: 1, to: 3 }, { ok: true }, 11, 20),
    ];
    assert.equal(checkOperations(casModel, history).result, 'illegal');
  });

  test('a cas that timed out may explain a later read of its value', () => {
    const history = [
      op<CasInput, CasOutput>(0, { op: 'write', value: 1 }, {}, 0, 10),
      op<CasInput, CasOutput>(1, { op: 'cas', from: 1, to: 2 }, { unknown: true }, 11, 1000),
      op<CasInput, CasOutput>(2, { op: 'read' }, { value: 2 }, 20, 30),
      op<CasInput, CasOutput>(2, { op: 'read' }, { value: 1 }, 40, 50),
    ];
    // Read 2 then read 1: the timed-out cas cannot be undone, and nothing wrote 1 again.
    assert.equal(checkOperations(casModel, history).result, 'illegal');
    assert.equal(checkOperations(casModel, history.slice(0, 3)).result, 'ok');
  });
});

const obj = (clientId: number, input: ObjectInput, output: ObjectOutput, call: number, ret: number) => op(clientId, input, output, call, ret);

describe('the API object model', () => {
  test('create, a guarded update and a read of it are linearizable; each key is checked on its own', () => {
    const history = [
      obj(0, { key: 'a', op: 'create', value: 'a1' }, { status: 201, value: 'a1', resourceVersion: 5 }, 0, 10),
      obj(1, { key: 'b', op: 'create', value: 'b1' }, { status: 201, value: 'b1', resourceVersion: 6 }, 0, 10),
      obj(0, { key: 'a', op: 'update', value: 'a2', resourceVersion: 5 }, { status: 200, value: 'a2', resourceVersion: 7 }, 11, 20),
      obj(1, { key: 'a', op: 'update', value: 'a3', resourceVersion: 5 }, { status: 409 }, 12, 21),
      obj(2, { key: 'a', op: 'get' }, { status: 200, value: 'a2', resourceVersion: 7 }, 22, 30),
      obj(2, { key: 'b', op: 'delete' }, { status: 200 }, 31, 40),
      obj(1, { key: 'b', op: 'get' }, { status: 404 }, 41, 50),
    ];
    const report = checkOperations(objectModel, history);
    assert.equal(report.result, 'ok');
    assert.equal(report.partitions, 2);
  });

  test('a stale read after a newer one was answered is illegal', () => {
    const history = [
      obj(0, { key: 'a', op: 'create', value: 'a1' }, { status: 201, value: 'a1', resourceVersion: 5 }, 0, 10),
      obj(0, { key: 'a', op: 'update', value: 'a2' }, { status: 200, value: 'a2', resourceVersion: 7 }, 11, 20),
      obj(1, { key: 'a', op: 'get' }, { status: 200, value: 'a1', resourceVersion: 5 }, 21, 30),
    ];
    assert.equal(checkOperations(objectModel, history).result, 'illegal');
  });

  test('two updates guarded by the same resourceVersion cannot both succeed', () => {
    const history = [
      obj(0, { key: 'a', op: 'create', value: 'a1' }, { status: 201, value: 'a1', resourceVersion: 5 }, 0, 10),
      obj(1, { key: 'a', op: 'update', value: 'a2', resourceVersion: 5 }, { status: 200, value: 'a2', resourceVersion: 6 }, 11, 20),
      obj(2, { key: 'a', op: 'update', value: 'a3', resourceVersion: 5 }, { status: 200, value: 'a3', resourceVersion: 7 }, 11, 20),
    ];
    assert.equal(checkOperations(objectModel, history).result, 'illegal');
  });

  test('a resourceVersion that goes back is illegal', () => {
    const history = [
      obj(0, { key: 'a', op: 'create', value: 'a1' }, { status: 201, value: 'a1', resourceVersion: 9 }, 0, 10),
      obj(0, { key: 'a', op: 'update', value: 'a2' }, { status: 200, value: 'a2', resourceVersion: 8 }, 11, 20),
    ];
    assert.equal(checkOperations(objectModel, history).result, 'illegal');
  });

  test('a create whose answer was lost may have happened, or not', () => {
    const created = [
      obj(0, { key: 'a', op: 'create', value: 'a1' }, { status: LOST }, 0, 100),
      obj(1, { key: 'a', op: 'get' }, { status: 200, value: 'a1', resourceVersion: 4 }, 10, 20),
    ];
    const notCreated = [created[0]!, obj(1, { key: 'a', op: 'get' }, { status: 404 }, 110, 120)];
    assert.equal(checkOperations(objectModel, created).result, 'ok');
    assert.equal(checkOperations(objectModel, notCreated).result, 'ok');
  });
});
