// Scenarios through the one validation path (validateObject: schema, defaults, semantic rules) to the
// 422 message kubectl prints, word for word as a real API server answers.

import assert from 'node:assert/strict';
import { statusErrors } from '../../../../engine/api/errors.js';
import { validateObject } from '../../../../engine/api/validate.js';

function rejection(obj: Record<string, any>, oldObject?: Record<string, any>): string {
  const { errors, kind } = validateObject(obj, oldObject ? { oldObject } : {});
  assert.ok(kind, 'the kind resolves');
  return statusErrors.invalid(kind.kind, kind.group, obj.metadata.name, errors).status.message ?? '';
}

const deployment = (labels: Record<string, string>, selector: Record<string, string>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: { selector: { matchLabels: selector }, template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
});

describe('kubectl apply of a broken manifest: the 422 message', () => {
  it('given a Deployment whose selector misses its template, then the selector mismatch', () => {
    assert.equal(
      rejection(deployment({ app: 'web' }, { app: 'api' })),
      'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
    );
  });

  it('given a Job without restartPolicy, then the defaulted Always is refused', () => {
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'pi', namespace: 'default' }, spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl' }] } } } };
    assert.equal(rejection(job), 'Job.batch "pi" is invalid: spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"');
  });

  it('given CPU requests above the limit written as a fraction, then both quantities in canonical form', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '0.6' }, limits: { cpu: '0.5' } } }] },
    };
    assert.equal(rejection(pod), 'Pod "p" is invalid: spec.containers[0].resources.requests: Invalid value: "600m": must be less than or equal to cpu limit of 500m');
  });

  it('given two problems, then both, in brackets', () => {
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'Web', namespace: 'default' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] } };
    assert.equal(
      rejection(svc),
      'Service "Web" is invalid: [metadata.name: Invalid value: "Web": a DNS-1035 label must consist of lower case alphanumeric characters or \'-\', start with an alphabetic character, and end with an alphanumeric character (e.g. \'my-name\',  or \'abc-123\', regex used for validation is \'[a-z]([-a-z0-9]*[a-z0-9])?\'), spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767]',
    );
  });

  it('given a changed Deployment selector on update, then field is immutable', () => {
    const old = validateObject(deployment({ app: 'web' }, { app: 'web' }));
    assert.deepEqual(old.errors, []);
    assert.equal(
      rejection(deployment({ app: 'web', tier: 'fe' }, { app: 'web', tier: 'fe' }), deployment({ app: 'web' }, { app: 'web' })),
      'Deployment.apps "web" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"fe"}}: field is immutable',
    );
  });
});
