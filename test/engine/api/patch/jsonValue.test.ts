import assert from 'node:assert/strict';
import { deepCopy, deepEqual } from '../../../../engine/api/patch/jsonValue';

describe('jsonValue', () => {
  it('copies a "__proto__" member as the member JSON.parse made, not as a prototype', () => {
    const parsed = JSON.parse('{"metadata":{"name":"web","__proto__":{"polluted":true}}}') as { metadata: Record<string, unknown> };
    const copy = deepCopy(parsed);
    assert.equal(Object.getPrototypeOf(copy.metadata), Object.prototype);
    assert.equal((copy.metadata as { polluted?: boolean }).polluted, undefined);
    assert.deepEqual(Object.keys(copy.metadata), ['name', '__proto__']);
    assert.equal(JSON.stringify(copy), JSON.stringify(parsed));
    assert.ok(deepEqual(copy, parsed));
    assert.notEqual(copy.metadata.__proto__, parsed.metadata.__proto__, 'the member is copied, not shared');
  });
});
