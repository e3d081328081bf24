// The sequential specification of one API object (a ConfigMap's name) as a
// register with compare-and-swap by resourceVersion, as the API promises it
// (DESIGN.md "Store semantics": create fails if the key exists; update and
// delete may be guarded by the expected modRevision):
//   get              -> 200 with the current value and resourceVersion, or 404
//   create(v)        -> 201 with a new resourceVersion, or 409 AlreadyExists
//   update(v, rv?)   -> 200 with a new resourceVersion; 409 Conflict when rv is
//                       given and is not the current one; 404 when absent
//   delete           -> 200, or 404 when absent
//   list             -> 200 with every object: a read of each key at once
// Every successful write moves the resourceVersion forward. An answer that
// never came ('lost') leaves two possible states: applied, or not.
import type { Operation } from './checker.js';
import { partitionBy, type LinearizabilityModel } from './model.js';

export type ObjectInput =
  | { readonly key: string; readonly op: 'get' }
  | { readonly key: string; readonly op: 'create'; readonly value: string }
  | { readonly key: string; readonly op: 'update'; readonly value: string; readonly resourceVersion?: number }
  | { readonly key: string; readonly op: 'delete' }
  /** A list of the whole collection (key '*'); checked as a read of each key (listItems). */
  | { readonly key: string; readonly op: 'list'; readonly pageSize?: number };

/** What came back: the HTTP status, and for a 200/201 the object's value and resourceVersion. 0: no answer. */
export interface ObjectOutput {
  readonly status: number;
  readonly value?: string;
  readonly resourceVersion?: number;
  /** A list's answer: each object listed, by name (the list's resourceVersion is `resourceVersion`). */
  readonly items?: Readonly<Record<string, { readonly value: string; readonly resourceVersion: number }>>;
  /** A paged list's: each page's resourceVersion (one snapshot: all the same). */
  readonly pageResourceVersions?: readonly number[];
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
    case 'get':
    case 'list': {
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

/**
 * A list is a read of every key at one resourceVersion: split into one read
 * per key (an absent one a 404), so each key's history checks what the list
 * showed of it. (Linearizable per key is what this proves of lists; that the
 * keys were read at one instant is checkListSnapshots'.) A list whose answer
 * was lost, or that failed, constrains nothing and is left out.
 */
export function listItems(history: readonly Operation<ObjectInput, ObjectOutput>[]): Operation<ObjectInput, ObjectOutput>[] {
  const keys = [...new Set(history.filter((op) => op.input.op !== 'list').map((op) => op.input.key))];
  return history.flatMap((op) => {
    if (op.input.op !== 'list') return [op];
    if (op.output.status !== 200 || !op.output.items) return [];
    const items = op.output.items;
    return keys.map((key) => ({ ...op, input: { key, op: 'list' as const }, output: items[key] ? { status: 200, ...items[key] } : { status: 404 } }));
  });
}

/**
 * What a list's resourceVersion promises (upstream's consistent list): every
 * object in it is at or before it, and every write acknowledged before the
 * list was asked for is at or before it too; the pages of a paged list
 * (limit and continue) are one snapshot, at one resourceVersion. Returns the
 * broken promises.
 */
export function checkListSnapshots(history: readonly Operation<ObjectInput, ObjectOutput>[]): string[] {
  const writes = history.filter((op) => op.input.op !== 'get' && op.input.op !== 'list' && op.output.resourceVersion !== undefined);
  const broken: string[] = [];
  for (const list of history.filter((op) => op.input.op === 'list' && op.output.status === 200)) {
    const at = list.output.resourceVersion ?? 0;
    const pages = list.output.pageResourceVersions ?? [];
    if (pages.some((rv) => rv !== at)) broken.push(`client ${list.clientId}'s paged list came at resourceVersions ${pages.join(', ')}: not one snapshot`);
    for (const [name, item] of Object.entries(list.output.items ?? {})) {
      if (item.resourceVersion > at) broken.push(`client ${list.clientId}'s list at ${at} holds ${name}@${item.resourceVersion}, after it`);
    }
    const before = writes.filter((w) => w.return < list.call && w.output.resourceVersion! > at);
    for (const w of before) broken.push(`client ${list.clientId}'s list at ${at} [${list.call}] is behind ${objectModel.describe(w)}, acknowledged before it was asked`);
  }
  return broken;
}

export const objectModel: LinearizabilityModel<ObjectState, ObjectInput, ObjectOutput> = {
  init: () => absent(0),
  step: stepObject,
  stateKey: (s) => (s.exists ? `${s.value}@${s.resourceVersion ?? '?'}>${s.floor}` : `absent>${s.floor}`),
  partition: (history) => partitionBy(listItems(history), (op) => op.input.key),
  describe: (op: Operation<ObjectInput, ObjectOutput>) => {
    const { input, output } = op;
    const args =
      input.op === 'create'
        ? `(${input.value})`
        : input.op === 'update'
          ? `(${input.value}${input.resourceVersion !== undefined ? `, rv ${input.resourceVersion}` : ''})`
          : input.op === 'list' && input.pageSize
            ? `(limit ${input.pageSize})`
            : '()';
    const answer =
      output.status === LOST ? 'lost' : `${output.status}${output.value !== undefined ? ` ${output.value}@${output.resourceVersion}` : ''}${output.items ? ` at ${output.resourceVersion}` : ''}`;
    return `client ${op.clientId}: ${input.key}.${input.op}${args} -> ${answer} [${op.call}, ${op.return}]`;
  },
};
