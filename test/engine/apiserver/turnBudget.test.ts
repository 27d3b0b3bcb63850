import assert from 'node:assert/strict';
import { WriteBudget, writesWaiting } from '../../../engine/apiserver/turnBudget';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('API server: writes per turn of the event loop', () => {
  it('admits the budget at once, then the rest a budget per turn, first come first served', async () => {
    const budget = new WriteBudget(3);
    const started: number[] = [];
    for (let i = 0; i < 8; i++) {
      const wait = budget.take();
      if (wait) void wait.then(() => started.push(i));
      else started.push(i);
    }
    assert.deepEqual(started, [0, 1, 2], 'within the budget a write starts synchronously');
    await turn();
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5]);
    await turn();
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7]);
    await turn();
    assert.equal(budget.take(), undefined, 'a quiet turn later, the budget is whole again');
  });

  it('counts the writes waiting for a turn, over every budget, until the backlog drains', async () => {
    const a = new WriteBudget(2);
    const b = new WriteBudget(1);
    const before = writesWaiting();
    for (let i = 0; i < 5; i++) void a.take();
    for (let i = 0; i < 3; i++) void b.take();
    assert.equal(writesWaiting() - before, 3 + 2);
    await turn();
    assert.equal(writesWaiting() - before, 1 + 1);
    await turn();
    await turn();
    assert.equal(writesWaiting(), before);
  });
});
