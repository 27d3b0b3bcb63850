// compare (the one-walk diff the field manager runs on every write) against compareByMembers (the
// comparison of both sides' full member lists it replaces): the same added, modified and removed
// paths for every pair, and the same error when a list cannot be described by field sets.
import assert from 'node:assert/strict';
import { FieldSet, FieldSetError } from '../../../../engine/api/apply/fieldSet';
import { compare, compareByMembers, type Comparison, createdFieldsV1 } from '../../../../engine/api/apply/structuredMerge';
import { deepCopy } from '../../../../engine/api/patch/jsonValue';
import { openapi, type SchemaNode } from '../../../../engine/api/schema/index';
import { Random } from '../../../../engine/util/random';

type Obj = Record<string, any>;

const sorted = (s: FieldSet) => [...s.keys()].sort();
const plain = (c: Comparison) => ({ added: sorted(c.added), modified: sorted(c.modified), removed: sorted(c.removed) });

function outcome(f: () => Comparison): { ok: ReturnType<typeof plain> } | { error: string } {
  try {
    return { ok: plain(f()) };
  } catch (e) {
    assert.ok(e instanceof FieldSetError, String(e));
    return { error: e.message };
  }
}

function assertSame(before: unknown, after: unknown, schema: SchemaNode | undefined, what: string): void {
  assert.deepEqual(outcome(() => compare(before, after, schema)), outcome(() => compareByMembers(before, after, schema)), what);
}

const pod = (): Obj => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' }, annotations: { a: '1' }, finalizers: ['x'], ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true }] },
  spec: {
    nodeName: 'worker-1',
    containers: [
      { name: 'web', image: 'nginx', ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 443 }], env: [{ name: 'A', value: '1' }], resources: { requests: { cpu: '100m' } }, args: ['a', 'b'] },
      { name: 'log', image: 'fluentd', volumeMounts: [{ name: 'logs', mountPath: '/var/log' }] },
    ],
    volumes: [{ name: 'logs', emptyDir: {} }],
    tolerations: [{ key: 'k', operator: 'Exists' }],
    nodeSelector: { disk: 'ssd' },
  },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], podIPs: [{ ip: '10.0.0.1' }] },
});

describe('compare: the one-walk diff agrees with comparing member lists', () => {
  let podSchema: SchemaNode;
  before(() => {
    podSchema = openapi().forKind('', 'v1', 'Pod')!;
    assert.ok(podSchema);
  });

  it('reports nothing for equal objects, shared subtrees and all', () => {
    const a = pod();
    assert.deepEqual(plain(compare(a, deepCopy(a), podSchema)), { added: [], modified: [], removed: [] });
    const shared = { ...a, status: { phase: 'Pending' } };
    assertSame(a, shared, podSchema, 'status replaced, spec shared');
    assert.deepEqual(plain(compare(a, shared, podSchema)).removed.length > 0, true);
  });

  const edits: [string, (o: Obj) => void][] = [
    ['a label changes', (o) => (o.metadata.labels.app = 'api')],
    ['a label is added', (o) => (o.metadata.labels.tier = 'front')],
    ['labels go', (o) => delete o.metadata.labels],
    ['a container image changes', (o) => (o.spec.containers[0].image = 'nginx:2')],
    ['containers swap places', (o) => o.spec.containers.reverse()],
    ['a container goes', (o) => o.spec.containers.pop()],
    ['a port is added', (o) => o.spec.containers[0].ports.push({ containerPort: 8080 })],
    ['an atomic list changes', (o) => o.spec.containers[0].args.push('c')],
    ['a set item changes', (o) => (o.metadata.finalizers = ['y'])],
    ['a map becomes a scalar', (o) => (o.spec.nodeSelector = 'oops')],
    ['a list becomes a map', (o) => (o.spec.volumes = { name: 'logs' })],
    ['a struct becomes a list', (o) => (o.status = [1, 2])],
    ['a field becomes null', (o) => (o.spec.nodeName = null)],
    ['a field becomes undefined', (o) => (o.spec.nodeName = undefined)],
    ['an unknown field appears', (o) => (o.spec.containers[0].bogus = { deep: [1, { x: 2 }] })],
    ['an owner reference changes', (o) => (o.metadata.ownerReferences[0].controller = false)],
    ['the object empties', (o) => Object.keys(o).forEach((k) => delete o[k])],
  ];
  for (const [name, edit] of edits) {
    it(`${name}: both ways`, () => {
      const a = pod();
      const b = deepCopy(a);
      edit(b);
      assertSame(a, b, podSchema, `${name} (forward)`);
      assertSame(b, a, podSchema, `${name} (backward)`);
      assertSame(undefined, b, podSchema, `${name} (from nothing)`);
      assertSame(b, null, podSchema, `${name} (to nothing)`);
      assertSame(a, b, undefined, `${name} (no schema)`);
    });
  }

  it('fails as the member lists do on a duplicate or keyless list item, on either side', () => {
    const a = pod();
    const dup = deepCopy(a);
    dup.spec.containers[0].env.push({ name: 'A', value: '2' });
    assertSame(a, dup, podSchema, 'duplicate after');
    assertSame(dup, a, podSchema, 'duplicate before');
    const shared = { ...dup, metadata: { ...dup.metadata, labels: { app: 'x' } } };
    assertSame(dup, shared, podSchema, 'duplicate in a shared subtree');
    const keyless = deepCopy(a);
    keyless.spec.containers.push({ image: 'no-name' });
    assertSame(a, keyless, podSchema, 'keyless item');
    const notObject = deepCopy(a);
    notObject.spec.volumes.push('logs');
    assertSame(notObject, a, podSchema, 'item that is not a map');
    assert.throws(() => compare(a, dup, podSchema), FieldSetError);
  });

  it('agrees on random edits of a pod', () => {
    const random = new Random(7);
    const values = () => [random.int(3), `s${random.int(3)}`, null, { x: random.int(2) }, [random.int(2)], true][random.int(6)];
    // Random paths into the object: set, delete or replace what is there.
    const mutate = (o: Obj) => {
      let node: any = o;
      for (let depth = 0; depth < 6; depth++) {
        const keys = Array.isArray(node) ? node.map((_: unknown, i: number) => i) : Object.keys(node);
        if (!keys.length) break;
        const k = keys[random.int(keys.length)];
        const child = node[k];
        if (typeof child !== 'object' || child === null || random.int(4) === 0) {
          const r = random.int(3);
          if (r === 0 && !Array.isArray(node)) delete node[k];
          else node[k] = values();
          return;
        }
        node = child;
      }
    };
    for (let i = 0; i < 400; i++) {
      const a = pod();
      const b = deepCopy(a);
      for (let n = 1 + random.int(3); n > 0; n--) mutate(b);
      assertSame(a, b, podSchema, `edit ${i}: ${JSON.stringify(b)}`);
      assertSame(b, a, podSchema, `edit ${i} backward`);
    }
  });
});

describe('createdFieldsV1: what a create records, in one walk', () => {
  let podSchema: SchemaNode;
  before(() => {
    podSchema = openapi().forKind('', 'v1', 'Pod')!;
  });
  // The same through a diff against nothing, its ignored subtrees taken out, then the stored form.
  const viaCompare = (v: unknown, schema: SchemaNode | undefined, ignored: string[][]) => {
    const added = compare({}, v, schema).added.withoutSubtrees(ignored);
    return added.toStrippedFieldsV1();
  };
  const outcomeOf = (f: () => unknown) => {
    try {
      return { ok: JSON.stringify(f() ?? null) };
    } catch (e) {
      assert.ok(e instanceof FieldSetError, String(e));
      return { error: true };
    }
  };
  const same = (v: unknown, schema: SchemaNode | undefined, ignored: string[][], what: string) =>
    assert.deepEqual(outcomeOf(() => createdFieldsV1(v, schema, ignored)), outcomeOf(() => viaCompare(v, schema, ignored)), what);

  it('agrees with the diff against nothing on a pod and on random edits of it, with and without a schema', () => {
    const random = new Random(13);
    const values = () => [random.int(3), `s${random.int(3)}`, null, { x: random.int(2) }, [random.int(2)], true, undefined][random.int(7)];
    const ignoredChoices: string[][][] = [[], [['f:status']], [['f:spec'], ['f:metadata']], [['f:metadata', 'f:labels']]];
    for (let i = 0; i < 400; i++) {
      const o = pod();
      for (let n = random.int(4); n > 0; n--) {
        let node: any = o;
        for (let depth = 0; depth < 6; depth++) {
          const keys = Array.isArray(node) ? node.map((_: unknown, j: number) => j) : Object.keys(node);
          if (!keys.length) break;
          const k = keys[random.int(keys.length)];
          if (typeof node[k] !== 'object' || node[k] === null || random.int(4) === 0) {
            node[k] = values();
            break;
          }
          node = node[k];
        }
      }
      const ignored = ignoredChoices[random.int(ignoredChoices.length)]!;
      same(o, podSchema, ignored, `edit ${i}: ${JSON.stringify(o)}`);
      same(o, undefined, ignored, `edit ${i}, no schema`);
    }
  });

  it('fails as the diff does on a duplicate or keyless list item, and records nothing for an empty object', () => {
    const dup = pod();
    dup.spec.containers[0].env.push({ name: 'A', value: '2' });
    assert.throws(() => createdFieldsV1(dup, podSchema, []), FieldSetError);
    const keyless = pod();
    keyless.spec.containers.push({ image: 'no-name' });
    assert.throws(() => createdFieldsV1(keyless, podSchema, []), FieldSetError);
    assert.equal(createdFieldsV1({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' } }, podSchema, []), undefined);
  });
});

describe('fieldsV1 encoding', () => {
  // The reference encoder: a tree built from the joined members, then each level sorted as
  // structured-merge-diff orders path elements (`.`, fields, keys, values, indexes by number, the rest).
  const rank = (pe: string) => (pe === '.' ? 0 : ({ f: 1, k: 2, v: 3, i: 4 } as Record<string, number>)[pe[0]!] ?? 5);
  const order = (a: string, b: string) => rank(a) - rank(b) || (a[0] === 'i' && b[0] === 'i' ? Number(a.slice(2)) - Number(b.slice(2)) : a < b ? -1 : a > b ? 1 : 0);
  const bySorting = (s: FieldSet): unknown => {
    const root: Obj = {};
    const members = new Set<Obj>();
    for (const key of s.keys()) {
      let node = root;
      if (key !== '') for (const pe of key.split('\u0000')) node = node[pe] ??= {};
      members.add(node);
    }
    for (const node of members) if (Object.keys(node).length > 0) node['.'] = {};
    const sortKeys = (node: Obj): Obj => Object.fromEntries(Object.keys(node).sort(order).map((k) => [k, sortKeys(node[k])]));
    return sortKeys(root);
  };
  const same = (s: FieldSet, what: string) => assert.equal(JSON.stringify(s.toFieldsV1()), JSON.stringify(bySorting(s)), what);

  it('is the same tree, key order included, whether built from members in string order or built and then sorted', () => {
    const podSchema = openapi().forKind('', 'v1', 'Pod')!;
    const members = [...compare({}, pod(), podSchema).added.keys()];
    same(new FieldSet(members), 'a whole pod');
    const random = new Random(7);
    for (let i = 0; i < 200; i++) {
      const subset = members.filter(() => random.next() % 3 !== 0);
      same(new FieldSet(subset.reverse()), `subset ${i}`);
    }
    // `.` first in a member that has children; keys, values and fields in rank order.
    assert.equal(
      JSON.stringify(new FieldSet(['f:spec\u0000f:ports\u0000k:{"port":80}\u0000f:name', 'f:spec\u0000f:ports', 'f:spec\u0000f:ports\u0000k:{"port":80}', 'f:metadata\u0000f:finalizers\u0000v:"x"', 'f:metadata']).toFieldsV1()),
      '{"f:metadata":{".":{},"f:finalizers":{"v:\\"x\\"":{}}},"f:spec":{"f:ports":{".":{},"k:{\\"port\\":80}":{".":{},"f:name":{}}}}}',
    );
  });

  it('sorts index elements by number, and elements of no known kind last, as structured-merge-diff orders them', () => {
    const set = FieldSet.fromFieldsV1({ 'f:list': { 'i:10': {}, 'i:9': {}, 'f:a': {}, 'x:odd': {}, 'k:{"a":1}': {} } });
    assert.deepEqual(Object.keys((set.toFieldsV1() as Obj)['f:list']), ['f:a', 'k:{"a":1}', 'i:9', 'i:10', 'x:odd']);
    same(set, 'with index elements');
  });

  it('decodes and encodes back to the same tree, reusing a stored tree only where it is already in order', () => {
    const podSchema = openapi().forKind('', 'v1', 'Pod')!;
    const stored = JSON.parse(JSON.stringify(compare({}, pod(), podSchema).added.toFieldsV1())) as Obj;
    const decoded = FieldSet.fromFieldsV1(stored);
    assert.equal(decoded.toFieldsV1(), stored, 'a tree in canonical form is written back as itself');
    // Out of order below one field: that field and its parents are re-encoded, its siblings are not.
    const shuffled = JSON.parse(JSON.stringify(stored)) as Obj;
    const meta = shuffled['f:metadata'];
    shuffled['f:metadata'] = Object.fromEntries(Object.entries(meta).reverse());
    const again = FieldSet.fromFieldsV1(shuffled);
    const out = again.toFieldsV1() as Obj;
    assert.equal(JSON.stringify(out), JSON.stringify(stored));
    assert.notEqual(out, shuffled);
    assert.equal(out['f:spec'], shuffled['f:spec']);
    assert.ok(again.equals(decoded));
  });
});
