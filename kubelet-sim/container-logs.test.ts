import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1.js';
import { ContainerLogs, type LogLine } from './container-logs.js';
import { chooseLogContainer, formatLine, selectLines } from './log-read.js';

const T0 = Date.UTC(2026, 10, 23, 13, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function podWith(status: Partial<ContainerStatus>, image = 'busybox', deletionTimestamp?: string): Pod {
  return {
    metadata: { name: 'web-0', namespace: 'default', uid: 'u1', ...(deletionTimestamp ? { deletionTimestamp } : {}) },
    spec: { containers: [{ name: 'main', image }] },
    status: { containerStatuses: [{ name: 'main', image, imageID: '', ready: true, restartCount: 0, ...status }] },
  };
}
const runningAs = (id: string, startedAt: number, extra: Partial<ContainerStatus> = {}) => podWith({ containerID: id, state: { running: { startedAt: iso(startedAt) } }, ...extra });
const texts = (lines: readonly LogLine[] | undefined) => (lines ?? []).map((l) => l.text);

describe('container logs', () => {
  test('a started container has its start line; a crash ends it and a restart starts the next, keeping one previous', () => {
    const logs = new ContainerLogs(() => T0);
    logs.observe(runningAs('c1', T0));
    assert.deepEqual(texts(logs.instance('u1', 'main')?.lines()), ['kubelab: container "main" started (image busybox, restart 0)']);
    logs.observe(podWith({ containerID: 'c1', state: { terminated: { containerID: 'c1', exitCode: 1, reason: 'Error', startedAt: iso(T0), finishedAt: iso(T0 + 2000) } } }));
    assert.equal(logs.instance('u1', 'main')?.ended, true);
    const last = { terminated: { containerID: 'c1', exitCode: 1, reason: 'Error', startedAt: iso(T0), finishedAt: iso(T0 + 2000) } };
    logs.observe(runningAs('c2', T0 + 3000, { restartCount: 1, lastState: last }));
    assert.equal(logs.instance('u1', 'main')?.containerID, 'c2');
    assert.deepEqual(texts(logs.instance('u1', 'main', true)?.lines()), ['kubelab: container "main" started (image busybox, restart 0)', 'kubelab: container "main" exited with code 1 (Error)']);
    assert.deepEqual(texts(logs.instance('u1', 'main')?.lines()), ['kubelab: container "main" started (image busybox, restart 1)']);
  });

  test('an adopted pod (a kubelet restart) gets its logs rebuilt from its statuses', () => {
    const logs = new ContainerLogs(() => T0);
    const last = { terminated: { containerID: 'c1', exitCode: 1, reason: 'Error', startedAt: iso(T0), finishedAt: iso(T0 + 2000) } };
    logs.observe(runningAs('c2', T0 + 3000, { restartCount: 1, lastState: last }));
    assert.equal(logs.instance('u1', 'main', true)?.containerID, 'c1');
    assert.equal(logs.instance('u1', 'main', true)?.lines().length, 2);
    assert.equal(logs.instance('u1', 'main')?.lines()[0]?.time, T0 + 3000);
  });

  test('a follower sees new lines and the end when the pod is deleted; nginx prints its stop lines', () => {
    const logs = new ContainerLogs(() => T0 + 5000);
    const nginx = (deletion?: string) => podWith({ containerID: 'c1', state: { running: { startedAt: iso(T0) } } }, 'nginx:1.27', deletion);
    logs.observe(nginx());
    const seen: string[] = [];
    let ended = false;
    logs.instance('u1', 'main')!.follow({ line: (l) => seen.push(l.text), end: () => (ended = true) });
    logs.observe(nginx(iso(T0 + 5000)));
    assert.equal(seen[0], '2026/11/23 13:00:05 [notice] 1#1: signal 3 (SIGQUIT) received, shutting down');
    assert.equal(seen.at(-1), '2026/11/23 13:00:05 [notice] 1#1: exit');
    assert.equal(ended, true);
    logs.forget('u1');
    assert.equal(logs.instance('u1', 'main'), undefined);
  });

  test('a pod gone without its deletion seen (a missed watch event) still prints the stop lines to its followers', () => {
    const logs = new ContainerLogs(() => T0 + 7000);
    logs.observe(podWith({ containerID: 'c1', state: { running: { startedAt: iso(T0) } } }, 'nginx:1.27'));
    const seen: string[] = [];
    let ended = false;
    logs.instance('u1', 'main')!.follow({ line: (l) => seen.push(l.text), end: () => (ended = true) });
    logs.forget('u1');
    assert.equal(seen[0], '2026/11/23 13:00:07 [notice] 1#1: signal 3 (SIGQUIT) received, shutting down');
    assert.equal(seen.at(-1), '2026/11/23 13:00:07 [notice] 1#1: exit');
    assert.equal(ended, true);
  });

  test('each instance keeps its last maxLines lines', () => {
    const logs = new ContainerLogs(() => T0, 3);
    logs.observe(podWith({ containerID: 'c1', state: { running: { startedAt: iso(T0) } } }, 'nginx'));
    assert.equal(logs.instance('u1', 'main')?.lines().length, 3);
    assert.match(logs.instance('u1', 'main')!.lines()[2]!.text, /start worker process 29$/);
  });

  test('which instance a read gets, and upstream errors when there is none', () => {
    const waiting = podWith({ state: { waiting: { reason: 'ContainerCreating' } } });
    assert.deepEqual(chooseLogContainer(waiting, 'main', false), { error: 'container "main" in pod "web-0" is waiting to start: ContainerCreating' });
    assert.deepEqual(chooseLogContainer(podWith({ state: { waiting: { reason: 'ImagePullBackOff' } } }), 'main', false), {
      error: 'container "main" in pod "web-0" is waiting to start: trying and failing to pull image',
    });
    assert.deepEqual(chooseLogContainer(runningAs('c1', T0), 'main', true), { error: 'previous terminated container "main" in pod "web-0" not found' });
    assert.deepEqual(chooseLogContainer(runningAs('c1', T0), 'main', false), { containerID: 'c1' });
    // In CrashLoopBackOff the log is the last run's.
    const backOff = podWith({ containerID: 'c1', state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { containerID: 'c1', exitCode: 1 } } });
    assert.deepEqual(chooseLogContainer(backOff, 'main', false), { containerID: 'c1' });
    assert.deepEqual(chooseLogContainer(backOff, 'other', false), { error: 'container "other" in pod "web-0" is not available' });
  });

  test('tailLines, since and timestamps', () => {
    const lines = [0, 1, 2, 3].map((i) => ({ time: T0 + i * 1000, text: `l${i}` }));
    const base = { previous: false, follow: false, timestamps: false };
    assert.deepEqual(texts(selectLines(lines, { ...base, tailLines: 2 })), ['l2', 'l3']);
    assert.deepEqual(texts(selectLines(lines, { ...base, tailLines: 0 })), []);
    assert.deepEqual(texts(selectLines(lines, { ...base, since: T0 + 2000 })), ['l2', 'l3']);
    assert.equal(formatLine({ time: T0 + 250, text: 'x' }, true), '2026-11-23T13:00:00.25Z x\n');
    assert.equal(formatLine({ time: T0, text: 'x' }, true), '2026-11-23T13:00:00Z x\n');
  });
});
