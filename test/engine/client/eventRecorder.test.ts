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
