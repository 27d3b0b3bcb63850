// applyDefaults against fixtures: each fixture holds an object as applied and, as a second document,
// the object real Kubernetes stores for it (from pkg/apis/*/v1/defaults.go and defaults_test.go).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { applyDefaults, imageTag } from '../../../../engine/api/defaults/index.js';

const fixtures = join(__dirname, 'fixtures');

describe('applyDefaults: what the API server stores', () => {
  for (const file of readdirSync(fixtures).filter((f) => f.endsWith('.yaml')).sort()) {
    it(file.replace(/\.yaml$/, ''), () => {
      const [input, expected] = parseAllDocuments(readFileSync(join(fixtures, file), 'utf8')).map((d) => d.toJS());
      const before = structuredClone(input);
      assert.deepEqual(applyDefaults(input), expected);
      assert.deepEqual(input, before, 'the input is left untouched');
    });
  }

  it('is idempotent: defaulting a stored object changes nothing', () => {
    for (const file of readdirSync(fixtures).filter((f) => f.endsWith('.yaml'))) {
      const [, stored] = parseAllDocuments(readFileSync(join(fixtures, file), 'utf8')).map((d) => d.toJS());
      assert.deepEqual(applyDefaults(stored), stored, file);
    }
  });

  it('keeps what the user set', () => {
    const d = applyDefaults({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'w' },
      spec: { replicas: 0, revisionHistoryLimit: 0, strategy: { rollingUpdate: { maxSurge: 1 } }, template: { spec: { containers: [], restartPolicy: 'OnFailure' } } },
    }) as any;
    assert.equal(d.spec.replicas, 0);
    assert.equal(d.spec.revisionHistoryLimit, 0);
    assert.deepEqual(d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } });
    assert.equal(d.spec.template.spec.restartPolicy, 'OnFailure');
  });

  it('leaves kinds without defaults, and unknown kinds, as plain copies', () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', spec: { size: 1 } };
    const out = applyDefaults(widget);
    assert.deepEqual(out, widget);
    assert.notEqual(out, widget);
  });

  it('reads the image tag as the image parser does', () => {
    assert.equal(imageTag('nginx'), 'latest');
    assert.equal(imageTag('nginx:1.27'), '1.27');
    assert.equal(imageTag('localhost:5000/app'), 'latest');
    assert.equal(imageTag('localhost:5000/app:v2'), 'v2');
    assert.equal(imageTag('app@sha256:abc'), '');
    assert.equal(imageTag('app:v1@sha256:abc'), 'v1');
  });
});
