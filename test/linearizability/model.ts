// What the checker needs of a sequential specification (porcupine's Model
// and NondeterministicModel in one): a start state, a step that lists the
// states an operation may lead to (none: the answer is impossible here), a
// key that identifies a state (the search cache compares states by it), and
// optionally how to split a history into independent parts.
import type { Operation } from './checker.js';

export interface LinearizabilityModel<S, I, O> {
  init(): S;
  /** The states the operation may leave, from `state`, given what it answered; empty: illegal here. */
  step(state: S, input: I, output: O): readonly S[];
  /** Equal states have equal keys. */
  stateKey(state: S): string;
  /** Independent sub-histories (P-compositionality): for a register, one per key. */
  partition?(history: readonly Operation<I, O>[]): Operation<I, O>[][];
  describe(operation: Operation<I, O>): string;
}

/** Splits a history by a key of each operation, keeping the operations' order. */
export function partitionBy<I, O>(history: readonly Operation<I, O>[], keyOf: (op: Operation<I, O>) => string): Operation<I, O>[][] {
  const parts = new Map<string, Operation<I, O>[]>();
  for (const op of history) {
    const key = keyOf(op);
    const part = parts.get(key);
    if (part) part.push(op);
    else parts.set(key, [op]);
  }
  return [...parts.values()];
}
