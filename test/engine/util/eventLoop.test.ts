import assert from 'node:assert/strict';
import { chunksWaiting, pace, yieldToEventLoop } from '../../../engine/util/eventLoop';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('yieldToEventLoop', () => {
  it('resumes four waiters per turn of the event loop, in the order they yielded', async () => {
    // Whatever earlier tests left yielding drains first.
    for (let i = 0; i < 20; i++) await turn();
    const resumed: number[] = [];
    for (let i = 0; i < 10; i++) void yieldToEventLoop().then(() => resumed.push(i));
    assert.deepEqual(resumed, []);
    assert.equal(chunksWaiting(), 10);
    await turn();
    assert.deepEqual(resumed, [0, 1, 2, 3]);
    assert.equal(chunksWaiting(), 6);
    await turn();
    assert.deepEqual(resumed, [0, 1, 2, 3, 4, 5, 6, 7]);
    await turn();
    assert.deepEqual(resumed, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(chunksWaiting(), 0);
  });
});

describe('pace', () => {
  it('lets 64 units of work through per turn over every caller, and resumes the rest in order on later turns', async () => {
    for (let i = 0; i < 20; i++) await turn();
    const done: number[] = [];
    const work = async (i: number) => {
      const wait = pace();
      if (wait) await wait;
      done.push(i);
    };
    for (let i = 0; i < 150; i++) void work(i);
    await Promise.resolve();
    assert.equal(done.length, 64, 'the first 64 go ahead at once');
    assert.equal(chunksWaiting(), 86);
    await turn();
    assert.equal(done.length, 128);
    await turn();
    assert.deepEqual(done, Array.from({ length: 150 }, (_, i) => i));
    assert.equal(chunksWaiting(), 0);
  });
});
