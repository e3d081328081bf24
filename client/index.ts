// client/: what controllers and kubelets talk to the API server with (DESIGN.md "Folders").
export { systemClock, sleep, type Clock, type Timer } from './clock.js';
export { FakeClock } from './fake-clock.js';
export { Backoff, backoffDefaults, type BackoffOptions } from './backoff.js';
export {
  ServerUnreachableError,
  apiErrorFromResponse,
  apiErrorFromStatus,
  isAlreadyExists,
  isConflict,
  isExpired,
  isInvalid,
  isNotFound,
  hasStatusCause,
} from './errors.js';
export { kinds, type TypedResource } from './kinds.js';
export { groupVersionPath, resourcePath, type ObjectPath } from './paths.js';
export {
  KubeClient,
  ResourceClient,
  clientDefaults,
  type ClientCredentials,
  type KubeClientOptions,
  type KubeList,
  type KubeObject,
  type ListOptions,
  type PatchType,
  type RequestOptions,
  type WriteOptions,
} from './rest.js';
export { ResourceWatch, watchDefaults, type WatchEvent, type WatchEventType, type WatchObserver, type WatchOptions } from './watch.js';
export { Indexer, NAMESPACE_INDEX, byNamespace, objectKey, type IndexFunc } from './indexer.js';
export { Reflector, reflectorDefaults, type ListWatchObserver, type ReflectorOptions, type ReflectorSink } from './reflector.js';
export { Informer, informerDefaults, type EventHandlers, type InformerOptions } from './informer.js';
export { ExponentialRateLimiter, exponentialRateLimiterDefaults, type ExponentialRateLimiterOptions, type RateLimiter } from './rate-limiter.js';
export { WorkQueue, runWorker, type WorkQueueOptions } from './workqueue.js';
export { LeaderElector, leaderElectionDefaults, microTime, type LeaderCallbacks, type LeaderElectionOptions } from './leader-election.js';
export { EventRecorder, eventRecorderDefaults, referenceTo, type EventRecorderOptions, type EventType } from './events.js';
export { stopOnSignals } from './shutdown.js';
export { httpTransport, tlsTransport, type ClientTls, type Transport, type TransportInit, type TransportResponse } from './transport.js';
export { loadKubeconfig, resolveKubeconfig, type KubeconfigFile, type KubeconfigSources, type ResolvedKubeconfig } from './kubeconfig.js';
