// autoscaling/v1 HorizontalPodAutoscaler served over autoscaling/v2's storage: the conversion as
// kube-apiserver does it (pkg/apis/autoscaling/v1/conversion.go), and every verb through it.
import assert from 'node:assert/strict';
import { conversionFor } from '../../../engine/api/conversion/index';
import { behaviorSpecsAnnotation, conditionsAnnotation, horizontalPodAutoscalerToV1, horizontalPodAutoscalerToV2, metricSpecsAnnotation, metricStatusesAnnotation } from '../../../engine/api/conversion/autoscaling';
import { validateObject } from '../../../engine/api/validate';
import type { ApiWatchEvent } from '../../../engine/apiserver/apiserver';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { bootCluster } from '../cluster/boot';
import { newCluster, rejects } from './fixture';

const v1 = { group: 'autoscaling', version: 'v1', resource: 'horizontalpodautoscalers' };
const v2 = { group: 'autoscaling', version: 'v2', resource: 'horizontalpodautoscalers' };
const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };

const cpu = (averageUtilization: number) => ({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization } } });
const memory = { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } };
const pods = { type: 'Pods', pods: { metric: { name: 'requests-per-second' }, target: { type: 'AverageValue', averageValue: '10' } } };

/** A v2 HPA with something of every kind v1 has no field for. */
function fullV2(): Obj {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web', namespace: 'shop', annotations: { team: 'a' } },
    spec: {
      scaleTargetRef: target,
      minReplicas: 2,
      maxReplicas: 10,
      metrics: [cpu(60), memory, pods],
      behavior: { scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }] }, scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Min', policies: [{ type: 'Percent', value: 50, periodSeconds: 60 }] } },
    },
    status: {
      observedGeneration: 3,
      lastScaleTime: '2026-11-23T12:00:00Z',
      currentReplicas: 3,
      desiredReplicas: 4,
      currentMetrics: [
        { type: 'Resource', resource: { name: 'cpu', current: { averageValue: '120m', averageUtilization: 70 } } },
        { type: 'Resource', resource: { name: 'memory', current: { averageValue: '400Mi' } } },
      ],
      conditions: [{ type: 'AbleToScale', status: 'True', lastTransitionTime: '2026-11-23T12:00:00Z', reason: 'ReadyForNewScale', message: 'recommended size matches current size' }],
    },
  };
}

describe('conversion: autoscaling/v1 HorizontalPodAutoscaler', () => {
  it('is registered as served over autoscaling/v2', () => {
    const c = conversionFor('autoscaling', 'v1', 'HorizontalPodAutoscaler');
    assert.equal(c?.storage, 'v2');
    assert.equal(conversionFor('autoscaling', 'v2', 'HorizontalPodAutoscaler'), undefined);
  });

  it('v2 -> v1: the CPU utilization is targetCPUUtilizationPercentage, the rest goes to the annotations kube uses', () => {
    const out = horizontalPodAutoscalerToV1(fullV2());
    assert.equal(out.apiVersion, 'autoscaling/v1');
    assert.deepEqual(out.spec, { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 2, maxReplicas: 10, targetCPUUtilizationPercentage: 60 });
    assert.deepEqual(out.status, { observedGeneration: 3, lastScaleTime: '2026-11-23T12:00:00Z', currentReplicas: 3, desiredReplicas: 4, currentCPUUtilizationPercentage: 70 });
    const a = out.metadata.annotations;
    assert.equal(a.team, 'a');
    // v1's own MetricSpec shape (targetAverageValue...), in Go's field order.
    assert.equal(a[metricSpecsAnnotation], '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"500Mi"}},{"type":"Pods","pods":{"metricName":"requests-per-second","targetAverageValue":"10"}}]');
    assert.equal(a[metricStatusesAnnotation], '[{"type":"Resource","resource":{"name":"cpu","currentAverageUtilization":70,"currentAverageValue":"120m"}},{"type":"Resource","resource":{"name":"memory","currentAverageValue":"400Mi"}}]');
    // The internal Go type, which has no json tags.
    assert.equal(JSON.parse(a[behaviorSpecsAnnotation]).ScaleDown.Policies[0].PeriodSeconds, 60);
    assert.equal(JSON.parse(a[behaviorSpecsAnnotation]).ScaleUp.Tolerance, null);
    assert.deepEqual(JSON.parse(a[conditionsAnnotation]), fullV2().status.conditions);
  });

  it('round-trips v2 -> v1 -> v2 without losing anything', () => {
    const original = fullV2();
    const back = horizontalPodAutoscalerToV2(horizontalPodAutoscalerToV1(original));
    // The CPU metric the spec field carries comes after the annotation's metrics.
    assert.deepEqual(back.spec.metrics, [memory, pods, cpu(60)]);
    assert.deepEqual({ ...back, spec: { ...back.spec, metrics: original.spec.metrics } }, original);
  });

  it('round-trips v1 -> v2 -> v1, annotation-carried fields included', () => {
    const first = horizontalPodAutoscalerToV1(fullV2());
    assert.deepEqual(horizontalPodAutoscalerToV1(horizontalPodAutoscalerToV2(first)), first);
    const plain = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 }, status: { currentReplicas: 0, desiredReplicas: 0 } };
    const stored = horizontalPodAutoscalerToV2(plain);
    assert.deepEqual(stored.spec.metrics, [cpu(50)]);
    assert.equal(stored.metadata.annotations, undefined);
    assert.deepEqual(horizontalPodAutoscalerToV1(stored), plain);
  });

  it('v1 without a target is 80% CPU in v2; a v2 CPU target by average value stays in the annotation', () => {
    const none = horizontalPodAutoscalerToV2({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'x' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3 } });
    assert.deepEqual(none.spec.metrics, [cpu(80)]);
    const byValue = horizontalPodAutoscalerToV1({ ...fullV2(), spec: { scaleTargetRef: target, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '200m' } } }] } });
    assert.equal(byValue.spec.targetCPUUtilizationPercentage, undefined);
    assert.equal(byValue.metadata.annotations[metricSpecsAnnotation], '[{"type":"Resource","resource":{"name":"cpu","targetAverageValue":"200m"}}]');
  });

  it('ignores a round-trip annotation that is not well-formed, and drops stale ones on the way out', () => {
    const bad = horizontalPodAutoscalerToV2({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'x', annotations: { [metricSpecsAnnotation]: '{not json', [behaviorSpecsAnnotation]: '{}' } }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3, targetCPUUtilizationPercentage: 40 } });
    assert.deepEqual(bad.spec.metrics, [cpu(40)]);
    assert.equal(bad.spec.behavior, undefined);
    assert.equal(bad.metadata.annotations, undefined);
    const stale = horizontalPodAutoscalerToV1({ ...fullV2(), metadata: { name: 'web', annotations: { [metricSpecsAnnotation]: '[]' } }, spec: { scaleTargetRef: target, maxReplicas: 3, metrics: [cpu(50)] }, status: { desiredReplicas: 1 } });
    assert.equal(stale.metadata.annotations, undefined);
  });

  it('validates a v1 body against the v1 schema, then Kubernetes\' rules on what it converts to', () => {
    const body = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, maxReplicas: 3, targetCPUUtilizationPercentage: 50 } };
    assert.deepEqual(validateObject(body, { servedOnly: true }).errors, []);
    const unknown = validateObject({ ...body, spec: { ...body.spec, metrics: [cpu(50)] } });
    assert.deepEqual(unknown.errors.map((e) => [e.type, e.field]), [['UnknownField', 'spec.metrics']]);
    const zero = validateObject({ ...body, spec: { ...body.spec, targetCPUUtilizationPercentage: 0 } });
    assert.deepEqual(zero.errors.map((e) => `${e.field}: ${e.detail}`), ['spec.metrics[0].resource.target.averageUtilization: must be greater than 0']);
  });
});

describe('API server: autoscaling/v1 and autoscaling/v2 over one storage', () => {
  async function setup() {
    const cluster = await newCluster();
    await cluster.namespace('shop');
    return cluster;
  }
  const v1Body = (name: string, spec: Obj = {}): Obj => ({ apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 5, targetCPUUtilizationPercentage: 50, ...spec } });
  const v2Body = (name: string, metrics: Obj[]): Obj => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name }, spec: { scaleTargetRef: target, maxReplicas: 5, metrics } });

  it('an object created in v1 is stored once, as v2, and reads back in both versions with one uid and resourceVersion', async () => {
    const { client, store } = await setup();
    const { object: created } = await client.create(v1, 'shop', v1Body('web'));
    assert.equal(created.apiVersion, 'autoscaling/v1');
    assert.deepEqual(created.spec, { scaleTargetRef: { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 });
    const stored = JSON.parse(String(store.get('/registry/horizontalpodautoscalers/shop/web')!.value));
    assert.equal(stored.apiVersion, 'autoscaling/v2');
    assert.deepEqual(stored.spec.metrics, [cpu(50)]);
    const asV2 = client.get(v2, 'shop', 'web');
    assert.equal(asV2.apiVersion, 'autoscaling/v2');
    assert.deepEqual(asV2.spec.metrics, [cpu(50)]);
    assert.equal(asV2.metadata.uid, created.metadata.uid);
    assert.equal(asV2.metadata.resourceVersion, created.metadata.resourceVersion);
    assert.deepEqual(client.get(v1, 'shop', 'web'), created);
    assert.equal(created.metadata.managedFields[0].apiVersion, 'autoscaling/v1');
  });

  it('an object created in v2 reads in v1 with its other metrics in the annotation; lists are in the version asked for', async () => {
    const { client } = await setup();
    await client.create(v2, 'shop', v2Body('web', [cpu(70), memory]));
    const got = client.get(v1, 'shop', 'web');
    assert.equal(got.spec.targetCPUUtilizationPercentage, 70);
    assert.equal(got.metadata.annotations[metricSpecsAnnotation], '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"500Mi"}}]');
    const list = client.list(v1, 'shop');
    assert.equal(list.apiVersion, 'autoscaling/v1');
    assert.equal(list.kind, 'HorizontalPodAutoscalerList');
    assert.deepEqual(list.items.map((i: Obj) => [i.apiVersion, i.spec.targetCPUUtilizationPercentage]), [['autoscaling/v1', 70]]);
  });

  it('a v1 watch receives converted events for objects written in v2', async () => {
    const { client } = await setup();
    const events: ApiWatchEvent[] = [];
    const watch = client.watch(v1, 'shop', { resourceVersion: String(client.list(v1, 'shop').metadata.resourceVersion) }, (e) => events.push(e));
    await client.create(v2, 'shop', v2Body('web', [cpu(40), pods]));
    await client.patch(v2, 'shop', 'web', 'merge', { spec: { maxReplicas: 7 } });
    await client.delete(v2, 'shop', 'web');
    await new Promise((r) => setImmediate(r));
    watch.stop();
    assert.deepEqual(events.map((e) => [e.type, e.object.apiVersion, e.object.spec?.targetCPUUtilizationPercentage, e.object.spec?.maxReplicas]), [
      ['ADDED', 'autoscaling/v1', 40, 5],
      ['MODIFIED', 'autoscaling/v1', 40, 7],
      ['DELETED', 'autoscaling/v1', 40, 7],
    ]);
    assert.match(events[0]!.object.metadata.annotations[metricSpecsAnnotation], /requests-per-second/);
  });

  it('a v1 watch of objects written in v1 sees each as a v1 GET returns it, defaults and status included', async () => {
    const { client } = await setup();
    const events: ApiWatchEvent[] = [];
    const watch = client.watch(v1, 'shop', { resourceVersion: String(client.list(v1, 'shop').metadata.resourceVersion) }, (e) => events.push(e));
    const { targetCPUUtilizationPercentage: _cpu, ...untargeted } = v1Body('web').spec;
    await client.create(v1, 'shop', { ...v1Body('web'), spec: untargeted });
    const created = client.get(v1, 'shop', 'web');
    await client.patch(v1, 'shop', 'web', 'merge', { spec: { maxReplicas: 7 } });
    const patched = client.get(v1, 'shop', 'web');
    await new Promise((r) => setImmediate(r));
    watch.stop();
    assert.equal(created.spec.targetCPUUtilizationPercentage, 80, 'v2 defaults it, and v1 reads it back');
    assert.deepEqual(events.map((e) => e.object), [created, patched]);
  });

  it('a merge patch in v1 on an object created in v2 keeps its v2-only metrics and behavior', async () => {
    const { client } = await setup();
    const created = (await client.create(v2, 'shop', { ...v2Body('web', [cpu(70), memory, pods]), spec: { ...v2Body('web', []).spec, metrics: [cpu(70), memory, pods], behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } } })).object;
    const { object: patched } = await client.patch(v1, 'shop', 'web', 'merge', { spec: { targetCPUUtilizationPercentage: 55, maxReplicas: 8 } });
    assert.equal(patched.apiVersion, 'autoscaling/v1');
    assert.equal(patched.spec.targetCPUUtilizationPercentage, 55);
    const after = client.get(v2, 'shop', 'web');
    assert.deepEqual(after.spec.metrics, [memory, pods, cpu(55)]);
    assert.equal(after.spec.maxReplicas, 8);
    assert.deepEqual(after.spec.behavior, created.spec.behavior);
    assert.equal(after.metadata.annotations, undefined, 'the round-trip annotations are never stored');
    assert.equal(after.metadata.generation, 2);
  });

  it('a strategic merge and a JSON patch in v1 apply to the v1 representation', async () => {
    const { client } = await setup();
    await client.create(v1, 'shop', v1Body('web'));
    await client.patch(v1, 'shop', 'web', 'strategic', { spec: { minReplicas: 2 } });
    await client.patch(v1, 'shop', 'web', 'json', [{ op: 'replace', path: '/spec/targetCPUUtilizationPercentage', value: 65 }]);
    const got = client.get(v2, 'shop', 'web');
    assert.equal(got.spec.minReplicas, 2);
    assert.deepEqual(got.spec.metrics, [cpu(65)]);
    // A patch that uses a v2 field is a v1 body with an unknown field.
    await rejects(client.patch(v1, 'shop', 'web', 'merge', { spec: { metrics: [memory] } }, { fieldValidation: 'Strict' }), 422, /patch: Invalid value: ".*": strict decoding error: unknown field "spec\.metrics"$/);
  });

  it('PUT in v1 of what a v1 GET returned keeps the status and the v2-only fields; the status annotations cannot be set through the main resource', async () => {
    const { client, server } = await setup();
    await client.create(v2, 'shop', v2Body('web', [cpu(70), memory]));
    const status = { currentReplicas: 2, desiredReplicas: 3, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageValue: '100m', averageUtilization: 50 } } }], conditions: [{ type: 'AbleToScale', status: 'True', reason: 'ReadyForNewScale' }] };
    await client.update(v2, 'shop', { ...client.get(v2, 'shop', 'web'), status }, {}, 'status');
    const got = client.get(v1, 'shop', 'web');
    assert.equal(got.status.currentCPUUtilizationPercentage, 50);
    const { object: put } = await client.update(v1, 'shop', { ...got, spec: { ...got.spec, maxReplicas: 9 }, metadata: { ...got.metadata, annotations: { ...got.metadata.annotations, [metricStatusesAnnotation]: '[]' } } });
    assert.equal(put.spec.maxReplicas, 9);
    const after = client.get(v2, 'shop', 'web');
    assert.deepEqual(after.spec.metrics, [memory, cpu(70)]);
    assert.deepEqual(after.status, status);
    assert.ok(server.resources().some((r) => r.group === 'autoscaling' && r.version === 'v1' && r.plural === 'horizontalpodautoscalers'));
  });

  it('a v1 /status write takes the status annotations and keeps the stored spec, annotation-carried fields included', async () => {
    const { client } = await setup();
    await client.create(v2, 'shop', v2Body('web', [cpu(70), memory]));
    const got = client.get(v1, 'shop', 'web');
    const currentMetrics = '[{"type":"Resource","resource":{"name":"memory","currentAverageValue":"400Mi"}}]';
    const annotations = { ...got.metadata.annotations, [metricSpecsAnnotation]: '[]', [metricStatusesAnnotation]: currentMetrics, team: 'b' };
    await client.update(v1, 'shop', { ...got, metadata: { ...got.metadata, annotations }, spec: { ...got.spec, maxReplicas: 9 }, status: { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 40 } }, {}, 'status');
    const after = client.get(v2, 'shop', 'web');
    assert.deepEqual(after.spec.metrics, [memory, cpu(70)], 'the metrics annotation is spec: kept');
    assert.notEqual(after.spec.maxReplicas, 9);
    // The annotation holds every current metric (the CPU field is then ignored, as upstream's conversion does).
    assert.deepEqual(after.status.currentMetrics, [{ type: 'Resource', resource: { name: 'memory', current: { averageValue: '400Mi' } } }]);
    assert.equal(after.metadata.annotations.team, 'b', 'other annotations change through /status');
  });

  it('server-side apply in v1 creates and updates, recording the v1 manager', async () => {
    const { client } = await setup();
    const apply = (spec: Obj) => client.patch(v1, 'shop', 'web', 'apply', v1Body('web', spec), { fieldManager: 'ops' });
    await apply({});
    await apply({ targetCPUUtilizationPercentage: 75 });
    const got = client.get(v2, 'shop', 'web');
    assert.deepEqual(got.spec.metrics, [cpu(75)]);
    const ops = got.metadata.managedFields.find((m: Obj) => m.manager === 'ops');
    assert.equal(ops.apiVersion, 'autoscaling/v1');
    assert.ok(ops.fieldsV1['f:spec']['f:targetCPUUtilizationPercentage']);
  });

  it('rejects what v1 cannot say and what Kubernetes rejects, judged on the converted object', async () => {
    const { client } = await setup();
    await rejects(client.create(v1, 'shop', { ...v1Body('web'), spec: { ...v1Body('web').spec, metrics: [cpu(10)] } }, { fieldValidation: 'Strict' }), 400, /HorizontalPodAutoscaler in version "v1" cannot be handled as a HorizontalPodAutoscaler: strict decoding error: unknown field "spec.metrics"/);
    await rejects(client.create(v1, 'shop', v1Body('web', { targetCPUUtilizationPercentage: 0 })), 422, /spec\.metrics\[0\]\.resource\.target\.averageUtilization: Invalid value: 0: must be greater than 0/);
    await rejects(client.create(v1, 'shop', { ...v1Body('web'), apiVersion: 'autoscaling/v2' }), 400, 'the API version in the data (autoscaling/v2) does not match the expected API version (autoscaling/v1)');
  });

  it('deletes and deletes collections through v1', async () => {
    const { client, server } = await setup();
    await client.create(v1, 'shop', v1Body('a'));
    await client.create(v2, 'shop', v2Body('b', [memory]));
    await client.create(v2, 'shop', v2Body('c', [memory]));
    await client.delete(v1, 'shop', 'a');
    assert.equal(client.tryGet(v2, 'shop', 'a'), undefined);
    const { object: gone } = await server.deleteCollection({ user: client.user }, { ...v1, namespace: 'shop' });
    assert.equal(gone.apiVersion, 'autoscaling/v1');
    assert.equal(gone.kind, 'HorizontalPodAutoscalerList');
    assert.deepEqual(gone.items.map((i: Obj) => i.details.name), ['b', 'c']);
    assert.deepEqual(client.list(v2, 'shop').items, []);
  });
});

describe('HPA controller: an autoscaler created as autoscaling/v1', function () {
  this.timeout(120_000);

  it('scales a Deployment on its targetCPUUtilizationPercentage, and its status reads in v1', async () => {
    const { clock, cluster, admin } = await bootCluster({ seed: 42, workers: 2 });
    try {
      const labels = { app: 'web' };
      await admin.create({ group: 'apps', version: 'v1', resource: 'deployments' }, 'default', {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web' },
        spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.29', ports: [{ containerPort: 80 }], resources: { requests: { cpu: '200m' } } }] } } },
      });
      await admin.create({ group: '', version: 'v1', resource: 'services' }, 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: labels, ports: [{ port: 80 }] } });
      await admin.create(v1, 'default', { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 10, targetCPUUtilizationPercentage: 50 } });
      await clock.advanceAsync(60_000, 250);
      // Four requests a second cost 400m: 200% of one pod's request, so four pods bring it to 50%.
      for (let t = 0; t < 30_000; t += 250) {
        assert.equal(cluster.request('GET', 'http://web.default/').error, undefined);
        await clock.advanceAsync(250, 250);
      }
      assert.equal(admin.get({ group: 'apps', version: 'v1', resource: 'deployments' }, 'default', 'web').spec.replicas, 4);
      const hpa = admin.get(v1, 'default', 'web');
      assert.equal(hpa.status.desiredReplicas, 4);
      assert.equal(typeof hpa.status.currentCPUUtilizationPercentage, 'number');
      assert.ok(JSON.parse(hpa.metadata.annotations[conditionsAnnotation]).some((c: Obj) => c.type === 'ScalingActive' && c.reason === 'ValidMetricFound'));
    } finally {
      await cluster.stop();
    }
  });
});
