// Reading a container's log as the kubelet does for GET /containerLogs: which
// instance (upstream pkg/kubelet/kubelet_pods.go validateContainerLogStatus,
// with its error messages), and the options of PodLogOptions applied to its
// lines (tailLines, sinceSeconds, sinceTime, timestamps, limitBytes). Pure.
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { LogLine } from './container-logs.js';

export interface LogReadOptions {
  readonly previous: boolean;
  readonly follow: boolean;
  readonly timestamps: boolean;
  readonly tailLines?: number;
  /** Lines written at or after this time (ms), from sinceSeconds or sinceTime. */
  readonly since?: number;
  readonly limitBytes?: number;
}

export type LogChoice = { readonly containerID: string } | { readonly error: string };

/** as upstream validateContainerLogStatus: the container ID to read, or why there is none. */
export function chooseLogContainer(pod: Pod, container: string, previous: boolean): LogChoice {
  const podName = pod.metadata?.name ?? '';
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  const status = statuses.find((s) => s.name === container);
  if (!status) return { error: `container "${container}" in pod "${podName}" is not available` };
  const last = status.lastState?.terminated;
  const { waiting, running, terminated } = status.state ?? {};
  if (previous) {
    if (!last?.containerID) return { error: `previous terminated container "${container}" in pod "${podName}" not found` };
    return { containerID: last.containerID };
  }
  if (running) return { containerID: status.containerID ?? '' };
  if (terminated) {
    if (terminated.containerID) return { containerID: terminated.containerID };
    if (last?.containerID) return { containerID: last.containerID };
    return { error: `container "${container}" in pod "${podName}" is terminated` };
  }
  if (last) {
    if (!last.containerID) return { error: `container "${container}" in pod "${podName}" is terminated` };
    return { containerID: last.containerID };
  }
  if (waiting) {
    const reason = waiting.reason ?? '';
    if (reason === 'ErrImagePull') return { error: `container "${container}" in pod "${podName}" is waiting to start: image can't be pulled` };
    if (reason === 'ImagePullBackOff') return { error: `container "${container}" in pod "${podName}" is waiting to start: trying and failing to pull image` };
    return { error: `container "${container}" in pod "${podName}" is waiting to start: ${reason}` };
  }
  return { error: `container "${container}" in pod "${podName}" is waiting to start - no logs yet` };
}

/** RFC 3339 with the fraction Go's RFC3339Nano writes (trailing zeros dropped). */
export function logTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.?0+Z$/, 'Z');
}

export function formatLine(line: LogLine, timestamps: boolean): string {
  return timestamps ? `${logTimestamp(line.time)} ${line.text}\n` : `${line.text}\n`;
}

/** The lines of a log read: since, then the last tailLines. */
export function selectLines(lines: readonly LogLine[], options: LogReadOptions): readonly LogLine[] {
  const recent = options.since === undefined ? lines : lines.filter((l) => l.time >= options.since!);
  if (options.tailLines === undefined) return recent;
  return options.tailLines <= 0 ? [] : recent.slice(-options.tailLines);
}

/** Parses the query of GET /containerLogs (the same parameters as pods/log). */
export function parseLogQuery(query: URLSearchParams, now: number): LogReadOptions {
  const truthy = (name: string) => query.get(name) === 'true' || query.get(name) === '1';
  const number = (name: string) => {
    const text = query.get(name);
    if (text === null || text === '') return undefined;
    const n = Number(text);
    return Number.isInteger(n) ? n : undefined;
  };
  const sinceSeconds = number('sinceSeconds');
  const sinceTime = query.get('sinceTime');
  const since = sinceSeconds !== undefined ? now - sinceSeconds * 1000 : sinceTime ? Date.parse(sinceTime) : undefined;
  return {
    previous: truthy('previous'),
    follow: truthy('follow'),
    timestamps: truthy('timestamps'),
    tailLines: number('tailLines'),
    since: since !== undefined && !Number.isNaN(since) ? since : undefined,
    limitBytes: number('limitBytes'),
  };
}
