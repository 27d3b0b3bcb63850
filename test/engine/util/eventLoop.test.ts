import assert from 'node:assert/strict';
import { chunksWaiting, yieldToEventLoop } from '../../../engine/util/eventLoop';

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
