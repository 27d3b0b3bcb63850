// Scenarios for the kinds registry: what kubectl and discovery know about each kind.
import assert from 'node:assert/strict';
import { kinds, parseAPIVersion, type KindInfo } from '../../../../engine/api/kinds/index';
import { schemaFromOpenAPIV3 } from '../../../../engine/api/schema/index';

describe('kinds registry', () => {
  it('knows every group/version/kind of the Kubernetes 1.36 spec', () => {
    assert.equal(kinds().all().length, 311);
  });

  it('describes a resource as discovery does', () => {
    assert.deepEqual(kinds().lookup('apps/v1', 'Deployment'), {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
      plural: 'deployments',
      singular: 'deployment',
      shortNames: ['deploy'],
      namespaced: true,
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      subresources: ['scale', 'status'],
      served: true,
      categories: ['all'],
    });
  });

  const scopes: [string, string, boolean, string][] = [
    ['v1', 'Namespace', false, 'namespaces'],
    ['v1', 'Node', false, 'nodes'],
    ['v1', 'PersistentVolume', false, 'persistentvolumes'],
    ['v1', 'PersistentVolumeClaim', true, 'persistentvolumeclaims'],
    ['v1', 'Endpoints', true, 'endpoints'],
    ['rbac.authorization.k8s.io/v1', 'ClusterRole', false, 'clusterroles'],
    ['networking.k8s.io/v1', 'Ingress', true, 'ingresses'],
    ['storage.k8s.io/v1', 'StorageClass', false, 'storageclasses'],
    ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', false, 'customresourcedefinitions'],
  ];
  for (const [apiVersion, kind, namespaced, plural] of scopes) {
    it(`knows ${kind} is ${namespaced ? 'namespaced' : 'cluster-scoped'} and served as ${plural}`, () => {
      const info = kinds().lookup(apiVersion, kind)!;
      assert.equal(info.namespaced, namespaced);
      assert.equal(info.plural, plural);
    });
  }

  it("lists a resource's subresources and the verbs it really has", () => {
    const pod = kinds().lookup('v1', 'Pod')!;
    assert.deepEqual(pod.subresources, ['attach', 'binding', 'ephemeralcontainers', 'eviction', 'exec', 'log', 'portforward', 'proxy', 'resize', 'status']);
    assert.deepEqual(kinds().lookup('v1', 'Namespace')!.verbs, ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']);
    assert.deepEqual(kinds().lookup('v1', 'Binding')!.verbs, ['create']);
  });

  it('tells a kind that is no REST resource by its empty plural', () => {
    const status = kinds().lookup('v1', 'Status')!;
    assert.equal(status.plural, '');
    assert.deepEqual(status.verbs, []);
  });

  describe('resolving names as kubectl does', () => {
    const names: [string, string, string, string][] = [
      ['', 'v1', 'po', 'Pod'],
      ['', 'v1', 'pods', 'Pod'],
      ['', 'v1', 'pod', 'Pod'],
      ['', 'v1', 'svc', 'Service'],
      ['', 'v1', 'cm', 'ConfigMap'],
      ['', 'v1', 'pvc', 'PersistentVolumeClaim'],
      ['', 'v1', 'quota', 'ResourceQuota'],
      ['', 'v1', 'Limits', 'LimitRange'],
      ['apps', 'v1', 'deploy', 'Deployment'],
      ['apps', 'v1', 'sts', 'StatefulSet'],
      ['batch', 'v1', 'cj', 'CronJob'],
      ['networking.k8s.io', 'v1', 'netpol', 'NetworkPolicy'],
      ['policy', 'v1', 'pdb', 'PodDisruptionBudget'],
      ['autoscaling', 'v2', 'hpa', 'HorizontalPodAutoscaler'],
      ['apiextensions.k8s.io', 'v1', 'crds', 'CustomResourceDefinition'],
      ['storage.k8s.io', 'v1', 'sc', 'StorageClass'],
    ];
    for (const [group, version, name, kind] of names) {
      it(`${group || 'core'}/${version} "${name}" is ${kind}`, () => assert.equal(kinds().byResource(group, version, name)?.kind, kind));
    }
    it('finds nothing for a name of another group', () => assert.equal(kinds().byResource('', 'v1', 'deploy'), undefined));
  });

  it('tells the kinds the embedded cluster serves from those it only knows', () => {
    assert.equal(kinds().lookup('v1', 'Pod')!.served, true);
    assert.equal(kinds().lookup('autoscaling/v2', 'HorizontalPodAutoscaler')!.served, true);
    // autoscaling/v1 is served over autoscaling/v2's storage, through a conversion.
    assert.equal(kinds().lookup('autoscaling/v1', 'HorizontalPodAutoscaler')!.served, true);
    assert.equal(kinds().lookup('v1', 'ReplicationController')!.served, true);
    assert.equal(kinds().lookup('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration')!.served, true);
    assert.equal(kinds().lookup('certificates.k8s.io/v1', 'CertificateSigningRequest')!.served, true);
    assert.equal(kinds().lookup('resource.k8s.io/v1', 'DeviceClass')!.served, false);
    assert.equal(kinds().lookup('v1', 'Nonexistent'), undefined);
    assert.equal(kinds().all().filter((k) => k.served).length, 54);
  });

  describe('suggesting the nearest real kind', () => {
    const cases: [string, string, string | undefined][] = [
      ['apps/v1beta1', 'Deployment', 'apps/v1 Deployment'],
      ['extensions/v1beta1', 'Ingress', 'networking.k8s.io/v1 Ingress'],
      ['batch/v1beta1', 'CronJob', 'batch/v1 CronJob'],
      ['policy/v1beta1', 'PodDisruptionBudget', 'policy/v1 PodDisruptionBudget'],
      ['v1', 'Deployment', 'apps/v1 Deployment'],
      ['apps/v1', 'Deploymnet', 'apps/v1 Deployment'],
      ['v1', 'Sevice', 'v1 Service'],
      ['v1', 'configmap', 'v1 ConfigMap'],
      ['v1', 'Foo', undefined],
      ['example.com/v1', 'Widget', undefined],
    ];
    for (const [apiVersion, kind, expected] of cases) {
      it(`${apiVersion} ${kind} → ${expected ?? 'nothing'}`, () => assert.equal(kinds().suggest(apiVersion, kind), expected));
    }
  });

  describe('registering a custom kind', () => {
    const info: KindInfo = { group: 'stable.example.com', version: 'v1', kind: 'CronTab', plural: 'crontabs', singular: 'crontab', shortNames: ['ct'], namespaced: true, verbs: ['get', 'list'], subresources: [], served: true };
    const schema = schemaFromOpenAPIV3({ type: 'object', properties: { spec: { type: 'object' } } });

    it('makes it known by kind and short name until unregistered', () => {
      const unregister = kinds().register(info, schema);
      try {
        assert.equal(kinds().lookup('stable.example.com/v1', 'CronTab'), info);
        assert.equal(kinds().byResource('stable.example.com', 'v1', 'ct'), info);
        assert.equal(kinds().schema(info), schema);
        assert.equal(kinds().isCustom(info), true);
        assert.equal(kinds().suggest('stable.example.com/v1', 'CronTabs'), 'stable.example.com/v1 CronTab');
      } finally {
        unregister();
      }
      assert.equal(kinds().lookup('stable.example.com/v1', 'CronTab'), undefined);
      assert.equal(kinds().all().length, 311);
    });
  });

  it('splits apiVersion into group and version', () => {
    assert.deepEqual(parseAPIVersion('v1'), { group: '', version: 'v1' });
    assert.deepEqual(parseAPIVersion('rbac.authorization.k8s.io/v1'), { group: 'rbac.authorization.k8s.io', version: 'v1' });
  });
});
