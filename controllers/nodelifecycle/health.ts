// How the node lifecycle controller judges a node alive, as upstream
// tryUpdateNodeHealth (pkg/controller/nodelifecycle/node_lifecycle_controller.go):
// the controller remembers, per node, when by its own clock it last saw a
// sign of life (probeTimestamp): a new lastHeartbeatTime on the Ready
// condition, or a newer renewTime on the node's Lease in kube-node-lease.
// It never compares those timestamps with its clock (they were written by
// another machine's); it only notices that they changed. A node with no sign
// of life for the grace period (nodeMonitorGracePeriod; nodeStartupGracePeriod
// while the kubelet has never posted a Ready condition) has its
// kubelet-owned conditions set to Unknown.
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import type { Node, NodeCondition } from 'kubernetes-types/core/v1.js';
import { metaTime, parseTime } from '../runtime/time.js';

/** What the controller remembers of one node between syncs (upstream nodeHealthData). */
export interface NodeHealth {
  readonly uid: string;
  /** When (controller clock) the last sign of life was seen. */
  readonly probeTimestamp: number;
  /** When (controller clock) the Ready condition was last seen to change. */
  readonly readyTransitionTimestamp: number;
  /** The Ready condition last seen ('saved' upstream), by its timestamps. */
  readonly ready?: { readonly lastHeartbeatTime?: string; readonly lastTransitionTime?: string };
  /** The Lease renewTime last seen. */
  readonly leaseRenewTime?: string;
}

export interface HealthOptions {
  readonly nodeMonitorGracePeriodMs: number;
  readonly nodeStartupGracePeriodMs: number;
}

/** The conditions the controller turns Unknown; NetworkUnavailable is the network plugin's, left alone, as upstream. */
export const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

export function nodeCondition(node: Node, type: string): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === type);
}

export interface HealthObservation {
  readonly health: NodeHealth;
  readonly gracePeriodMs: number;
  /** The grace period has run out: the kubelet is presumed gone. */
  readonly expired: boolean;
  /** Milliseconds until it runs out (0 if it has). */
  readonly msUntilExpiry: number;
}

/** Upstream tryUpdateNodeHealth's bookkeeping: the node's probe timestamps after this look at it. */
export function observeNodeHealth(node: Node, lease: Lease | undefined, saved: NodeHealth | undefined, now: number, options: HealthOptions): HealthObservation {
  const uid = node.metadata?.uid ?? '';
  const created = parseTime(node.metadata?.creationTimestamp) ?? now;
  const current = nodeCondition(node, 'Ready');
  const gracePeriodMs = current ? options.nodeMonitorGracePeriodMs : options.nodeStartupGracePeriodMs;
  const seen = current ? { lastHeartbeatTime: current.lastHeartbeatTime, lastTransitionTime: current.lastTransitionTime } : undefined;
  let health: NodeHealth;
  if (!current) {
    // Never posted: timed from the node's creation (upstream's fake Ready condition).
    health = saved ? { ...saved, uid, ready: undefined } : { uid, probeTimestamp: created, readyTransitionTimestamp: created };
  } else if (!saved || !saved.ready) {
    // First seen, or first posted, or the controller restarted: assume alive now.
    health = { uid, probeTimestamp: now, readyTransitionTimestamp: now, ready: seen, leaseRenewTime: saved?.leaseRenewTime };
  } else if (saved.ready.lastHeartbeatTime !== current.lastHeartbeatTime) {
    const transitioned = saved.ready.lastTransitionTime !== current.lastTransitionTime;
    health = { ...saved, uid, probeTimestamp: now, readyTransitionTimestamp: transitioned ? now : saved.readyTransitionTimestamp, ready: seen };
  } else {
    health = { ...saved, uid };
  }
  // Always a sign of life: a lease renewed since last seen (or seen for the first time).
  const renewTime = lease?.spec?.renewTime;
  if (renewTime && (health.leaseRenewTime === undefined || (parseTime(health.leaseRenewTime) ?? 0) < (parseTime(renewTime) ?? 0))) {
    health = { ...health, leaseRenewTime: renewTime, probeTimestamp: now };
  }
  const expiresAt = health.probeTimestamp + gracePeriodMs;
  return { health, gracePeriodMs, expired: now > expiresAt, msUntilExpiry: Math.max(0, expiresAt - now) };
}

/**
 * The kubelet-owned conditions a silent node gets (upstream: Unknown with
 * reason NodeStatusUnknown, or NodeStatusNeverUpdated for one never posted);
 * only those that change, for a strategic merge patch keyed by type.
 */
export function conditionsMarkedUnknown(node: Node, now: number): NodeCondition[] {
  const changed: NodeCondition[] = [];
  for (const type of KUBELET_CONDITIONS) {
    const current = nodeCondition(node, type);
    if (!current) {
      changed.push({
        type,
        status: 'Unknown',
        reason: 'NodeStatusNeverUpdated',
        message: 'Kubelet never posted node status.',
        lastHeartbeatTime: node.metadata?.creationTimestamp,
        lastTransitionTime: metaTime(now),
      });
    } else if (current.status !== 'Unknown') {
      changed.push({ ...current, status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: metaTime(now) });
    }
  }
  return changed;
}
