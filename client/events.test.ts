import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import { startTestServer, type TestServer } from '../apiserver/test-support.js';
import { EventRecorder } from './events.js';
import { FakeClock } from './fake-clock.js';
import { kinds } from './kinds.js';
import { KubeClient } from './rest.js';

const START = Date.parse('2025-01-01T00:00:00Z');

describe('EventRecorder', () => {
  let server: TestServer;
  let client: KubeClient;
  before(async () => {
    server = await startTestServer();
    client = new KubeClient({ server: server.url });
  });
  after(() => server.close());

  test('an identical event again counts on the first Event: one object, count 1 then 2', async () => {
    const clock = new FakeClock(START);
    const recorder = new EventRecorder({ client, component: 'daemonset-controller', clock });
    const cm = await client.resource(kinds.ConfigMap, 'default').create({ metadata: { name: 'subject' } });
    const events = client.resource(kinds.Event, 'default');
    const aboutSubject = { fieldSelector: 'involvedObject.name=subject' };

    recorder.event(cm, 'Normal', 'SuccessfulCreate', 'Created pod: web-1');
    await recorder.flush();
    const first = (await events.list(aboutSubject)).items;
    assert.equal(first.length, 1);
    assert.equal(first[0]!.count, 1);
    assert.match(first[0]!.metadata.name!, /^subject\.[0-9a-f]{16}$/);
    assert.equal(first[0]!.involvedObject.uid, cm.metadata?.uid);
    assert.equal(first[0]!.source?.component, 'daemonset-controller');
    assert.equal(first[0]!.firstTimestamp, '2025-01-01T00:00:00Z');

    clock.step(5_000);
    recorder.event(cm, 'Normal', 'SuccessfulCreate', 'Created pod: web-1');
    await recorder.flush();
    const second = (await events.list(aboutSubject)).items;
    assert.equal(second.length, 1);
    assert.equal(second[0]!.metadata?.name, first[0]!.metadata?.name);
    assert.equal(second[0]!.count, 2);
    assert.equal(second[0]!.firstTimestamp, '2025-01-01T00:00:00Z');
    assert.equal(second[0]!.lastTimestamp, '2025-01-01T00:00:05Z');

    recorder.event(cm, 'Warning', 'FailedCreate', 'quota exceeded');
    await recorder.flush();
    assert.equal((await events.list(aboutSubject)).items.length, 2, 'a different event is an Event of its own');
  });

  test('an aggregated Event deleted meanwhile is recorded afresh', async () => {
    const recorder = new EventRecorder({ client, component: 'tests', clock: new FakeClock(START) });
    const cm = await client.resource(kinds.ConfigMap, 'default').create({ metadata: { name: 'fleeting' } });
    const events = client.resource(kinds.Event, 'default');
    recorder.event(cm, 'Normal', 'Seen', 'once');
    await recorder.flush();
    const [first] = (await events.list({ fieldSelector: 'involvedObject.name=fleeting' })).items;
    await events.delete(first!.metadata.name!);
    recorder.event(cm, 'Normal', 'Seen', 'once');
    await recorder.flush();
    const again = (await events.list({ fieldSelector: 'involvedObject.name=fleeting' })).items;
    assert.equal(again.length, 1);
    assert.equal(again[0]!.count, 1);
  });

  test('a failure to record is logged, never thrown', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const recorder = new EventRecorder({ client: new KubeClient({ server: 'http://127.0.0.1:1' }), component: 'tests', logger });
    assert.doesNotThrow(() => recorder.event({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' } }, 'Normal', 'Tried', 'no server'));
    await recorder.flush();
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /event not recorded/);
  });

  test('eventFor names the kind of an object from a list, which carries none', async () => {
    const recorder = new EventRecorder({ client, component: 'tests' });
    await client.resource(kinds.ConfigMap, 'default').create({ metadata: { name: 'listed' } });
    const [listed] = (await client.resource(kinds.ConfigMap, 'default').list({ fieldSelector: 'metadata.name=listed' })).items;
    assert.equal(listed!.kind, undefined);
    recorder.event(listed!, 'Normal', 'Dropped', 'no kind');
    recorder.eventFor(kinds.ConfigMap, listed!, 'Normal', 'Seen', 'with its kind');
    await recorder.flush();
    const events = (await client.resource(kinds.Event, 'default').list({ fieldSelector: 'involvedObject.name=listed' })).items;
    assert.deepEqual(
      events.map((e) => [e.reason, e.involvedObject.kind, e.involvedObject.apiVersion]),
      [['Seen', 'ConfigMap', 'v1']],
    );
  });
});
