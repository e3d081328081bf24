// The sequential specification of one API object (a ConfigMap's name) as a
// register with compare-and-swap by resourceVersion, as the API promises it
// (DESIGN.md "Store semantics": create fails if the key exists; update and
// delete may be guarded by the expected modRevision):
//   get              -> 200 with the current value and resourceVersion, or 404
//   create(v)        -> 201 with a new resourceVersion, or 409 AlreadyExists
//   update(v, rv?)   -> 200 with a new resourceVersion; 409 Conflict when rv is
//                       given and is not the current one; 404 when absent
//   delete           -> 200, or 404 when absent
// Every successful write moves the resourceVersion forward. An answer that
// never came ('lost') leaves two possible states: applied, or not.
import type { Operation } from './checker.js';
import { partitionBy, type LinearizabilityModel } from './model.js';

export type ObjectInput =
  | { readonly key: string; readonly op: 'get' }
  | { readonly key: string; readonly op: 'create'; readonly value: string }
  | { readonly key: string; readonly op: 'update'; readonly value: string; readonly resourceVersion?: number }
  | { readonly key: string; readonly op: 'delete' };

/** What came back: the HTTP status, and for a 200/201 the object's value and resourceVersion. 0: no answer. */
export interface ObjectOutput {
  readonly status: number;
  readonly value?: string;
  readonly resourceVersion?: number;
}

/** Absent, or a value at a resourceVersion (undefined when set by a write whose answer was lost). */
export type ObjectState = { readonly exists: false; readonly floor: number } | { readonly exists: true; readonly value: string; readonly resourceVersion: number | undefined; readonly floor: number };

export const LOST = 0;

const absent = (floor: number): ObjectState => ({ exists: false, floor });

function stepObject(state: ObjectState, input: ObjectInput, output: ObjectOutput): ObjectState[] {
  const { status } = output;
  // The resourceVersion a write produced must be past every one this key has shown (floor).
  const written = (value: string): ObjectState[] => {
    if (status === LOST) return [{ exists: true, value, resourceVersion: undefined, floor: state.floor }];
    const rv = output.resourceVersion ?? 0;
    if (rv <= state.floor || output.value !== value) return [];
    return [{ exists: true, value, resourceVersion: rv, floor: rv }];
  };
  switch (input.op) {
    case 'get': {
      if (status === LOST) return [state];
      if (status === 404) return state.exists ? [] : [state];
      if (status !== 200 || !state.exists || output.value !== state.value) return [];
      if (state.resourceVersion === undefined) return output.resourceVersion! > state.floor ? [{ ...state, resourceVersion: output.resourceVersion, floor: output.resourceVersion! }] : [];
      return output.resourceVersion === state.resourceVersion ? [state] : [];
    }
    case 'create':
      if (status === LOST) return state.exists ? [state] : [state, ...written(input.value)];
      if (status === 409) return state.exists ? [state] : [];
      return status === 201 && !state.exists ? written(input.value) : [];
    case 'update': {
      const guardHolds = state.exists && (input.resourceVersion === undefined || state.resourceVersion === undefined || state.resourceVersion === input.resourceVersion);
      const guardFails = state.exists && input.resourceVersion !== undefined && (state.resourceVersion === undefined || state.resourceVersion !== input.resourceVersion);
      if (status === LOST) return guardHolds ? [state, ...written(input.value)] : [state];
      if (status === 404) return state.exists ? [] : [state];
      // As upstream's GuaranteedUpdate, an unguarded update is retried on a conflict: never a 409.
      if (status === 409) return guardFails ? [state] : [];
      return status === 200 && guardHolds ? written(input.value) : [];
    }
    case 'delete':
      if (status === LOST) return state.exists ? [state, absent(state.floor)] : [state];
      if (status === 404) return state.exists ? [] : [state];
      return status === 200 && state.exists ? [absent(state.floor)] : [];
  }
}

export const objectModel: LinearizabilityModel<ObjectState, ObjectInput, ObjectOutput> = {
  init: () => absent(0),
  step: stepObject,
  stateKey: (s) => (s.exists ? `${s.value}@${s.resourceVersion ?? '?'}>${s.floor}` : `absent>${s.floor}`),
  partition: (history) => partitionBy(history, (op) => op.input.key),
  describe: (op: Operation<ObjectInput, ObjectOutput>) => {
    const { input, output } = op;
    const args = input.op === 'create' ? `(${input.value})` : input.op === 'update' ? `(${input.value}${input.resourceVersion !== undefined ? `, rv ${input.resourceVersion}` : ''})` : '()';
    const answer = output.status === LOST ? 'lost' : `${output.status}${output.value !== undefined ? ` ${output.value}@${output.resourceVersion}` : ''}`;
    return `client ${op.clientId}: ${input.key}.${input.op}${args} -> ${answer} [${op.call}, ${op.return}]`;
  },
};
