import assert from 'node:assert/strict';
import { byNamespace } from '../../../engine/client/indexer';
import { Informer } from '../../../engine/client/informer';
import type { KubeObject, ListerWatcher, WatchEvent } from '../../../engine/client/types';
import { runWorkers, WorkQueue } from '../../../engine/client/workqueue';
import { VirtualClock } from '../../../engine/util/clock';

interface Pod extends KubeObject { spec?: { nodeName?: string } }

/** An in-memory resource with a revision log, compaction and droppable watches. */
class FakeResource implements ListerWatcher<Pod> {
  rev = 0;
  compacted = 0;
  objects = new Map<string, Pod>();
  log: { rev: number; event: WatchEvent<Pod> }[] = [];
  watchers = new Set<{ onEvent: (e: WatchEvent<Pod>) => void; onClose: (err?: Error) => void }>();

  write(type: 'ADDED' | 'MODIFIED' | 'DELETED', ns: string, name: string, nodeName?: string) {
    const rev = ++this.rev;
    const obj: Pod = { metadata: { namespace: ns, name, resourceVersion: String(rev) }, spec: { nodeName } };
    if (type === 'DELETED') this.objects.delete(`${ns}/${name}`);
    else this.objects.set(`${ns}/${name}`, obj);
    const event = { type, object: obj };
    this.log.push({ rev, event });
    for (const w of this.watchers) w.onEvent(event);
  }
  async list() {
    return { items: [...this.objects.values()], resourceVersion: String(this.rev) };
  }
  watch(o: { resourceVersion: string }, onEvent: (e: WatchEvent<Pod>) => void, onClose: (err?: Error) => void) {
    const from = Number(o.resourceVersion);
    const w = { onEvent, onClose };
    queueMicrotask(() => {
      if (from < this.compacted) return onClose(Object.assign(new Error('too old resource version'), { code: 410 }));
      for (const l of this.log) if (l.rev > from) onEvent(l.event);
      this.watchers.add(w);
    });
    return { stop: () => this.watchers.delete(w) };
  }
  dropWatches(err?: Error) {
    for (const w of [...this.watchers]) { this.watchers.delete(w); w.onClose(err); }
  }
}

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('Informer', () => {
  it('given existing pods, lists them, then sees later changes, with indexes kept current', async () => {
    const clock = new VirtualClock();
    const res = new FakeResource();
    res.write('ADDED', 'shop', 'web-1', 'worker-1');
    res.write('ADDED', 'default', 'x', 'worker-2');
    const inf = new Informer(res, { clock, indexers: { namespace: byNamespace, node: (p: Pod) => [p.spec?.nodeName ?? ''] } });
    const seen: string[] = [];
    inf.addEventHandler({ onAdd: (p) => seen.push(`add ${p.metadata!.name}`), onUpdate: (_, p) => seen.push(`update ${p.metadata!.name}`), onDelete: (p) => seen.push(`delete ${p.metadata!.name}`) });
    inf.start();
    await inf.waitForSync();
    await tick();
    res.write('MODIFIED', 'shop', 'web-1', 'worker-3');
    res.write('DELETED', 'default', 'x');
    assert.deepEqual(seen, ['add web-1', 'add x', 'update web-1', 'delete x']);
    assert.deepEqual(inf.store.byIndex('node', 'worker-3').map((p) => p.metadata!.name), ['web-1']);
    assert.equal(inf.store.countByIndex('node', 'worker-1'), 0);
    assert.equal(inf.store.countByIndex('namespace', 'default'), 0);
    inf.stop();
  });

  it('when the watch drops, resumes from the last version: no gap, no duplicate', async () => {
    const clock = new VirtualClock();
    const res = new FakeResource();
    const inf = new Informer(res, { clock });
    const seen: string[] = [];
    inf.addEventHandler({ onAdd: (p) => seen.push(p.metadata!.resourceVersion!), onUpdate: (_, p) => seen.push(p.metadata!.resourceVersion!) });
    inf.start();
    await inf.waitForSync();
    await tick();
    res.write('ADDED', 'a', 'p1');
    res.dropWatches();
    res.write('MODIFIED', 'a', 'p1'); // happens while nobody watches
    clock.advance(0);
    await tick();
    res.write('MODIFIED', 'a', 'p1');
    assert.deepEqual(seen, ['1', '2', '3']);
    assert.equal(inf.stats.lists, 1);
    assert.equal(inf.stats.watches, 2);
  });

  it('when the version is compacted (410), relists and reports only what differs', async () => {
    const clock = new VirtualClock();
    const res = new FakeResource();
    res.write('ADDED', 'a', 'keep');
    res.write('ADDED', 'a', 'gone');
    res.write('ADDED', 'a', 'changed');
    const inf = new Informer(res, { clock });
    const seen: string[] = [];
    inf.addEventHandler({ onAdd: (p) => seen.push(`add ${p.metadata!.name}`), onUpdate: (_, p) => seen.push(`update ${p.metadata!.name}`), onDelete: (p) => seen.push(`delete ${p.metadata!.name}`) });
    inf.start();
    await inf.waitForSync();
    await tick();
    seen.length = 0;
    res.dropWatches();
    res.write('DELETED', 'a', 'gone');
    res.write('MODIFIED', 'a', 'changed');
    res.write('ADDED', 'a', 'new');
    res.compacted = res.rev; // history the informer needs is gone
    await clock.advanceAsync(1000);
    assert.deepEqual(seen.sort(), ['add new', 'delete gone', 'update changed']);
    assert.equal(inf.stats.lists, 2);
    assert.deepEqual([...inf.store.keys()].sort(), ['a/changed', 'a/keep', 'a/new']);
  });
});

describe('WorkQueue', () => {
  it('processes a key queued many times once, and never by two workers at once', () => {
    const clock = new VirtualClock();
    const q = new WorkQueue(clock);
    for (let i = 0; i < 5; i++) q.add('shop/web');
    q.add('shop/api');
    assert.equal(q.length, 2);
    const k1 = q.take();
    q.add('shop/web'); // changed while being processed
    const k2 = q.take();
    assert.deepEqual([k1, k2], ['shop/web', 'shop/api']);
    assert.equal(q.length, 0, 'a key in processing is not handed out again');
    q.done('shop/web');
    assert.equal(q.length, 1, 'but it is queued again once done');
  });

  it('retries a failing key with exponential back-off on the clock, and forgets it after success', async () => {
    const clock = new VirtualClock(0);
    const q = new WorkQueue<string>(clock, { baseDelayMs: 10 });
    const attempts: number[] = [];
    let failUntil = 3;
    const done = runWorkers(q, 1, (key) => { attempts.push(clock.now()); if (attempts.length < failUntil) throw new Error(`sync ${key} failed`); });
    q.add('k');
    await tick();
    for (let t = 0; t < 100; t += 5) { clock.advance(5); await tick(); }
    assert.deepEqual(attempts, [0, 10, 30]); // 10 ms, then 20 ms
    assert.equal(q.numRequeues('k'), 0);
    failUntil = 0;
    q.shutDown();
    await done;
  });

  it('runs as many keys at once as it has workers, starting them as keys come, and ends after shutdown once the last sync has', async () => {
    const q = new WorkQueue<string>(new VirtualClock());
    const running = new Set<string>();
    let most = 0;
    const release = new Map<string, () => void>();
    const done = runWorkers(q, 3, async (key) => {
      running.add(key);
      most = Math.max(most, running.size);
      await new Promise<void>((resolve) => release.set(key, resolve));
      running.delete(key);
    });
    let ended = false;
    void done.then(() => (ended = true));
    q.add('a');
    assert.equal(running.size, 0, 'a sync never starts inside the add that queued its key');
    await tick();
    assert.deepEqual([...running], ['a']);
    for (const k of ['b', 'c', 'd', 'e']) q.add(k);
    await tick();
    assert.deepEqual([...running].sort(), ['a', 'b', 'c'], 'three workers, three keys at once');
    release.get('a')!();
    await tick();
    assert.deepEqual([...running].sort(), ['b', 'c', 'd'], 'a worker that finishes takes the next key');
    q.shutDown();
    for (const k of ['b', 'c', 'd']) release.get(k)!();
    await tick();
    assert.deepEqual([...running], ['e'], 'what was queued before the shutdown is still processed');
    assert.equal(ended, false);
    release.get('e')!();
    await tick();
    assert.equal(ended, true);
    assert.equal(most, 3);

    const idle = new WorkQueue<string>(new VirtualClock());
    const idleDone = runWorkers(idle, 2, () => {});
    idle.shutDown();
    await idleDone;
  });
});
