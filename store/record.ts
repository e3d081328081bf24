// The on-disk layout, as etcd's backend: one LevelDB entry per change, keyed
// by (revision, sub) in fixed-width big-endian so that LevelDB's byte order is
// revision order (etcd server/storage/mvcc/revision.go). sub numbers the
// changes of one transaction. Meta entries sit under their own prefix byte.
//
//   record key:   'r' | revision u64 BE | sub u32 BE            (13 bytes)
//   record value: kind u8 (0 put, 1 tombstone) | key length u32 | key (ASCII)
//                 | createRevision u64 | version u64 | value bytes
//   meta key:     'm' | name (ASCII)

const RECORD_TAG = 0x72; // 'r'
const META_TAG = 0x6d; // 'm'
const RECORD_KEY_BYTES = 13;
const HEADER_BYTES = 1 + 4;
const COUNTERS_BYTES = 8 + 8;

/** One change as stored: a put of a value, or a tombstone (a delete). */
export interface ChangeRecord {
  readonly revision: number;
  readonly sub: number;
  readonly key: string;
  readonly tombstone: boolean;
  readonly createRevision: number;
  readonly version: number;
  readonly value: Uint8Array;
}

function writeU64(buf: Buffer, offset: number, n: number): void {
  buf.writeUInt32BE(Math.floor(n / 2 ** 32), offset);
  buf.writeUInt32BE(n % 2 ** 32, offset + 4);
}

function readU64(buf: Uint8Array, offset: number): number {
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  return view.readUInt32BE(offset) * 2 ** 32 + view.readUInt32BE(offset + 4);
}

export function recordKey(revision: number, sub: number): Buffer {
  const buf = Buffer.allocUnsafe(RECORD_KEY_BYTES);
  buf[0] = RECORD_TAG;
  writeU64(buf, 1, revision);
  buf.writeUInt32BE(sub, 9);
  return buf;
}

/** The first record key of `revision`: ranges over revisions start and end here. */
export function revisionStartKey(revision: number): Buffer {
  return recordKey(revision, 0);
}

export function isRecordKey(key: Uint8Array): boolean {
  return key.length === RECORD_KEY_BYTES && key[0] === RECORD_TAG;
}

export function metaKey(name: string): Buffer {
  return Buffer.concat([Buffer.of(META_TAG), Buffer.from(name, 'latin1')]);
}

export function encodeRecord(change: Omit<ChangeRecord, 'revision' | 'sub'>): Buffer {
  const keyBytes = change.key.length; // keys are ASCII: one byte a character
  const buf = Buffer.allocUnsafe(HEADER_BYTES + keyBytes + COUNTERS_BYTES + change.value.byteLength);
  buf[0] = change.tombstone ? 1 : 0;
  buf.writeUInt32BE(keyBytes, 1);
  buf.write(change.key, HEADER_BYTES, 'latin1');
  writeU64(buf, HEADER_BYTES + keyBytes, change.createRevision);
  writeU64(buf, HEADER_BYTES + keyBytes + 8, change.version);
  buf.set(change.value, HEADER_BYTES + keyBytes + COUNTERS_BYTES);
  return buf;
}

export function decodeRecord(key: Uint8Array, value: Uint8Array): ChangeRecord {
  if (!isRecordKey(key) || value.length < HEADER_BYTES + COUNTERS_BYTES) {
    throw new Error(`corrupt store: not a change record (key of ${key.length} bytes, value of ${value.length})`);
  }
  const buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  const keyBytes = buf.readUInt32BE(1);
  const countersAt = HEADER_BYTES + keyBytes;
  return {
    revision: readU64(key, 1),
    sub: Buffer.from(key.buffer, key.byteOffset, key.byteLength).readUInt32BE(9),
    tombstone: buf[0] === 1,
    key: buf.toString('latin1', HEADER_BYTES, countersAt),
    createRevision: readU64(buf, countersAt),
    version: readU64(buf, countersAt + 8),
    value: buf.subarray(countersAt + COUNTERS_BYTES),
  };
}

/** The value bytes of an encoded record, without decoding the rest. */
export function recordValue(value: Uint8Array): Uint8Array {
  const buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return buf.subarray(HEADER_BYTES + buf.readUInt32BE(1) + COUNTERS_BYTES);
}

export function encodeRevision(revision: number): Buffer {
  const buf = Buffer.allocUnsafe(8);
  writeU64(buf, 0, revision);
  return buf;
}

export function decodeRevision(buf: Uint8Array): number {
  return readU64(buf, 0);
}
