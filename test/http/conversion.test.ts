// The real kubectl with autoscaling/v1 HorizontalPodAutoscalers, which the server keeps as
// autoscaling/v2: discovery lists both versions (v2 preferred), a v1 manifest applies, reads back
// in v1 with targetCPUUtilizationPercentage and in v2 with the CPU metric.
import * as assert from 'node:assert/strict';
import { kubectl, kubectlOk, serveCluster, type ServedCluster } from './fixture';

// The full resource name: kubectl (1.35) expands a short name to its group and resource only, so
// `hpa.v1.autoscaling` asks for the preferred version.
const V1 = 'horizontalpodautoscalers.v1.autoscaling';

const manifest = (target: number) => `apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: default
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 6
  targetCPUUtilizationPercentage: ${target}
`;

describe('kubectl with autoscaling/v1 HorizontalPodAutoscalers', function () {
  this.timeout(30_000);
  let cluster: ServedCluster;
  const internalErrors: unknown[] = [];

  before(async () => {
    cluster = await serveCluster(internalErrors);
  });
  after(async () => {
    await cluster?.close();
    assert.deepEqual(internalErrors, []);
  });

  const run = (...args: string[]) => kubectlOk(cluster, args);

  it('discovery: autoscaling serves v2 (preferred) and v1, and v1 lists horizontalpodautoscalers as hpa', async () => {
    const group = JSON.parse(await run('get', '--raw', '/apis/autoscaling'));
    assert.deepEqual(group.versions, [{ groupVersion: 'autoscaling/v2', version: 'v2' }, { groupVersion: 'autoscaling/v1', version: 'v1' }]);
    assert.deepEqual(group.preferredVersion, { groupVersion: 'autoscaling/v2', version: 'v2' });
    const v1 = JSON.parse(await run('get', '--raw', '/apis/autoscaling/v1'));
    const hpa = v1.resources.find((r: { name: string }) => r.name === 'horizontalpodautoscalers');
    assert.deepEqual([hpa.kind, hpa.namespaced, hpa.shortNames, hpa.categories], ['HorizontalPodAutoscaler', true, ['hpa'], ['all']]);
    assert.deepEqual(hpa.verbs, ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
    assert.ok(v1.resources.some((r: { name: string }) => r.name === 'horizontalpodautoscalers/status'));
    const resources = await run('api-resources', '--api-group=autoscaling');
    assert.match(resources, /^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler$/m);
  });

  it('explain: the v1 schema comes from the OpenAPI document of autoscaling/v1', async () => {
    const out = await run('explain', 'hpa.spec.targetCPUUtilizationPercentage', '--api-version=autoscaling/v1');
    assert.match(out, /^VERSION:\s+v1$/m);
    assert.match(out, /^FIELD: targetCPUUtilizationPercentage <integer>$/m);
  });

  it('apply -f of a v1 manifest: reads back in v1 with targetCPUUtilizationPercentage, in v2 with the CPU metric', async () => {
    const created = await kubectlOk(cluster, ['apply', '-f', '-'], manifest(50));
    assert.match(created, /^horizontalpodautoscaler\.autoscaling\/web created$/m);
    const yaml = await run('get', V1, 'web', '-o', 'yaml');
    assert.match(yaml, /^apiVersion: autoscaling\/v1$/m);
    assert.match(yaml, /^ {2}targetCPUUtilizationPercentage: 50$/m);
    assert.doesNotMatch(yaml, /metrics:/);
    const metric = await run('get', 'hpa', 'web', '-o', 'jsonpath={.apiVersion} {.spec.metrics[0].type} {.spec.metrics[0].resource.name} {.spec.metrics[0].resource.target.averageUtilization}');
    assert.equal(metric, 'autoscaling/v2 Resource cpu 50');
    // The table is printed from the stored object, whichever version is asked for.
    const table = await run('get', V1, 'web');
    assert.match(table, /^web\s+Deployment\/web\s+cpu: <unknown>\/50%\s+2\s+6\s+0\s+\S+$/m);
    // Category `all` names the resource once, at its preferred version.
    const all = await run('get', 'all', '-o', 'name');
    assert.deepEqual(all.split('\n').filter((l) => l.startsWith('horizontalpodautoscaler')), ['horizontalpodautoscaler.autoscaling/web']);
  });

  it('apply -f again: unchanged, then a new target is configured through v1 and seen in v2', async () => {
    assert.match(await kubectlOk(cluster, ['apply', '-f', '-'], manifest(50)), /^horizontalpodautoscaler\.autoscaling\/web unchanged$/m);
    assert.match(await kubectlOk(cluster, ['apply', '-f', '-'], manifest(65)), /^horizontalpodautoscaler\.autoscaling\/web configured$/m);
    assert.equal(await run('get', 'hpa', 'web', '-o', 'jsonpath={.spec.metrics[*].resource.target.averageUtilization}'), '65');
  });

  it('apply --server-side of a v1 manifest, and a v2 metric the v1 object carries in its annotation', async () => {
    await run('patch', 'hpa', 'web', '--type=json', '-p', '[{"op":"add","path":"/spec/metrics/-","value":{"type":"Resource","resource":{"name":"memory","target":{"type":"AverageValue","averageValue":"500Mi"}}}}]');
    const annotation = await run('get', V1, 'web', '-o', 'jsonpath={.metadata.annotations.autoscaling\\.alpha\\.kubernetes\\.io/metrics}');
    assert.equal(annotation, '[{"type":"Resource","resource":{"name":"memory","targetAverageValue":"500Mi"}}]');
    const applied = await kubectlOk(cluster, ['apply', '--server-side', '--force-conflicts', '-f', '-'], manifest(70));
    assert.match(applied, /^horizontalpodautoscaler\.autoscaling\/web serverside-applied$/m);
    assert.equal(await run('get', 'hpa', 'web', '-o', 'jsonpath={.spec.metrics[*].resource.name}'), 'memory cpu');
    assert.equal(await run('get', V1, 'web', '-o', 'jsonpath={.spec.targetCPUUtilizationPercentage}'), '70');
  });

  it('an invalid v1 manifest is refused with the error kube-apiserver gives', async () => {
    const r = await kubectl(cluster, ['apply', '-f', '-'], manifest(0).replace('name: web\n  namespace', 'name: bad\n  namespace'));
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /spec\.metrics\[0\]\.resource\.target\.averageUtilization: Invalid value: 0: must be greater than 0/);
  });

  it('delete through v1', async () => {
    assert.match(await run('delete', V1, 'web'), /^horizontalpodautoscaler\.autoscaling "web" deleted/m);
    const r = await kubectl(cluster, ['get', 'hpa', 'web']);
    assert.match(r.stderr, /NotFound|not found/);
  });
});
