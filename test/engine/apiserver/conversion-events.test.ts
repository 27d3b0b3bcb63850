// events.k8s.io/v1 Event served over core/v1 Event storage: the conversion as kube-apiserver does it
// (pkg/apis/events/v1/conversion.go), validation chosen by the request's version
// (pkg/apis/core/validation/events.go), field selectors through events.k8s.io's label conversion,
// and every verb through the converted view.
import assert from 'node:assert/strict';
import { conversionFor } from '../../../engine/api/conversion/index';
import { eventFromCore, eventToCore } from '../../../engine/api/conversion/events';
import { validateObject } from '../../../engine/api/validate';
import type { ApiWatchEvent } from '../../../engine/apiserver/apiserver';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { EventRecorder } from '../../../engine/client/eventRecorder';
import { newCluster, pod, pods, rejects } from './fixture';

const coreEvents = { group: '', version: 'v1', resource: 'events' };
const eventsV1 = { group: 'events.k8s.io', version: 'v1', resource: 'events' };

/** A new-style event, as client-go's events.k8s.io recorder writes one. */
function newStyle(name: string, extra: Obj = {}): Obj {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { name },
    eventTime: '2026-11-23T12:00:00.000000Z',
    reportingController: 'example.com/operator',
    reportingInstance: 'operator-7f9c',
    action: 'Reconcile',
    reason: 'Synced',
    regarding: { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web', uid: 'u-1' },
    related: { apiVersion: 'v1', kind: 'Node', name: 'worker-1' },
    note: 'pod synced',
    type: 'Normal',
    ...extra,
  };
}

describe('conversion: events.k8s.io/v1 Event <-> core/v1 Event', () => {
  it('is registered as served over core/v1 storage', () => {
    const c = conversionFor('events.k8s.io', 'v1', 'Event');
    assert.equal(c?.storageGroup, '');
    assert.equal(c?.storage, 'v1');
    assert.equal(conversionFor('', 'v1', 'Event'), undefined);
  });

  it('maps every field as Convert_core_Event_To_v1_Event does, and back', () => {
    const core = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.1', namespace: 'shop', uid: 'e-1', resourceVersion: '42' },
      involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web', uid: 'u-1', fieldPath: 'spec.containers{web}' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      source: { component: 'kubelet', host: 'worker-1' },
      firstTimestamp: '2026-11-23T11:00:00Z',
      lastTimestamp: '2026-11-23T12:00:00Z',
      count: 7,
      type: 'Warning',
      eventTime: '2026-11-23T11:00:00.000000Z',
      series: { count: 7, lastObservedTime: '2026-11-23T12:00:00.000000Z' },
      action: 'Restart',
      related: { kind: 'Node', name: 'worker-1' },
      reportingComponent: 'kubelet',
      reportingInstance: 'worker-1',
    };
    const v1 = eventFromCore(core);
    assert.deepEqual(v1, {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: core.metadata,
      eventTime: core.eventTime,
      series: core.series,
      reportingController: 'kubelet',
      reportingInstance: 'worker-1',
      action: 'Restart',
      reason: 'BackOff',
      regarding: core.involvedObject,
      related: core.related,
      note: core.message,
      type: 'Warning',
      deprecatedSource: core.source,
      deprecatedFirstTimestamp: core.firstTimestamp,
      deprecatedLastTimestamp: core.lastTimestamp,
      deprecatedCount: 7,
    });
    assert.deepEqual(eventToCore(v1), core);
    // The input is never changed, and what comes out shares nothing with it.
    v1.regarding.name = 'other';
    assert.equal(core.involvedObject.name, 'web');
  });

  it('leaves out what Go leaves out (omitempty zero values), but always writes the object reference', () => {
    assert.deepEqual(eventFromCore({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'x' }, count: 0, source: {}, message: '' }), { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'x' }, regarding: {} });
    assert.deepEqual(eventToCore({ apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'x' } }), { apiVersion: 'v1', kind: 'Event', metadata: { name: 'x' }, involvedObject: {} });
  });

  it('validates an events.k8s.io/v1 body strictly, judged on the core object with core field paths', () => {
    assert.deepEqual(validateObject({ ...newStyle('ok'), metadata: { name: 'ok', namespace: 'shop' } }).errors, []);
    const bare = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'bare', namespace: 'shop' }, regarding: { kind: 'Pod', name: 'web', namespace: 'shop' }, note: 'hi', type: 'Normal' };
    assert.deepEqual(
      validateObject(bare).errors.map((e) => `${e.field}: ${e.type}`),
      ['eventTime: Required'],
    );
    // A core/v1 body without eventTime is an old-style event: none of that is asked.
    assert.deepEqual(validateObject({ ...eventToCore(bare), metadata: bare.metadata }).errors, []);
  });
});

describe('API server: events.k8s.io/v1 and core/v1 Events over one storage', () => {
  async function setup() {
    const cluster = await newCluster();
    await cluster.namespace('shop');
    const { object: web } = await cluster.client.create(pods, 'shop', pod('web'));
    return { ...cluster, web };
  }

  it('serves events in both groups, each preferred in its own', async () => {
    const { server } = await setup();
    const served = server.resources().filter((i) => i.kind === 'Event').map((i) => `${i.group}/${i.version}/${i.plural}`);
    assert.deepEqual(served.sort(), ['/v1/events', 'events.k8s.io/v1/events']);
  });

  it("an event a component records through core/v1 reads back in events.k8s.io/v1, with the same uid and resourceVersion", async () => {
    const { client, clock, web } = await setup();
    const recorder = new EventRecorder(client, clock, 'kubelet', 'worker-1');
    recorder.event(web as never, 'Normal', 'Pulled', 'Container image "nginx:1.27" already present on machine');
    await recorder.flush();
    clock.advance(5_000);
    recorder.event(web as never, 'Normal', 'Pulled', 'Container image "nginx:1.27" already present on machine');
    await recorder.flush();
    const [core] = client.list(coreEvents, 'shop').items as Obj[];
    const [v1] = client.list(eventsV1, 'shop').items as Obj[];
    assert.equal(v1.apiVersion, 'events.k8s.io/v1');
    assert.equal(v1.metadata.uid, core.metadata.uid);
    assert.equal(v1.metadata.resourceVersion, core.metadata.resourceVersion);
    assert.deepEqual(v1.regarding, core.involvedObject);
    assert.equal(v1.regarding.name, 'web');
    assert.equal(v1.note, 'Container image "nginx:1.27" already present on machine');
    assert.equal(v1.deprecatedCount, 2);
    assert.deepEqual(v1.deprecatedSource, { component: 'kubelet', host: 'worker-1' });
    assert.equal(v1.deprecatedFirstTimestamp, core.firstTimestamp);
    assert.equal(v1.deprecatedLastTimestamp, core.lastTimestamp);
    assert.notEqual(v1.deprecatedFirstTimestamp, v1.deprecatedLastTimestamp);
    for (const f of ['involvedObject', 'message', 'source', 'count', 'firstTimestamp', 'reportingComponent']) assert.equal(f in v1, false, f);
    assert.deepEqual(client.get(eventsV1, 'shop', v1.metadata.name), v1);
  });

  it('an event created in events.k8s.io/v1 is stored once, as core/v1, and reads back in core/v1', async () => {
    const { client, store } = await setup();
    const series = { count: 3, lastObservedTime: '2026-11-23T12:00:05.000000Z' };
    const { object: created } = await client.create(eventsV1, 'shop', newStyle('web.new', { series }));
    assert.equal(created.apiVersion, 'events.k8s.io/v1');
    assert.equal(created.note, 'pod synced');
    const stored = JSON.parse(String(store.get('/registry/events/shop/web.new')!.value));
    assert.equal(stored.apiVersion, 'v1');
    assert.equal(stored.message, 'pod synced');
    assert.equal(stored.reportingComponent, 'example.com/operator');
    assert.equal('note' in stored || 'regarding' in stored || 'reportingController' in stored, false);
    const core = client.get(coreEvents, 'shop', 'web.new');
    assert.deepEqual(core.involvedObject, { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name: 'web', uid: 'u-1' });
    assert.equal(core.message, 'pod synced');
    assert.equal(core.reportingComponent, 'example.com/operator');
    assert.equal(core.reportingInstance, 'operator-7f9c');
    assert.equal(core.action, 'Reconcile');
    assert.equal(core.eventTime, '2026-11-23T12:00:00.000000Z');
    assert.deepEqual(core.series, series);
    assert.deepEqual(core.related, { apiVersion: 'v1', kind: 'Node', name: 'worker-1' });
    assert.equal(core.metadata.uid, created.metadata.uid);
    assert.equal(core.metadata.resourceVersion, created.metadata.resourceVersion);
    // Listed once in each group.
    assert.equal(client.list(coreEvents, 'shop').items.length, 1);
    assert.equal(client.list(eventsV1, 'shop').items.length, 1);
  });

  it('a watch in events.k8s.io/v1 gets converted objects, whichever group wrote them', async () => {
    const { client, clock, web } = await setup();
    const seen: ApiWatchEvent[] = [];
    const w = client.watch(eventsV1, 'shop', { resourceVersion: client.list(eventsV1, 'shop').metadata.resourceVersion }, (e) => seen.push(e));
    try {
      const recorder = new EventRecorder(client, clock, 'default-scheduler');
      recorder.event(web as never, 'Normal', 'Scheduled', 'Successfully assigned shop/web to worker-1');
      await recorder.flush();
      await client.create(eventsV1, 'shop', newStyle('web.new'));
      await client.patch(coreEvents, 'shop', 'web.new', 'merge', { metadata: { labels: { seen: 'yes' } } });
      await clock.advanceAsync(10, 10);
      const objects = seen.filter((e) => e.type !== 'BOOKMARK');
      assert.deepEqual(objects.map((e) => [e.type, e.object.apiVersion, e.object.note]), [
        ['ADDED', 'events.k8s.io/v1', 'Successfully assigned shop/web to worker-1'],
        ['ADDED', 'events.k8s.io/v1', 'pod synced'],
        ['MODIFIED', 'events.k8s.io/v1', 'pod synced'],
      ]);
      assert.equal(objects[0]!.object.reportingController, 'default-scheduler');
      assert.deepEqual(objects[0]!.object.deprecatedSource, { component: 'default-scheduler' });
      assert.equal(objects[0]!.object.regarding.name, 'web');
      assert.deepEqual(objects[2]!.object.metadata.labels, { seen: 'yes' });
      assert.equal('message' in objects[2]!.object, false);
    } finally {
      w.stop();
    }
  });

  it('a merge patch in events.k8s.io/v1 on a core-created event works; the fields ValidateEventUpdate keeps are immutable', async () => {
    const { client, clock, web } = await setup();
    const recorder = new EventRecorder(client, clock, 'kubelet', 'worker-1');
    recorder.event(web as never, 'Warning', 'BackOff', 'Back-off restarting failed container');
    await recorder.flush();
    const name = (client.list(coreEvents, 'shop').items[0] as Obj).metadata.name;
    const series = { count: 2, lastObservedTime: '2026-11-23T12:00:10.000000Z' };
    const { object: patched } = await client.patch(eventsV1, 'shop', name, 'merge', { metadata: { labels: { team: 'a' } }, series });
    assert.equal(patched.apiVersion, 'events.k8s.io/v1');
    assert.deepEqual(patched.series, series);
    assert.equal(patched.note, 'Back-off restarting failed container');
    const core = client.get(coreEvents, 'shop', name);
    assert.deepEqual(core.metadata.labels, { team: 'a' });
    assert.deepEqual(core.series, series);
    assert.equal(core.message, 'Back-off restarting failed container');
    assert.equal(core.count, 1);
    await rejects(client.patch(eventsV1, 'shop', name, 'merge', { note: 'edited' }), 422, /message: Invalid value: "edited": field is immutable/);
    await rejects(client.patch(eventsV1, 'shop', name, 'merge', { series: { count: 1, lastObservedTime: null } }), 422, /\[series\.lastObservedTime: Required value, series\.count: Invalid value: "": should be at least 2\]/);
    // Through core/v1 the same change is allowed: only legacyValidateEvent applies there.
    const { object: edited } = await client.patch(coreEvents, 'shop', name, 'merge', { message: 'edited' });
    assert.equal(edited.message, 'edited');
  });

  it('rejects a new-style events.k8s.io/v1 event missing what ValidateEventCreate requires, with kube messages', async () => {
    const { client } = await setup();
    const bare = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'bare' }, eventTime: '2026-11-23T12:00:00.000000Z', regarding: { kind: 'Pod', namespace: 'shop', name: 'web' }, note: 'hi' };
    const err = await rejects(client.create(eventsV1, 'shop', bare), 422);
    assert.equal(
      err.message,
      'Event.events.k8s.io "bare" is invalid: [reportingController: Required value, reportingController: Invalid value: "": name part must be non-empty, ' +
        "reportingController: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]'), " +
        'reportingInstance: Required value, action: Required value, reason: Required value, type: Invalid value: "": has invalid value: ]',
    );
    await rejects(client.create(eventsV1, 'shop', newStyle('old-fields', { deprecatedCount: 3, deprecatedSource: { component: 'kubelet' } })), 422, /count: Invalid value: "": needs to be unset, source: Invalid value: "": needs to be unset/);
    await rejects(client.create(eventsV1, 'shop', newStyle('no-time', { eventTime: undefined })), 422, /^Event.events.k8s.io "no-time" is invalid: eventTime: Required value$/);
    await rejects(client.create(eventsV1, 'shop', newStyle('short-series', { series: { count: 1, lastObservedTime: '2026-11-23T12:00:00.000000Z' } })), 422, /series\.count: Invalid value: "": should be at least 2/);
  });

  it('a core/v1 write keeps the lenient legacy rules', async () => {
    const { client } = await setup();
    const old = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'old' }, involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web' }, reason: 'Started', message: 'started', count: 4, firstTimestamp: '2026-11-23T12:00:00Z', source: { component: 'kubelet' } };
    await client.create(coreEvents, 'shop', old);
    // A new-style event through core/v1 still needs the reporting fields (legacyValidateEvent), under their internal names.
    await rejects(
      client.create(coreEvents, 'shop', { ...old, metadata: { name: 'half-new' }, eventTime: '2026-11-23T12:00:00.000000Z', reportingInstance: 'i', action: 'A' }),
      422,
      /^Event "half-new" is invalid: \[reportingController: Required value, reportingController: Invalid value: "": name part must be non-empty/,
    );
    // The strict rules do not apply through core/v1: an old-style event with count and source is fine in events.k8s.io reads.
    assert.equal(client.get(eventsV1, 'shop', 'old').deprecatedCount, 4);
  });

  it('selects on events.k8s.io fields through its field label conversion', async () => {
    const { client } = await setup();
    await client.create(eventsV1, 'shop', newStyle('a'));
    await client.create(eventsV1, 'shop', newStyle('b', { regarding: { kind: 'Pod', namespace: 'shop', name: 'db' }, reportingController: 'example.com/other' }));
    const names = (fieldSelector: string, type = eventsV1) => (client.list(type, 'shop', { fieldSelector }).items as Obj[]).map((e) => e.metadata.name);
    assert.deepEqual(names('regarding.name=web'), ['a']);
    assert.deepEqual(names('reportingController=example.com/other'), ['b']);
    assert.deepEqual(names('regarding.kind=Pod,type=Normal'), ['a', 'b']);
    assert.deepEqual(names('involvedObject.name=db', coreEvents), ['b']);
    assert.deepEqual(names('reportingComponent=example.com/other', coreEvents), ['b']);
    await rejects(() => client.list(eventsV1, 'shop', { fieldSelector: 'involvedObject.name=web' }), 400, 'field label not supported: involvedObject.name');
    await rejects(() => client.list(coreEvents, 'shop', { fieldSelector: 'regarding.name=web' }), 400, 'field label not supported: regarding.name');
  });

  it('deletes through either group', async () => {
    const { client } = await setup();
    await client.create(eventsV1, 'shop', newStyle('gone'));
    await client.delete(coreEvents, 'shop', 'gone');
    await rejects(() => client.get(eventsV1, 'shop', 'gone'), 404);
    await client.create(coreEvents, 'shop', eventToCore({ ...newStyle('gone2'), metadata: { name: 'gone2' } }));
    await client.delete(eventsV1, 'shop', 'gone2');
    assert.equal(client.list(coreEvents, 'shop').items.length, 0);
  });
});
