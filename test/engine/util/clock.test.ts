import assert from 'node:assert/strict';
import { VirtualClock } from '../../../engine/util/clock';
import { Random } from '../../../engine/util/random';

describe('VirtualClock', () => {
  it('fires timers in due order, including ones scheduled while advancing', () => {
    const clock = new VirtualClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('b@20'), 20);
    clock.setTimeout(() => {
      fired.push('a@10');
      clock.setTimeout(() => fired.push('c@15'), 5);
    }, 10);
    const cancelled = clock.setTimeout(() => fired.push('never'), 12);
    cancelled.cancel();
    clock.advance(19);
    assert.deepEqual(fired, ['a@10', 'c@15']);
    assert.equal(clock.now(), 19);
    clock.advance(1);
    assert.deepEqual(fired, ['a@10', 'c@15', 'b@20']);
    assert.equal(clock.pending, 0);
  });
});

describe('Random', () => {
  it('replays the same sequence for the same seed and differs across seeds', () => {
    const a = new Random(42), b = new Random(42), c = new Random(43);
    const sa = Array.from({ length: 5 }, () => a.next());
    assert.deepEqual(sa, Array.from({ length: 5 }, () => b.next()));
    assert.notDeepEqual(sa, Array.from({ length: 5 }, () => c.next()));
    assert.match(new Random(1).suffix(), /^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });
});
