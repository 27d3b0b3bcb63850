import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store, isStoreError, prefixEnd, type KeyValue } from '../../../engine/store/index';
import { scanRecords } from '../../../engine/store/record';
import { listSegments } from '../../../engine/store/wal';
import { VirtualClock } from '../../../engine/util/clock';
import { Random } from '../../../engine/util/random';

const prefix = '/registry/';
const everything = { end: prefixEnd(prefix)! };

let root: string;
before(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeside-store-'));
});
after(() => fs.rmSync(root, { recursive: true, force: true }));
/**
 * Tests of formats and recovery logic skip fsync (a test cannot cut the power, and the logic is
 * the same); the tests of group commit and of settling after durability keep it.
 */
const fsync = false;
let dirs = 0;
const freshDir = () => path.join(root, `d${dirs++}`);

/** Everything observable about a store: revisions, every key-value, and reads at past revisions. */
function state(s: Store, pastRevisions: number[] = []): unknown {
  return {
    revision: s.revision,
    compactRevision: s.compactRevision,
    current: s.range(prefix, everything).kvs,
    past: pastRevisions.map((r) => s.range(prefix, { ...everything, revision: r }).kvs),
  };
}

/** A pod-like JSON object of a few hundred bytes. */
function podJson(rnd: Random, name: string): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: rnd.suffix() } }, spec: { containers: [{ name: 'c', image: `nginx:1.${rnd.int(30)}` }] } });
}

/** A seeded mix of creates, updates, deletes, transactions and a compaction; all acknowledged. */
async function workload(s: Store, seed: number, steps: number): Promise<void> {
  const rnd = new Random(seed);
  for (let i = 0; i < steps; i++) {
    const name = `p-${rnd.int(40)}`;
    const key = `/registry/pods/default/${name}`;
    const dice = rnd.int(10);
    if (dice < 5) await s.put(key, podJson(rnd, name));
    else if (dice < 7) await s.delete(key);
    else if (dice < 8) await s.put(`/registry/configmaps/default/${name}`, new Uint8Array([i & 255, 0, 255, 7]));
    else {
      const current = s.get(key);
      await s.txn({ compare: [{ key, target: 'modRevision', result: '=', value: current?.modRevision ?? 0 }], success: [{ type: 'put', key, value: podJson(rnd, name) }, { type: 'delete', key: `/registry/configmaps/default/${name}` }] });
    }
    if (i === Math.floor(steps / 2)) await s.compact(s.revision - 10);
  }
}

describe('Store: durability', () => {
  it('comes back after a restart with the identical state, revisions and history', async () => {
    const dir = freshDir();
    const s = await Store.open({ dir, fsync });
    await workload(s, 1, 300);
    const past = [s.revision - 5, s.revision - 50];
    const before = state(s, past);
    await s.close();
    const reopened = await Store.open({ dir, fsync });
    assert.deepEqual(state(reopened, past), before);
    assert.equal(reopened.recovery.replayed > 0, true);
    const next = await reopened.put('/registry/pods/default/after-restart', '{}');
    assert.equal(next.kv.modRevision, (before as { revision: number }).revision + 1, 'the revision counter continues where it stopped');
    await reopened.close();
  });

  it('comes back with every acknowledged write when the process stops without closing', async () => {
    const dir = freshDir();
    const s = await Store.open({ dir });
    await workload(s, 2, 100);
    const acknowledged = state(s);
    // No close: as if the process were killed after the last promise settled.
    const crashed = await Store.open({ dir });
    assert.deepEqual(state(crashed), acknowledged);
    await crashed.close();
    await s.close();
  });

  it('settles a put, and shows it to reads and watches, only once its record is durable', async () => {
    const dir = freshDir();
    const s = await Store.open({ dir });
    const w = s.watch({ key: '/registry/pods/', end: prefixEnd('/registry/pods/') });
    const seen = w.next();
    const put = s.put('/registry/pods/default/a', 'x');
    assert.equal(s.syncCount, 0, 'applied in memory, not yet synced');
    assert.equal(s.get('/registry/pods/default/a'), undefined, 'not visible before it is durable');
    assert.equal(s.revision, 0);
    const conflicting = await s.create('/registry/pods/default/a', 'y');
    assert.equal(conflicting.succeeded, false, 'yet compare-and-swap already counts it');
    await put;
    assert.equal(s.syncCount, 1);
    assert.equal(s.get('/registry/pods/default/a')?.value, 'x');
    assert.deepEqual((await seen).value!.events.map((e) => e.kv.value), ['x']);
    const segment = (await listSegments(dir))[0]!;
    assert.equal(scanRecords(fs.readFileSync(segment.file), segment.file, 0, false).records.length, 1);
    await s.close();
  });

  it('shares one fsync among many concurrent durable writers (group commit)', async () => {
    const s = await Store.open({ dir: freshDir() });
    await Promise.all(Array.from({ length: 1000 }, (_, i) => s.put(`/registry/pods/default/p-${i}`, `{"i":${i}}`)));
    assert.equal(s.revision, 1000);
    assert.ok(s.syncCount <= 5, `1000 concurrent puts took ${s.syncCount} fsyncs`);
    await s.close();
  });

  it('lets exactly one of many concurrent compare-and-swap writers win', async () => {
    const s = await Store.open({ dir: freshDir() });
    const key = '/registry/deployments/shop/web';
    const { kv } = await s.put(key, '{"replicas":1}');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => s.update(key, `{"replicas":${i + 2}}`, kv.modRevision)));
    const winners = results.filter((r) => r.succeeded);
    assert.equal(winners.length, 1);
    for (const loser of results.filter((r) => !r.succeeded)) assert.deepEqual(loser.current, winners[0]!.kv, 'a loser sees the winner, to retry on');
    assert.equal(s.get(key)!.version, 2);
    assert.equal((await s.create(key, '{}')).succeeded, false, 'create-if-absent fails on an existing key');
    assert.equal((await s.deleteIfUnchanged(key, kv.modRevision)).succeeded, false);
    assert.equal((await s.deleteIfUnchanged(key, winners[0]!.kv!.modRevision)).succeeded, true);
    await s.close();
  });
});

describe('Store: recovery from damaged logs', () => {
  /** A persisted store with `n` single-put revisions, closed; returns its directory and log segment. */
  async function logOf(n: number): Promise<{ dir: string; file: string; states: unknown[] }> {
    const dir = freshDir();
    const s = await Store.open({ dir, fsync });
    const states: unknown[] = [state(s)];
    for (let i = 1; i <= n; i++) {
      await s.put(`/registry/pods/default/p-${i % 3}`, `{"generation":${i}}`);
      states.push(state(s));
    }
    await s.close();
    const segments = await listSegments(dir);
    assert.equal(segments.length, 1);
    return { dir, file: segments[0]!.file, states };
  }

  function copyWith(dir: string, file: string, edit: (buf: Buffer) => Buffer): string {
    const copy = freshDir();
    fs.cpSync(dir, copy, { recursive: true });
    const target = path.join(copy, path.basename(file));
    fs.writeFileSync(target, edit(fs.readFileSync(target)));
    return copy;
  }

  it('truncates a torn last record at every byte offset and recovers the previous revision', async () => {
    const { dir, file, states } = await logOf(4);
    const buf = fs.readFileSync(file);
    const offsets = scanRecords(buf, file, 0, false).records.map((r) => r.offset);
    const lastStart = offsets[offsets.length - 1]!;
    for (let cut = lastStart; cut < buf.length; cut++) {
      const copy = copyWith(dir, file, (b) => b.subarray(0, cut));
      const s = await Store.open({ dir: copy, fsync });
      assert.deepEqual(state(s), states[3], `log cut at byte ${cut}`);
      if (cut > lastStart) assert.deepEqual(s.recovery.truncated, { file: path.join(copy, path.basename(file)), from: cut, to: lastStart });
      if (cut === lastStart + 1 || cut === buf.length - 1) {
        // The log goes on cleanly after the cut.
        await s.put('/registry/pods/default/next', '{}');
        await s.close();
        const again = await Store.open({ dir: copy, fsync });
        assert.equal(again.revision, 4);
        await again.close();
      } else {
        await s.close();
      }
      fs.rmSync(copy, { recursive: true });
    }
  });

  it('recovers exactly the state of some earlier revision when a crash cuts a group-committed batch anywhere', async () => {
    const dir = freshDir();
    const s = await Store.open({ dir, fsync });
    const rnd = new Random(17);
    await Promise.all(
      Array.from({ length: 200 }, async (_, w) => {
        for (let i = 0; i < 3; i++) {
          const key = `/registry/pods/default/p-${rnd.int(60)}`;
          if (rnd.int(5) === 0) await s.delete(key);
          else await s.put(key, podJson(rnd, `${w}-${i}`));
        }
      }),
    );
    const file = (await listSegments(dir))[0]!.file;
    const buf = fs.readFileSync(file);
    for (let probe = 0; probe < 25; probe++) {
      const cut = rnd.int(buf.length);
      const copy = copyWith(dir, file, (b) => b.subarray(0, cut));
      const recovered = await Store.open({ dir: copy, fsync });
      const at = recovered.revision;
      assert.deepEqual(recovered.range(prefix, everything).kvs, at === 0 ? [] : s.range(prefix, { ...everything, revision: at }).kvs, `cut at byte ${cut}`);
      await recovered.close();
      fs.rmSync(copy, { recursive: true });
    }
    await s.close();
  });

  it('treats a sector the crash left unwritten inside the last batch as a torn write, not as damage', async () => {
    const dir = freshDir();
    const s = await Store.open({ dir, fsync });
    await s.put('/registry/pods/default/first', 'acknowledged');
    // One batch of many records, several sectors long.
    await Promise.all(Array.from({ length: 40 }, (_, i) => s.put(`/registry/pods/default/p-${i}`, 'x'.repeat(200))));
    const file = (await listSegments(dir))[0]!.file;
    const buf = fs.readFileSync(file);
    await s.close();
    const offsets = scanRecords(buf, file, 0, false).records.map((r) => r.offset);
    const hole = 2048; // a sector in the middle of the batch, with written sectors after it
    assert.ok(hole + 512 < buf.length - 512);
    const copy = copyWith(dir, file, (b) => b.fill(0, hole, hole + 512));
    const recovered = await Store.open({ dir: copy, fsync });
    // Records that end at or before the hole survive; the one spanning it and all later ones are cut.
    const ends = [...offsets.slice(1), buf.length];
    const intact = ends.filter((end) => end <= hole).length;
    assert.equal(recovered.revision, intact);
    assert.equal(recovered.get('/registry/pods/default/first')?.value, 'acknowledged');
    assert.deepEqual(recovered.recovery.truncated?.to, offsets[intact]);
    await recovered.close();
  });

  it('treats a zero-filled tail (space allocated, never written) as torn', async () => {
    const { dir, file, states } = await logOf(3);
    const copy = copyWith(dir, file, (b) => Buffer.concat([b, Buffer.alloc(100)]));
    const s = await Store.open({ dir: copy, fsync });
    assert.deepEqual(state(s), states[3]);
    await s.close();
  });

  it('refuses to start on a flipped byte anywhere in the log, naming the file and the record offset', async () => {
    const { dir, file } = await logOf(3);
    const buf = fs.readFileSync(file);
    const offsets = scanRecords(buf, file, 0, false).records.map((r) => r.offset);
    const copy = copyWith(dir, file, (b) => b);
    const target = path.join(copy, path.basename(file));
    for (let at = 0; at < buf.length; at++) {
      const damaged = Buffer.from(buf);
      damaged[at]! ^= 0x10;
      fs.writeFileSync(target, damaged);
      const recordStart = offsets.filter((o) => o <= at).pop()!;
      await assert.rejects(Store.open({ dir: copy, fsync }), (e) => {
        assert.ok(isStoreError(e, 'corrupt'), `flip at ${at}: ${String(e)}`);
        assert.equal(e.file, target);
        assert.equal(e.offset, recordStart, `flip at byte ${at}`);
        assert.match(e.message, new RegExp(`at byte offset ${recordStart}`));
        return true;
      });
    }
  });
});

describe('Store: refusing damaged or missing data', () => {
  it('refuses to start when a log segment is missing, naming the record after the gap', async () => {
    const dir = freshDir();
    for (let round = 0; round < 3; round++) {
      // Every start begins a new segment.
      const s = await Store.open({ dir, fsync });
      for (let i = 0; i < 5; i++) await s.put(`/registry/pods/default/p-${i}`, `{"round":${round}}`);
      await s.close();
    }
    const segments = await listSegments(dir);
    assert.equal(segments.length, 3);
    fs.rmSync(segments[1]!.file);
    await assert.rejects(Store.open({ dir }), (e) => isStoreError(e, 'corrupt') && e.file === segments[2]!.file && e.offset === 0 && /revision 11 where revision 6 was expected/.test(e.message));
  });

  it('fails pending writes and refuses new ones once the log cannot be synced, rather than diverge from disk', async () => {
    const s = await Store.open({ dir: freshDir() });
    await s.put('/registry/pods/default/a', '1');
    const probe = await fs.promises.open(path.join(root, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as { datasync: () => Promise<void> };
    await probe.close();
    const datasync = proto.datasync;
    proto.datasync = () => Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' }));
    try {
      await assert.rejects(s.put('/registry/pods/default/b', '2'), (e) => isStoreError(e, 'persistenceFailed') && /EIO/.test(e.message));
    } finally {
      proto.datasync = datasync;
    }
    await assert.rejects(s.put('/registry/pods/default/c', '3'), (e) => isStoreError(e, 'persistenceFailed'));
    assert.equal(s.get('/registry/pods/default/c'), undefined, 'a refused write is not applied');
    await s.close();
  });
});

describe('Store: snapshots', () => {
  it('restores a saved snapshot into a fresh store with identical range results', async () => {
    const s = Store.inMemory();
    const rnd = new Random(5);
    for (let i = 0; i < 2000; i++) await s.put(`/registry/pods/ns-${rnd.int(10)}/p-${rnd.int(500)}`, podJson(rnd, `p-${i}`));
    await s.compact(1500);
    await s.delete('/registry/pods/ns-1/p-1');
    await s.put('/registry/secrets/default/bytes', new Uint8Array([0, 1, 2, 250]));
    const file = path.join(root, 'saved.snap');
    const { revision } = await s.saveSnapshot(file);
    const restored = await Store.restoreSnapshot(file);
    assert.equal(restored.revision, revision);
    for (const ns of ['ns-0', 'ns-7', '']) {
      const p = `/registry/pods/${ns}`;
      assert.deepEqual(restored.range(p, { end: prefixEnd(p)!, limit: 100 }), s.range(p, { end: prefixEnd(p)!, limit: 100 }));
    }
    assert.deepEqual(restored.range(prefix, everything), s.range(prefix, everything));
    assert.deepEqual(restored.get('/registry/secrets/default/bytes')!.value, new Uint8Array([0, 1, 2, 250]));
    // The history since the compact revision travels with the snapshot: past reads and resumed
    // watches behave as they did in the original store.
    assert.equal(restored.compactRevision, 1500);
    for (const at of [1500, 1800, revision - 1]) assert.deepEqual(restored.range(prefix, { ...everything, revision: at }), s.range(prefix, { ...everything, revision: at }));
    assert.throws(() => restored.get('/registry/pods/ns-1/p-1', 1499), (e) => isStoreError(e, 'compacted'));
    const resumed = restored.watch({ key: prefix, end: everything.end, sinceRevision: 1990 });
    assert.deepEqual((await resumed.next()).value!.events.map((e) => e.kv.modRevision), [1991, 1992, 1993, 1994, 1995, 1996, 1997, 1998, 1999, 2000, 2001, 2002].filter((r) => r <= revision));
    const next = await restored.put('/registry/pods/default/new', '{}');
    assert.equal(next.kv.modRevision, revision + 1);
  });

  it('restores a snapshot into an empty directory as a persisted store that survives a restart', async () => {
    const s = Store.inMemory();
    for (let i = 0; i < 30; i++) await s.put(`/registry/pods/default/p-${i % 7}`, String(i));
    const file = path.join(root, 'to-restore.snap');
    await s.saveSnapshot(file);
    const dir = freshDir();
    const restored = await Store.restoreSnapshot(file, { dir, fsync });
    await restored.put('/registry/pods/default/after', 'x');
    await restored.close();
    const reopened = await Store.open({ dir, fsync });
    assert.equal(reopened.revision, 31);
    assert.deepEqual(reopened.range(prefix, everything).kvs.filter((kv) => kv.key !== '/registry/pods/default/after'), s.range(prefix, everything).kvs);
    await reopened.close();
    await assert.rejects(Store.restoreSnapshot(file, { dir, fsync }), (e) => isStoreError(e, 'invalidRequest') && /not empty/.test(e.message));
  });

  it('rejects a damaged or truncated snapshot with its file and offset', async () => {
    const s = Store.inMemory();
    for (let i = 0; i < 50; i++) await s.put(`/registry/pods/default/p-${i}`, `{"i":${i}}`);
    const file = path.join(root, 'good.snap');
    await s.saveSnapshot(file);
    const buf = fs.readFileSync(file);
    const records = scanRecords(buf, file, 8, false).records.map((r) => r.offset);
    const flipAt = records[20]! + 15;
    const flipped = path.join(root, 'flipped.snap');
    const copy = Buffer.from(buf);
    copy[flipAt]! ^= 1;
    fs.writeFileSync(flipped, copy);
    await assert.rejects(Store.restoreSnapshot(flipped), (e) => isStoreError(e, 'corrupt') && e.file === flipped && e.offset === records[20]);
    const truncated = path.join(root, 'truncated.snap');
    fs.writeFileSync(truncated, buf.subarray(0, records[30]!));
    await assert.rejects(Store.restoreSnapshot(truncated), (e) => isStoreError(e, 'corrupt') && e.file === truncated);
  });

  it('snapshots a persisted store periodically, rotates the log, and restarts from snapshot plus log', async () => {
    const dir = freshDir();
    const s = await Store.open({ dir, fsync, snapshotThresholdBytes: 4096 });
    await workload(s, 9, 200);
    await s.snapshotNow(); // let a snapshot that may be in flight finish
    await workload(s, 10, 20);
    const before = state(s);
    await s.close();
    const files = fs.readdirSync(dir);
    assert.equal(files.filter((f) => f.endsWith('.snap')).length, 1, 'older snapshots are deleted');
    assert.ok(files.filter((f) => f.endsWith('.wal')).length <= 2, `old log segments are deleted: ${files.join(' ')}`);
    const reopened = await Store.open({ dir, fsync });
    assert.ok(reopened.recovery.snapshot, 'recovered from a snapshot');
    assert.deepEqual(state(reopened), before);
    await reopened.close();
  });

  it('keeps every acknowledged write when snapshots and log rotations happen in the middle of concurrent writes', async () => {
    const dir = freshDir();
    const s = await Store.open({ dir, fsync, snapshotThresholdBytes: 64 * 1024 });
    const rnd = new Random(3);
    const writers = Array.from({ length: 50 }, async (_, w) => {
      for (let i = 0; i < 40; i++) {
        const key = `/registry/pods/ns-${w % 5}/p-${rnd.int(30)}`;
        if (i % 7 === 6) await s.delete(key);
        else await s.put(key, podJson(rnd, `w${w}-${i}`));
        if (w === 0 && i % 10 === 0) await s.snapshotNow();
      }
    });
    await Promise.all(writers);
    const acknowledged = state(s, [s.revision - 100]);
    // Restart without closing, as after a crash right after the last acknowledgement.
    const reopened = await Store.open({ dir, fsync });
    assert.ok(reopened.recovery.snapshot && reopened.recovery.snapshot.revision > 0);
    assert.deepEqual(state(reopened, [reopened.revision - 100]), acknowledged);
    await reopened.close();
    await s.close();
  });

  it('refuses to start on a damaged snapshot in its directory', async () => {
    const dir = freshDir();
    const s = await Store.open({ dir, fsync });
    for (let i = 0; i < 20; i++) await s.put(`/registry/pods/default/p-${i}`, '{}');
    await s.snapshotNow();
    await s.close();
    const snap = path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.snap'))!);
    const buf = fs.readFileSync(snap);
    buf[buf.length - 3]! ^= 0xff;
    fs.writeFileSync(snap, buf);
    await assert.rejects(Store.open({ dir }), (e) => isStoreError(e, 'corrupt') && e.file === snap);
  });
});

describe('Store: list', () => {
  it('lists a collection page by page at the first page\'s revision, as the API server paginates', async () => {
    const s = Store.inMemory();
    for (let i = 0; i < 25; i++) await s.put(`/registry/pods/default/p-${String(i).padStart(2, '0')}`, String(i));
    await s.put('/registry/pods-other/default/x', 'not a pod');
    const names: string[] = [];
    let page = s.list('/registry/pods/', { limit: 10 });
    const revision = page.revision;
    names.push(...page.kvs.map((kv) => kv.key));
    assert.equal(page.count, 25);
    await s.delete('/registry/pods/default/p-24'); // after the first page: invisible to the list
    while (page.more) {
      page = s.list('/registry/pods/', { limit: 10, after: names[names.length - 1]!, revision });
      names.push(...page.kvs.map((kv) => kv.key));
    }
    assert.equal(names.length, 25);
    assert.equal(names[24], '/registry/pods/default/p-24');
  });
});

describe('Store: watches', () => {
  it('delivers committed writes to watches, and ends them with the closed reason when the store closes', async () => {
    const s = await Store.open({ dir: freshDir() });
    const w = s.watch({ key: '/registry/pods/', end: prefixEnd('/registry/pods/'), prevKv: true });
    await s.put('/registry/pods/default/a', '1');
    await s.put('/registry/pods/default/a', '2');
    const { events } = (await w.next()).value!;
    assert.deepEqual(events.map((e) => [e.kv.value, e.prevKv?.value]), [['1', undefined], ['2', '1']]);
    const pending = assert.rejects(w.next(), (e) => isStoreError(e, 'closed'));
    await s.close();
    await pending;
    assert.throws(() => s.watch({ key: '/x' }), (e) => isStoreError(e, 'closed'));
    await assert.rejects(s.put('/x', 'y'), (e) => isStoreError(e, 'closed'));
  });
});

describe('Store: compaction', () => {
  it('compacts automatically to keep the last N revisions, on the clock', async () => {
    const clock = new VirtualClock(0);
    const s = Store.inMemory({ clock, autoCompaction: { mode: 'revision', retain: 10, intervalMs: 1000 } });
    for (let i = 0; i < 100; i++) await s.put(`/registry/pods/default/p-${i % 7}`, String(i));
    assert.equal(s.compactRevision, 0);
    clock.advance(1000);
    await Promise.resolve();
    assert.equal(s.compactRevision, 90);
    assert.equal(s.mvcc.historyLength, 10);
    await s.close();
  });

  it('compacts automatically to keep the revisions of the last T milliseconds', async () => {
    const clock = new VirtualClock(0);
    const s = Store.inMemory({ clock, autoCompaction: { mode: 'periodic', retainMs: 5000, intervalMs: 1000 } });
    const revisionAt = new Map<number, number>();
    for (let t = 1; t <= 10; t++) {
      await s.put('/registry/leases/kube-system/scheduler', String(t));
      revisionAt.set(clock.now(), s.revision);
      clock.advance(1000);
    }
    // The newest revision at least 5 s old when the last check ran (t = 10 s) was the one at t = 4 s.
    assert.equal(s.compactRevision, revisionAt.get(4000));
    await s.close();
  });

  it('keeps a compaction across a restart', async () => {
    const dir = freshDir();
    const s = await Store.open({ dir, fsync });
    for (let i = 0; i < 30; i++) await s.put('/registry/pods/default/p', String(i));
    await s.compact(25);
    await s.close();
    const reopened = await Store.open({ dir, fsync });
    assert.equal(reopened.compactRevision, 25);
    assert.throws(() => reopened.watch({ key: '/registry/pods/default/p', sinceRevision: 20 }), (e) => isStoreError(e, 'compacted') && e.compactRevision === 25);
    await reopened.close();
  });
});

// Keeps the imported type in use for readers of `state`.
export type { KeyValue };
