// ResourceStorage.decodeWritten: what a write returns is built from the object it stored instead of
// parsing the stored text again, and must be exactly what decoding that text gives, key order and all.
// And the shared decodes the server's own lookups read: one frozen object per stored version.
import assert from 'node:assert/strict';
import { kinds } from '../../../engine/api/kinds/index';
import { isJsonValue, jsonCopy, ResourceStorage } from '../../../engine/apiserver/registry/resource';
import { strategyFor } from '../../../engine/apiserver/registry/strategy';
import { Store, type KeyValue } from '../../../engine/store/index';

type Obj = Record<string, any>;

/** The object's JSON text with every object's keys in order, so key order counts in comparisons. */
const text = (v: unknown) => JSON.stringify(v);

describe('ResourceStorage.decodeWritten', () => {
  const info = kinds().lookup('v1', 'ConfigMap')!;
  const storage = new ResourceStorage(info, strategyFor(info, false), Store.inMemory());
  const kvOf = (obj: Obj): KeyValue => ({ key: storage.key('shop', 'cfg'), value: storage.encode(obj), createRevision: 3, modRevision: 7, version: 2, lease: 0 });

  const cases: [string, () => Obj][] = [
    ['a plain object', () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'shop', resourceVersion: '5', labels: { a: '1' } }, data: { x: 'y' } })],
    ['kind and apiVersion missing, resourceVersion first', () => ({ metadata: { resourceVersion: '5', name: 'cfg' }, data: { b: '2', a: '1' } })],
    ['undefined members and array items', () => ({ metadata: { name: 'cfg', finalizers: undefined, annotations: { gone: undefined, kept: 'v' } }, data: { list: [1, undefined, 3] } })],
    ['numbers JSON cannot hold', () => ({ metadata: { name: 'cfg' }, spec: { nan: Number.NaN, inf: -Infinity, negZero: -0, big: 1e21, small: 5e-324 } })],
    ['integer-like keys, which objects order first', () => ({ metadata: { name: 'cfg' }, data: { b: '1', '10': 'x', '2': 'y', a: 'z' } })],
    ['a date, functions and symbols', () => ({ metadata: { name: 'cfg', creationTimestamp: new Date(Date.UTC(2026, 0, 1)) }, spec: { f: () => 1, s: Symbol('s'), arr: [() => 1, Symbol('t')] } })],
    ['a __proto__ member', () => JSON.parse('{"metadata":{"name":"cfg"},"data":{"__proto__":{"polluted":"yes"}}}')],
    ['shared subtrees', () => {
      const shared = { k: 'v' };
      return { metadata: { name: 'cfg', labels: shared }, spec: { a: shared, b: [shared, shared] } };
    }],
    ['no metadata at all', () => ({ data: { a: '1' } })],
    ['an object whose prototype has enumerable members, which JSON leaves out', () => {
      const data = Object.create({ inherited: 'no' }) as Obj;
      data.own = 'yes';
      return { metadata: { name: 'cfg' }, data, spec: { bare: Object.assign(Object.create(null), { a: 1 }) } };
    }],
  ];
  for (const [name, make] of cases) {
    it(`equals decoding the stored text: ${name}`, () => {
      const obj = make();
      const kv = kvOf(obj);
      const written = storage.decodeWritten(obj, kv);
      const decoded = storage.decode(kv);
      assert.deepStrictEqual(written, decoded);
      assert.equal(text(written), text(decoded));
      assert.equal(Object.getPrototypeOf(written.data ?? {}), Object.prototype);
    });
  }

  it('returns a copy: changing it leaves the stored object alone, and shared subtrees come apart', () => {
    const shared = { k: 'v' };
    const obj: Obj = { metadata: { name: 'cfg', labels: shared }, spec: { a: shared } };
    const written = storage.decodeWritten(obj, kvOf(obj));
    written.metadata.labels.k = 'changed';
    assert.equal(shared.k, 'v');
    assert.equal(written.spec.a.k, 'v');
    assert.equal(obj.metadata.resourceVersion, undefined);
  });

  it('decodes the key-value a write is storing from the object written, as a fresh copy equal to the parsed text', () => {
    const own = new ResourceStorage(info, strategyFor(info, false), Store.inMemory());
    for (const [name, make] of cases) {
      const obj = make();
      const kv = kvOf(obj);
      const parsed = own.decode(kv);
      own.noteWritten(kv.key, kv.value, obj);
      const first = own.decode(kv);
      const second = own.decode(kv);
      assert.equal(text(first), text(parsed), name);
      assert.deepStrictEqual(first, parsed, name);
      assert.notEqual(first, second, `${name}: each decode is its own copy`);
      first.metadata.changed = true;
      assert.equal(own.decode(kv).metadata.changed, undefined, name);
    }
    // A reader that only looks gets the object being written itself.
    const looked = { metadata: { name: 'cfg' }, data: { v: 'looked' } };
    const lookedKv = kvOf(looked);
    own.noteWritten(lookedKv.key, lookedKv.value, looked);
    assert.equal(own.peek(lookedKv), looked);
    // A key-value with other text at that key (another writer won the race) is decoded from its text.
    const noted = { metadata: { name: 'cfg' }, data: { v: 'noted' } };
    own.noteWritten(storage.key('shop', 'cfg'), storage.encode(noted), noted);
    assert.equal(own.decode(kvOf({ metadata: { name: 'cfg' }, data: { v: 'stored' } })).data.v, 'stored');
    assert.equal(own.peek(kvOf({ metadata: { name: 'cfg' }, data: { v: 'stored' } })).data.v, 'stored');
  });

  it('decodeToShare equals decode, and shares the written members only when they are JSON values already', () => {
    const own = new ResourceStorage(info, strategyFor(info, false), Store.inMemory());
    const clean = new Set(['a plain object', 'kind and apiVersion missing, resourceVersion first', 'integer-like keys, which objects order first', 'a __proto__ member', 'shared subtrees', 'no metadata at all']);
    for (const [name, make] of cases) {
      const obj = make();
      const kv = kvOf(obj);
      const parsed = own.decode(kv);
      own.noteWritten(kv.key, kv.value, obj);
      const toShare = own.decodeToShare(kv);
      assert.equal(text(toShare), text(parsed), name);
      assert.deepStrictEqual(toShare, parsed, name);
      const body = (o: Obj) => o.data ?? o.spec;
      assert.equal(body(toShare) === body(obj), clean.has(name), `${name}: ${clean.has(name) ? 'shares' : 'copies'} the written members`);
      assert.equal(obj.metadata?.resourceVersion, make().metadata?.resourceVersion, `${name}: the written object keeps its own metadata`);
    }
    // Not the key-value being written (another writer's text): parsed, as decode does.
    const other = { metadata: { name: 'cfg' }, data: { v: 'stored' } };
    assert.equal(own.decodeToShare(kvOf(other)).data.v, 'stored');
  });

  it('isJsonValue tells what JSON keeps as it is', () => {
    const yes: unknown[] = ['s', true, 0, 1.5, null, [], [1, 'a', null, { b: [true] }], { a: { b: 'c' } }, Object.create(null) as unknown, JSON.parse('{"__proto__":{"x":1}}')];
    const no: unknown[] = [undefined, -0, Number.NaN, Infinity, () => 1, Symbol('s'), 1n, [1, undefined], new Array(2), { a: undefined }, { d: new Date(0) }, { toJSON: () => 1 }, Object.create({ inherited: 1 }) as unknown, new Map()];
    for (const v of yes) assert.equal(isJsonValue(v), true, String(JSON.stringify(v)));
    for (const v of no) assert.equal(isJsonValue(v), false, String(v));
  });

  it('jsonCopy of a scalar or an array matches JSON too', () => {
    for (const v of [1, -0, Number.NaN, 'x', null, true, [undefined, Number.POSITIVE_INFINITY, { a: undefined }]]) {
      assert.deepStrictEqual(jsonCopy(v), JSON.parse(JSON.stringify(v)));
    }
  });
});

describe('ResourceStorage shared decodes', () => {
  it('decodes each stored version once, frozen all the way down, and a new version anew', async () => {
    const store = Store.inMemory();
    const info = kinds().lookup('v1', 'ConfigMap')!;
    const storage = new ResourceStorage(info, strategyFor(info, false), store);
    await store.put(storage.key('shop', 'cfg'), storage.encode({ metadata: { name: 'cfg', namespace: 'shop', labels: { a: '1' } }, data: { list: 'x' } }));
    const first = storage.getShared('shop', 'cfg')!;
    assert.equal(storage.getShared('shop', 'cfg'), first, 'the same object while the version is the same');
    assert.equal(storage.listShared('shop')[0], first);
    assert.deepStrictEqual(first, storage.get('shop', 'cfg'));
    assert.ok(Object.isFrozen(first) && Object.isFrozen(first.metadata) && Object.isFrozen(first.metadata.labels));
    assert.throws(() => {
      (first.metadata.labels as Obj).a = '2';
    }, TypeError);
    assert.notEqual(storage.get('shop', 'cfg'), storage.get('shop', 'cfg'), 'get still hands out a copy each time');
    await store.put(storage.key('shop', 'cfg'), storage.encode({ metadata: { name: 'cfg', namespace: 'shop', labels: { a: '2' } } }));
    const second = storage.getShared('shop', 'cfg')!;
    assert.notEqual(second, first);
    assert.equal(second.metadata.labels.a, '2');
    assert.equal(storage.getShared('shop', 'missing'), undefined);
  });
});
