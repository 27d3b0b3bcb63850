import assert from 'node:assert/strict';
import { MvccStore, isStoreError, prefixEnd, registryKey } from '../../../engine/store/index';
import { SortedIndex } from '../../../engine/store/sorted-index';
import { Random } from '../../../engine/util/random';

const pods = '/registry/pods/';
const pod = (ns: string, name: string) => registryKey({ resource: 'pods', namespace: ns, name });

describe('MvccStore: revisions', () => {
  it('gives every write the next global revision and tracks createRevision, modRevision and version per key', () => {
    const s = new MvccStore();
    const a1 = s.put(pod('default', 'web-1'), '{"v":1}').kv;
    const b1 = s.put(registryKey({ resource: 'deployments', namespace: 'shop', name: 'web' }), '{}').kv;
    const a2 = s.put(pod('default', 'web-1'), '{"v":2}');
    assert.deepEqual([a1.createRevision, a1.modRevision, a1.version], [1, 1, 1]);
    assert.equal(b1.key, '/registry/deployments/shop/web');
    assert.deepEqual([a2.kv.createRevision, a2.kv.modRevision, a2.kv.version], [1, 3, 2]);
    assert.equal(a2.prevKv, a1);
    assert.equal(s.revision, 3);
  });

  it('resets version and createRevision when a deleted key is created again', () => {
    const s = new MvccStore();
    s.put('/k', 'a');
    s.put('/k', 'b');
    const { deleted } = s.deleteRange('/k');
    assert.equal(deleted[0]!.version, 2);
    assert.equal(s.get('/k'), undefined);
    const again = s.put('/k', 'c').kv;
    assert.deepEqual([again.createRevision, again.modRevision, again.version], [4, 4, 1]);
  });

  it('does not spend a revision on a delete of a missing key', () => {
    const s = new MvccStore();
    s.put('/a', 'x');
    assert.deepEqual(s.deleteRange('/missing').deleted, []);
    assert.equal(s.revision, 1);
  });

  it('reads a key as it was at a past revision, and refuses compacted and future revisions distinctly', () => {
    const s = new MvccStore();
    s.put('/k', 'v1');
    s.put('/k', 'v2');
    s.deleteRange('/k');
    s.put('/k', 'v4');
    assert.equal(s.get('/k', 1)!.value, 'v1');
    assert.equal(s.get('/k', 2)!.value, 'v2');
    assert.equal(s.get('/k', 3), undefined);
    s.compact(2);
    assert.equal(s.get('/k', 2)!.value, 'v2', 'the compact revision itself stays readable');
    assert.throws(() => s.get('/k', 1), (e) => isStoreError(e, 'compacted') && e.compactRevision === 2);
    assert.throws(() => s.get('/k', 9), (e) => isStoreError(e, 'futureRevision') && e.currentRevision === 4);
  });
});

describe('MvccStore: compaction in steps', () => {
  it('steps toward a target a bounded number of events at a time, never splitting a revision, reading the same after', () => {
    const s = new MvccStore();
    for (let i = 0; i < 100; i++) s.put(`/k${i % 10}`, `v${i}`);
    // One transaction of three puts: one revision of three events.
    s.txn({ success: [0, 1, 2].map((i) => ({ type: 'put' as const, key: `/t${i}`, value: 'x' })) });
    for (let i = 0; i < 20; i++) s.put('/k0', `w${i}`);
    const target = s.revision - 5;
    assert.equal(s.compactionStep(target, 1000), target, 'a small backlog goes in one step');
    assert.equal(s.compactionStep(target, 30), 30, 'thirty events: up to revision 30');
    assert.equal(s.compactionStep(target, 102), 101, 'a step ending inside a revision takes the whole revision');
    const before = new Map([...Array(10).keys()].map((i) => [`/k${i}`, s.get(`/k${i}`)!.value]));
    const steps: number[] = [];
    while (s.compactRevision < target) {
      const step = s.compactionStep(target, 25);
      assert.ok(step > s.compactRevision && step <= target);
      s.compact(step);
      steps.push(step);
    }
    assert.deepEqual(steps, [25, 50, 75, 100, target]);
    for (const [k, v] of before) assert.equal(s.get(k)!.value, v);
    assert.equal(s.historyLength, s.revision - target);
  });

  it('names the newest revision every watch has read as the most it can compact without cancelling one', () => {
    const s = new MvccStore();
    for (let i = 0; i < 10; i++) s.put('/k', `v${i}`);
    assert.equal(s.watchedRevision, 10);
    const behind = s.watch({ key: '/k', sinceRevision: 4 });
    assert.equal(s.watchedRevision, 4, 'a watch that has not read past revision 4');
    behind.cancel();
    assert.equal(s.watchedRevision, 10);
  });
});

describe('MvccStore: range', () => {
  function seeded(): MvccStore {
    const s = new MvccStore();
    for (const ns of ['kube-system', 'default', 'shop']) for (let i = 0; i < 5; i++) s.put(pod(ns, `p-${i}`), `${ns}/${i}`);
    s.put(registryKey({ resource: 'services', namespace: 'default', name: 'web' }), '{}');
    return s;
  }

  it('lists a prefix in key order with a count independent of the limit', () => {
    const s = seeded();
    const r = s.range(pod('default', ''), { end: prefixEnd(pod('default', '')), limit: 3 });
    assert.deepEqual(r.kvs.map((kv) => kv.key), ['/registry/pods/default/p-0', '/registry/pods/default/p-1', '/registry/pods/default/p-2']);
    assert.equal(r.more, true);
    assert.equal(r.count, 5);
    assert.equal(r.revision, 16);
  });

  it('pages through a prefix with continuation keys, at one revision, while writes go on', () => {
    const s = seeded();
    const seen: string[] = [];
    let after: string | undefined;
    let at = 0;
    for (;;) {
      const r = s.range(after === undefined ? pods : `${after}\0`, { end: prefixEnd(pods), limit: 4, revision: at });
      at ||= r.revision;
      seen.push(...r.kvs.map((kv) => kv.key));
      s.put(pod('aaa', `new-${seen.length}`), 'x'); // written after the first page: not in this list
      if (!r.more) break;
      after = r.kvs[r.kvs.length - 1]!.key;
    }
    assert.equal(seen.length, 15);
    assert.deepEqual(seen, [...seen].sort());
    assert.ok(seen.every((k) => !k.includes('/aaa/')));
  });

  it('counts without returning key-values, and reads a range as of a past revision', () => {
    const s = seeded();
    s.deleteRange(pod('shop', ''), prefixEnd(pod('shop', '')));
    assert.equal(s.range(pods, { end: prefixEnd(pods), countOnly: true }).count, 10);
    assert.deepEqual(s.range(pods, { end: prefixEnd(pods), countOnly: true }).kvs, []);
    assert.equal(s.range(pods, { end: prefixEnd(pods), revision: 16 }).count, 15);
  });
});

describe('MvccStore: transactions', () => {
  it('applies the success branch atomically as one revision when every compare holds', () => {
    const s = new MvccStore();
    s.put('/a', '1');
    const r = s.txn({
      compare: [{ key: '/a', target: 'version', result: '=', value: 1 }, { key: '/b', target: 'createRevision', result: '=', value: 0 }],
      success: [{ type: 'put', key: '/b', value: '2' }, { type: 'delete', key: '/a' }, { type: 'range', key: '/b' }],
      failure: [{ type: 'put', key: '/never', value: 'x' }],
    });
    assert.equal(r.succeeded, true);
    assert.equal(r.revision, 2);
    assert.equal(s.get('/b')!.modRevision, 2);
    assert.equal(s.get('/a'), undefined);
    const read = r.responses[2]!;
    assert.ok(read.type === 'range' && read.kvs[0]!.value === '2', 'a read in the transaction sees its earlier writes');
  });

  it('runs the else branch when a compare fails, and compares values', () => {
    const s = new MvccStore();
    s.put('/a', 'old');
    const r = s.txn({
      compare: [{ key: '/a', target: 'value', result: '=', value: 'new' }],
      success: [{ type: 'delete', key: '/a' }],
      failure: [{ type: 'range', key: '/a' }],
    });
    assert.equal(r.succeeded, false);
    assert.equal(r.revision, 1, 'a read-only branch spends no revision');
    const read = r.responses[0]!;
    assert.ok(read.type === 'range' && read.kvs[0]!.value === 'old');
  });

  it('rejects a transaction that writes the same key twice, as etcd does', () => {
    const s = new MvccStore();
    assert.throws(
      () => s.txn({ success: [{ type: 'put', key: '/registry/pods/a', value: '1' }, { type: 'delete', key: '/registry/', end: prefixEnd('/registry/') }] }),
      (e) => isStoreError(e, 'invalidRequest') && /duplicate key given in txn request/.test(e.message),
    );
    assert.equal(s.revision, 0);
  });

  it('applies nothing when a read in the transaction asks for a compacted revision', () => {
    const s = new MvccStore();
    for (let i = 0; i < 5; i++) s.put('/a', String(i));
    s.compact(4);
    assert.throws(() => s.txn({ success: [{ type: 'put', key: '/b', value: 'x' }, { type: 'range', key: '/a', revision: 2 }] }), (e) => isStoreError(e, 'compacted'));
    assert.equal(s.get('/b'), undefined);
    assert.equal(s.revision, 5);
    s.put('/c', 'y');
    assert.equal(s.get('/c')!.modRevision, 6, 'no half-applied write lingers into the next revision');
  });

  it('counts the request limit in UTF-8 bytes, not characters', () => {
    const s = new MvccStore();
    // 2 bytes each: 1.2 MB of UTF-8 in 600,000 characters fits; 1.6 MB in 800,000 does not.
    s.put('/registry/configmaps/default/accents', 'é'.repeat(600_000));
    assert.throws(() => s.put('/registry/configmaps/default/more', 'é'.repeat(800_000)), (e) => isStoreError(e, 'requestTooLarge') && /\(1600\d{3} bytes, limit 1572864\)/.test(e.message));
    assert.throws(() => s.txn({ success: [{ type: 'put', key: '/a', value: 'é'.repeat(400_000) }, { type: 'put', key: '/b', value: 'é'.repeat(400_000) }] }), (e) => isStoreError(e, 'requestTooLarge'));
    s.txn({ success: [{ type: 'put', key: '/a', value: 'é'.repeat(300_000) }, { type: 'put', key: '/b', value: 'é'.repeat(300_000) }] });
    assert.equal(s.revision, 2, 'the two writes that fit, and nothing of those that did not');
  });

  it('refuses a write larger than the request limit, as etcd refuses oversized objects', () => {
    const s = new MvccStore();
    const mib = 'x'.repeat(1024 * 1024);
    s.put('/registry/configmaps/default/big', mib);
    assert.throws(() => s.put('/registry/configmaps/default/huge', mib + mib), (e) => isStoreError(e, 'requestTooLarge') && /etcdserver: request is too large/.test(e.message));
    assert.throws(
      () => s.txn({ success: [{ type: 'put', key: '/a', value: mib }, { type: 'put', key: '/b', value: mib }] }),
      (e) => isStoreError(e, 'requestTooLarge'),
    );
    assert.equal(s.revision, 1);
    assert.throws(() => new MvccStore({ maxRequestBytes: 100 }).put('/k', 'é'.repeat(60)), (e) => isStoreError(e, 'requestTooLarge'), 'a custom limit counts UTF-8 bytes');
  });

  it('rejects an empty key, as etcd does', () => {
    const s = new MvccStore();
    assert.throws(() => s.put('', 'x'), (e) => isStoreError(e, 'invalidRequest') && e.message === 'etcdserver: key is not provided');
    assert.throws(() => s.txn({ success: [{ type: 'put', key: '', value: 'x' }] }), (e) => isStoreError(e, 'invalidRequest'));
    assert.equal(s.revision, 0);
  });
});

describe('MvccStore: compaction', () => {
  it('keeps the latest revision of each live key and drops deleted keys and older revisions', () => {
    const s = new MvccStore();
    s.put('/live', 'v1');
    s.put('/live', 'v2');
    s.put('/gone', 'x');
    s.deleteRange('/gone');
    s.put('/later', 'y');
    s.compact(4);
    assert.equal(s.get('/live', 4)!.value, 'v2');
    assert.equal(s.range('/', { end: prefixEnd('/'), revision: 4 }).count, 1);
    assert.equal(s.historyLength, 1, 'only the event after the compact revision is kept');
    assert.throws(() => s.compact(3), (e) => isStoreError(e, 'compacted'));
    assert.throws(() => s.compact(99), (e) => isStoreError(e, 'futureRevision'));
  });

  it('keeps memory bounded: after compaction a key rewritten many times holds one revision', () => {
    const s = new MvccStore();
    for (let i = 0; i < 10_000; i++) s.put(`/k/${i % 10}`, String(i));
    s.compact(s.revision);
    assert.equal(s.historyLength, 0);
    for (let i = 0; i < 10; i++) assert.equal(s.range(`/k/${i}`).kvs[0]!.version, 1000);
  });
});

describe('MvccStore: reads at past revisions against a model (seeded)', () => {
  it('answers every revision since the last compaction exactly as the state was then', () => {
    const rnd = new Random(42);
    const s = new MvccStore();
    // The model: the whole key space as it was after each revision.
    const states: Map<string, string>[] = [new Map()];
    let current = new Map<string, string>();
    const keys = Array.from({ length: 30 }, (_, i) => `/registry/pods/ns-${i % 4}/p-${i}`);
    for (let step = 0; step < 600; step++) {
      const before = s.revision;
      const key = keys[rnd.int(keys.length)]!;
      const next = new Map(current);
      const dice = rnd.int(10);
      if (dice < 6) {
        s.put(key, `v${step}`);
        next.set(key, `v${step}`);
      } else if (dice < 8) {
        s.deleteRange(key);
        next.delete(key);
      } else {
        const ns = `/registry/pods/ns-${rnd.int(4)}/`;
        s.deleteRange(ns, prefixEnd(ns));
        for (const k of next.keys()) if (k.startsWith(ns)) next.delete(k);
      }
      if (s.revision !== before) {
        states.push(next);
        current = next;
      }
      if (step % 150 === 149) s.compact(s.revision - 20);
      for (let probe = 0; probe < 3; probe++) {
        const at = s.compactRevision + rnd.int(s.revision - s.compactRevision + 1);
        if (at === 0) continue;
        const got = s.range('/registry/', { end: prefixEnd('/registry/')!, revision: at }).kvs.map((kv) => `${kv.key}=${String(kv.value)}`);
        const want = [...states[at]!].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`);
        assert.deepEqual(got, want, `range at revision ${at} (compacted at ${s.compactRevision})`);
      }
    }
    assert.ok(s.compactRevision > 0);
    assert.throws(() => s.range('/registry/', { end: prefixEnd('/registry/')!, revision: s.compactRevision - 1 }), (e) => isStoreError(e, 'compacted'));
  });
});

describe('SortedIndex', () => {
  it('keeps entries in key order through random inserts and deletes across many chunks', () => {
    const rnd = new Random(7);
    const index = new SortedIndex<{ key: string }>();
    const model = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      const k = `/registry/pods/ns-${rnd.int(20)}/${rnd.suffix(4)}`;
      if (rnd.int(4) === 0) assert.equal(index.delete(k), model.delete(k));
      else assert.equal(index.add({ key: k }), !model.has(k) && (model.add(k), true));
    }
    const sorted = [...model].sort();
    assert.equal(index.size, sorted.length);
    assert.deepEqual([...index.range('', undefined)].map((e) => e.key), sorted);
    const prefix = '/registry/pods/ns-1/';
    assert.deepEqual([...index.range(prefix, prefixEnd(prefix))].map((e) => e.key), sorted.filter((k) => k.startsWith(prefix)));
    assert.equal(index.get(sorted[100]!)?.key, sorted[100]);
    assert.equal(index.get('/registry/pods/ns-1/none'), undefined);
  });
});
