// The informer's Indexer: secondary indexes hold keys, follow an object whose indexed values change,
// and hand back the current object.
import assert from 'node:assert/strict';
import { byNamespace, Indexer, type IndexFunc } from '../../../engine/client/indexer';
import type { KubeObject } from '../../../engine/client/types';

type Pod = KubeObject & { spec?: { nodeName?: string }; metadata: { name: string; namespace?: string; labels?: Record<string, string> } };

const byNode: IndexFunc<Pod> = (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []);
const byLabels: IndexFunc<Pod> = (p) => Object.entries(p.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`);
const pod = (name: string, node?: string, labels?: Record<string, string>): Pod => ({ metadata: { name, namespace: 'shop', ...(labels ? { labels } : {}) }, ...(node ? { spec: { nodeName: node } } : {}) });
const names = (pods: Pod[]) => pods.map((p) => p.metadata.name);

describe('Indexer', () => {
  it('files objects by each index, follows changed values, and returns the current object', () => {
    const idx = new Indexer<Pod>({ namespace: byNamespace, node: byNode, labels: byLabels });
    idx.upsert(pod('a', 'n1', { app: 'web', tier: 'front' }));
    idx.upsert(pod('b', 'n1', { app: 'web' }));
    idx.upsert(pod('c'));
    assert.deepEqual(names(idx.byIndex('node', 'n1')), ['a', 'b']);
    assert.deepEqual(names(idx.byIndex('namespace', 'shop')), ['a', 'b', 'c']);

    // The same values: the index keeps its order, and hands back the new object.
    const a2 = pod('a', 'n1', { app: 'web', tier: 'front' });
    idx.upsert(a2);
    assert.equal(idx.byIndex('node', 'n1')[0], a2);
    assert.deepEqual(names(idx.byIndex('node', 'n1')), ['a', 'b']);

    // Moved to another node, a label dropped, an index value gained.
    idx.upsert(pod('a', 'n2', { app: 'web' }));
    idx.upsert(pod('c', 'n2'));
    assert.deepEqual(names(idx.byIndex('node', 'n1')), ['b']);
    assert.deepEqual(names(idx.byIndex('node', 'n2')), ['a', 'c']);
    assert.deepEqual(idx.byIndex('labels', 'tier=front'), []);
    assert.equal(idx.countByIndex('labels', 'app=web'), 2);

    // Gone from every index, and an emptied value is no longer there.
    idx.delete('shop/b');
    assert.deepEqual(idx.byIndex('node', 'n1'), []);
    assert.equal(idx.countByIndex('node', 'n1'), 0);
    assert.deepEqual(names(idx.byIndex('labels', 'app=web')), ['a']);

    // An index added later files what is there.
    idx.addIndex('named', (p) => [p.metadata.name]);
    assert.deepEqual(names(idx.byIndex('named', 'c')), ['c']);
    idx.clear();
    assert.equal(idx.size, 0);
    assert.deepEqual(idx.byIndex('namespace', 'shop'), []);
  });
});
