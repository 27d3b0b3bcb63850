import assert from 'node:assert/strict';
import { MvccStore, isStoreError, prefixEnd, type Watch, type WatchEvent } from '../../../engine/store/index';
import { Random } from '../../../engine/util/random';

const prefix = '/registry/pods/';
const end = prefixEnd(prefix);

/** An event as a comparable line: revision, type, key, value, and the previous value if any. */
function line(e: WatchEvent): string {
  return `${e.kv.modRevision} ${e.type} ${e.kv.key} ${String(e.kv.value)} v${e.kv.version} c${e.kv.createRevision} prev=${e.prevKv ? String(e.prevKv.value) : '-'}`;
}

/** Pulls until the watch reports it has caught up with the store (a progress notification). */
async function drain(w: Watch): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  for (;;) {
    w.requestProgress();
    const r = await w.next();
    if (r.done) return out;
    out.push(...r.value.events);
    if (r.value.progressNotify) return out;
  }
}

/**
 * A seeded workload of puts, deletes and multi-key transactions on pods (and some other keys), with
 * the events etcd would emit for it computed from a plain model, independently of the store.
 */
class Workload {
  private readonly rnd: Random;
  private readonly model = new Map<string, { value: string; createRevision: number; version: number }>();
  private readonly keys = Array.from({ length: 12 }, (_, i) => (i < 10 ? `${prefix}ns-${i % 3}/p-${i}` : `/registry/services/default/s-${i}`));
  private rev = 0;
  private step = 0;
  /** Expected watch events on `prefix`, as `line` renders them. */
  readonly expected: string[] = [];

  constructor(seed: number, private readonly store: MvccStore) {
    this.rnd = new Random(seed);
  }

  run(steps: number): void {
    const { rnd, keys, store } = this;
    for (let n = 0; n < steps; n++) {
      const i = this.step++;
      const dice = rnd.int(10);
      const key = keys[rnd.int(keys.length)]!;
      if (dice < 6) {
        store.put(key, `val-${i}`);
        this.put(key, `val-${i}`, ++this.rev);
      } else if (dice < 8) {
        store.deleteRange(key);
        if (this.del(key, this.rev + 1)) this.rev++;
      } else {
        // Two or three distinct keys written in one revision.
        const chosen = [...new Set([key, keys[rnd.int(keys.length)]!, keys[rnd.int(keys.length)]!])];
        store.txn({ success: chosen.map((k, j) => (j === 1 ? { type: 'delete' as const, key: k } : { type: 'put' as const, key: k, value: `txn-${i}-${j}` })) });
        let wrote = false;
        chosen.forEach((k, j) => {
          if (j === 1) wrote = this.del(k, this.rev + 1) || wrote;
          else {
            this.put(k, `txn-${i}-${j}`, this.rev + 1);
            wrote = true;
          }
        });
        if (wrote) this.rev++;
      }
    }
    assert.equal(store.revision, this.rev, 'the model and the store agree on the revision');
  }

  after(revision: number): string[] {
    return this.expected.filter((l) => Number(l.split(' ')[0]) > revision);
  }

  private put(key: string, value: string, r: number): void {
    const prev = this.model.get(key);
    const next = prev ? { value, createRevision: prev.createRevision, version: prev.version + 1 } : { value, createRevision: r, version: 1 };
    this.model.set(key, next);
    if (key.startsWith(prefix)) this.expected.push(`${r} PUT ${key} ${value} v${next.version} c${next.createRevision} prev=${prev ? prev.value : '-'}`);
  }

  private del(key: string, r: number): boolean {
    const prev = this.model.get(key);
    if (!prev) return false;
    this.model.delete(key);
    if (key.startsWith(prefix)) this.expected.push(`${r} DELETE ${key}  v0 c0 prev=${prev.value}`);
    return true;
  }
}

describe('MvccStore: watch', () => {
  it('delivers, from any revision it resumes at, every later event in order exactly once (seeded workloads)', async () => {
    for (const seed of [1, 2, 3]) {
      // A small buffer forces resumed watches through the unsynced catch-up path repeatedly.
      const store = new MvccStore({ watchBufferLimit: 5 });
      const work = new Workload(seed, store);
      work.run(300);
      const last = store.revision;
      for (let since = 1; since <= last; since++) {
        const w = store.watch({ key: prefix, end, sinceRevision: since, prevKv: true });
        // Pull one batch, write more, pull the rest: live events must join the replay seamlessly.
        w.requestProgress();
        const first = await w.next();
        assert.ok(!first.done);
        const got = first.value.events.map(line);
        work.run(2);
        got.push(...(await drain(w)).map(line));
        w.cancel();
        assert.deepEqual(got, work.after(since), `seed ${seed}, resumed after revision ${since}`);
      }
    }
  });

  it('joins replayed history and live writes without a gap or a duplicate', async () => {
    const store = new MvccStore({ watchBufferLimit: 4 });
    const work = new Workload(11, store);
    work.run(100);
    const w = store.watch({ key: prefix, end, sinceRevision: 40, prevKv: true });
    const got = (await w.next()).value!.events.map(line);
    work.run(100);
    got.push(...(await drain(w)).map(line));
    assert.deepEqual(got, work.after(40));
  });

  it('omits prevKv unless asked, and sends a delete as the key with its deletion revision', async () => {
    const store = new MvccStore();
    const w = store.watch({ key: '/registry/pods/default/web' });
    store.put('/registry/pods/default/web', 'a');
    store.put('/registry/pods/default/web', 'b');
    store.deleteRange('/registry/pods/default/web');
    const { events } = (await w.next()).value!;
    assert.deepEqual(events.map((e) => [e.type, e.kv.modRevision, e.kv.value, 'prevKv' in e]), [['PUT', 1, 'a', false], ['PUT', 2, 'b', false], ['DELETE', 3, '', false]]);
  });

  it('does not let a watch that is not reading hold up writers or other watches, then catches it up from history', async () => {
    const store = new MvccStore({ watchBufferLimit: 16 });
    const slow = store.watch({ key: prefix, end });
    const fast = store.watch({ key: prefix, end });
    const fastSeen: number[] = [];
    for (let i = 0; i < 1000; i++) {
      store.put(`${prefix}default/p-${i % 50}`, String(i));
      if (i % 10 === 9) for (const e of (await fast.next()).value!.events) fastSeen.push(e.kv.modRevision);
    }
    assert.equal(store.revision, 1000, 'every write completed while the slow watch read nothing');
    assert.deepEqual(fastSeen, Array.from({ length: 1000 }, (_, i) => i + 1));
    assert.deepEqual(store.watchCounts, { synced: 1, unsynced: 1 });
    const slowSeen = (await drain(slow)).map((e) => e.kv.modRevision);
    assert.deepEqual(slowSeen, Array.from({ length: 1000 }, (_, i) => i + 1));
    assert.deepEqual(store.watchCounts, { synced: 2, unsynced: 0 }, 'caught up, the slow watch is synced again');
  });

  it('drains, without waiting, every event committed so far, from its buffer and then from history', () => {
    const store = new MvccStore({ watchBufferLimit: 4 });
    const w = store.watch({ key: prefix, end });
    for (let i = 0; i < 10; i++) store.put(`${prefix}default/p-${i}`, String(i));
    store.put('/registry/services/default/s', 'x');
    assert.deepEqual(w.drain().map((e) => e.kv.modRevision), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'past its full buffer, the rest comes from history');
    assert.deepEqual(w.drain(), []);
    store.deleteRange(`${prefix}default/p-0`);
    assert.deepEqual(w.drain().map((e) => `${e.kv.modRevision} ${e.type}`), ['12 DELETE']);
    for (let i = 0; i < 10; i++) store.put(`${prefix}default/q-${i}`, 'y');
    store.compact(store.revision);
    assert.throws(() => w.drain(), (e) => isStoreError(e, 'compacted'));
  });

  it('cancels a lagging watch with the compacted reason when the history it needs is compacted', async () => {
    const store = new MvccStore({ watchBufferLimit: 8 });
    const lagging = store.watch({ key: prefix, end });
    for (let i = 0; i < 100; i++) store.put(`${prefix}default/p-${i}`, 'x');
    store.compact(50);
    const buffered = await lagging.next();
    assert.deepEqual(buffered.value!.events.map((e) => e.kv.modRevision), [1, 2, 3, 4, 5, 6, 7, 8], 'what was already buffered is still delivered');
    await assert.rejects(lagging.next(), (e) => isStoreError(e, 'compacted') && e.compactRevision === 50);
    assert.equal(lagging.cancelReason?.kind, 'compacted');
    assert.deepEqual(store.watchCounts, { synced: 0, unsynced: 0 });
  });

  it('cancels a watch that falls too many revisions behind, with a reason, without touching other watches', async () => {
    const store = new MvccStore({ watchBufferLimit: 8, watchMaxLagRevisions: 100 });
    const stuck = store.watch({ key: prefix, end });
    const reading = store.watch({ key: prefix, end });
    for (let i = 0; i < 100; i++) store.put(`${prefix}default/p-${i % 5}`, String(i));
    assert.equal(stuck.closed, false, 'lagging but within the limit');
    assert.equal((await drain(reading)).length, 100);
    for (let i = 0; i < 20; i++) store.put(`${prefix}default/p-${i % 5}`, String(i));
    assert.equal(stuck.closed, true);
    assert.equal((await stuck.next()).value!.events.length, 8, 'its buffered events are still delivered');
    await assert.rejects(stuck.next(), (e) => isStoreError(e, 'watchCancelled') && /revisions behind/.test(e.message));
    assert.equal((await drain(reading)).length, 20);
  });

  it('refuses to start a watch from a compacted revision, with the compact revision', () => {
    const store = new MvccStore();
    for (let i = 0; i < 10; i++) store.put('/registry/pods/default/p', String(i));
    store.compact(6);
    assert.throws(() => store.watch({ key: prefix, end, sinceRevision: 5 }), (e) => isStoreError(e, 'compacted') && e.compactRevision === 6 && /compacted/.test(e.message));
    assert.doesNotThrow(() => store.watch({ key: prefix, end, sinceRevision: 6 }).cancel());
  });

  it('starts a watch at a future revision and reports progress at the current revision', async () => {
    const store = new MvccStore();
    store.put('/registry/pods/default/a', '1');
    const w = store.watch({ key: prefix, end, sinceRevision: 3 });
    for (let i = 2; i <= 5; i++) store.put('/registry/pods/default/a', String(i));
    const r = (await w.next()).value!;
    assert.deepEqual(r.events.map((e) => e.kv.modRevision), [4, 5]);
    assert.equal(r.revision, 5);
    store.put('/registry/configmaps/default/c', 'x');
    w.requestProgress();
    assert.deepEqual((await w.next()).value, { events: [], revision: 6, progressNotify: true });
  });

  it('watches one key or a [key, end) range, each watch independently of the others on the same key', async () => {
    const store = new MvccStore();
    const key = '/registry/pods/default/b';
    const a = store.watch({ key });
    const b = store.watch({ key });
    const range = store.watch({ key: '/registry/pods/default/a', end: '/registry/pods/default/c' });
    for (const k of ['a', 'b', 'bb', 'c']) store.put(`/registry/pods/default/${k}`, k);
    a.cancel();
    store.put(key, 'again');
    assert.deepEqual((await b.next()).value!.events.map((e) => e.kv.value), ['b', 'again']);
    assert.deepEqual((await range.next()).value!.events.map((e) => e.kv.value), ['a', 'b', 'bb', 'again'], '[a, c) excludes c');
    assert.equal(a.closed, true);
    assert.deepEqual(store.watchCounts, { synced: 2, unsynced: 0 });
  });

  it('holds commits back from reads and watches until they are marked durable, in order', async () => {
    const store = new MvccStore({ watchBufferLimit: 2 });
    store.holdCommitsUntilDurable();
    const live = store.watch({ key: prefix, end });
    for (let i = 1; i <= 5; i++) store.put(`${prefix}default/p-${i}`, String(i));
    assert.equal(store.revision, 0);
    assert.equal(store.appliedRevision, 5);
    assert.equal(store.range(prefix, { end }).count, 0);
    assert.throws(() => store.get(`${prefix}default/p-1`, 3), (e) => isStoreError(e, 'futureRevision'));
    store.markDurable(3);
    assert.equal(store.range(prefix, { end }).count, 3);
    // A watch resumed from the start catches up from history, but only as far as what is durable.
    const resumed = store.watch({ key: prefix, end, sinceRevision: 0 });
    const replayed = store.watch({ key: prefix, end, sinceRevision: 1 });
    assert.deepEqual((await drain(replayed)).map((e) => e.kv.modRevision), [2, 3]);
    assert.deepEqual((await drain(live)).map((e) => e.kv.modRevision), [1, 2, 3]);
    store.markDurable(5);
    assert.deepEqual((await drain(replayed)).map((e) => e.kv.modRevision), [4, 5]);
    assert.deepEqual((await drain(live)).map((e) => e.kv.modRevision), [4, 5]);
    assert.deepEqual((await drain(resumed)).map((e) => e.kv.modRevision), [4, 5], 'a watch from "now" starts at the visible revision');
  });

  it('ends a pending read as done when its consumer cancels', async () => {
    const store = new MvccStore();
    const w = store.watch({ key: prefix, end });
    const pending = w.next();
    w.cancel();
    assert.deepEqual(await pending, { done: true, value: undefined });
    store.put('/registry/pods/default/a', '1');
    assert.deepEqual(store.watchCounts, { synced: 0, unsynced: 0 });
  });
});
