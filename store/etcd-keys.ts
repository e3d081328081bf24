// kubelab's keys and values as etcd's: the key prefix that lets several
// clusters share one etcd, prefix ranges as etcd clients write them
// (clientv3.GetPrefixRangeEnd), and etcd's KeyValue as ours.
import type { IKeyValue } from 'etcd3';
import type { KeyValue } from './types.js';

const EMPTY = new Uint8Array(0);
/** etcd's "\0": as a key, the first key; as a range end, no end. */
const NUL = Buffer.from([0]);

export class EtcdKeys {
  private readonly prefix: Buffer;

  constructor(keyPrefix: string) {
    this.prefix = Buffer.from(keyPrefix);
  }

  /** The etcd key of one of our keys. */
  key(key: string): Buffer {
    return Buffer.concat([this.prefix, Buffer.from(key)]);
  }

  /** The etcd range of our keys that start with `prefix`, from `fromKey` when it is past the prefix. */
  range(prefix: string, fromKey?: string): { key: Buffer; range_end: Buffer } {
    const start = this.key(fromKey !== undefined && fromKey > prefix ? fromKey : prefix);
    return { key: start.length === 0 ? NUL : start, range_end: rangeEnd(this.key(prefix)) };
  }

  /** etcd's KeyValue as ours; the value is etcd's fresh buffer. */
  keyValue(kv: IKeyValue): KeyValue {
    return {
      key: kv.key.subarray(this.prefix.length).toString(),
      value: kv.value ?? EMPTY,
      createRevision: Number(kv.create_revision),
      modRevision: Number(kv.mod_revision),
      version: Number(kv.version),
    };
  }
}

/** The first key after every key starting with `prefix` ("\0", no end, for the empty prefix or all 0xff). */
function rangeEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.subarray(0, i + 1);
    }
  }
  return NUL;
}

/** Our bytes as the Buffer the etcd client sends, without copying them. */
export function asBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}
