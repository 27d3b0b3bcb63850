// The scheduler's node cache: accounting by node and the label index that affinity and spreading
// read candidates from.
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1';
import { parseSelector } from '../../../engine/api/labels/selector';
import { SchedulerCache } from '../../../engine/scheduler/cache';
import { newPodInfo } from '../../../engine/scheduler/podInfo';

const pod = (name: string, labels: Record<string, string>, nodeName?: string): Pod => ({
  metadata: { name, namespace: 'shop', labels },
  spec: { containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '100m' } } }], ...(nodeName ? { nodeName } : {}) },
});

const candidates = (cache: SchedulerCache, selector: string) => {
  const out: string[] = [];
  cache.forEachCandidate(parseSelector(selector), (p, node) => out.push(`${p.name}@${node.name}`));
  return out.sort();
};

describe('SchedulerCache', () => {
  const setup = () => {
    const cache = new SchedulerCache();
    for (const n of ['a', 'b']) cache.setNode({ metadata: { name: n }, status: { allocatable: { cpu: '2', memory: '4Gi', pods: '10' } } });
    cache.addPod(pod('web-1', { app: 'web', tier: 'front' }, 'a'));
    cache.addPod(pod('web-2', { app: 'web', tier: 'back' }, 'b'));
    cache.addPod(pod('db-1', { app: 'db' }, 'b'));
    return cache;
  };

  it('accounts requests per node', () => {
    const cache = setup();
    assert.equal(cache.node('b')!.requested.milliCPU, 200);
    assert.equal(cache.node('b')!.pods.size, 2);
  });

  it('offers as candidates only the pods that carry a selector\'s key=value labels', () => {
    const cache = setup();
    assert.deepEqual(candidates(cache, 'app=web'), ['web-1@a', 'web-2@b']);
    assert.deepEqual(candidates(cache, 'app=web,tier=back'), ['web-2@b']);
    assert.deepEqual(candidates(cache, 'app=cache'), []);
    // Without an exact requirement every pod is a candidate; the caller checks the selector.
    assert.deepEqual(candidates(cache, 'app'), ['db-1@b', 'web-1@a', 'web-2@b']);
  });

  it('follows label changes, deletions and forgotten assumptions', () => {
    const cache = setup();
    cache.addPod(pod('web-2', { app: 'api' }, 'b'));
    cache.removePod(pod('web-1', {}, 'a'));
    const assumed = newPodInfo(pod('web-3', { app: 'web' }));
    cache.assumePod(assumed, 'a');
    assert.deepEqual(candidates(cache, 'app=web'), ['web-3@a']);
    cache.forgetPod(assumed.key);
    assert.deepEqual(candidates(cache, 'app=web'), []);
    assert.deepEqual(candidates(cache, 'app=api'), ['web-2@b']);
  });

  it('leaves out pods a preemption dry run took off their node, and pods of a deleted node', () => {
    const cache = setup();
    const b = cache.node('b')!;
    const removed = b.removePod('shop/web-2')!;
    assert.deepEqual(candidates(cache, 'app=web'), ['web-1@a']);
    b.addPod(removed);
    cache.removeNode('a');
    assert.deepEqual(candidates(cache, 'app=web'), ['web-2@b']);
  });
});
