// create, update and delete of one key, written as the transactions etcd
// clients send (upstream staging/src/k8s.io/apiserver/pkg/storage/etcd3
// store.go: Create compares createRevision = 0, GuaranteedUpdate and Delete
// compare modRevision), so every backend answers them alike from its txn:
// a backend extends TxnKeyWrites and writes txn only.
import { ConflictError, KeyExistsError, KeyNotFoundError } from './errors.js';
import { checkRevision } from './validate.js';
import type { Compare, KeyValue, TxnOp, TxnRequest, TxnResult } from './types.js';

type Txn = (request: TxnRequest) => Promise<TxnResult>;

/** The single-key writes of the Store interface, each one transaction of the backend's. */
export abstract class TxnKeyWrites {
  abstract txn(request: TxnRequest): Promise<TxnResult>;

  create(key: string, value: Uint8Array): Promise<KeyValue> {
    return createKey((request) => this.txn(request), key, value);
  }

  update(key: string, value: Uint8Array, options?: { readonly expectedModRevision?: number }): Promise<KeyValue> {
    return updateKey((request) => this.txn(request), key, value, options?.expectedModRevision);
  }

  delete(key: string, options?: { readonly expectedModRevision?: number }): Promise<{ revision: number; prevKv: KeyValue }> {
    return deleteKey((request) => this.txn(request), key, options?.expectedModRevision);
  }
}

/** Creates the key; KeyExistsError if it exists. */
async function createKey(txn: Txn, key: string, value: Uint8Array): Promise<KeyValue> {
  const result = await txn({
    compare: [{ key, target: 'createRevision', result: '=', value: 0 }],
    success: [{ type: 'put', key, value }],
    failure: [{ type: 'get', key }],
  });
  const [first] = result.results;
  if (!result.succeeded && first?.type === 'get' && first.kv) throw new KeyExistsError(key, first.kv);
  if (first?.type !== 'put') throw new Error('store invariant broken: create answered without its put');
  return first.kv;
}

async function updateKey(txn: Txn, key: string, value: Uint8Array, expectedModRevision: number | undefined): Promise<KeyValue> {
  const result = await guardedWrite(txn, key, { type: 'put', key, value }, expectedModRevision);
  const [first] = result.results;
  if (first?.type !== 'put') throw new Error('store invariant broken: update answered without its put');
  return first.kv;
}

async function deleteKey(txn: Txn, key: string, expectedModRevision: number | undefined): Promise<{ revision: number; prevKv: KeyValue }> {
  const result = await guardedWrite(txn, key, { type: 'delete', key }, expectedModRevision);
  const [first] = result.results;
  if (first?.type !== 'delete' || !first.prevKv) throw new Error('store invariant broken: delete answered without its value');
  return { revision: result.revision, prevKv: first.prevKv };
}

/** An update or delete of an existing key, guarded by its modRevision when one is expected. */
async function guardedWrite(txn: Txn, key: string, op: TxnOp, expectedModRevision: number | undefined): Promise<TxnResult> {
  if (expectedModRevision !== undefined) checkRevision('an expected modRevision', expectedModRevision);
  // The key must exist whatever is expected: a missing key's modRevision compares as 0.
  const guards: Compare[] = [{ key, target: 'createRevision', result: '>', value: 0 }];
  if (expectedModRevision !== undefined) guards.push({ key, target: 'modRevision', result: '=', value: expectedModRevision });
  const result = await txn({ compare: guards, success: [op], failure: [{ type: 'get', key }] });
  if (result.succeeded) return result;
  const [first] = result.results;
  const current = first?.type === 'get' ? first.kv : undefined;
  if (!current) throw new KeyNotFoundError(key);
  throw new ConflictError(key, expectedModRevision ?? 0, current);
}
