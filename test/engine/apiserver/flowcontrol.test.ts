// API Priority and Fairness' objects: the priority levels and FlowSchemas kube-apiserver creates at
// start, and each FlowSchema's Dangling condition kept in step with the priority levels.
import assert from 'node:assert/strict';
import { newCluster, rejects } from './fixture';

const group = 'flowcontrol.apiserver.k8s.io';
const flowschemas = { group, version: 'v1', resource: 'flowschemas' };
const levels = { group, version: 'v1', resource: 'prioritylevelconfigurations' };

describe('API server: API Priority and Fairness objects', () => {
  it('creates the mandatory and suggested priority levels and FlowSchemas at start, none of them dangling', async () => {
    const { client } = await newCluster();
    const schemas = client.list(flowschemas).items;
    const names = schemas.map((f: any) => f.metadata.name);
    for (const name of ['exempt', 'catch-all', 'system-nodes', 'probes', 'system-leader-election', 'kube-controller-manager', 'service-accounts', 'global-default']) assert.ok(names.includes(name), name);
    assert.ok(client.list(levels).items.some((p: any) => p.metadata.name === 'workload-low'));
    const exempt = client.get(flowschemas, undefined, 'exempt');
    assert.equal(exempt.metadata.annotations['apf.kubernetes.io/autoupdate-spec'], 'true');
    for (const fs of schemas) {
      const dangling = fs.status.conditions.find((c: any) => c.type === 'Dangling');
      assert.deepEqual([dangling.status, dangling.reason], ['False', 'Found'], fs.metadata.name);
    }
  });

  it("marks a FlowSchema dangling while its priority level is missing, and refuses to change the mandatory ones' spec", async () => {
    const { client } = await newCluster();
    await client.create(flowschemas, undefined, { metadata: { name: 'batch-jobs' }, spec: { priorityLevelConfiguration: { name: 'batch' }, rules: [{ subjects: [{ kind: 'Group', group: { name: 'batch' } }], nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }] }] } });
    const dangling = () => client.get(flowschemas, undefined, 'batch-jobs').status.conditions.find((c: any) => c.type === 'Dangling');
    assert.deepEqual([dangling().status, dangling().reason, dangling().message], ['True', 'NotFound', 'This FlowSchema references the PriorityLevelConfiguration object named "batch" but there is no such object']);
    await client.create(levels, undefined, { metadata: { name: 'batch' }, spec: { type: 'Limited', limited: { nominalConcurrencyShares: 5, limitResponse: { type: 'Reject' } } } });
    assert.deepEqual([dangling().status, dangling().reason], ['False', 'Found']);
    await client.delete(levels, undefined, 'batch');
    assert.equal(dangling().status, 'True');
    await rejects(client.patch(flowschemas, undefined, 'catch-all', 'merge', { spec: { matchingPrecedence: 5000 } }), 422, /^FlowSchema\.flowcontrol\.apiserver\.k8s\.io "catch-all" is invalid: spec: Invalid value: .*: spec of 'catch-all' must equal the fixed value$/);
  });
});
