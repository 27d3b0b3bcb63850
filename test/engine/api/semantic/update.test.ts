// Updates: identity fields and each kind's immutable fields, with the messages a real API server returns.

import assert from 'node:assert/strict';
import { formatFieldError } from '../../../../engine/api/errors.js';
import { applyDefaults } from '../../../../engine/api/defaults/index.js';
import { validateSemantics, type KindRef } from '../../../../engine/api/validation/semantic/index.js';

type Obj = Record<string, any>;
const kind = (group: string, k: string, namespaced = true): KindRef => ({ group, version: 'v1', kind: k, namespaced });
/** As the API server sees an update: both objects defaulted (the stored one was, on its create). */
const update = (k: KindRef, next: Obj, old: Obj) => {
  const typed = (o: Obj) => applyDefaults({ apiVersion: k.group ? `${k.group}/${k.version}` : k.version, kind: k.kind, ...o });
  return validateSemantics(typed(next), k, typed(old)).map(formatFieldError);
};
const edit = (o: Obj, f: (copy: Obj) => void): Obj => {
  const copy = structuredClone(o);
  f(copy);
  return copy;
};

const container = { name: 'web', image: 'nginx:1.26', ports: [{ containerPort: 80, protocol: 'TCP' }] };
const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [container], restartPolicy: 'Always' } };

describe('validateSemantics on update', () => {
  it('keeps metadata.name and namespace fixed', () => {
    const old = { metadata: { name: 'a', namespace: 'default' }, data: {} };
    assert.deepEqual(update(kind('', 'ConfigMap'), { metadata: { name: 'b', namespace: 'default' }, data: {} }, old), ['metadata.name: Invalid value: "b": field is immutable']);
  });

  describe('Deployment', () => {
    const d = { metadata: { name: 'web', namespace: 'default' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template } };
    it('may change replicas and the template', () => {
      assert.deepEqual(update(kind('apps', 'Deployment'), edit(d, (x) => ((x.spec.replicas = 5), (x.spec.template.spec.containers[0].image = 'nginx:1.27'))), d), []);
    });
    it('may not change its selector', () => {
      const next = edit(d, (x) => {
        x.spec.selector.matchLabels.tier = 'fe';
        x.spec.template.metadata.labels.tier = 'fe';
      });
      assert.deepEqual(update(kind('apps', 'Deployment'), next, d), [
        'spec.selector: Invalid value: {"matchLabels":{"app":"web","tier":"fe"}}: field is immutable',
      ]);
    });
  });

  describe('StatefulSet', () => {
    const sts = { metadata: { name: 'db', namespace: 'default' }, spec: { serviceName: 'db', replicas: 1, selector: { matchLabels: { app: 'web' } }, template, volumeClaimTemplates: [] } };
    it('may scale and change its template', () => {
      assert.deepEqual(update(kind('apps', 'StatefulSet'), edit(sts, (x) => ((x.spec.replicas = 3), (x.spec.template.spec.containers[0].image = 'x'))), sts), []);
    });
    it('may not change volumeClaimTemplates or serviceName', () => {
      assert.deepEqual(update(kind('apps', 'StatefulSet'), edit(sts, (x) => (x.spec.serviceName = 'db2')), sts), [
        "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ]);
    });
  });

  describe('Service', () => {
    const svc = { metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ports: [{ port: 80, protocol: 'TCP' }] } };
    it('may not move to another cluster IP', () => {
      assert.deepEqual(update(kind('', 'Service'), edit(svc, (x) => ((x.spec.clusterIP = '10.96.0.21'), (x.spec.clusterIPs = ['10.96.0.21']))), svc), [
        'spec.clusterIPs[0]: Invalid value: ["10.96.0.21"]: may not change once set',
      ]);
    });
    it('keeps the allocated IP when an update leaves it out', () => {
      assert.deepEqual(update(kind('', 'Service'), edit(svc, (x) => (delete x.spec.clusterIP, delete x.spec.clusterIPs)), svc), []);
    });
  });

  describe('Job', () => {
    const job = { metadata: { name: 'j', namespace: 'default' }, spec: { completions: 1, template: edit(template, (t) => (t.spec.restartPolicy = 'Never')) } };
    it('may not change its template', () => {
      assert.deepEqual(update(kind('batch', 'Job'), edit(job, (x) => (x.spec.template.spec.containers[0].image = 'busybox')), job), [
        'spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable',
      ]);
    });
  });

  describe('ConfigMap and Secret marked immutable', () => {
    const cm = { metadata: { name: 'c', namespace: 'default' }, immutable: true, data: { a: '1' } };
    it('refuse new data and un-marking', () => {
      assert.deepEqual(update(kind('', 'ConfigMap'), edit(cm, (x) => ((x.data.a = '2'), (x.immutable = false))), cm), [
        'immutable: Forbidden: field is immutable when `immutable` is set',
        'data: Forbidden: field is immutable when `immutable` is set',
      ]);
    });
    it('still accept label changes', () => {
      assert.deepEqual(update(kind('', 'ConfigMap'), edit(cm, (x) => (x.metadata.labels = { a: 'b' })), cm), []);
    });
    it('a Secret also keeps its type', () => {
      const s = { metadata: { name: 's', namespace: 'default' }, type: 'Opaque', data: {} };
      assert.deepEqual(update(kind('', 'Secret'), edit(s, (x) => (x.type = 'kubernetes.io/basic-auth')), s), [
        'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
        'data[username]: Required value',
        'data[password]: Required value',
      ]);
    });
  });

  describe('PersistentVolumeClaim', () => {
    const pvc = {
      metadata: { name: 'data', namespace: 'default' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      status: { phase: 'Bound' },
    };
    it('a bound claim may grow', () => {
      assert.deepEqual(update(kind('', 'PersistentVolumeClaim'), edit(pvc, (x) => (x.spec.resources.requests.storage = '2Gi')), pvc), []);
    });
    it('even when the new object carries a defaulted Pending status', () => {
      const next = edit(pvc, (x) => ((x.spec.resources.requests.storage = '2Gi'), (x.status = { phase: 'Pending' })));
      assert.deepEqual(update(kind('', 'PersistentVolumeClaim'), next, pvc), []);
    });
    it('an unbound claim may not be resized', () => {
      const pending = edit(pvc, (x) => (x.status.phase = 'Pending'));
      assert.deepEqual(update(kind('', 'PersistentVolumeClaim'), edit(pending, (x) => (x.spec.resources.requests.storage = '2Gi')), pending), [
        'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
      ]);
    });
    it('but not shrink, nor change access modes', () => {
      assert.deepEqual(update(kind('', 'PersistentVolumeClaim'), edit(pvc, (x) => (x.spec.resources.requests.storage = '512Mi')), pvc), [
        'spec.resources.requests.storage: Forbidden: field can not be less than previous value',
      ]);
      assert.deepEqual(update(kind('', 'PersistentVolumeClaim'), edit(pvc, (x) => (x.spec.accessModes = ['ReadWriteMany'])), pvc), [
        'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
      ]);
    });
  });

  describe('Pod', () => {
    const pod = { metadata: { name: 'p', namespace: 'default' }, spec: { containers: [container], activeDeadlineSeconds: 100, tolerations: [{ key: 'a', operator: 'Exists' }] } };
    it('may change images, shorten its deadline and add tolerations', () => {
      const next = edit(pod, (x) => {
        x.spec.containers[0].image = 'nginx:1.27';
        x.spec.activeDeadlineSeconds = 50;
        x.spec.tolerations.push({ key: 'b', operator: 'Exists' });
      });
      assert.deepEqual(update(kind('', 'Pod'), next, pod), []);
    });
    it('may not change anything else', () => {
      const errs = update(kind('', 'Pod'), edit(pod, (x) => (x.spec.containers[0].ports[0].containerPort = 8080)), pod);
      assert.equal(errs.length, 1);
      assert.ok(
        errs[0].startsWith(
          'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
        ),
        errs[0],
      );
    });
    it('may not lengthen its deadline', () => {
      assert.deepEqual(update(kind('', 'Pod'), edit(pod, (x) => (x.spec.activeDeadlineSeconds = 200)), pod), ['spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value']);
    });
  });

  it('a RoleBinding keeps its roleRef', () => {
    const rb = { metadata: { name: 'rb', namespace: 'default' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'a' }, subjects: [] };
    assert.deepEqual(update(kind('rbac.authorization.k8s.io', 'RoleBinding'), edit(rb, (x) => (x.roleRef.name = 'b')), rb), [
      'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"b"}: cannot change roleRef',
    ]);
  });

  it('a StorageClass keeps its parameters and provisioner', () => {
    const sc = { metadata: { name: 'fast' }, provisioner: 'a.io/x', parameters: { type: 'ssd' } };
    assert.deepEqual(update(kind('storage.k8s.io', 'StorageClass', false), edit(sc, (x) => ((x.parameters.type = 'hdd'), (x.provisioner = 'b.io/y'))), sc), [
      'parameters: Forbidden: updates to parameters are forbidden.',
      'provisioner: Forbidden: updates to provisioner are forbidden.',
    ]);
  });

  it('a CronJob that already had TZ= in its schedule may keep it', () => {
    const cj = { metadata: { name: 'c', namespace: 'default' }, spec: { schedule: 'TZ=UTC 0 * * * *', jobTemplate: { spec: { template: edit(template, (t) => (t.spec.restartPolicy = 'Never')) } } } };
    assert.deepEqual(update(kind('batch', 'CronJob'), cj, cj), []);
  });
});
