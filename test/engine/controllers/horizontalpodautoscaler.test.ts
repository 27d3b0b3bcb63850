// The horizontal pod autoscaler in a whole cluster on a virtual clock: simulated requests through
// the Service load the pods, the kubelets' usage reaches the HPA through metrics.k8s.io, and the HPA
// scales the Deployment (or StatefulSet) as kube-controller-manager would — up at once, down only
// after the five-minute stabilization window, within min/max and the behavior's policies.
import assert from 'node:assert/strict';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { bootCluster } from '../cluster/boot';

const deployments = { group: 'apps', version: 'v1', resource: 'deployments' };
const statefulsets = { group: 'apps', version: 'v1', resource: 'statefulsets' };
const services = { group: '', version: 'v1', resource: 'services' };
const events = { group: '', version: 'v1', resource: 'events' };
const hpas = { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' };

async function boot() {
  const { clock, cluster, admin, advance } = await bootCluster({ seed: 42, workers: 2 });

  /** A Deployment of nginx with a Service in front, each pod requesting `cpu`. */
  const web = async (name: string, options: { replicas?: number; requests?: Obj; annotations?: Record<string, string> } = {}) => {
    const labels = { app: name };
    await admin.create(deployments, 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name },
      spec: {
        replicas: options.replicas ?? 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels, ...(options.annotations ? { annotations: options.annotations } : {}) },
          spec: { containers: [{ name: 'web', image: 'nginx:1.29', ports: [{ containerPort: 80 }], resources: { requests: options.requests ?? { cpu: '200m' } } }] },
        },
      },
    });
    await admin.create(services, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector: labels, ports: [{ port: 80 }] } });
  };
  const autoscale = (name: string, spec: Obj) =>
    admin.create(hpas, 'default', { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name }, ...spec } });
  /** Sends `perSecond` requests a second to the Service for `ms`, each answered by one of its pods. */
  const load = async (service: string, perSecond: number, ms: number) => {
    const gap = 1000 / perSecond;
    for (let t = 0; t < ms; t += gap) {
      const res = cluster.request('GET', `http://${service}.default/`);
      assert.equal(res.error, undefined, res.error);
      await clock.advanceAsync(gap, gap);
    }
  };
  const hpa = (name: string): Obj => admin.get(hpas, 'default', name);
  const condition = (name: string, type: string) => (hpa(name).status?.conditions ?? []).find((c: Obj) => c.type === type);
  const replicas = (name: string, type = deployments): number => admin.get(type, 'default', name).spec.replicas;
  const hpaEvents = (name: string) => (admin.list(events, 'default').items as Obj[]).filter((e) => e.involvedObject.kind === 'HorizontalPodAutoscaler' && e.involvedObject.name === name);
  return { clock, cluster, admin, advance, web, autoscale, load, hpa, condition, replicas, hpaEvents };
}

describe('horizontal pod autoscaler', function () {
  this.timeout(120_000);
  let c: Awaited<ReturnType<typeof boot>> | undefined;
  afterEach(async () => {
    await c?.cluster.stop();
    c = undefined;
  });

  it('scales up when load rises, and down only once the five-minute window has passed', async () => {
    c = await boot();
    await c.web('web');
    await c.autoscale('web', { minReplicas: 1, maxReplicas: 10, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] });
    await c.advance(60_000);
    const idle = c.hpa('web').status;
    assert.deepEqual(idle.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 0, averageValue: '1m' } } }]);
    assert.equal(c.condition('web', 'ScalingActive')?.reason, 'ValidMetricFound');
    assert.equal(c.replicas('web'), 1);

    // Four requests a second cost 400m: 200% of one pod's request, so four pods bring it to 50%.
    await c.load('web', 4, 30_000);
    assert.equal(c.replicas('web'), 4);
    const up = c.hpaEvents('web').find((e) => e.reason === 'SuccessfulRescale');
    assert.equal(up?.message, 'New size: 4; reason: cpu resource utilization (percentage of request) above target');
    assert.equal(up?.source?.component, 'horizontal-pod-autoscaler');
    await c.load('web', 4, 60_000);
    const busy = c.hpa('web').status;
    assert.equal(busy.currentReplicas, 4);
    assert.equal(busy.desiredReplicas, 4);
    assert.ok(busy.lastScaleTime, 'the scale-up is recorded');
    const spread = busy.currentMetrics[0].resource.current.averageUtilization;
    assert.ok(spread >= 45 && spread <= 55, `the load is spread over four pods (${spread}%)`);
    assert.equal(c.replicas('web'), 4, 'within tolerance of the target: no change');

    // The load stops: the recommendation falls at once, the replica count not before five minutes.
    await c.advance(240_000);
    assert.equal(c.replicas('web'), 4);
    assert.equal(c.hpa('web').status.desiredReplicas, 4);
    assert.deepEqual([c.condition('web', 'AbleToScale')?.reason, c.condition('web', 'AbleToScale')?.message], ['ScaleDownStabilized', 'recent recommendations were higher than current one, applying the highest recent recommendation']);
    await c.advance(105_000);
    assert.equal(c.replicas('web'), 1);
    const down = c.hpaEvents('web').filter((e) => e.reason === 'SuccessfulRescale').map((e) => e.message);
    assert.deepEqual(down, ['New size: 4; reason: cpu resource utilization (percentage of request) above target', 'New size: 1; reason: All metrics below target']);
    assert.deepEqual([c.condition('web', 'ScalingLimited')?.status, c.condition('web', 'ScalingLimited')?.reason], ['True', 'TooFewReplicas']);
  });

  it('keeps the replica count within minReplicas and maxReplicas', async () => {
    c = await boot();
    await c.web('web');
    await c.autoscale('web', { minReplicas: 2, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] });
    await c.advance(20_000);
    assert.equal(c.replicas('web'), 2);
    assert.equal(c.hpaEvents('web')[0]?.message, 'New size: 2; reason: Current number of replicas below Spec.MinReplicas');

    // Eight requests a second would need eight pods; three is the most allowed.
    await c.load('web', 8, 60_000);
    assert.equal(c.replicas('web'), 3);
    const limited = c.condition('web', 'ScalingLimited');
    assert.deepEqual([limited?.status, limited?.reason, limited?.message], ['True', 'TooManyReplicas', 'the desired replica count is more than the maximum replica count']);
    assert.equal(c.hpa('web').status.desiredReplicas, 3);
  });

  it('reports what keeps it from scaling: a missing target, pods without metrics, a container without a request, a second HPA', async () => {
    c = await boot();
    await c.autoscale('nowhere', { maxReplicas: 3 });
    // Its image cannot be pulled: the pod never runs, so it never has metrics.
    await c.web('unpulled', { annotations: { 'kubeside.dev/behavior': 'pull-error' } });
    await c.autoscale('unpulled', { maxReplicas: 3 });
    await c.web('unrequested', { requests: { memory: '64Mi' } });
    await c.autoscale('unrequested', { maxReplicas: 3 });
    await c.web('shared');
    await c.autoscale('shared', { maxReplicas: 3 });
    await c.admin.create({ group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' }, 'default', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'shared-too' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shared' }, maxReplicas: 5 },
    });
    await c.advance(45_000);
    const ableToScale = c.condition('nowhere', 'AbleToScale');
    assert.deepEqual([ableToScale?.status, ableToScale?.reason, ableToScale?.message], ['False', 'FailedGetScale', 'the HPA controller was unable to get the target\'s current scale: deployments.apps "nowhere" not found']);
    assert.equal(c.hpaEvents('nowhere')[0]?.reason, 'FailedGetScale');

    let active = c.condition('unpulled', 'ScalingActive');
    assert.deepEqual([active?.status, active?.reason, active?.message], ['False', 'FailedGetResourceMetric', 'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API']);
    assert.equal(c.condition('unpulled', 'AbleToScale')?.reason, 'SucceededGetScale');
    assert.equal(c.replicas('unpulled'), 1);

    active = c.condition('unrequested', 'ScalingActive');
    assert.equal(active?.reason, 'FailedGetResourceMetric');
    assert.match(active?.message, /^the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container web of Pod unrequested-[a-z0-9]+-[a-z0-9]+$/);
    assert.deepEqual(c.hpa('unrequested').status.currentMetrics, [{ type: '' }]);
    const failed = c.hpaEvents('unrequested').filter((e) => e.reason === 'FailedComputeMetricsReplicas').map((e) => e.message);
    for (const name of ['shared', 'shared-too']) {
      const ambiguous = c.condition(name, 'ScalingActive');
      assert.deepEqual([ambiguous?.status, ambiguous?.reason, ambiguous?.message], ['False', 'AmbiguousSelector', 'pods by selector app=shared are controlled by multiple HPAs: [default/shared default/shared-too]']);
    }
    assert.ok(failed.some((m) => /^invalid metrics \(1 invalid out of 1\), first error is: failed to get cpu resource metric value: failed to get cpu utilization: missing request for cpu in container web/.test(m)), failed.join('\n'));
    assert.equal(c.replicas('unrequested'), 1);
  });

  it('follows its behavior: one pod a minute up, no stabilization down', async () => {
    c = await boot();
    await c.web('web');
    await c.autoscale('web', {
      minReplicas: 1,
      maxReplicas: 6,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
      behavior: {
        scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] },
        scaleDown: { stabilizationWindowSeconds: 0, policies: [{ type: 'Pods', value: 1, periodSeconds: 15 }] },
      },
    });
    await c.advance(30_000);
    await c.load('web', 8, 30_000);
    assert.equal(c.replicas('web'), 2);
    const limited = c.condition('web', 'ScalingLimited');
    assert.deepEqual([limited?.status, limited?.reason], ['True', 'ScaleUpLimit']);
    await c.load('web', 8, 45_000);
    assert.equal(c.replicas('web'), 3, 'the next pod only once the policy period has passed');

    // Without load and without a window, one pod goes every 15 s.
    const seen: number[] = [];
    for (let i = 0; i < 12; i++) {
      await c.advance(5_000);
      seen.push(c.replicas('web'));
    }
    // One pod at a time (the Pods policy), the second 15 s after the first (its period), then the minimum.
    const drops = seen.flatMap((n, i) => (n < (seen[i - 1] ?? 3) ? [{ at: i, by: (seen[i - 1] ?? 3) - n }] : []));
    assert.deepEqual(drops.map((d) => d.by), [1, 1], seen.join(','));
    assert.equal((drops[1]!.at - drops[0]!.at) * 5_000, 15_000, seen.join(','));
    assert.ok(drops[0]!.at * 5_000 <= 30_000, 'no stabilization window holds the first step back');
    assert.equal(seen.at(-1), 1);
  });

  it('scales a StatefulSet on average memory through its scale subresource', async () => {
    c = await boot();
    await c.admin.create(statefulsets, 'default', {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'cache' },
      spec: {
        serviceName: 'cache',
        replicas: 1,
        selector: { matchLabels: { app: 'cache' } },
        template: {
          metadata: { labels: { app: 'cache' }, annotations: { 'kubeside.dev/behavior': 'memory=96Mi' } },
          spec: { containers: [{ name: 'cache', image: 'nginx:1.29', resources: { requests: { memory: '128Mi' } } }] },
        },
      },
    });
    await c.admin.create(hpas, 'default', {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'cache' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'cache' }, maxReplicas: 2, metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '64Mi' } } }] },
    });
    await c.advance(60_000);
    assert.equal(c.replicas('cache', statefulsets), 2);
    assert.deepEqual(c.hpa('cache').status.currentMetrics, [{ type: 'Resource', resource: { name: 'memory', current: { averageValue: String(96 * 1024 * 1024) } } }]);
    assert.equal(c.hpaEvents('cache').find((e) => e.reason === 'SuccessfulRescale')?.message, 'New size: 2; reason: memory resource above target');
  });
});
