// Plugin building blocks checked against Kubernetes' rules: effective requests, node selector
// operators, toleration matching, and the score functions' arithmetic.
import assert from 'node:assert/strict';
import type { Node, Pod } from 'kubernetes-types/core/v1';
import { NodeInfo } from '../../../engine/scheduler/nodeInfo';
import { compileNodeSelectorTerm } from '../../../engine/scheduler/nodeSelector';
import { newPodInfo } from '../../../engine/scheduler/podInfo';
import { nodeResourcesBalancedAllocation } from '../../../engine/scheduler/plugins/nodeResourcesBalancedAllocation';
import { nodeResourcesFit } from '../../../engine/scheduler/plugins/nodeResourcesFit';
import { normalizedImageName } from '../../../engine/scheduler/plugins/imageLocality';
import { computePodRequests } from '../../../engine/scheduler/resources';
import { toleratesTaint } from '../../../engine/scheduler/taints';

const container = (name: string, requests: Record<string, string>, restartPolicy?: string) => ({ name, image: 'x', resources: { requests }, ...(restartPolicy ? { restartPolicy } : {}) });

describe('scheduler plugins', () => {
  describe('effective pod requests', () => {
    it('sums app containers, takes the largest init step if larger, and adds the overhead', () => {
      const pod: Pod = {
        spec: {
          containers: [container('a', { cpu: '200m', memory: '1Gi' }), container('b', { cpu: '300m' })],
          initContainers: [container('init', { cpu: '1', memory: '100Mi' })],
          overhead: { cpu: '50m', memory: '10Mi' },
        },
      };
      const { requests } = computePodRequests(pod);
      assert.equal(requests.milliCPU, 1_050);
      assert.equal(requests.memory, 1024 ** 3 + 10 * 1024 ** 2);
    });

    it('adds restartable (sidecar) init containers to the app containers and to every later init step', () => {
      const pod: Pod = {
        spec: {
          containers: [container('app', { cpu: '500m' })],
          initContainers: [container('proxy', { cpu: '200m' }, 'Always'), container('migrate', { cpu: '600m' })],
        },
      };
      // App phase: 500m + 200m sidecar = 700m; migrate step: 600m + 200m sidecar = 800m.
      assert.equal(computePodRequests(pod).requests.milliCPU, 800);
    });

    it('counts unset requests at 100m and 200Mi for scoring only', () => {
      const r = computePodRequests({ spec: { containers: [container('a', {}), container('b', { cpu: '0' })] } });
      assert.equal(r.requests.milliCPU, 0);
      assert.equal(r.nonZeroMilliCPU, 100);
      assert.equal(r.nonZeroMemory, 2 * 200 * 1024 * 1024);
    });
  });

  describe('node selector terms', () => {
    const labels = { zone: 'z1', cores: '16' };
    const term = (key: string, operator: string, values?: string[]) => compileNodeSelectorTerm({ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] });
    const cases: [string, ReturnType<typeof term>, boolean][] = [
      ['In', term('zone', 'In', ['z1', 'z2']), true],
      ['NotIn', term('zone', 'NotIn', ['z1']), false],
      ['NotIn on a missing label', term('gpu', 'NotIn', ['yes']), true],
      ['Exists', term('zone', 'Exists'), true],
      ['DoesNotExist', term('zone', 'DoesNotExist'), false],
      ['Gt', term('cores', 'Gt', ['8']), true],
      ['Lt', term('cores', 'Lt', ['8']), false],
      ['Gt with a non-integer value', term('cores', 'Gt', ['eight']), false],
    ];
    for (const [name, matcher, want] of cases) it(`${name} → ${want}`, () => assert.equal(matcher(labels, 'n1'), want));

    it('matches metadata.name through matchFields, and an empty term matches nothing', () => {
      assert.equal(compileNodeSelectorTerm({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] })(labels, 'n1'), true);
      assert.equal(compileNodeSelectorTerm({})(labels, 'n1'), false);
    });
  });

  describe('tolerations', () => {
    const taint = { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' };
    const cases: [string, object, boolean][] = [
      ['Equal with the same value', { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }, true],
      ['Equal by default', { key: 'dedicated', value: 'gpu' }, true],
      ['another value', { key: 'dedicated', value: 'cpu' }, false],
      ['Exists on the key, any effect', { key: 'dedicated', operator: 'Exists' }, true],
      ['empty key with Exists tolerates everything', { operator: 'Exists' }, true],
      ['another effect', { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, false],
    ];
    for (const [name, toleration, want] of cases) it(`${name} → ${want}`, () => assert.equal(toleratesTaint(toleration, taint), want));
  });

  it('reads an image without a tag or digest as :latest, and keeps a registry port apart from a tag', () => {
    assert.equal(normalizedImageName('nginx'), 'nginx:latest');
    assert.equal(normalizedImageName('nginx:1.27'), 'nginx:1.27');
    assert.equal(normalizedImageName('registry.local:5000/app'), 'registry.local:5000/app:latest');
    assert.equal(normalizedImageName('app@sha256:abc'), 'app@sha256:abc');
  });

  describe('resource scores', () => {
    const nodeInfo = (cpu: string, memory: string): NodeInfo => {
      const info = new NodeInfo('n');
      const node: Node = { metadata: { name: 'n' }, status: { allocatable: { cpu, memory, pods: '110' } } };
      info.setNode(node);
      return info;
    };
    const pod = newPodInfo({ metadata: { name: 'p', namespace: 'shop' }, spec: { containers: [container('c', { cpu: '1', memory: '2Gi' })] } });

    it('LeastAllocated averages the free share of cpu and memory after placing the pod', () => {
      // cpu: (4000 - 1000) × 100 / 4000 = 75; memory: (8Gi - 2Gi) × 100 / 8Gi = 75.
      assert.equal(nodeResourcesFit.score!(undefined, pod, nodeInfo('4', '8Gi')), 75);
      // cpu: (2000 - 1000) × 100 / 2000 = 50; memory 75 → 62 (integer division).
      assert.equal(nodeResourcesFit.score!(undefined, pod, nodeInfo('2', '8Gi')), 62);
    });

    it('BalancedAllocation is 100 × (1 - |cpu fraction - memory fraction| / 2)', () => {
      // cpu 1/4 = 0.25, memory 2/8 = 0.25: perfectly balanced.
      assert.equal(nodeResourcesBalancedAllocation.score!(undefined, pod, nodeInfo('4', '8Gi')), 100);
      // cpu 1/2 = 0.5, memory 2/16 = 0.125: std 0.1875 → 81.
      assert.equal(nodeResourcesBalancedAllocation.score!(undefined, pod, nodeInfo('2', '16Gi')), 81);
    });
  });
});
