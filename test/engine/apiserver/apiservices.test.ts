// APIServices: the API server registers one for each group version it serves itself, Available
// because local; one a user adds for an aggregated API is validated as kube-aggregator does.
import assert from 'node:assert/strict';
import { Cluster } from '../../../engine/cluster/index';
import { VirtualClock } from '../../../engine/util/clock';
import { newCluster, rejects } from './fixture';

const apiservices = { group: 'apiregistration.k8s.io', version: 'v1', resource: 'apiservices' };

describe('API server: APIServices', () => {
  it('registers an APIService for each group version it serves, with kube-apiserver\'s priorities, Available as Local', async () => {
    const { client } = await newCluster();
    const items = client.list(apiservices).items;
    const names = items.map((a: any) => a.metadata.name);
    for (const name of ['v1.', 'v1.apps', 'v1.batch', 'v2.autoscaling', 'v1.autoscaling', 'v1.apiregistration.k8s.io', 'v1.authentication.k8s.io', 'v1.admissionregistration.k8s.io']) assert.ok(names.includes(name), name);
    const apps = client.get(apiservices, undefined, 'v1.apps');
    assert.deepEqual(apps.spec, { group: 'apps', version: 'v1', groupPriorityMinimum: 17800, versionPriority: 15 });
    assert.equal(apps.metadata.labels['kube-aggregator.kubernetes.io/automanaged'], 'onstart');
    assert.deepEqual(
      apps.status.conditions.map((c: any) => [c.type, c.status, c.reason, c.message]),
      [['Available', 'True', 'Local', 'Local APIServices are always available']],
    );
    assert.deepEqual(client.get(apiservices, undefined, 'v1.certificates.k8s.io').spec, { group: 'certificates.k8s.io', version: 'v1', groupPriorityMinimum: 17300, versionPriority: 15 });
    // A group version this server does not serve has none.
    assert.ok(!names.includes('v1.resource.k8s.io'));
  });

  it("registers an APIService for each version a CRD serves, and removes it with the CRD or the version", async () => {
    const { client } = await newCluster();
    const crds = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' };
    const version = (name: string, storage: boolean) => ({ name, served: true, storage, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } });
    await client.create(crds, undefined, { metadata: { name: 'backups.shop.example.com' }, spec: { group: 'shop.example.com', scope: 'Namespaced', names: { kind: 'Backup', plural: 'backups' }, versions: [version('v1', true)] } });
    const v1 = client.get(apiservices, undefined, 'v1.shop.example.com');
    assert.deepEqual(v1.spec, { group: 'shop.example.com', version: 'v1', groupPriorityMinimum: 1000, versionPriority: 100 });
    assert.equal(v1.metadata.labels['kube-aggregator.kubernetes.io/automanaged'], 'true');
    assert.equal(v1.status.conditions[0].reason, 'Local');
    await client.patch(crds, undefined, 'backups.shop.example.com', 'merge', { spec: { versions: [version('v1', true), version('v2', false)] } });
    assert.ok(client.tryGet(apiservices, undefined, 'v2.shop.example.com'));
    await client.delete(crds, undefined, 'backups.shop.example.com');
    assert.equal(client.tryGet(apiservices, undefined, 'v1.shop.example.com'), undefined);
    assert.equal(client.tryGet(apiservices, undefined, 'v2.shop.example.com'), undefined);
    assert.ok(client.tryGet(apiservices, undefined, 'v1.apps'), 'the built-in ones stay');
  });

  it('refuses an APIService whose name is not version.group, or whose priorities or TLS settings are out of bounds', async () => {
    const { client } = await newCluster();
    const apiService = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'apiregistration.k8s.io/v1', kind: 'APIService', metadata: { name }, spec });
    const remote = { group: 'custom.metrics.k8s.io', version: 'v1beta2', groupPriorityMinimum: 100, versionPriority: 100, service: { namespace: 'monitoring', name: 'prometheus-adapter' }, insecureSkipTLSVerify: true };
    const created = (await client.create(apiservices, undefined, apiService('v1beta2.custom.metrics.k8s.io', remote))).object;
    assert.equal(created.spec.service.port, 443);
    const err = await rejects(client.create(apiservices, undefined, apiService('custom-metrics', { ...remote, groupPriorityMinimum: 0, caBundle: Buffer.from('pem').toString('base64') })), 422);
    assert.deepEqual(err.status.details.causes.map((c: any) => `${c.field}: ${c.message}`), [
      'metadata.name: Invalid value: "custom-metrics": must be `spec.version+"."+spec.group`: "v1beta2.custom.metrics.k8s.io"',
      'spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000',
      'spec.insecureSkipTLSVerify: Invalid value: true: may not be true if caBundle is present',
    ]);
    await rejects(client.create(apiservices, undefined, apiService('v1.local.example.com', { group: 'local.example.com', version: 'v1', groupPriorityMinimum: 1000, versionPriority: 15, insecureSkipTLSVerify: true })), 422, /spec\.insecureSkipTLSVerify: Invalid value: true: local APIServices may not have insecureSkipTLSVerify/);
  });
});

describe('APIService availability in a running cluster', function () {
  this.timeout(120_000);

  it("reports why an aggregated API is unavailable — no Service, no ready endpoint, no discovery answer — and metrics-server's as available", async () => {
    const clock = new VirtualClock(Date.UTC(2026, 11, 6, 9, 0, 0));
    const cluster = await Cluster.start({ clock, seed: 3 });
    const admin = cluster.adminClient('kubectl/v1.36.0');
    const advance = (ms: number) => clock.advanceAsync(ms, 250);
    await advance(30_000);
    const available = (name: string) => {
      const c = admin.get(apiservices, undefined, name).status?.conditions?.find((x: any) => x.type === 'Available');
      return c ? `${c.status} ${c.reason}: ${c.message}` : 'none';
    };
    const core = { group: '', version: 'v1' };
    await admin.create({ ...core, resource: 'namespaces' }, undefined, { metadata: { name: 'monitoring' } });
    await admin.create(apiservices, undefined, { metadata: { name: 'v1beta1.custom.metrics.k8s.io' }, spec: { group: 'custom.metrics.k8s.io', version: 'v1beta1', groupPriorityMinimum: 100, versionPriority: 100, insecureSkipTLSVerify: true, service: { namespace: 'monitoring', name: 'prometheus-adapter' } } });
    await advance(10_000);
    assert.equal(available('v1beta1.custom.metrics.k8s.io'), 'False ServiceNotFound: service/prometheus-adapter in "monitoring" is not present');
    await admin.create({ ...core, resource: 'services' }, 'monitoring', { metadata: { name: 'prometheus-adapter' }, spec: { selector: { app: 'prometheus-adapter' }, ports: [{ name: 'https', port: 443, targetPort: 6443 }] } });
    await advance(10_000);
    assert.equal(available('v1beta1.custom.metrics.k8s.io'), 'False MissingEndpoints: endpoints for service/prometheus-adapter in "monitoring" have no addresses with port name "https"');
    const adapter = { metadata: { name: 'prometheus-adapter' }, spec: { replicas: 1, selector: { matchLabels: { app: 'prometheus-adapter' } }, template: { metadata: { labels: { app: 'prometheus-adapter' } }, spec: { containers: [{ name: 'adapter', image: 'registry.k8s.io/prometheus-adapter/prometheus-adapter:v0.12.0', ports: [{ containerPort: 6443 }] }] } } } };
    await admin.create({ group: 'apps', version: 'v1', resource: 'deployments' }, 'monitoring', adapter);
    await advance(40_000);
    const ip = admin.get({ ...core, resource: 'services' }, 'monitoring', 'prometheus-adapter').spec.clusterIP;
    assert.equal(available('v1beta1.custom.metrics.k8s.io'), `False FailedDiscoveryCheck: failing or missing response from https://${ip}:443/apis/custom.metrics.k8s.io/v1beta1: bad status from https://${ip}:443/apis/custom.metrics.k8s.io/v1beta1: 404`);
    // metrics-server's manifest points the metrics API at its Service: served here, it passes once its pod is ready.
    assert.equal(available('v1beta1.metrics.k8s.io'), 'True Local: Local APIServices are always available');
    await admin.create({ ...core, resource: 'services' }, 'kube-system', { metadata: { name: 'metrics-server' }, spec: { selector: { 'k8s-app': 'metrics-server' }, ports: [{ name: 'https', port: 443, targetPort: 10250 }] } });
    await admin.create({ group: 'apps', version: 'v1', resource: 'deployments' }, 'kube-system', { metadata: { name: 'metrics-server' }, spec: { replicas: 1, selector: { matchLabels: { 'k8s-app': 'metrics-server' } }, template: { metadata: { labels: { 'k8s-app': 'metrics-server' } }, spec: { containers: [{ name: 'metrics-server', image: 'registry.k8s.io/metrics-server/metrics-server:v0.8.0', ports: [{ containerPort: 10250 }] }] } } } });
    await admin.patch(apiservices, undefined, 'v1beta1.metrics.k8s.io', 'merge', { spec: { service: { namespace: 'kube-system', name: 'metrics-server' }, insecureSkipTLSVerify: true } });
    await advance(40_000);
    assert.equal(available('v1beta1.metrics.k8s.io'), 'True Passed: all checks passed');
    await cluster.stop();
  });
});
