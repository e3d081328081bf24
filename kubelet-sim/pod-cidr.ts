// Pod address ranges and pod IPs. Upstream, the node IPAM controller gives
// each Node a spec.podCIDR out of the cluster CIDR (kind: 10.244.0.0/16, a /24
// per node, in order) and the CNI plugin hands out addresses from it. Here
// the kubelet picks the range when none is set: the number its name ends
// with if that range is free (node-3 -> 10.244.3.0/24), else the lowest free
// one; past 256 nodes the second octet counts down (10.243.x.0/24, ...).
// Pure: no I/O.

/** How many /24 ranges there are to hand out: 10.244 down to 10.1. */
export const POD_CIDR_COUNT = 244 * 256;

export function podCIDRForIndex(index: number): string {
  if (!Number.isInteger(index) || index < 0 || index >= POD_CIDR_COUNT) throw new RangeError(`pod CIDR index ${index} out of range`);
  return `10.${244 - Math.floor(index / 256)}.${index % 256}.0/24`;
}

/** The index of a range made by podCIDRForIndex, or undefined for any other CIDR. */
export function indexOfPodCIDR(cidr: string | undefined): number | undefined {
  const match = /^10\.(\d+)\.(\d+)\.0\/24$/.exec(cidr ?? '');
  if (!match) return undefined;
  const second = Number(match[1]);
  const third = Number(match[2]);
  if (second < 1 || second > 244 || third > 255) return undefined;
  return (244 - second) * 256 + third;
}

/** The range for `nodeName`, given the indexes other Nodes already hold. */
export function choosePodCIDR(nodeName: string, taken: ReadonlySet<number>): string {
  const suffix = /(\d+)$/.exec(nodeName);
  const preferred = suffix ? Number(suffix[1]) : undefined;
  if (preferred !== undefined && preferred < POD_CIDR_COUNT && !taken.has(preferred)) return podCIDRForIndex(preferred);
  for (let index = 0; index < POD_CIDR_COUNT; index++) if (!taken.has(index)) return podCIDRForIndex(index);
  throw new RangeError('every pod CIDR is taken');
}

/**
 * The addresses of one node's /24, as a host-local IPAM plugin hands them
 * out: .1 is the bridge's, .2 to .254 go to pods, lowest free first. An
 * address in use by a pod found at start (a restarted kubelet) is kept.
 */
export class PodIPAllocator {
  private readonly prefix: string;
  private readonly used = new Map<string, string>(); // ip -> pod uid
  private readonly byPod = new Map<string, string>(); // pod uid -> ip

  constructor(cidr: string) {
    const match = /^(\d+\.\d+\.\d+)\.0\/24$/.exec(cidr);
    if (!match) throw new RangeError(`PodIPAllocator: only /24 ranges are simulated, not ${cidr}`);
    this.prefix = match[1]!;
  }

  /** Keeps an address a pod already has (adoption after a restart); false if it is not in this range. */
  reserve(podUID: string, ip: string): boolean {
    if (!ip.startsWith(`${this.prefix}.`)) return false;
    const holder = this.used.get(ip);
    if (holder !== undefined && holder !== podUID) return false;
    this.used.set(ip, podUID);
    this.byPod.set(podUID, ip);
    return true;
  }

  /** The pod's address: the one it has, or the lowest free one; undefined when the range is full. */
  allocate(podUID: string): string | undefined {
    const existing = this.byPod.get(podUID);
    if (existing) return existing;
    for (let host = 2; host <= 254; host++) {
      const ip = `${this.prefix}.${host}`;
      if (!this.used.has(ip)) {
        this.used.set(ip, podUID);
        this.byPod.set(podUID, ip);
        return ip;
      }
    }
    return undefined;
  }

  release(podUID: string): void {
    const ip = this.byPod.get(podUID);
    if (ip === undefined) return;
    this.byPod.delete(podUID);
    this.used.delete(ip);
  }

  get size(): number {
    return this.byPod.size;
  }
}
