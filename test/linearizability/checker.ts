// A linearizability checker: a TypeScript port of the algorithm of
// porcupine (github.com/anishathalye/porcupine, checker.go), itself the
// Wing & Gong / Lowe search with P-compositionality (Horn and Kroening,
// "Faster linearizability checking via P-compositionality").
//
// The history of each partition (one key: a register is P-compositional) is
// a doubly linked list of call and return entries in time order. The search
// walks it from the head: a call whose operation the model accepts from the
// current state is "lifted" (its call and return leave the list), pushed on
// a stack with the state before it, and the walk restarts at the head; when
// the walk meets a return, no pending call can go first, so the last lifted
// call is "unlifted" and the walk tries the entry after it. The list empty
// means every operation is linearized. A cache of (set of linearized
// operations, state) pairs already explored prunes the search: reaching the
// same pair twice cannot succeed the second time.
//
// Invariants: an operation is lifted only while its call precedes every
// return still in the list (it may have taken effect before any pending
// operation finished); the stack holds exactly the lifted operations, in
// linearization order; `linearized` is the set of their ids.
//
// Nondeterministic models (an operation whose answer was lost may or may not
// have taken effect) are run as porcupine's NondeterministicModel is: the
// search state is the set of states the model may be in.
import type { LinearizabilityModel } from './model.js';

/** One operation of a history: what was asked, what was answered, and when (any monotonic clock). */
export interface Operation<I, O> {
  readonly clientId: number;
  readonly input: I;
  readonly call: number;
  readonly output: O;
  readonly return: number;
}

/** 'unknown': the search ran out of time; callers count it as a failure. */
export type CheckResult = 'ok' | 'illegal' | 'unknown';

export interface CheckReport<I, O> {
  readonly result: CheckResult;
  /** Partitions checked (keys, for a register). */
  readonly partitions: number;
  readonly operations: number;
  /** For 'illegal': the partition that failed and its longest linearizable prefix, described. */
  readonly failure?: { readonly partition: readonly Operation<I, O>[]; readonly longestPrefix: readonly string[] };
}

export interface CheckOptions {
  /** Give up after this long ('unknown'); default 10 s. */
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

interface Entry<I, O> {
  readonly id: number;
  /** On a call entry: the operation's input and its return entry. */
  readonly operation?: Operation<I, O>;
  match?: Entry<I, O>;
  next?: Entry<I, O>;
  prev?: Entry<I, O>;
}

/** The history as call and return entries in time order (a call before a return at the same time), linked, after a head sentinel. */
function linkedEntries<I, O>(operations: readonly Operation<I, O>[]): Entry<I, O> {
  const points: { time: number; isReturn: boolean; id: number }[] = [];
  operations.forEach((op, id) => {
    if (op.return < op.call) throw new Error(`operation ${id} returns (${op.return}) before its call (${op.call})`);
    points.push({ time: op.call, isReturn: false, id }, { time: op.return, isReturn: true, id });
  });
  points.sort((a, b) => a.time - b.time || Number(a.isReturn) - Number(b.isReturn));
  const head: Entry<I, O> = { id: -1 };
  const returns = new Map<number, Entry<I, O>>();
  let last = head;
  for (const point of points) {
    const entry: Entry<I, O> = point.isReturn ? { id: point.id } : { id: point.id, operation: operations[point.id] };
    if (point.isReturn) returns.set(point.id, entry);
    entry.prev = last;
    last.next = entry;
    last = entry;
  }
  for (let e = head.next; e; e = e.next) if (e.operation) e.match = returns.get(e.id);
  return head;
}

/** Takes a call and its return out of the list (the call is never the last entry: its return follows). */
function lift<I, O>(call: Entry<I, O>): void {
  call.prev!.next = call.next;
  call.next!.prev = call.prev;
  const ret = call.match!;
  ret.prev!.next = ret.next;
  if (ret.next) ret.next.prev = ret.prev;
}

/** Puts them back, in the reverse order. */
function unlift<I, O>(call: Entry<I, O>): void {
  const ret = call.match!;
  ret.prev!.next = ret;
  if (ret.next) ret.next.prev = ret;
  call.prev!.next = call;
  call.next!.prev = call;
}

class Bitset {
  private readonly words: Uint32Array;
  constructor(size: number) {
    this.words = new Uint32Array(Math.ceil(size / 32) || 1);
  }
  set(i: number): void {
    this.words[i >>> 5]! |= 1 << (i & 31);
  }
  clear(i: number): void {
    this.words[i >>> 5]! &= ~(1 << (i & 31));
  }
  /** The key of this set with `i` added, without changing it. */
  keyWith(i: number): string {
    const word = i >>> 5;
    let key = '';
    for (let w = 0; w < this.words.length; w++) key += (w === word ? this.words[w]! | (1 << (i & 31)) : this.words[w]!).toString(36) + ',';
    return key;
  }
}

type Outcome = { readonly result: 'ok' | 'illegal' | 'unknown'; readonly longest: readonly number[] };

/** Searches one partition for a linearization. */
function checkPartition<S, I, O>(model: LinearizabilityModel<S, I, O>, operations: readonly Operation<I, O>[], deadline: number, now: () => number): Outcome {
  const head = linkedEntries(operations);
  const linearized = new Bitset(operations.length);
  const cache = new Set<string>();
  const stack: { entry: Entry<I, O>; states: readonly S[] }[] = [];
  let longest: number[] = [];
  let states: readonly S[] = [model.init()];
  let entry = head.next;
  let steps = 0;
  while (head.next) {
    if (++steps % 4096 === 0 && now() > deadline) return { result: 'unknown', longest };
    if (!entry) throw new Error('linearizability: the walk ran off the list (a return without its call?)');
    if (entry.operation) {
      const next = stepAll(model, states, entry.operation);
      const key = next.length > 0 ? linearized.keyWith(entry.id) + '|' + next.map((s) => model.stateKey(s)).sort().join(';') : undefined;
      if (key !== undefined && !cache.has(key)) {
        cache.add(key);
        stack.push({ entry, states });
        states = next;
        linearized.set(entry.id);
        lift(entry);
        entry = head.next;
      } else {
        entry = entry.next;
      }
    } else {
      // A return: the operation it ends cannot be linearized at this point; backtrack.
      if (stack.length > longest.length) longest = stack.map((s) => s.entry.id);
      const top = stack.pop();
      if (!top) return { result: 'illegal', longest };
      states = top.states;
      linearized.clear(top.entry.id);
      unlift(top.entry);
      entry = top.entry.next;
    }
  }
  return { result: 'ok', longest: stack.map((s) => s.entry.id) };
}

/** Every state the model may reach from any of `states` by this operation, deduplicated. */
function stepAll<S, I, O>(model: LinearizabilityModel<S, I, O>, states: readonly S[], op: Operation<I, O>): S[] {
  const next = new Map<string, S>();
  for (const state of states) for (const s of model.step(state, op.input, op.output)) next.set(model.stateKey(s), s);
  return [...next.values()];
}

/** Checks a whole history: each partition on its own; the first illegal one fails the history. */
export function checkOperations<S, I, O>(model: LinearizabilityModel<S, I, O>, history: readonly Operation<I, O>[], options: CheckOptions = {}): CheckReport<I, O> {
  const now = options.now ?? (() => Date.now());
  const deadline = now() + (options.timeoutMs ?? 10_000);
  const partitions = model.partition ? model.partition(history) : [history];
  let timedOut = false;
  for (const partition of partitions) {
    const outcome = checkPartition(model, partition, deadline, now);
    if (outcome.result === 'illegal') {
      const longestPrefix = outcome.longest.map((id) => model.describe(partition[id]!));
      return { result: 'illegal', partitions: partitions.length, operations: history.length, failure: { partition, longestPrefix } };
    }
    if (outcome.result === 'unknown') timedOut = true;
  }
  return { result: timedOut ? 'unknown' : 'ok', partitions: partitions.length, operations: history.length };
}
