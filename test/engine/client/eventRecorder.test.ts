import assert from 'node:assert/strict';
import { configmaps, newCluster } from '../apiserver/fixture';
import { EventRecorder } from '../../../engine/client/eventRecorder';

const events = { group: '', version: 'v1', resource: 'events' };

describe('Event recorder', () => {
  it('an event repeated for the same object is one Event whose count and lastTimestamp move', async () => {
    const { client, clock } = await newCluster();
    const { object: cm } = await client.create(configmaps, 'default', { metadata: { name: 'settings' } });
    const recorder = new EventRecorder(client, clock, 'test-controller');
    recorder.event(cm, 'Warning', 'FailedSync', 'cannot reach backend');
    clock.advance(30_000);
    recorder.event(cm, 'Warning', 'FailedSync', 'cannot reach backend');
    clock.advance(30_000);
    recorder.event(cm, 'Warning', 'FailedSync', 'cannot reach backend');
    await recorder.flush();
    const list = client.list(events, 'default').items;
    assert.equal(list.length, 1);
    const e = list[0]!;
    assert.deepEqual([e.count, e.type, e.reason, e.message, e.source.component], [3, 'Warning', 'FailedSync', 'cannot reach backend', 'test-controller']);
    assert.deepEqual([e.firstTimestamp, e.lastTimestamp], ['2026-11-23T12:00:00Z', '2026-11-23T12:01:00Z']);
    assert.deepEqual(e.involvedObject, { kind: 'ConfigMap', namespace: 'default', name: 'settings', uid: cm.metadata.uid, apiVersion: 'v1', resourceVersion: cm.metadata.resourceVersion });
  });

  it('records an event at a virtual time between two milliseconds (a jittered timer\'s), named by the millisecond it is in', async () => {
    const { client, clock } = await newCluster();
    const { object: cm } = await client.create(configmaps, 'default', { metadata: { name: 'settings' } });
    const recorder = new EventRecorder(client, clock, 'test-controller');
    clock.advance(1234.5678);
    recorder.event(cm, 'Normal', 'LeaderElection', 'node-1_a1b2 became leader');
    await recorder.flush();
    const [e] = client.list(events, 'default').items;
    assert.equal(e?.message, 'node-1_a1b2 became leader');
    assert.match(e!.metadata.name, /^settings\.[0-9a-f]+$/);
    assert.equal(BigInt(`0x${e!.metadata.name.split('.')[1]}`) / 1_000_000n, BigInt(Math.floor(clock.now())));
  });

  it('forgets the least recently aggregated events first, as its LRU cache does, not the oldest', async () => {
    const { client, clock } = await newCluster();
    const { object: cm } = await client.create(configmaps, 'default', { metadata: { name: 'settings' } });
    const recorder = new EventRecorder(client, clock, 'test-controller');
    const other = (i: number) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'default', name: `other-${i}`, uid: `uid-${i}` } });
    recorder.event(cm, 'Normal', 'Probe', 'attempt 1');
    // The cache (4,096 entries) fills up behind the first event's entry… (written some at a time: a
    // recorder holds at most 2,000 that wait to be written)
    for (let i = 1; i < 4096; i++) {
      recorder.event(other(i), 'Normal', 'Probe', 'ok');
      if (i % 1000 === 0) await recorder.flush();
    }
    // …which more messages of the same reason make the most recently used again.
    for (let n = 2; n <= 9; n++) recorder.event(cm, 'Normal', 'Probe', `attempt ${n}`);
    // One more entry evicts the least recently used (other-1): the tenth message is still combined.
    recorder.event(other(4096), 'Normal', 'Probe', 'ok');
    recorder.event(cm, 'Normal', 'Probe', 'attempt 10');
    await recorder.flush();
    const messages = (client.list(events, 'default').items as { message: string; involvedObject: { name: string } }[]).filter((e) => e.involvedObject.name === 'settings').map((e) => e.message);
    assert.equal(messages.length, 10);
    assert.equal(messages.at(-1), '(combined from similar events): attempt 10');
  });

  it('from the tenth different message of one reason on, similar events are combined into one', async () => {
    const { client, clock } = await newCluster();
    const { object: cm } = await client.create(configmaps, 'default', { metadata: { name: 'settings' } });
    const recorder = new EventRecorder(client, clock, 'test-controller');
    for (let i = 1; i <= 12; i++) recorder.event(cm, 'Normal', 'Probe', `attempt ${i}`);
    await recorder.flush();
    const list = client.list(events, 'default').items;
    assert.equal(list.length, 10);
    const combined = list.find((e: { message: string }) => e.message.startsWith('(combined'))! as { count: number; message: string };
    assert.deepEqual([combined.count, combined.message], [3, '(combined from similar events): attempt 12']);
  });
});

describe('Event recorder queue', () => {
  it('drops an event recorded while 2,000 wait to be written, as client-go drops it, and takes new ones once they are', async () => {
    const { client, clock } = await newCluster();
    const logged: string[] = [];
    const recorder = new EventRecorder(client, clock, 'test-controller', undefined, { write: (severity, source, message) => logged.push(`${severity} ${source}] ${message}`) });
    const pod = (i: number) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'default', name: `web-${i}`, uid: `uid-${i}` } });
    for (let i = 0; i < 2200; i++) recorder.event(pod(i), 'Normal', 'Scheduled', `Successfully assigned default/web-${i} to worker-1`);
    assert.equal(recorder.dropped, 200);
    // Each drop is an error line in the component's log, as client-go's broadcaster writes it.
    assert.equal(logged.length, 200);
    assert.equal(logged[0], 'E event.go:368] "Unable to record event: too many queued events, dropped event" event="Pod default/web-2000: Normal Scheduled: Successfully assigned default/web-2000 to worker-1"');
    await recorder.flush();
    const names = () => (client.list(events, 'default').items as { involvedObject: { name: string } }[]).map((e) => e.involvedObject.name);
    assert.equal(names().length, 2000);
    assert.equal(names().includes('web-1999'), true);
    assert.equal(names().includes('web-2000'), false, 'the first ones recorded are kept, the overflow dropped');
    recorder.event(pod(2200), 'Normal', 'Scheduled', 'Successfully assigned default/web-2200 to worker-1');
    await recorder.flush();
    assert.equal(names().length, 2001);
    assert.equal(recorder.dropped, 200);
  });

  it('drops an event the server rejects, saying so in the component log, and goes on with the next', async () => {
    const { client, clock } = await newCluster();
    const logged: string[] = [];
    const recorder = new EventRecorder(client, clock, 'test-controller', undefined, { write: (severity, source, message) => logged.push(`${severity} ${source}] ${message}`) });
    recorder.event({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'gone', name: 'web-1', uid: 'uid-1' } }, 'Normal', 'Scheduled', 'Successfully assigned gone/web-1 to worker-1');
    recorder.event({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'default', name: 'web-2', uid: 'uid-2' } }, 'Normal', 'Scheduled', 'Successfully assigned default/web-2 to worker-1');
    await recorder.flush();
    assert.deepEqual(logged, ['E event.go:307] "Server rejected event (will not retry!)" err="namespaces \\"gone\\" not found" event="Pod gone/web-1: Normal Scheduled: Successfully assigned gone/web-1 to worker-1"']);
    assert.deepEqual((client.list(events, undefined).items as { involvedObject: { name: string } }[]).map((e) => e.involvedObject.name), ['web-2']);
  });
});

describe('Event recorder spam filter', () => {
  it('writes a burst of 25 events about one object, then one per five minutes, and a later write carries the skipped count', async () => {
    const { client, clock } = await newCluster();
    const { object: cm } = await client.create(configmaps, 'default', { metadata: { name: 'settings' } });
    const { object: other } = await client.create(configmaps, 'default', { metadata: { name: 'other' } });
    const recorder = new EventRecorder(client, clock, 'kubelet', 'worker-1');
    const revision = () => Number(client.list(events, 'default').metadata.resourceVersion);
    // 5 reasons × 8 = 40 events about one object within a minute: 25 writes go through.
    const before = revision();
    for (let i = 0; i < 40; i++) {
      recorder.event(cm, 'Warning', `Reason${i % 5}`, 'the same message');
      clock.advance(1000);
    }
    await recorder.flush();
    assert.equal(revision() - before, 25);
    const counted = (reason: string) => (client.list(events, 'default').items as { reason: string; count: number }[]).find((e) => e.reason === reason)!.count;
    assert.deepEqual([counted('Reason0'), counted('Reason4')], [5, 5]);
    // Another object has its own bucket.
    recorder.event(other, 'Normal', 'Fine', 'ok');
    await recorder.flush();
    assert.equal(revision() - before, 26);
    // Five minutes later one token is back: the next Reason0 is written with every occurrence counted.
    clock.advance(300_000);
    recorder.event(cm, 'Warning', 'Reason0', 'the same message');
    recorder.event(cm, 'Warning', 'Reason1', 'the same message');
    await recorder.flush();
    assert.equal(revision() - before, 27);
    assert.deepEqual([counted('Reason0'), counted('Reason1')], [9, 5]);
    const e = (client.list(events, 'default').items as { reason: string; source: unknown; reportingInstance: string }[]).find((x) => x.reason === 'Fine')!;
    assert.deepEqual([e.source, e.reportingInstance], [{ component: 'kubelet', host: 'worker-1' }, 'worker-1']);
  });
});
