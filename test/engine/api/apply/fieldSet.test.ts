// FieldSet keeps its members in a trie whose nodes are shared between sets. Every operation is
// checked here against the same operation on plain sets of joined member keys, on random sets,
// and sharing is checked where it is promised: an operation that changes nothing returns its input.
import assert from 'node:assert/strict';
import { FieldSet, pathSeparator } from '../../../../engine/api/apply/fieldSet';
import { Random } from '../../../../engine/util/random';

const elements = ['f:a', 'f:b', 'f:spec', 'k:{"name":"x"}', 'v:"y"', 'i:2', 'i:10'];

function randomKeys(random: Random, count: number): string[] {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const depth = random.int(4);
    const path: string[] = [];
    for (let d = 0; d <= depth; d++) path.push(elements[random.int(elements.length)]!);
    keys.push(random.int(30) === 0 ? '' : path.join(pathSeparator));
  }
  return keys;
}

const sorted = (s: FieldSet) => [...s.keys()].sort();
const plain = (keys: Iterable<string>) => [...new Set(keys)].sort();

/** EnsureNamedFieldsAreMembers on joined keys: every proper prefix ending in a field element. */
function namedFields(keys: string[]): string[] {
  const out = new Set(keys);
  for (const k of keys) {
    const path = k === '' ? [] : k.split(pathSeparator);
    for (let i = 1; i < path.length; i++) if (path[i - 1]!.startsWith('f:')) out.add(path.slice(0, i).join(pathSeparator));
  }
  return [...out];
}

describe('FieldSet: trie operations agree with plain sets of member keys', () => {
  it('union, difference, intersection, subset, equality, size and named fields on random sets', () => {
    const random = new Random(11);
    for (let round = 0; round < 500; round++) {
      const aKeys = randomKeys(random, random.int(12));
      const bKeys = random.int(4) === 0 ? aKeys.slice(0, random.int(aKeys.length + 1)) : randomKeys(random, random.int(12));
      const a = new FieldSet(aKeys);
      const b = new FieldSet(bKeys);
      const A = new Set(aKeys);
      const B = new Set(bKeys);
      const what = `round ${round}: ${JSON.stringify(aKeys)} / ${JSON.stringify(bKeys)}`;
      assert.deepEqual(sorted(a), plain(aKeys), what);
      assert.equal(a.size, A.size, what);
      assert.equal(a.empty(), A.size === 0, what);
      assert.deepEqual(sorted(a.union(b)), plain([...A, ...B]), `union, ${what}`);
      assert.deepEqual(sorted(a.difference(b)), plain([...A].filter((k) => !B.has(k))), `difference, ${what}`);
      assert.deepEqual(sorted(a.intersection(b)), plain([...A].filter((k) => B.has(k))), `intersection, ${what}`);
      assert.equal(a.isSubsetOf(b), [...A].every((k) => B.has(k)), `subset, ${what}`);
      assert.equal(a.equals(b), A.size === B.size && [...A].every((k) => B.has(k)), `equals, ${what}`);
      assert.equal(a.union(b).size, new Set([...A, ...B]).size, `union size, ${what}`);
      assert.deepEqual(sorted(a.withNamedFieldsAsMembers()), plain(namedFields(aKeys)), `named fields, ${what}`);
      for (const k of [...A, ...B]) assert.equal(a.hasKey(k), A.has(k), `has ${JSON.stringify(k)}, ${what}`);
      // Taking out subtrees: the member itself and everything below it.
      const cut = bKeys.slice(0, 2).filter((k) => k !== '').map((k) => k.split(pathSeparator));
      const below = (k: string) => cut.some((p) => { const j = p.join(pathSeparator); return k === j || k.startsWith(j + pathSeparator); });
      assert.deepEqual(sorted(a.withoutSubtrees(cut)), plain([...A].filter((k) => !below(k))), `without subtrees, ${what}`);
      // The encoding decodes back to the same members (the root's own membership aside).
      assert.deepEqual(sorted(FieldSet.fromFieldsV1(a.toFieldsV1())), plain([...A].filter((k) => k !== '')), `round trip, ${what}`);
    }
  });

  it('a set read from a stored tree answers as its decoded trie does, beside tries and other stored sets', () => {
    const random = new Random(23);
    const stored = (s: FieldSet) => FieldSet.fromStoredFieldsV1(JSON.parse(JSON.stringify(s.toFieldsV1())));
    for (let round = 0; round < 400; round++) {
      // Without the root member, which fieldsV1 cannot hold.
      const a = new FieldSet(randomKeys(random, random.int(12)).filter((k) => k !== ''));
      const b = new FieldSet(randomKeys(random, random.int(6)).filter((k) => k !== ''));
      const what = `round ${round}: ${JSON.stringify(sorted(a))} / ${JSON.stringify(sorted(b))}`;
      for (const [x, y] of [[stored(a), b], [a, stored(b)], [stored(a), stored(b)]] as const) {
        assert.equal(x.empty(), a.empty(), `empty, ${what}`);
        assert.deepEqual(sorted(x.union(y)), sorted(a.union(b)), `union, ${what}`);
        assert.deepEqual(sorted(x.difference(y)), sorted(a.difference(b)), `difference, ${what}`);
        assert.deepEqual(sorted(x.intersection(y)), sorted(a.intersection(b)), `intersection, ${what}`);
        assert.deepEqual(sorted(y.intersection(x)), sorted(b.intersection(a)), `intersection, reversed, ${what}`);
        assert.equal(x.isSubsetOf(y), a.isSubsetOf(b), `subset, ${what}`);
        assert.equal(y.isSubsetOf(x), b.isSubsetOf(a), `subset, reversed, ${what}`);
        assert.equal(x.equals(y), a.equals(b), `equals, ${what}`);
        assert.equal(JSON.stringify(x.union(y).toFieldsV1()), JSON.stringify(a.union(b).toFieldsV1()), `encoding, ${what}`);
      }
      // A stored set that an operation leaves alone is written back as the tree it was read from.
      const s = stored(a);
      assert.equal(s.union(a.intersection(b)).toFieldsV1(), s.toFieldsV1(), what);
    }
  });

  it('writes the stored form without the fields every object has, as a difference with them would', () => {
    const random = new Random(31);
    const stripped = new FieldSet(['f:apiVersion', 'f:kind', 'f:metadata', ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => `f:metadata${pathSeparator}f:${f}`)]);
    const meta = ['f:metadata', 'f:apiVersion', 'f:kind', 'f:metadata\u0000f:name', 'f:metadata\u0000f:labels\u0000f:app', 'f:metadata\u0000f:uid', 'f:metadata\u0000f:labels', 'f:spec\u0000f:a', 'f:apiVersion\u0000f:x', 'f:metadata\u0000f:name\u0000f:y'];
    for (let round = 0; round < 300; round++) {
      const keys = [...randomKeys(random, random.int(8)), ...meta.filter(() => random.int(2) === 0)].filter((k) => k !== '');
      const set = new FieldSet(keys);
      const expected = set.difference(stripped);
      const actual = set.toStrippedFieldsV1();
      assert.equal(JSON.stringify(actual ?? null), JSON.stringify(expected.empty() ? null : expected.toFieldsV1()), JSON.stringify(keys));
      const stored = FieldSet.fromStoredFieldsV1(JSON.parse(JSON.stringify(expected.toFieldsV1())));
      if (!expected.empty()) assert.equal(JSON.stringify(stored.toStrippedFieldsV1()), JSON.stringify(actual), 'a stored set is written as read');
    }
  });

  it('returns its input when an operation changes nothing, so unchanged subtrees keep their encodings', () => {
    const random = new Random(5);
    for (let round = 0; round < 100; round++) {
      const keys = randomKeys(random, 1 + random.int(10));
      const a = new FieldSet(keys);
      const part = new FieldSet(keys.slice(0, random.int(keys.length)));
      assert.equal(a.union(part), a);
      assert.equal(a.union(new FieldSet()), a);
      assert.equal(a.difference(new FieldSet(['f:zzz'])), a);
      const encoded = a.toFieldsV1();
      assert.equal(a.union(part).toFieldsV1(), encoded);
      assert.ok(Object.isFrozen(encoded));
    }
  });

  it('reads a malformed stored tree as the members it does hold', () => {
    const malformed = { 'f:a': { x: 5 }, 'f:b': {}, 'f:c': { 'f:d': 'no' } };
    for (const set of [FieldSet.fromFieldsV1(malformed), FieldSet.fromStoredFieldsV1(malformed)]) {
      assert.equal(set.size, 1);
      assert.ok(set.equals(new FieldSet(['f:b'])));
      assert.deepEqual(sorted(set.union(new FieldSet(['f:e']))), ['f:b', 'f:e']);
    }
    assert.deepEqual(FieldSet.fromFieldsV1(malformed).toFieldsV1(), { 'f:b': {} });
  });

  it('lists paths sorted as structured-merge-diff iterates them', () => {
    const set = new FieldSet(['f:b', 'f:a\u0000i:10', 'f:a\u0000i:2', 'f:a', 'f:a\u0000k:{"name":"x"}', 'f:a\u0000v:"y"']);
    assert.deepEqual(set.paths(), [['f:a'], ['f:a', 'k:{"name":"x"}'], ['f:a', 'v:"y"'], ['f:a', 'i:2'], ['f:a', 'i:10'], ['f:b']]);
  });
});
