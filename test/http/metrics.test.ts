// The real kubectl (v1.35) against the resource metrics API and the horizontal pod autoscaler of
// `kubeside serve`: `kubectl top` reads metrics.k8s.io, `kubectl autoscale` makes an HPA that the
// controller manager then reports on. The cluster runs on real time, so each step waits for one
// metrics window (15 s) or one HPA sync period (15 s).
import * as assert from 'node:assert/strict';
import { kubectl, kubectlOk, serveCluster, type ServedCluster } from './fixture';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Retries `check` every second until it passes or `ms` have gone; the last failure is thrown. */
async function eventually<T>(ms: number, check: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() >= deadline) throw err;
      await sleep(1000);
    }
  }
}

describe('kubectl top and autoscale against kubeside serve', function () {
  this.timeout(120_000);
  let cluster: ServedCluster;

  before(async () => {
    cluster = await serveCluster();
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'busy', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'busy' } },
        template: {
          metadata: { labels: { app: 'busy' }, annotations: { 'kubeside.dev/behavior': 'cpu=120m, memory=48Mi' } },
          spec: { containers: [{ name: 'app', image: 'nginx:1.29', resources: { requests: { cpu: '200m', memory: '64Mi' } } }] },
        },
      },
    };
    await kubectlOk(cluster, ['apply', '-f', '-'], JSON.stringify(deployment));
    await kubectlOk(cluster, ['rollout', 'status', 'deployment/busy', '--timeout=60s']);
  });
  after(async () => {
    await cluster?.close();
  });

  it('top pod: says the metrics are not available while no window has passed, then prints each pod\'s CPU and memory', async () => {
    // A pod younger than one window has no metrics yet (unless this machine was slow to get here).
    const early = await kubectl(cluster, ['top', 'pod']);
    if (early.code !== 0) assert.match(early.stderr, /error: metrics not available yet/);
    const out = await eventually(30_000, async () => {
      const r = await kubectlOk(cluster, ['top', 'pod']);
      assert.match(r, /busy-/);
      return r;
    });
    assert.match(out, /^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*$/m);
    // The cpu= directive plus the idle baseline of 1m; memory= as set.
    assert.match(out, /^busy-[a-z0-9]+-[a-z0-9]+\s+121m\s+48Mi\s*$/m);
    const containers = await kubectlOk(cluster, ['top', 'pod', '-l', 'app=busy', '--containers']);
    assert.match(containers, /^busy-[a-z0-9]+-[a-z0-9]+\s+app\s+121m\s+48Mi\s*$/m);
  });

  it('top node: prints every node\'s usage against its allocatable', async () => {
    const out = await eventually(30_000, async () => kubectlOk(cluster, ['top', 'node']));
    assert.match(out, /^NAME\s+CPU\(cores\)\s+CPU\(%\)\s+MEMORY\(bytes\)\s+MEMORY\(%\)\s*$/m);
    assert.match(out, /^control-plane\s+\d+m\s+\d+%\s+\d+Mi\s+\d+%\s*$/m);
  });

  it('get --raw: serves PodMetrics as metrics-server does, and refuses to watch them', async () => {
    const list = JSON.parse(await kubectlOk(cluster, ['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods']));
    assert.equal(list.kind, 'PodMetricsList');
    const [item] = list.items;
    assert.equal(item.window, '15s');
    assert.equal(item.metadata.labels.app, 'busy');
    assert.deepEqual(item.containers, [{ name: 'app', usage: { cpu: '121m', memory: '48Mi' } }]);
    const missing = await kubectl(cluster, ['get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/nope']);
    assert.match(missing.stderr, /podmetrics\.metrics\.k8s\.io "default\/nope" not found/);
    const watch = await kubectl(cluster, ['get', '--raw', '/apis/metrics.k8s.io/v1beta1/pods?watch=true']);
    assert.match(watch.stderr, /MethodNotAllowed/);
  });

  it('autoscale: creates an autoscaling/v2 HPA whose targets get reports the current utilization of', async () => {
    assert.match(await kubectlOk(cluster, ['autoscale', 'deployment', 'busy', '--cpu=50%', '--min=1', '--max=2']), /^horizontalpodautoscaler\.autoscaling\/busy autoscaled$/m);
    const before = await kubectlOk(cluster, ['get', 'hpa', 'busy']);
    assert.match(before, /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE\s*$/m);
    assert.match(before, /^busy\s+Deployment\/busy\s+cpu: <unknown>\/50%\s+1\s+2\s+0\s+/m);
    // 121m of a 200m request is 60%: over 50% by more than the 10% tolerance, so two replicas (the most allowed).
    await eventually(45_000, async () => {
      assert.match(await kubectlOk(cluster, ['get', 'hpa', 'busy']), /^busy\s+Deployment\/busy\s+cpu: 60%\/50%\s+1\s+2\s+[12]\s+/m);
    });
    const described = await eventually(30_000, async () => {
      const r = await kubectlOk(cluster, ['describe', 'hpa', 'busy']);
      assert.match(r, /SuccessfulRescale\s+.*New size: 2; reason: cpu resource utilization \(percentage of request\) above target/);
      return r;
    });
    assert.match(described, /ScalingActive\s+True\s+ValidMetricFound/);
    assert.equal(await kubectlOk(cluster, ['get', 'deployment', 'busy', '-o', 'jsonpath={.spec.replicas}']), '2');
  });
});
