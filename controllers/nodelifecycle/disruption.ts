// Zone disruption, as upstream ComputeZoneState and handleDisruption
// (pkg/controller/nodelifecycle/node_lifecycle_controller.go): when many
// nodes of a zone stop at once, the likelier cause is the network or the
// control plane, not the nodes, so evicting everything would do harm. A zone
// with no Ready node is FullDisruption; one with more than 2 not-Ready nodes
// making at least unhealthyZoneThreshold of it is PartialDisruption.
// Upstream rate-limits adding NoExecute taints per zone; the rate decides:
// - every zone FullDisruption: NoExecute taints come off every node and no
//   new ones are added (the "master disruption mode");
// - PartialDisruption in a zone of at most largeClusterSizeThreshold nodes:
//   rate 0, no new NoExecute taint (existing ones stay);
// - otherwise taints are added (upstream at 0.1 node/s per zone, or 0.01 in a
//   large partially disrupted zone; kubelab adds them at once).
import type { Node } from 'kubernetes-types/core/v1.js';
import { nodeCondition } from './health.js';
import type { NoExecuteTainting } from './taints.js';

export type ZoneState = 'Normal' | 'PartialDisruption' | 'FullDisruption';

export interface DisruptionOptions {
  /** --unhealthy-zone-threshold */
  readonly unhealthyZoneThreshold: number;
  /** --large-cluster-size-threshold */
  readonly largeClusterSizeThreshold: number;
}

export const disruptionDefaults: DisruptionOptions = { unhealthyZoneThreshold: 0.55, largeClusterSizeThreshold: 50 };

/** upstream labelNodeDisruptionExclusion: such a node is not counted in its zone's health. */
export const LABEL_EXCLUDE_DISRUPTION = 'node.kubernetes.io/exclude-disruption';

/** upstream topology.GetZoneKey: region and zone (beta labels first), '' when neither is set. */
export function zoneKey(node: Node): string {
  const labels = node.metadata?.labels ?? {};
  const zone = labels['failure-domain.beta.kubernetes.io/zone'] ?? labels['topology.kubernetes.io/zone'] ?? '';
  const region = labels['failure-domain.beta.kubernetes.io/region'] ?? labels['topology.kubernetes.io/region'] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\u0000:${zone}`;
}

/** upstream ComputeZoneState, from the Ready statuses of a zone's nodes (undefined: no Ready condition). */
export function computeZoneState(readyStatuses: readonly (string | undefined)[], options: DisruptionOptions = disruptionDefaults): ZoneState {
  const ready = readyStatuses.filter((s) => s === 'True').length;
  const notReady = readyStatuses.length - ready;
  if (ready === 0 && notReady > 0) return 'FullDisruption';
  if (notReady > 2 && notReady / readyStatuses.length >= options.unhealthyZoneThreshold) return 'PartialDisruption';
  return 'Normal';
}

export interface ClusterDisruption {
  readonly zones: ReadonlyMap<string, { readonly state: ZoneState; readonly size: number }>;
  readonly allFullyDisrupted: boolean;
}

export function clusterDisruption(nodes: readonly Node[], options: DisruptionOptions = disruptionDefaults): ClusterDisruption {
  const statuses = new Map<string, (string | undefined)[]>();
  for (const node of nodes) {
    if (node.metadata?.labels?.[LABEL_EXCLUDE_DISRUPTION] !== undefined) continue;
    const zone = zoneKey(node);
    const list = statuses.get(zone) ?? [];
    list.push(nodeCondition(node, 'Ready')?.status);
    statuses.set(zone, list);
  }
  const zones = new Map([...statuses].map(([zone, list]) => [zone, { state: computeZoneState(list, options), size: list.length }] as const));
  const allFullyDisrupted = zones.size > 0 && [...zones.values()].every((z) => z.state === 'FullDisruption');
  return { zones, allFullyDisrupted };
}

/** What may happen to `node`'s NoExecute taints in this disruption state. */
export function noExecuteTainting(node: Node, disruption: ClusterDisruption, options: DisruptionOptions = disruptionDefaults): NoExecuteTainting {
  if (disruption.allFullyDisrupted) return 'remove';
  const zone = disruption.zones.get(zoneKey(node));
  if (zone?.state === 'PartialDisruption' && zone.size <= options.largeClusterSizeThreshold) return 'keep';
  return 'add';
}
