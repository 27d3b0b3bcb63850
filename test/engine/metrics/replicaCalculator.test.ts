// The HPA's replica calculator on hand-made pods and metrics: the proportional rule with its
// tolerance, and kube's conservative treatment of pods without metrics and of unready pods.
import assert from 'node:assert/strict';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { defaultTolerance, isWithin, podMetricsInfo, type PodMetricsInfo, resourceReplicas } from '../../../engine/metrics/replicaCalculator';

const now = Date.UTC(2026, 10, 23, 12, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const tolerances = { scaleDown: defaultTolerance, scaleUp: defaultTolerance };

/** A running pod requesting 100m, started `startedAgoMs` ago, ready or not since `readySinceAgoMs`. */
function pod(name: string, options: { ready?: boolean; startedAgoMs?: number; readySinceAgoMs?: number; phase?: string; deleting?: boolean } = {}): Obj {
  const started = now - (options.startedAgoMs ?? 10 * 60_000);
  return {
    metadata: { name, ...(options.deleting ? { deletionTimestamp: iso(now) } : {}) },
    spec: { containers: [{ name: 'app', resources: { requests: { cpu: '100m' } } }] },
    status: {
      phase: options.phase ?? 'Running',
      startTime: iso(started),
      conditions: [{ type: 'Ready', status: options.ready === false ? 'False' : 'True', lastTransitionTime: iso(now - (options.readySinceAgoMs ?? 9 * 60_000)) }],
    },
  };
}

function metrics(values: Record<string, number>): PodMetricsInfo {
  return new Map(Object.entries(values).map(([name, value]) => [name, { value, timestamp: now, windowMs: 15_000 }]));
}

const cpu = (pods: Obj[], values: Record<string, number>, utilization: number, currentReplicas = pods.length) =>
  resourceReplicas({ currentReplicas, pods, metrics: metrics(values), timestamp: now, resource: 'cpu', tolerances, now, target: { utilization } });

describe('replica calculator', () => {
  it('scales in proportion to utilization over target, but not within the tolerance', () => {
    const three = [pod('a'), pod('b'), pod('c')];
    const up = cpu(three, { a: 80, b: 80, c: 80 }, 50);
    assert.deepEqual([up.replicas, up.utilization, up.rawAverage], [5, 80, 80]);
    assert.equal(cpu(three, { a: 54, b: 54, c: 54 }, 50).replicas, 3, '8% over the target is within the 10% tolerance');
    assert.equal(cpu(three, { a: 10, b: 10, c: 10 }, 50).replicas, 1);
    assert.equal(isWithin({ scaleDown: 0.05, scaleUp: 0.01 }, 1.02), false);
    assert.equal(isWithin({ scaleDown: 0.05, scaleUp: 0.01 }, 0.96), true);
  });

  it('counts a pod without metrics as using nothing on a scale-up and its whole request on a scale-down', () => {
    const three = [pod('a'), pod('b'), pod('new')];
    // 60% on the two measured pods would be a scale-up; with the new pod at 0% it is 40%: no change.
    assert.equal(cpu(three, { a: 60, b: 60 }, 50).replicas, 3);
    // 10% on the two would be one replica; with the unmeasured pod at 100% it is 40%: three.
    assert.equal(cpu(three, { a: 10, b: 10 }, 50).replicas, 3);
    // Far over the target, the scale-up still happens, counting the new pod as idle.
    assert.equal(cpu(three, { a: 200, b: 200 }, 50).replicas, 8);
  });

  it('leaves out CPU of pods not yet ready, and of pods being deleted or failed', () => {
    const pods = [pod('a'), pod('b'), pod('starting', { ready: false, startedAgoMs: 20_000, readySinceAgoMs: 20_000 })];
    // 120% on the ready pods would be three replicas, as there are: with the starting pod at 0%, it stays.
    assert.equal(cpu(pods, { a: 120, b: 120, starting: 500 }, 100).replicas, 3);
    // A pod ready for less than one window is still starting too.
    const justReady = [pod('a'), pod('b', { startedAgoMs: 60_000, readySinceAgoMs: 5_000 })];
    assert.equal(cpu(justReady, { a: 200, b: 900 }, 100).replicas, 2, 'b is left out: a alone at 200% over two pods, one of them at 0%, is on target');
    const gone = [pod('a'), pod('b', { deleting: true }), pod('c', { phase: 'Failed' })];
    assert.equal(cpu(gone, { a: 100, b: 900, c: 900 }, 50).replicas, 2);
    assert.throws(() => cpu([pod('x', { phase: 'Pending' })], { x: 100 }, 50), /did not receive metrics for targeted pods \(pods might be unready\)/);
  });

  it('averages raw usage against an AverageValue target, and needs requests only for Utilization', () => {
    const pods = [pod('a'), pod('b')];
    const r = resourceReplicas({ currentReplicas: 2, pods, metrics: metrics({ a: 300, b: 100 }), timestamp: now, resource: 'memory', tolerances, now, target: { averageValue: 100 } });
    assert.deepEqual([r.replicas, r.rawAverage, r.utilization], [4, 200, undefined]);
    assert.throws(
      () => resourceReplicas({ currentReplicas: 2, pods, metrics: metrics({ a: 300, b: 100 }), timestamp: now, resource: 'memory', tolerances, now, target: { utilization: 50 } }),
      /^Error: missing request for memory in container app of Pod a$/,
    );
  });

  it('reads PodMetrics: containers summed, one container chosen, pods missing the resource left out', () => {
    const items = [
      { metadata: { name: 'a' }, timestamp: iso(now), window: '15s', containers: [{ name: 'app', usage: { cpu: '120m', memory: '10Mi' } }, { name: 'sidecar', usage: { cpu: '5m', memory: '1Mi' } }] },
      { metadata: { name: 'b' }, timestamp: iso(now), window: '15s', containers: [{ name: 'app', usage: { memory: '10Mi' } }] },
    ];
    assert.deepEqual([...podMetricsInfo(items, 'cpu')], [['a', { value: 125, timestamp: now, windowMs: 15_000 }]]);
    assert.deepEqual([...podMetricsInfo(items, 'cpu', 'sidecar')].map(([n, m]) => [n, m.value]), [['a', 5]]);
    assert.deepEqual([...podMetricsInfo(items, 'memory')].map(([n, m]) => [n, m.value]), [['a', 11 * 1024 * 1024 * 1000], ['b', 10 * 1024 * 1024 * 1000]]);
  });
});
