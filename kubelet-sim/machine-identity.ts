// The made-up but stable identity of a simulated machine: ids, addresses
// and digests derived from names by a hash, so the same node or image looks
// the same on every run and in every process.
import { createHash } from 'node:crypto';

/** `bytes` hex digits' worth of sha256 over `parts`. */
export function stableHex(length: number, ...parts: string[]): string {
  let hex = '';
  for (let round = 0; hex.length < length; round++) hex += createHash('sha256').update(`${round}\0${parts.join('\0')}`).digest('hex');
  return hex.slice(0, length);
}

/** A UUID made from a name (as systemUUID and bootID look). */
export function stableUUID(...parts: string[]): string {
  const h = stableHex(32, ...parts);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A number in [0, range) made from a name. */
export function stableNumber(range: number, ...parts: string[]): number {
  return parseInt(stableHex(12, ...parts), 16) % range;
}
