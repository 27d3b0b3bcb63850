import assert from 'node:assert/strict';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { isPodUpdated, SetTally, tallyNode } from '../../../engine/controllers/daemonsetTally';
import { Random } from '../../../engine/util/random';

// A kept tally, refreshed only where something changed, must always say what a tally of every node
// from scratch says: the same status totals and the same pods to create and delete.
describe('DaemonSet tally', () => {
  const hash = 'new';
  const available = (pod: Obj) => pod.status?.conditions?.some((c: Obj) => c.type === 'Ready' && c.status === 'True') && !pod.metadata.labels.slow;

  function randomPod(random: Random, n: number): Obj {
    const phase = ['Pending', 'Running', 'Running', 'Running', 'Failed'][random.int(5)];
    return {
      metadata: {
        uid: `uid-${n}`,
        name: `agent-${n}`,
        creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, random.int(60))).toISOString(),
        labels: { 'controller-revision-hash': random.int(3) ? hash : 'old', ...(random.int(4) ? {} : { slow: 'yes' }) },
        ...(random.int(6) ? {} : { deletionTimestamp: '2026-01-01T00:01:00Z' }),
      },
      status: { phase, conditions: [{ type: 'PodScheduled', status: 'True' }, { type: 'Ready', status: phase === 'Running' && random.int(4) ? 'True' : 'False' }] },
    };
  }

  function describeWork(tally: SetTally, maxUnavailable: number) {
    const work = tally.work(true, maxUnavailable);
    const onDelete = tally.work(false, maxUnavailable);
    return { create: [...work.create].sort(), remove: [...work.remove].map((p) => p.metadata.uid).sort(), removeOnDelete: [...onDelete.remove].map((p) => p.metadata.uid).sort() };
  }

  it('refreshed node by node, agrees with a tally from scratch after every change', () => {
    const random = new Random(5);
    const shouldRun = new Map<string, boolean>();
    const pods = new Map<string, Obj[]>();
    for (let i = 0; i < 40; i++) shouldRun.set(`node-${i}`, random.int(5) > 0);
    let n = 0;
    for (const name of shouldRun.keys()) pods.set(name, Array.from({ length: random.int(3) }, () => randomPod(random, n++)));
    const podsOn = (node: string) => pods.get(node) ?? [];
    const kept = new SetTally(hash, 1, 1, shouldRun);
    kept.refresh(podsOn, available);
    for (let step = 0; step < 300; step++) {
      const touched = new Set<string>();
      for (let k = random.int(4); k >= 0; k--) {
        const node = `node-${random.int(45)}`;
        touched.add(node);
        switch (random.int(5)) {
          case 0: // a node joins, leaves, or changes whether it should run the pod
            if (shouldRun.has(node) && random.int(3) === 0) shouldRun.delete(node);
            else shouldRun.set(node, random.int(4) > 0);
            break;
          case 1: // a pod is created
            pods.set(node, [...podsOn(node), randomPod(random, n++)]);
            break;
          case 2: // a pod goes
            pods.set(node, podsOn(node).slice(1));
            break;
          default: { // a pod changes (becomes ready, fails, starts terminating)
            const list = podsOn(node);
            if (list.length) pods.set(node, [...list.slice(0, -1), { ...randomPod(random, 0), metadata: { ...randomPod(random, 0).metadata, uid: list.at(-1)!.metadata.uid } }]);
          }
        }
      }
      for (const node of touched) kept.touch(node);
      kept.refresh(podsOn, available);
      const fresh = new SetTally(hash, 1, 1, shouldRun);
      fresh.refresh(podsOn, available);
      assert.deepEqual(kept.totals, fresh.totals, `totals at step ${step}`);
      const maxUnavailable = 1 + random.int(3);
      assert.deepEqual(describeWork(kept, maxUnavailable), describeWork(fresh, maxUnavailable), `work at step ${step}`);
    }
    // The walk met every kind of node along the way.
    assert.ok(kept.totals.desired > 0 && kept.totals.available > 0 && kept.totals.unavailable > 0);
  });

  it('counts as the DaemonSet status does and finds the work manage and rollingUpdate do', () => {
    const pod = (uid: string, extra: Obj = {}) => ({
      metadata: { uid, name: uid, creationTimestamp: `2026-01-01T00:00:0${uid.at(-1)}Z`, labels: { 'controller-revision-hash': extra.hash ?? hash }, ...(extra.deleting ? { deletionTimestamp: '2026-01-01T00:01:00Z' } : {}) },
      status: { phase: extra.phase ?? 'Running', conditions: [{ type: 'Ready', status: extra.ready === false ? 'False' : 'True' }] },
    });
    const shouldRun = new Map([['fine', true], ['empty', true], ['terminating', true], ['twice', true], ['failed', true], ['old', true], ['old-unready', true], ['unwanted', false]]);
    const pods: Record<string, Obj[]> = {
      fine: [pod('p1')],
      terminating: [pod('p2', { deleting: true })],
      twice: [pod('p4'), pod('p3')],
      failed: [pod('p5', { phase: 'Failed', ready: false })],
      old: [pod('p6', { hash: 'old' })],
      'old-unready': [pod('p7', { hash: 'old', ready: false })],
      unwanted: [pod('p8')],
    };
    const tally = new SetTally(hash, 1, 1, shouldRun);
    tally.refresh((node) => pods[node] ?? [], available);
    // The terminating pod still runs, so the status counts it (only finished pods being deleted are
    // left out); manage does not, and waits for it to go.
    assert.deepEqual(tally.totals, { desired: 7, current: 6, misscheduled: 1, ready: 4, available: 4, updated: 4, unavailable: 4 });
    // p3 is the older of two and stays; the failed pod's node, like the terminating one's, gets a
    // new pod only once the old one is gone.
    assert.deepEqual(describeWork(tally, 5), { create: ['empty'], remove: ['p4', 'p5', 'p6', 'p7', 'p8'], removeOnDelete: ['p4', 'p5', 'p8'] });
    assert.deepEqual(describeWork(tally, 4).remove, ['p4', 'p5', 'p7', 'p8'], 'no room under maxUnavailable for the available old pod');
  });

  it('counts the pod of a node that podByCreationTimestampAndPhase puts first, whatever the cache order', () => {
    const pod = (name: string, created: string, extra: Obj = {}): Obj => ({
      metadata: { name, creationTimestamp: created, labels: { 'controller-revision-hash': extra.hash ?? hash }, ...(extra.deleting ? { deletionTimestamp: '2026-01-01T00:01:00Z' } : {}) },
      spec: extra.unbound ? {} : { nodeName: 'node-1' },
      status: { phase: extra.phase ?? 'Running', conditions: [{ type: 'Ready', status: extra.ready === false ? 'False' : 'True' }] },
    });
    const counts = (pods: Obj[]) => {
      const t = tallyNode(true, pods, (p) => isPodUpdated(p, hash, 1), available);
      return { current: t.current, ready: t.ready, updated: t.updated };
    };
    const newer = pod('b', '2026-01-01T00:00:05Z');
    const older = pod('a', '2026-01-01T00:00:01Z', { hash: 'old', ready: false });
    assert.deepEqual(counts([newer, older]), { current: 1, ready: 0, updated: 0 }, 'the older pod, listed second');
    assert.deepEqual(counts([older, newer]), { current: 1, ready: 0, updated: 0 });
    // A bound pod before an unbound one, however old; at the same time, by name.
    assert.deepEqual(counts([pod('z', '2026-01-01T00:00:01Z', { unbound: true, ready: false }), newer]), { current: 1, ready: 1, updated: 1 });
    assert.deepEqual(counts([pod('d', '2026-01-01T00:00:05Z', { ready: false }), newer]), { current: 1, ready: 1, updated: 1 });
    // A finished pod being deleted is not counted at all.
    assert.deepEqual(counts([pod('a', '2026-01-01T00:00:01Z', { phase: 'Failed', ready: false, deleting: true }), newer]), { current: 1, ready: 1, updated: 1 });
    assert.deepEqual(counts([pod('a', '2026-01-01T00:00:01Z', { phase: 'Succeeded', ready: false, deleting: true })]), { current: 0, ready: 0, updated: 0 });
  });

  it('takes a pod as updated by its revision hash or by its template generation, as IsPodUpdated does', () => {
    const pod = (labels: Record<string, string>): Obj => ({ metadata: { name: 'p', uid: 'p', creationTimestamp: '2026-01-01T00:00:01Z', labels }, spec: { nodeName: 'node-1' }, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } });
    assert.equal(isPodUpdated(pod({ 'controller-revision-hash': hash }), hash, 3), true);
    // Made before the hash changed form: its template generation still says it runs this template.
    assert.equal(isPodUpdated(pod({ 'controller-revision-hash': 'other-form', 'pod-template-generation': '3' }), hash, 3), true);
    assert.equal(isPodUpdated(pod({ 'controller-revision-hash': 'other-form', 'pod-template-generation': '2' }), hash, 3), false);
    assert.equal(isPodUpdated(pod({ 'pod-template-generation': '3' }), hash, undefined), false);

    const shouldRun = new Map([['node-1', true]]);
    const tally = new SetTally(hash, 5, 3, shouldRun);
    tally.refresh(() => [pod({ 'controller-revision-hash': 'other-form', 'pod-template-generation': '3' })], available);
    assert.equal(tally.totals.updated, 1);
    assert.deepEqual(describeWork(tally, 1), { create: [], remove: [], removeOnDelete: [] }, 'an updated pod is not rolled');
  });
});
