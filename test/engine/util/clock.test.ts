import assert from 'node:assert/strict';
import { SecondTimestamps, VirtualClock } from '../../../engine/util/clock';
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

describe('VirtualClock.advance with a timer limit', () => {
  it('fires at most that many timers per call, in the order one call would, and resumes where it stopped', () => {
    const run = (limit: number) => {
      const clock = new VirtualClock(0);
      const fired: string[] = [];
      for (const [name, at] of [['a', 10], ['b', 10], ['c', 30], ['d', 50], ['late', 150]] as const) {
        clock.setTimeout(() => {
          fired.push(`${name}@${clock.now()}`);
          // A timer set by a firing one, due within the step, fires in it too.
          if (name === 'a') clock.setTimeout(() => fired.push(`a2@${clock.now()}`), 5);
        }, at);
      }
      const cancelled = clock.setTimeout(() => fired.push('cancelled'), 20);
      cancelled.cancel();
      const stops: number[] = [];
      let calls = 0;
      const due = 100;
      while (!clock.advance(due - clock.now(), limit)) {
        calls++;
        stops.push(clock.now());
      }
      return { fired, stops, calls, now: clock.now() };
    };
    const whole = run(Infinity);
    assert.deepEqual(whole.fired, ['a@10', 'b@10', 'a2@15', 'c@30', 'd@50']);
    assert.equal(whole.calls, 0);
    const byTwo = run(2);
    assert.deepEqual(byTwo.fired, whole.fired);
    assert.deepEqual(byTwo.stops, [10, 30], 'stops at the time of the last timer it fired; a cancelled one does not count');
    assert.equal(byTwo.now, 100, 'and ends at the target once every timer due by then has fired');
    assert.throws(() => new VirtualClock(0).advance(10, 0), RangeError);
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

describe('SecondTimestamps', () => {
  it('formats RFC 3339 to the second, whichever second is asked for next', () => {
    const t = new SecondTimestamps();
    const at = Date.UTC(2026, 10, 23, 12, 0, 0);
    assert.equal(t.format(at + 999), '2026-11-23T12:00:00Z');
    assert.equal(t.format(at + 1000), '2026-11-23T12:00:01Z');
    assert.equal(t.format(at + 500), '2026-11-23T12:00:00Z', 'an earlier second again');
    assert.equal(t.format(Date.UTC(2027, 0, 1)), '2027-01-01T00:00:00Z');
  });
});
