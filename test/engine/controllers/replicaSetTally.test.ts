import assert from 'node:assert/strict';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { labelSelectorAsSelector } from '../../../engine/api/labels/labelSelector';
import { selectorFromSet } from '../../../engine/api/labels/selector';
import { ReplicaSetTally } from '../../../engine/controllers/replicaSetTally';
import { Random } from '../../../engine/util/random';

// A kept tally, refreshed only for the pods that had an event, must always count what a tally of
// every pod from scratch counts.
describe('ReplicaSet tally', () => {
  const uid = 'rs-uid';
  const selector = labelSelectorAsSelector({ matchLabels: { app: 'web' } });
  const templateLabels = selectorFromSet({ app: 'web', tier: 'front' });

  function randomPod(random: Random, name: string): Obj {
    const phase = ['Pending', 'Running', 'Running', 'Running', 'Succeeded', 'Failed'][random.int(6)];
    const controller = ['rs-uid', 'rs-uid', 'rs-uid', 'other-uid', undefined][random.int(5)];
    return {
      metadata: {
        namespace: 'shop',
        name,
        labels: { ...(random.int(5) ? { app: 'web' } : { app: 'api' }), ...(random.int(2) ? { tier: 'front' } : {}) },
        ...(controller ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: controller, controller: true }] } : {}),
        ...(random.int(8) ? {} : { deletionTimestamp: '2026-01-01T00:01:00Z' }),
      },
      status: { phase, conditions: [{ type: 'Ready', status: phase === 'Running' && random.int(3) ? 'True' : 'False' }] },
    };
  }

  const controlled = (pods: Map<string, Obj>) => [...pods.values()].filter((p) => p.metadata.ownerReferences?.[0]?.uid === uid);

  it('refreshed pod by pod, agrees with a tally from scratch after every change', () => {
    const random = new Random(7);
    const pods = new Map<string, Obj>();
    for (let i = 0; i < 30; i++) pods.set(`shop/web-${i}`, randomPod(random, `web-${i}`));
    const kept = new ReplicaSetTally(uid, 'key', selector, templateLabels, controlled(pods));
    let next = 30;
    for (let step = 0; step < 400; step++) {
      // A few events: pods change, appear and go; the kept tally hears of each.
      for (let e = random.int(4); e >= 0; e--) {
        const which = random.int(3);
        const key = which === 0 ? `shop/web-${next++}` : `shop/web-${random.int(next)}`;
        if (which === 2) pods.delete(key);
        else pods.set(key, randomPod(random, key.slice('shop/'.length)));
        kept.touch(key);
      }
      kept.refresh((key) => pods.get(key));
      const fresh = new ReplicaSetTally(uid, 'key', selector, templateLabels, controlled(pods));
      assert.deepEqual(kept.counts, fresh.counts, `step ${step}`);
    }
    assert.ok(kept.counts.claimed > 0 && kept.counts.unselected > 0 && kept.counts.ready > 0 && kept.counts.fullyLabeled > 0, 'every count was exercised');
  });

  it('counts claimed, fully labelled, ready and unselected pods as calculateStatus and claimPods would', () => {
    const pod = (name: string, labels: Obj, ready: boolean, extra: Obj = {}): Obj => ({
      metadata: { namespace: 'shop', name, labels, ownerReferences: [{ kind: 'ReplicaSet', name: 'web', uid, controller: true }], ...extra },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
    });
    const tally = new ReplicaSetTally(uid, 'key', selector, templateLabels, [
      pod('a', { app: 'web', tier: 'front' }, true),
      pod('b', { app: 'web' }, false),
      pod('c', { app: 'api' }, true),
      pod('d', { app: 'web', tier: 'front' }, true, { deletionTimestamp: '2026-01-01T00:00:00Z' }),
    ]);
    assert.deepEqual(tally.counts, { claimed: 2, unselected: 1, fullyLabeled: 1, ready: 1 });
    assert.ok(tally.fits(uid, 'key'));
    assert.ok(!tally.fits(uid, 'other labels'));
    assert.ok(!tally.fits('a new uid', 'key'));
  });
});
