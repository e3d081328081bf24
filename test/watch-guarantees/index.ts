// Watch guarantees: record API watches (HTTP or WebSocket) and check what
// they delivered. See guarantees.ts for the list, recorder.ts for use.
export { watchHttp, watchWebSocket, type WatchFrame, type WatchQuery, type WatchRecorder } from './recorder.js';
export { changeOf, checkNoGaps, checkReplaysToList, checkSameSequence, checkWatch, namedVersions, type WatchCheck } from './guarantees.js';
export {
  checkAgainstReference,
  checkCacheReplays,
  checkedInformer,
  checkInformerEpochs,
  recordInformer,
  type CheckedInformer,
  type CheckedInformerOptions,
  type InformerRecording,
  type InformerWatchSummary,
  type ListEpoch,
  type WatchSession,
} from './informer-check.js';
export { twinWatch, type TwinWatch } from './twin-watch.js';
