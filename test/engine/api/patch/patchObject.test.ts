import assert from 'node:assert/strict';
import { StatusError } from '../../../../engine/api/errors';
import { patchObject } from '../../../../engine/api/patch/patchObject';
import { podSchema } from './schemaFixture';

const pod = () => ({ metadata: { name: 'web', labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } });
const builtIn = { schema: podSchema, builtIn: true };

function statusOf(fn: () => unknown): StatusError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatusError) return e;
    throw e;
  }
  assert.fail('expected a StatusError');
}

describe('PATCH by content type', () => {
  const body = { spec: { containers: [{ name: 'sidecar', image: 'envoy' }] } };

  it('strategic merge patch merges containers; merge patch replaces the list', () => {
    const smp = patchObject(pod(), 'application/strategic-merge-patch+json', JSON.stringify(body), builtIn);
    assert.deepEqual(smp.spec.containers.map((c) => c.name), ['sidecar', 'web']);
    const merge = patchObject(pod(), 'application/merge-patch+json; charset=utf-8', body, builtIn);
    assert.deepEqual(merge.spec.containers.map((c) => c.name), ['sidecar']);
  });

  it('JSON patch by its content type', () => {
    const out = patchObject(pod(), 'application/json-patch+json', [{ op: 'add', path: '/metadata/labels/tier', value: 'front' }], builtIn);
    assert.deepEqual(out.metadata.labels, { app: 'web', tier: 'front' });
  });

  it('custom resources refuse strategic merge patch with 415 and the accepted types', () => {
    const err = statusOf(() => patchObject(pod(), 'application/strategic-merge-patch+json', body, { schema: undefined, builtIn: false }));
    assert.equal(err.code, 415);
    assert.equal(err.status.message, 'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml');
  });

  it('a strategic merge patch error becomes the API server\'s status', () => {
    const err = statusOf(() => patchObject(pod(), 'application/strategic-merge-patch+json', { spec: { $retainKeys: 'nope' } }, builtIn));
    assert.equal(err.code, 400);
    assert.equal(err.status.message, 'invalid patch format of retainKeys');
  });

  it('a body that is not JSON is a 400', () => {
    assert.equal(statusOf(() => patchObject(pod(), 'application/merge-patch+json', '{', builtIn)).code, 400);
  });
});
