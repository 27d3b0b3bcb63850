// The scheduling queue on a virtual clock: order, back-off, and which cluster events move a
// parked pod.
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1';
import { clusterEvent } from '../../../engine/scheduler/framework';
import { newPodInfo } from '../../../engine/scheduler/podInfo';
import { SchedulingQueue } from '../../../engine/scheduler/queue';
import { VirtualClock } from '../../../engine/util/clock';

const pod = (name: string, priority = 0): Pod => ({ metadata: { name, namespace: 'shop' }, spec: { priority, containers: [{ name: 'c', image: 'nginx' }] } });

describe('SchedulingQueue', () => {
  it('pops higher priority first, then the pod queued earlier', () => {
    const clock = new VirtualClock();
    const q = new SchedulingQueue(clock);
    q.add(newPodInfo(pod('low-early', 0)));
    clock.advance(10);
    q.add(newPodInfo(pod('high', 100)));
    clock.advance(10);
    q.add(newPodInfo(pod('low-late', 0)));
    assert.deepEqual([q.pop(), q.pop(), q.pop()].map((x) => x?.info.name), ['high', 'low-early', 'low-late']);
    assert.equal(q.pop(), undefined);
    q.close();
  });

  it('parks an unschedulable pod until an event its rejecting plugins care about, then waits out the back-off', () => {
    const clock = new VirtualClock();
    const q = new SchedulingQueue(clock);
    q.add(newPodInfo(pod('web')));
    const popped = q.pop()!;
    q.addUnschedulable(popped, clusterEvent.nodeAdd | clusterEvent.assignedPodDelete);
    q.moveOnEvent(clusterEvent.nodeLabelChange);
    assert.equal(q.unschedulableLength, 1);
    q.moveOnEvent(clusterEvent.nodeAdd);
    assert.equal(q.unschedulableLength, 0);
    // One attempt so far: 1 s of back-off from the failure.
    assert.equal(q.backoffLength, 1);
    clock.advance(999);
    assert.equal(q.activeLength, 0);
    clock.advance(1);
    assert.equal(q.pop()?.info.name, 'web');
    q.close();
  });

  it('doubles the back-off per attempt up to 10 s', () => {
    const clock = new VirtualClock();
    const q = new SchedulingQueue(clock);
    q.add(newPodInfo(pod('web')));
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 6; attempt++) {
      const popped = q.pop()!;
      q.addBackoff(popped);
      let waited = 0;
      while (q.activeLength === 0) {
        clock.advance(500);
        waited += 500;
      }
      waits.push(waited);
    }
    assert.deepEqual(waits, [1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    q.close();
  });

  it('retries a parked pod after five minutes even without an event', () => {
    const clock = new VirtualClock();
    const q = new SchedulingQueue(clock);
    q.add(newPodInfo(pod('web')));
    q.addUnschedulable(q.pop()!, clusterEvent.nodeAdd);
    clock.advance(4 * 60_000);
    assert.equal(q.unschedulableLength, 1);
    clock.advance(90_000);
    assert.equal(q.unschedulableLength, 0);
    assert.equal(q.pop()?.info.name, 'web');
    q.close();
  });

  it('keeps a gated pod out of activeQ, through events and flushes, until an update removes its gates', () => {
    const clock = new VirtualClock();
    const q = new SchedulingQueue(clock);
    const gatedPod: Pod = { ...pod('gated'), spec: { ...pod('gated').spec!, schedulingGates: [{ name: 'example.com/quota' }] } };
    q.add(newPodInfo(gatedPod));
    q.moveOnEvent(clusterEvent.all);
    clock.advance(10 * 60_000);
    assert.equal(q.pop(), undefined);
    assert.equal(q.gatedLength, 1);
    // Status-only updates and a spec update that keeps a gate leave it parked.
    q.update(newPodInfo(gatedPod), true);
    assert.equal(q.pop(), undefined);
    // Never tried, so no back-off: straight to activeQ.
    q.update(newPodInfo(pod('gated')), true);
    assert.equal(q.pop()?.info.name, 'gated');
    q.close();
  });

  it('forgets a deleted pod wherever it waits, and keeps a parked pod parked on a status-only update', () => {
    const clock = new VirtualClock();
    const q = new SchedulingQueue(clock);
    q.add(newPodInfo(pod('a')));
    q.add(newPodInfo(pod('b')));
    q.delete('shop/a');
    const b = q.pop()!;
    assert.equal(b.info.name, 'b');
    q.addUnschedulable(b, clusterEvent.nodeAdd);
    q.update(newPodInfo(pod('b')), false);
    assert.equal(q.unschedulableLength, 1);
    q.update(newPodInfo({ ...pod('b'), metadata: { name: 'b', namespace: 'shop', labels: { fixed: 'yes' } } }), true);
    assert.equal(q.unschedulableLength, 0);
    q.delete('shop/b');
    clock.advance(20_000);
    assert.equal(q.pop(), undefined);
    q.close();
  });
});
