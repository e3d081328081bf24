// Records core/v1 Events about an object, as client-go's tools/record
// (event.go, events_cache.go): an event identical to one already recorded
// (same object, reason, message, type and source) is counted on the existing
// Event, by a PATCH of count and lastTimestamp, instead of becoming another
// object, as upstream's EventCorrelator does. Recording never throws into
// the caller: failures are logged, and a full queue drops events, as
// upstream's broadcaster does.
import type { Event, ObjectReference } from 'kubernetes-types/core/v1.js';
import type { Logger } from 'pino';
import { systemClock, type Clock } from './clock.js';
import { apiVersionOf, type ResourceType } from '../proto/index.js';
import { isNotFound } from './errors.js';
import { kinds } from './kinds.js';
import type { KubeClient, KubeObject } from './rest.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderOptions {
  readonly client: KubeClient;
  /** source.component: the controller or kubelet recording ('daemonset-controller'). */
  readonly component: string;
  /** source.host: the node, for a kubelet. */
  readonly host?: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Events waiting to be sent; past it new ones are dropped (upstream's queue of 1000). */
  readonly maxQueued?: number;
  /** Recorded events remembered for aggregation (upstream's LRU of 4096). */
  readonly cacheSize?: number;
}

export const eventRecorderDefaults = { maxQueued: 1000, cacheSize: 4096 } as const;

/** An Event's Time: RFC 3339 in whole seconds. */
function eventTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface Recorded {
  readonly name: string;
  readonly namespace: string;
  readonly count: number;
}

export class EventRecorder {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly maxQueued: number;
  private readonly cacheSize: number;
  /** Aggregation key -> the Event that counts it; Map order is recency (an LRU). */
  private readonly recorded = new Map<string, Recorded>();
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;
  private sequence = 0n;

  constructor(private readonly options: EventRecorderOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = (options.logger ?? options.client.log).child({ component: options.component, recorder: 'events' });
    this.maxQueued = options.maxQueued ?? eventRecorderDefaults.maxQueued;
    this.cacheSize = options.cacheSize ?? eventRecorderDefaults.cacheSize;
  }

  /**
   * Records an event about `object` of `resource` (whose apiVersion and kind
   * it names, as client-go fills them from its scheme: objects from lists and
   * informers carry neither); returns at once and never throws.
   */
  eventFor(resource: ResourceType, object: KubeObject, type: EventType, reason: string, message: string): void {
    this.event({ ...object, apiVersion: apiVersionOf(resource), kind: resource.kind }, type, reason, message);
  }

  /** Records an event about `object`, which names its apiVersion and kind; returns at once and never throws. */
  event(object: KubeObject, type: EventType, reason: string, message: string): void {
    if (!object.kind || !object.apiVersion) {
      // An event without its object's kind never shows in kubectl describe: say so instead.
      this.log.warn({ reason, object: object.metadata?.name }, 'event about an object without apiVersion and kind: use eventFor()');
      return;
    }
    if (this.queued >= this.maxQueued) {
      this.log.warn({ reason, object: object.metadata?.name }, 'event queue full, event dropped');
      return;
    }
    this.queued++;
    const at = this.clock.now();
    this.tail = this.tail
      .then(() => this.record(object, type, reason, message, at))
      .catch((error: unknown) => this.log.warn({ err: error, reason }, 'event not recorded'))
      .finally(() => this.queued--);
  }

  /** Resolves once every event recorded so far was sent (or failed). */
  flush(): Promise<void> {
    return this.tail;
  }

  private async record(object: KubeObject, type: EventType, reason: string, message: string, at: number): Promise<void> {
    const involvedObject = referenceTo(object);
    const source = { component: this.options.component, ...(this.options.host ? { host: this.options.host } : {}) };
    // as upstream getEventKey: everything that makes two events the same.
    const key = JSON.stringify([source.component, source.host, involvedObject.kind, involvedObject.apiVersion, involvedObject.namespace, involvedObject.name, involvedObject.uid, type, reason, message]);
    // A cluster-scoped object's events go to the default namespace, as upstream.
    const namespace = involvedObject.namespace || 'default';
    const events = this.options.client.resource(kinds.Event, namespace);
    const seen = this.recorded.get(key);
    if (seen) {
      try {
        const patched = await events.patch(seen.name, { count: seen.count + 1, lastTimestamp: eventTime(at), message }, 'strategic');
        this.remember(key, { name: seen.name, namespace, count: patched.count ?? seen.count + 1 });
        return;
      } catch (error) {
        if (!isNotFound(error)) throw error;
        // The Event is gone (deleted, or expired by TTL): record it afresh.
      }
    }
    const event: Event = {
      metadata: { name: this.eventName(involvedObject.name ?? '', at), namespace },
      involvedObject,
      reason,
      message,
      type,
      source,
      firstTimestamp: eventTime(at),
      lastTimestamp: eventTime(at),
      count: 1,
      reportingComponent: source.component,
      reportingInstance: source.host ?? '',
    };
    const created = await events.create(event);
    this.remember(key, { name: created.metadata?.name ?? '', namespace, count: 1 });
  }

  /** `<object name>.<nanoseconds in hex>`, as upstream's makeEvent; a sequence keeps names of one millisecond apart. */
  private eventName(objectName: string, at: number): string {
    const nanos = BigInt(at) * 1_000_000n + (this.sequence++ % 1_000_000n);
    return `${objectName}.${nanos.toString(16)}`;
  }

  private remember(key: string, recorded: Recorded): void {
    this.recorded.delete(key);
    this.recorded.set(key, recorded);
    if (this.recorded.size > this.cacheSize) this.recorded.delete(this.recorded.keys().next().value!);
  }
}

/** An ObjectReference to `object` (upstream's ref.GetReference). */
export function referenceTo(object: KubeObject): ObjectReference {
  const meta = object.metadata ?? {};
  return {
    kind: object.kind,
    apiVersion: object.apiVersion,
    namespace: meta.namespace,
    name: meta.name,
    uid: meta.uid,
    resourceVersion: meta.resourceVersion,
  };
}
