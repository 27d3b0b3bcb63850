import assert from 'node:assert/strict';
import { yieldToEventLoop } from '../../../engine/util/eventLoop';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('yieldToEventLoop', () => {
  it('resumes four waiters per turn of the event loop, in the order they yielded', async () => {
    // Whatever earlier tests left yielding drains first.
    for (let i = 0; i < 20; i++) await turn();
    const resumed: number[] = [];
    for (let i = 0; i < 10; i++) void yieldToEventLoop().then(() => resumed.push(i));
    assert.deepEqual(resumed, []);
    await turn();
    assert.deepEqual(resumed, [0, 1, 2, 3]);
    await turn();
    assert.deepEqual(resumed, [0, 1, 2, 3, 4, 5, 6, 7]);
    await turn();
    assert.deepEqual(resumed, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});
