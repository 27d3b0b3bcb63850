import assert from 'node:assert/strict';
import { StatusError } from '../../../../engine/api/errors';
import { applyJSONPatch } from '../../../../engine/api/patch/jsonPatch';
import { applyMergePatch, createMergePatch } from '../../../../engine/api/patch/mergePatch';

const deployment = () => ({ metadata: { name: 'web', labels: { app: 'web' } }, spec: { replicas: 2, template: { spec: { containers: [{ name: 'web', image: 'nginx' }] } } } });

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  assert.fail('expected a StatusError');
}

describe('JSON patch (RFC 6902)', () => {
  it('applies replace, add and remove to a copy, leaving the input alone', () => {
    const live = deployment();
    const out = applyJSONPatch(live, [
      { op: 'replace', path: '/spec/replicas', value: 4 },
      { op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'log', image: 'fluentd' } },
      { op: 'remove', path: '/metadata/labels/app' },
    ]);
    assert.equal(out.spec.replicas, 4);
    assert.deepEqual(out.spec.template.spec.containers.map((c) => c.name), ['web', 'log']);
    assert.deepEqual(out.metadata.labels, {});
    assert.deepEqual(live, deployment());
  });

  it('a failing test op is a 422 Invalid carrying json-patch\'s message, and nothing is applied', () => {
    const live = deployment();
    const err = statusOf(() => applyJSONPatch(live, [{ op: 'test', path: '/spec/replicas', value: 3 }, { op: 'replace', path: '/spec/replicas', value: 9 }]));
    assert.equal(err.code, 422);
    assert.equal(err.reason, 'Invalid');
    assert.equal(err.status.message, 'the server rejected our request due to an error in our request');
    assert.equal(err.status.details?.causes?.[0]?.message, 'testing value /spec/replicas failed: test failed');
    assert.equal(live.spec.replicas, 2);
  });

  const failures: [string, unknown, string][] = [
    ['remove of a missing key', [{ op: 'remove', path: '/metadata/annotations' }], 'remove operation does not apply: doc is missing path: "/metadata/annotations": missing value'],
    ['replace of a missing key', [{ op: 'replace', path: '/spec/paused', value: true }], 'replace operation does not apply: doc is missing key: /spec/paused: missing value'],
    ['add under a missing parent', [{ op: 'add', path: '/status/conditions/0', value: {} }], 'add operation does not apply: doc is missing path: "/status/conditions/0": missing value'],
    ['an unknown op', [{ op: 'frob', path: '/x' }], 'Unexpected kind: frob: unknown object type'],
  ];
  for (const [name, patch, message] of failures) {
    it(`${name} → 422 "${message}"`, () => {
      const err = statusOf(() => applyJSONPatch(deployment(), patch));
      assert.equal(err.code, 422);
      assert.equal(err.status.details?.causes?.[0]?.message, message);
    });
  }

  it('a patch that is not a list of operations is a 400', () => {
    assert.equal(statusOf(() => applyJSONPatch(deployment(), { op: 'add' })).code, 400);
    assert.equal(statusOf(() => applyJSONPatch(deployment(), '[{')).code, 400);
  });

  it('more than 10,000 operations is 413', () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/spec/replicas', value: 2 }));
    const err = statusOf(() => applyJSONPatch(deployment(), ops));
    assert.equal(err.code, 413);
    assert.equal(err.status.message, 'The allowed maximum operations in a JSON patch is 10000, got 10001');
  });
});

describe('JSON merge patch (RFC 7386)', () => {
  it('merges objects, deletes on null and replaces lists whole (the task page\'s containers example)', () => {
    const live = deployment();
    const out = applyMergePatch(live, { metadata: { labels: { app: null, tier: 'web' } }, spec: { template: { spec: { containers: [{ name: 'patch-demo-ctr-3', image: 'gcr.io/google-samples/hello-app:2.0' }] } } } }) as ReturnType<typeof deployment>;
    assert.deepEqual(out.metadata.labels, { tier: 'web' });
    assert.deepEqual(out.spec.template.spec.containers, [{ name: 'patch-demo-ctr-3', image: 'gcr.io/google-samples/hello-app:2.0' }]);
    assert.equal(out.spec.replicas, 2);
    assert.deepEqual(live, deployment());
  });

  it('RFC 7386 appendix examples', () => {
    const table: [unknown, unknown, unknown][] = [
      [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
      [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
      [{ a: 'b' }, { a: null }, {}],
      [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
      [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
      [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
      [['a', 'b'], ['c', 'd'], ['c', 'd']],
      [{ a: 'foo' }, 'bar', 'bar'],
      [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ];
    for (const [target, patch, result] of table) assert.deepEqual(applyMergePatch(target, patch), result);
  });

  it('creates the patch between two objects, which applies back to the modified one', () => {
    const original = { metadata: { labels: { a: '1', b: '2' } }, spec: { replicas: 1, ports: [80] } };
    const modified = { metadata: { labels: { a: '1', c: '3' } }, spec: { replicas: 1, ports: [80, 443] } };
    const patch = createMergePatch(original, modified);
    assert.deepEqual(patch, { metadata: { labels: { b: null, c: '3' } }, spec: { ports: [80, 443] } });
    assert.deepEqual(applyMergePatch(original, patch), modified);
  });
});
