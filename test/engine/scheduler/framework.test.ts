// The framework without an API server: how many nodes a cycle looks at, where it starts, how it
// words a failure, and how scores pick a node.
import assert from 'node:assert/strict';
import type { Node, Pod } from 'kubernetes-types/core/v1';
import { SchedulerCache } from '../../../engine/scheduler/cache';
import { FitError, Framework, numFeasibleNodesToFind } from '../../../engine/scheduler/framework';
import { newPodInfo } from '../../../engine/scheduler/podInfo';
import { defaultProfile } from '../../../engine/scheduler/plugins/registry';
import { Random } from '../../../engine/util/random';

function node(name: string, cpu = '4', memory = '8Gi', extra: Partial<Node> = {}): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } }, ...extra, status: { allocatable: { cpu, memory, pods: '110' } } };
}

function pod(name: string, requests: Record<string, string> = {}, spec: Partial<Pod['spec']> = {}): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', uid: `uid-${name}`, labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests } }], ...spec } };
}

describe('scheduler framework', () => {
  describe('numFeasibleNodesToFind', () => {
    // kube-scheduler's adaptive rule: every node below 100; 50% - nodes/125, at least 5%, at least 100 nodes.
    const cases: [number | undefined, number, number][] = [
      [undefined, 50, 50],
      [undefined, 99, 99],
      [undefined, 100, 100],
      [undefined, 1_000, 420],
      [undefined, 5_000, 500],
      [undefined, 6_000, 300],
      [undefined, 10_000, 500],
      [undefined, 100_000, 5_000],
      [30, 1_000, 300],
      [5, 1_000, 100],
      [100, 5_000, 5_000],
    ];
    for (const [percentage, nodes, want] of cases) {
      it(`looks for ${want} feasible nodes of ${nodes} with percentageOfNodesToScore=${percentage ?? 'adaptive'}`, () => {
        assert.equal(numFeasibleNodesToFind(percentage, nodes), want);
      });
    }
  });

  it('starts each cycle where the last one stopped, so nodes are sampled round-robin', () => {
    const cache = new SchedulerCache();
    for (let i = 0; i < 300; i++) cache.setNode(node(`n-${i}`, '100', '100Gi'));
    const framework = new Framework(defaultProfile(), new Random(1));
    // 300 nodes: 50% - 300/125 = 48%, so each cycle stops after 144 feasible nodes.
    const want = numFeasibleNodesToFind(undefined, 300);
    const first = framework.schedulePod(newPodInfo(pod('a')), cache);
    const second = framework.schedulePod(newPodInfo(pod('b')), cache);
    assert.ok(!(first instanceof Error) && !(second instanceof Error));
    assert.equal(first.evaluatedNodes, want);
    // The second cycle saw only nodes the first did not (144 + 144 ≤ 300).
    const firstIndex = first.node.index;
    const secondIndex = second.node.index;
    assert.ok(firstIndex < want, `first pick ${firstIndex} within the first ${want} nodes`);
    assert.ok(secondIndex >= want && secondIndex < 2 * want, `second pick ${secondIndex} within the next ${want}`);
  });

  it('words a failure as kube-scheduler does: counts per reason, sorted as strings', () => {
    const message = FitError.format(5, new Map([['Insufficient memory', 2], ["node(s) didn't match Pod's node affinity/selector", 2], ['Insufficient cpu', 1]]));
    assert.equal(message, "0/5 nodes are available: 1 Insufficient cpu, 2 Insufficient memory, 2 node(s) didn't match Pod's node affinity/selector.");
  });

  it('counts every reason a node gives: a node short of cpu and memory counts for both', () => {
    const cache = new SchedulerCache();
    cache.setNode(node('small', '1', '1Gi'));
    cache.setNode(node('medium', '8', '1Gi'));
    const framework = new Framework(defaultProfile(), new Random(1));
    const result = framework.schedulePod(newPodInfo(pod('big', { cpu: '2', memory: '2Gi' })), cache);
    assert.ok(result instanceof FitError);
    // Neither node could hold the pod even empty, so preemption cannot help either.
    assert.equal(result.message, '0/2 nodes are available: 1 Insufficient cpu, 2 Insufficient memory. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.');
    assert.deepEqual([...result.rejectors], ['NodeResourcesFit']);
  });

  describe('a pod whose required node affinity names its nodes (PreFilterResult)', () => {
    const pinned = (name: string, ...terms: string[][]) =>
      pod(name, { cpu: '2' }, { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms.map((values) => ({ matchFields: [{ key: 'metadata.name', operator: 'In', values }] })) } } } });
    const cluster = () => {
      const cache = new SchedulerCache();
      for (let i = 0; i < 1_000; i++) cache.setNode(node(`n-${i}`));
      cache.setNode(node('small', '1'));
      return cache;
    };

    it('is checked against the nodes it names alone, as a DaemonSet pod is against its own node', () => {
      const framework = new Framework(defaultProfile(), new Random(1));
      const result = framework.schedulePod(newPodInfo(pinned('ds-a', ['n-700'])), cluster());
      assert.ok(!(result instanceof Error));
      assert.equal(result.node.name, 'n-700');
      assert.equal(result.evaluatedNodes, 1);
      // Terms are ORed: the nodes either names, of which the ones that exist.
      const either = framework.schedulePod(newPodInfo(pinned('ds-b', ['n-3', 'gone'], ['n-4'])), cluster());
      assert.ok(!(either instanceof Error));
      assert.equal(either.evaluatedNodes, 2);
      assert.ok(['n-3', 'n-4'].includes(either.node.name));
    });

    it('counts every other node as failing the plugin that narrowed the search, and the named ones by their own reasons', () => {
      const framework = new Framework(defaultProfile(), new Random(1));
      const result = framework.schedulePod(newPodInfo(pinned('ds-c', ['small'])), cluster());
      assert.ok(result instanceof FitError);
      // The named node could not hold the pod even empty, and the others were never candidates: no preemption.
      assert.equal(result.message, "0/1001 nodes are available: 1 Insufficient cpu, 1000 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/1001 nodes are available: 1001 Preemption is not helpful for scheduling.");
      const missing = framework.schedulePod(newPodInfo(pinned('ds-d', ['gone'])), cluster());
      assert.ok(missing instanceof FitError);
      assert.match(missing.message, /^0\/1001 nodes are available: 1001 node\(s\) didn't satisfy plugin\(s\) \[NodeAffinity\]\./);
    });

    it('is refused outright when a term names no node that all its fields allow', () => {
      const framework = new Framework(defaultProfile(), new Random(1));
      const p = pod('ds-e', {}, { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n-1'] }, { key: 'metadata.name', operator: 'In', values: ['n-2'] }] }] } } } });
      const result = framework.schedulePod(newPodInfo(p), cluster());
      assert.ok(result instanceof FitError);
      assert.match(result.message, /^0\/1001 nodes are available: pod affinity terms conflict\./);
    });

    it('still walks every node when some term does not name nodes', () => {
      const framework = new Framework(defaultProfile(), new Random(1));
      const p = pod('ds-f', {}, { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n-1'] }] }, { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['n-900'] }] }] } } } });
      const result = framework.schedulePod(newPodInfo(p), cluster());
      assert.ok(!(result instanceof Error));
      assert.ok(result.evaluatedNodes > 2, `${result.evaluatedNodes} nodes evaluated`);
    });
  });

  it('prefers the least allocated node, counting containers without requests at 100m and 200Mi', () => {
    const cache = new SchedulerCache();
    cache.setNode(node('busy'));
    cache.setNode(node('idle'));
    // Three pods without requests on "busy": no effect on Filter, but they count when scoring.
    for (const name of ['x', 'y', 'z']) cache.assumePod(newPodInfo(pod(name)), 'busy');
    const framework = new Framework(defaultProfile(), new Random(1));
    const result = framework.schedulePod(newPodInfo(pod('new')), cache);
    assert.ok(!(result instanceof Error));
    assert.equal(result.node.name, 'idle');
  });

  it('prefers the node that already holds the pod\'s image (ImageLocality)', () => {
    const cache = new SchedulerCache();
    cache.setNode(node('cold-1'));
    cache.setNode({ ...node('warm'), status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, images: [{ names: ['registry.example/app:1.0'], sizeBytes: 500 * 1024 * 1024 }] } });
    cache.setNode(node('cold-2'));
    const framework = new Framework(defaultProfile(), new Random(1));
    const withImage = (name: string, image: string): Pod => ({ ...pod(name), spec: { containers: [{ name: 'c', image }] } });
    const r = framework.schedulePod(newPodInfo(withImage('a', 'registry.example/app:1.0')), cache);
    assert.ok(!(r instanceof Error));
    assert.equal(r.node.name, 'warm');
    // Removing the node forgets its images.
    cache.removeNode('warm');
    assert.equal(cache.imageNodes.get('registry.example/app:1.0'), undefined);
  });

  describe('scores that outweigh resource scores', () => {
    // "busy" runs a 1-cpu pod of another app; "crowded" runs three request-less web pods. The
    // resource scores prefer "crowded" (less allocated, better balanced); each scenario's own
    // plugin must pull the pod the other way.
    const setup = () => {
      const cache = new SchedulerCache();
      cache.setNode(node('crowded'));
      cache.setNode(node('busy'));
      for (const name of ['w1', 'w2', 'w3']) cache.assumePod(newPodInfo(pod(name)), 'crowded');
      cache.assumePod(newPodInfo({ ...pod('db', { cpu: '1' }), metadata: { name: 'db', namespace: 'shop', labels: { app: 'db' } } }), 'busy');
      return { cache, framework: new Framework(defaultProfile(), new Random(1)) };
    };

    it('resource scores alone pick the crowded node', () => {
      const { cache, framework } = setup();
      const r = framework.schedulePod(newPodInfo(pod('web')), cache);
      assert.ok(!(r instanceof Error));
      assert.equal(r.node.name, 'crowded');
    });

    it('a ScheduleAnyway topology spread constraint picks the node with fewer matching pods', () => {
      const { cache, framework } = setup();
      const spread = { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway' as const, labelSelector: { matchLabels: { app: 'web' } } }] };
      const r = framework.schedulePod(newPodInfo(pod('web', {}, spread)), cache);
      assert.ok(!(r instanceof Error));
      assert.equal(r.node.name, 'busy');
    });

    it('preferred pod affinity picks the node running the pods it names', () => {
      const { cache, framework } = setup();
      const affinity = { affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' } }] } } };
      const r = framework.schedulePod(newPodInfo(pod('web', {}, affinity)), cache);
      assert.ok(!(r instanceof Error));
      assert.equal(r.node.name, 'busy');
    });

    it('preferred pod anti-affinity keeps away from the pods it names', () => {
      const { cache, framework } = setup();
      // Make "busy" the resource favourite by freeing it, then repel the pod from it.
      cache.forgetPod('shop/db');
      cache.assumePod(newPodInfo({ ...pod('db'), metadata: { name: 'db', namespace: 'shop', labels: { app: 'db' } } }), 'busy');
      const anti = { affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' } }] } } };
      const free = framework.schedulePod(newPodInfo(pod('web')), cache);
      assert.ok(!(free instanceof Error));
      assert.equal(free.node.name, 'busy');
      const r = framework.schedulePod(newPodInfo(pod('web', {}, anti)), cache);
      assert.ok(!(r instanceof Error));
      assert.equal(r.node.name, 'crowded');
    });
  });

  it('accounts assumed pods and forgets them when their binding fails', () => {
    const cache = new SchedulerCache();
    cache.setNode(node('only', '1'));
    const framework = new Framework(defaultProfile(), new Random(1));
    const a = newPodInfo(pod('a', { cpu: '800m' }));
    const r = framework.schedulePod(a, cache);
    assert.ok(!(r instanceof Error));
    cache.assumePod(a, r.node.name);
    assert.ok(framework.schedulePod(newPodInfo(pod('b', { cpu: '800m' })), cache) instanceof FitError);
    cache.forgetPod(a.key);
    assert.ok(!(framework.schedulePod(newPodInfo(pod('b', { cpu: '800m' })), cache) instanceof Error));
  });
});
