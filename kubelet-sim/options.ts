// The simulated kubelet's options, typed, with their defaults in one place
// (STYLE.md 16). Durations are in milliseconds unless the name says seconds.
import type { Logger } from 'pino';
import type { ClientCredentials, Clock } from '../client/index.js';
import type { PodStage } from './stages.js';

/** A taint given at registration, as the kubelet's --register-with-taints. */
export interface NodeTaint {
  readonly key: string;
  readonly value?: string;
  readonly effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** One simulated node. */
export interface SimulatedNode {
  readonly name: string;
  /** Extra labels, as --node-labels (e.g. `node-role.kubernetes.io/control-plane: ''`). */
  readonly labels?: Readonly<Record<string, string>>;
  readonly taints?: readonly NodeTaint[];
}

/** CrashLoopBackOff and image pull back-off: as upstream 10 s doubling to 5 min; a lab may scale them down. */
export interface BackOffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
}

export interface KubeletOptions {
  /** One API server URL or several (the client fails over). */
  readonly server: string | readonly string[];
  /** Who the kubelets are to the API server (system:node:<name>'s certificate on a secure lab). */
  readonly credentials?: ClientCredentials;
  readonly nodes: readonly SimulatedNode[];
  readonly clock?: Clock;
  /** A random source in [0, 1); seeded by `seed` when not given. */
  readonly random?: () => number;
  readonly seed?: number;
  readonly logger?: Logger;
  /** The pod lifecycle table; `defaultPodStages` when not given. */
  readonly stages?: readonly PodStage[];
  /** Lease renewal period (upstream: 1/4 of the 40 s lease, 10 s). */
  readonly leaseRenewMs?: number;
  /** spec.leaseDurationSeconds written on the Lease (upstream 40). */
  readonly leaseDurationSeconds?: number;
  /** Node status is posted on change and at least this often (upstream nodeStatusReportFrequency, 5 min). */
  readonly nodeStatusReportMs?: number;
  readonly crashLoopBackOff?: Partial<BackOffOptions>;
  readonly imagePullBackOff?: Partial<BackOffOptions>;
  /** Requests in flight at once across every node of the process (a bounded buffer, STYLE.md 9). */
  readonly maxInFlight?: number;
  /** The port of the kubelet server on 127.0.0.1 (logs and exec), shared by every node of the process; 0: any free port. */
  readonly kubeletPort?: number;
  /**
   * Serve the kubelet endpoint over HTTPS with this certificate (the node's),
   * answering only clients `ca` signed; plain HTTP without it.
   */
  readonly servingTls?: { readonly cert: string; readonly key: string; readonly ca: string };
  /** Record the Node events of a kubelet start (Starting, NodeHasSufficientMemory, NodeReady...). */
  readonly nodeEvents?: boolean;
}

export const kubeletDefaults = {
  leaseRenewMs: 10_000,
  leaseDurationSeconds: 40,
  nodeStatusReportMs: 5 * 60_000,
  crashLoopBackOff: { initialMs: 10_000, maxMs: 300_000 },
  imagePullBackOff: { initialMs: 10_000, maxMs: 300_000 },
  maxInFlight: 64,
  nodeEvents: true,
  kubeletPort: 0,
  seed: 1,
  /** Wait before registering a Node again after it was deleted under a running kubelet. */
  reregisterDelayMs: 1_000,
  /** Wait before retrying a failed registration, lease renewal or status write. */
  retryMs: 1_000,
} as const;

/** What the node template needs to know about the machine it pretends to be. */
export const machineDefaults = {
  kubeletVersion: 'v1.32.2',
  containerRuntimeVersion: 'containerd://1.7.24',
  osImage: 'Debian GNU/Linux 12 (bookworm)',
  kernelVersion: '6.8.0-51-generic',
  cpu: '8',
  memory: '16318732Ki',
  ephemeralStorage: '102626232Ki',
  maxPods: '110',
  /** As a node's systemReserved/evictionHard leave them: allocatable memory and storage are a bit smaller. */
  allocatableMemory: '16216332Ki',
  allocatableEphemeralStorage: '94580335255',
} as const;
