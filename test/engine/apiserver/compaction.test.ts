// The API server compacts the store's history on its clock, as kube-apiserver's compactor does every
// --etcd-compaction-interval: up to the revision of one interval earlier, never past history a
// watch has yet to read unless it is a whole further interval behind.
import assert from 'node:assert/strict';
import type { ApiWatchEvent } from '../../../engine/apiserver/apiserver';
import { configmaps, newCluster, rejects } from './fixture';

const minutes = (n: number) => n * 60 * 1000;

/** Lets a compaction started by a tick finish its steps, which yield to the event loop between them. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

describe('API server: periodic compaction', () => {
  it('every five minutes compacts to the revision of five minutes before; old versions are then 410 Gone', async () => {
    const { client, namespace, store, clock } = await newCluster();
    await namespace('shop');
    const v1 = (await client.create(configmaps, 'shop', { metadata: { name: 'cfg' }, data: { v: '1' } })).object;
    for (let i = 2; i <= 5; i++) await client.patch(configmaps, 'shop', 'cfg', 'merge', { data: { v: String(i) } });
    const before = store.mvcc.historyLength;

    // The server started on an empty store: its first tick has nothing older than that to drop.
    clock.advance(minutes(5));
    await settle();
    assert.equal(store.compactRevision, 0);
    const atFirstTick = store.revision;
    // Everything since the first tick stays readable until the next one.
    const past = client.list(configmaps, 'shop', { resourceVersion: v1.metadata.resourceVersion, resourceVersionMatch: 'Exact' });
    assert.equal(past.items[0].data.v, '1');

    await client.patch(configmaps, 'shop', 'cfg', 'merge', { data: { v: '6' } });
    clock.advance(minutes(5));
    await settle();
    assert.equal(store.compactRevision, atFirstTick);
    assert.ok(store.mvcc.historyLength < before, `history shrank (${before} → ${store.mvcc.historyLength})`);
    await rejects(() => client.list(configmaps, 'shop', { resourceVersion: v1.metadata.resourceVersion, resourceVersionMatch: 'Exact' }), 410, 'The resourceVersion for the provided list is too old.');

    const events: ApiWatchEvent[] = [];
    client.watch(configmaps, 'shop', { resourceVersion: v1.metadata.resourceVersion }, (e) => events.push(e));
    assert.equal(events.length, 1);
    assert.equal(events[0]!.type, 'ERROR');
    assert.equal((events[0]!.object as any).code, 410);
    assert.match((events[0]!.object as any).message, /^too old resource version: \d+ \(\d+\)$/);

    // The live object and newer versions are untouched.
    assert.equal(client.get(configmaps, 'shop', 'cfg').data.v, '6');
    const fresh: ApiWatchEvent[] = [];
    client.watch(configmaps, 'shop', { resourceVersion: String(store.revision) }, (e) => fresh.push(e));
    await client.patch(configmaps, 'shop', 'cfg', 'merge', { data: { v: '7' } });
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(fresh.map((e) => [e.type, (e.object as any).data?.v]), [['MODIFIED', '7']]);
  });

  it('keeps history a watch has not read yet, for one more interval at most', async () => {
    const { client, namespace, store, clock } = await newCluster();
    await namespace('shop');
    await client.create(configmaps, 'shop', { metadata: { name: 'cfg' }, data: { v: '0' } });
    // A store watch that is behind and does not read: it still needs everything after `behind`.
    const behind = store.revision - 1;
    const lagging = store.watch({ key: '/registry/configmaps/', end: '/registry/configmaps0', sinceRevision: behind });
    assert.equal(store.watchedRevision, behind);
    for (let i = 1; i <= 3; i++) await client.patch(configmaps, 'shop', 'cfg', 'merge', { data: { v: String(i) } });
    clock.advance(minutes(5));
    await settle();
    const atFirstTick = store.revision;
    await client.patch(configmaps, 'shop', 'cfg', 'merge', { data: { v: '4' } });
    clock.advance(minutes(5));
    await settle();
    assert.equal(store.compactRevision, behind, 'held back at what the watch still needs');
    assert.ok(store.compactRevision < atFirstTick);
    clock.advance(minutes(5));
    await settle();
    assert.equal(store.compactRevision, atFirstTick, 'a whole interval later it goes anyway');
    await assert.rejects(lagging.next(), /compacted/);
  });

  it('between ticks, keeps the history to about historyRevisions revisions, never past what a watch has yet to read', async () => {
    const { client, namespace, store } = await newCluster({ historyRevisions: 20 });
    await namespace('shop');
    const v1 = (await client.create(configmaps, 'shop', { metadata: { name: 'cfg' }, data: { v: '0' } })).object;
    for (let i = 1; i <= 60; i++) await client.patch(configmaps, 'shop', 'cfg', 'merge', { data: { v: String(i) } });
    await settle();
    const kept = store.revision - store.compactRevision;
    assert.ok(kept >= 20 && kept <= 41, `${kept} revisions of history kept`);
    await rejects(() => client.list(configmaps, 'shop', { resourceVersion: v1.metadata.resourceVersion, resourceVersionMatch: 'Exact' }), 410, 'The resourceVersion for the provided list is too old.');
    const recent = client.list(configmaps, 'shop', { resourceVersion: String(store.revision - 20), resourceVersionMatch: 'Exact' });
    assert.equal(recent.items[0].data.v, '40', 'the last 20 revisions stay readable');

    const behind = store.revision - 1;
    const lagging = store.watch({ key: '/registry/configmaps/', end: '/registry/configmaps0', sinceRevision: behind });
    for (let i = 61; i <= 120; i++) await client.patch(configmaps, 'shop', 'cfg', 'merge', { data: { v: String(i) } });
    await settle();
    assert.ok(store.compactRevision <= behind, 'held back at what the watch still needs');
    assert.equal(lagging.drain().length, 61, 'the watch reads all it missed');
    await client.patch(configmaps, 'shop', 'cfg', 'merge', { data: { v: 'last' } });
    await settle();
    assert.ok(store.revision - store.compactRevision <= 41, 'once it has read them, they go');
    lagging.cancel();
  });

  it('keeps every revision between ticks when historyRevisions is 0', async () => {
    const { client, namespace, store } = await newCluster({ historyRevisions: 0 });
    await namespace('shop');
    await client.create(configmaps, 'shop', { metadata: { name: 'cfg' }, data: { v: '0' } });
    for (let i = 1; i <= 60; i++) await client.patch(configmaps, 'shop', 'cfg', 'merge', { data: { v: String(i) } });
    await settle();
    assert.equal(store.compactRevision, 0);
  });

  it('compacts nothing when the interval is 0', async () => {
    const { client, namespace, store, clock } = await newCluster({ compactionIntervalMs: 0 });
    await namespace('shop');
    await client.create(configmaps, 'shop', { metadata: { name: 'cfg' } });
    clock.advance(minutes(60));
    await settle();
    assert.equal(store.compactRevision, 0);
  });

  it('stops once the store is closed', async () => {
    const { store, clock } = await newCluster();
    await store.close();
    const pending = clock.pending;
    clock.advance(minutes(5));
    assert.equal(clock.pending, pending - 1, 'the tick after closing schedules no other');
  });
});
