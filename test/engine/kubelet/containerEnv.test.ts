// A container's environment: sources in Kubernetes' order, $(VAR) expansion, and the errors that
// hold a container in CreateContainerConfigError.
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1';
import { containerEnv, expand } from '../../../engine/kubelet/containerEnv';
import type { Obj } from '../../../engine/apiserver/registry/strategy';

const objects: Record<string, Obj> = {
  'configmaps/shop/api-config': { data: { LOG_LEVEL: 'info', DB_HOST: 'db-0.db' } },
  'secrets/shop/creds': { data: { DB_USER: Buffer.from('shop').toString('base64') } },
};
const sources = { get: (r: string, ns: string, n: string) => objects[`${r}/${ns}/${n}`], podIP: '10.244.1.7', hostIP: '172.18.0.3', allocatable: { cpu: '4', memory: '8Gi' } };
const pod = (container: Obj): Pod => ({ metadata: { name: 'api-0', namespace: 'shop', labels: { tier: 'api' } }, spec: { nodeName: 'worker-1', containers: [{ name: 'api', ...container }] } });

describe('container environment', () => {
  it('takes envFrom first, then env in order, expanding $(VAR) references to earlier variables', () => {
    const p = pod({
      envFrom: [{ configMapRef: { name: 'api-config' }, prefix: 'CFG_' }],
      env: [
        { name: 'DB_USER', valueFrom: { secretKeyRef: { name: 'creds', key: 'DB_USER' } } },
        { name: 'DSN', value: 'postgres://$(DB_USER)@$(CFG_DB_HOST)/$(UNKNOWN) costs $$5' },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'TIER', valueFrom: { fieldRef: { fieldPath: "metadata.labels['tier']" } } },
        { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      ],
    });
    const result = containerEnv(p, p.spec!.containers[0]!, sources);
    assert.deepEqual(result, { env: {
      CFG_LOG_LEVEL: 'info',
      CFG_DB_HOST: 'db-0.db',
      DB_USER: 'shop',
      DSN: 'postgres://shop@db-0.db/$(UNKNOWN) costs $5',
      POD_IP: '10.244.1.7',
      TIER: 'api',
      CPU_LIMIT: '4',
    } });
  });

  it('names what is missing, unless the reference is optional', () => {
    const missing = pod({ envFrom: [{ secretRef: { name: 'nope' } }] });
    assert.deepEqual(containerEnv(missing, missing.spec!.containers[0]!, sources), { error: 'secret "nope" not found' });
    const optional = pod({ envFrom: [{ secretRef: { name: 'nope', optional: true } }], env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'api-config', key: 'NOPE', optional: true } } }] });
    assert.deepEqual(containerEnv(optional, optional.spec!.containers[0]!, sources), { env: {} });
    const key = pod({ env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'api-config', key: 'NOPE' } } }] });
    assert.deepEqual(containerEnv(key, key.spec!.containers[0]!, sources), { error: "couldn't find key NOPE in ConfigMap shop/api-config" });
  });

  it('expands $(VAR) but leaves $$ as one $ and unknown references as written', () => {
    assert.equal(expand('$(A)-$$(A)-$(B)', { A: '1' }), '1-$(A)-$(B)');
  });
});
