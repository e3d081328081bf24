// The hashing under ControllerRevision names (upstream
// pkg/controller/controller_utils.go ComputeHash, pkg/controller/history
// HashControllerRevision, apimachinery rand.SafeEncodeString), shared by the
// DaemonSet and StatefulSet controllers. Objects are hashed as canonical JSON,
// not Go's bytes: names look like upstream's, the digits differ.

/** JSON with every object's keys sorted (what Go's json.Marshal of a map writes). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** FNV-1a, 32 bits (Go's hash/fnv New32a). */
export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let hash = seed;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** upstream rand.SafeEncodeString: each byte mapped to a letter or digit that spells no word. */
export function safeEncodeString(s: string): string {
  return Array.from(new TextEncoder().encode(s), (b) => SAFE_ALPHANUMS[b % SAFE_ALPHANUMS.length]).join('');
}

/** FNV-1, 32 bits (Go's hash/fnv New32, which HashControllerRevision uses). */
export function fnv32(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let hash = seed;
  for (const byte of bytes) {
    hash = Math.imul(hash, 0x01000193) >>> 0;
    hash ^= byte;
  }
  return hash >>> 0;
}

