import assert from 'node:assert/strict';
import { FieldSet, fieldSetOf, pathString } from '../../../../engine/api/apply/fieldSet';
import { apply, ApplyConflictError, managedFieldSets, update } from '../../../../engine/api/apply/fieldManager';
import { configMapSchema, deploymentSchema, podSchema } from '../patch/schemaFixture';

type Obj = Record<string, any>;
const t0 = '2026-01-01T00:00:00Z';
const t1 = '2026-01-01T00:05:00Z';

const deployment = (spec: Obj, labels?: Obj): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'nginx', namespace: 'default', ...(labels ? { labels } : {}) },
  spec,
});
const podTemplate = (containers: Obj[]) => ({ metadata: { labels: { app: 'nginx' } }, spec: { containers } });

const ssa = (manager: string, extra: Obj = {}) => ({ schema: deploymentSchema, manager, apiVersion: 'apps/v1', time: t1, ...extra });

function conflictOf(fn: () => unknown): ApplyConflictError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ApplyConflictError) return e;
    throw e;
  }
  assert.fail('expected an apply conflict');
}

describe('server-side apply: field sets (fieldsV1)', () => {
  it('records the ConfigMap of the Server-Side Apply page exactly as Kubernetes does', () => {
    const cm = apply(undefined, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'test-cm', namespace: 'default', labels: { 'test-label': 'test' } }, data: { key: 'some value' } }, {
      schema: configMapSchema, manager: 'kubectl', apiVersion: 'v1', time: '2010-10-10T00:00:00Z',
    }) as Obj;
    assert.deepEqual(cm.metadata.managedFields, [
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'v1',
        time: '2010-10-10T00:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { 'f:key': {} }, 'f:metadata': { 'f:labels': { 'f:test-label': {} } } },
      },
    ]);
    assert.equal(cm.data.key, 'some value');
  });

  it('keys map-list items by their keys, set items by value, and keeps atomic fields whole', () => {
    const pod = {
      metadata: { name: 'web', finalizers: ['example.com/protect'] },
      spec: {
        containers: [{ name: 'web', image: 'nginx', args: ['-g', 'daemon off;'], ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }] }],
        tolerations: [{ key: 'dedicated', operator: 'Exists' }],
        nodeSelector: { disk: 'ssd' },
      },
    };
    const set = fieldSetOf(pod, podSchema);
    assert.deepEqual(set.toFieldsV1(), {
      'f:metadata': { 'f:finalizers': { 'v:"example.com/protect"': {} }, 'f:name': {} },
      'f:spec': {
        'f:containers': {
          'k:{"name":"web"}': {
            '.': {},
            'f:args': {},
            'f:image': {},
            'f:name': {},
            'f:ports': { 'k:{"containerPort":53,"protocol":"UDP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} }, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
          },
        },
        'f:nodeSelector': {},
        'f:tolerations': {},
      },
    });
  });

  it('an Update entry marks maps it created with "." (kubectl create of a ConfigMap)', () => {
    const cm = update(undefined, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'test-cm', labels: { app: 'x' } }, data: { key: 'v' } }, {
      schema: configMapSchema, manager: 'kubectl-create', apiVersion: 'v1', time: t0,
    }) as Obj;
    assert.deepEqual(cm.metadata.managedFields[0].fieldsV1, { 'f:data': { '.': {}, 'f:key': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } });
    assert.equal(cm.metadata.managedFields[0].operation, 'Update');
  });

  it('round-trips through fieldsV1 and prints paths as conflicts do', () => {
    const set = fieldSetOf({ spec: { template: podTemplate([{ name: 'web', image: 'nginx' }]) }, metadata: { finalizers: ['x'] } }, deploymentSchema);
    assert.deepEqual(FieldSet.fromFieldsV1(set.toFieldsV1()).paths(), set.paths());
    assert.deepEqual(set.paths().map(pathString), [
      '.metadata.finalizers[="x"]',
      '.spec.template.metadata.labels.app',
      '.spec.template.spec.containers[name="web"]',
      '.spec.template.spec.containers[name="web"].image',
      '.spec.template.spec.containers[name="web"].name',
    ]);
  });
});

describe('server-side apply: ownership and conflicts (the Server-Side Apply page)', () => {
  it('an Update manager owns what it set; applying a different value conflicts with it', () => {
    const created = update(undefined, deployment({ replicas: 2, template: podTemplate([{ name: 'nginx', image: 'nginx:1.14.2' }]) }), ssa('kubectl-client-side-apply', { time: t0 }));
    const err = conflictOf(() => apply(created, deployment({ replicas: 3 }), ssa('kubectl')));
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
    assert.equal(err.statusError.code, 409);
    assert.equal(err.statusError.reason, 'Conflict');
    assert.deepEqual(err.statusError.status.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }]);
  });

  it('applying the value already there is no conflict: both managers share the field', () => {
    const created = update(undefined, deployment({ replicas: 2 }), ssa('kubectl-client-side-apply', { time: t0 }));
    const out = apply(created, deployment({ replicas: 2 }), ssa('kubectl'));
    const sets = managedFieldSets(out);
    assert.equal(sets.get('{"manager":"kubectl","operation":"Apply"}')?.has(['f:spec', 'f:replicas']), true);
    assert.equal(sets.get('{"manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"apps/v1"}')?.has(['f:spec', 'f:replicas']), true);
  });

  it('force takes the field: the value changes and the other manager loses it', () => {
    const created = update(undefined, deployment({ replicas: 2, minReadySeconds: 5 }), ssa('kubectl-client-side-apply', { time: t0 }));
    const out = apply(created, deployment({ replicas: 3 }), ssa('kubectl', { force: true })) as Obj;
    assert.equal(out.spec.replicas, 3);
    const sets = managedFieldSets(out);
    assert.deepEqual(sets.get('{"manager":"kubectl","operation":"Apply"}')?.paths().map(pathString), ['.spec.replicas']);
    assert.deepEqual(sets.get('{"manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"apps/v1"}')?.paths().map(pathString), ['.spec.minReadySeconds']);
    assert.deepEqual(out.metadata.managedFields.map((e: Obj) => `${e.manager}/${e.operation}@${e.time}`), ['kubectl/Apply@' + t1, 'kubectl-client-side-apply/Update@' + t0]);
  });

  it('two appliers on several fields: the message groups conflicts by manager, sorted', () => {
    let obj = apply(undefined, deployment({ replicas: 1, minReadySeconds: 1 }), ssa('alpha'));
    obj = update(obj, { ...obj, spec: { ...(obj as Obj).spec, paused: true } } as Obj, ssa('beta-controller'));
    obj = apply(obj, deployment({ replicas: 1, minReadySeconds: 1, paused: true }), ssa('beta'));
    const err = conflictOf(() => apply(obj, deployment({ replicas: 5, minReadySeconds: 9, paused: false }), ssa('gamma')));
    assert.equal(
      err.message,
      [
        'Apply failed with 6 conflicts: conflicts with "alpha":',
        '- .spec.minReadySeconds',
        '- .spec.replicas',
        'conflicts with "beta":',
        '- .spec.minReadySeconds',
        '- .spec.paused',
        '- .spec.replicas',
        'conflicts with "beta-controller" using apps/v1:',
        '- .spec.paused',
      ].join('\n'),
    );
  });

  it('transferring ownership: after a controller (HPA) takes spec.replicas, the user drops it from the config and it stays', () => {
    let obj = apply(undefined, deployment({ replicas: 3, template: podTemplate([{ name: 'nginx', image: 'nginx' }]) }), ssa('kubectl'));
    // The autoscaler scales through an update; updates always take ownership.
    obj = update(obj, { ...obj, spec: { ...(obj as Obj).spec, replicas: 5 } } as Obj, ssa('kube-controller-manager', { apiVersion: 'autoscaling/v1', subresource: 'scale' }));
    const sets = managedFieldSets(obj);
    assert.equal(sets.get('{"manager":"kubectl","operation":"Apply"}')?.has(['f:spec', 'f:replicas']), false);
    // Re-applying the old config with replicas would now conflict…
    const err = conflictOf(() => apply(obj, deployment({ replicas: 3, template: podTemplate([{ name: 'nginx', image: 'nginx' }]) }), ssa('kubectl')));
    assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "kube-controller-manager" with subresource "scale" using autoscaling/v1: .spec.replicas');
    // …so the user removes replicas from the configuration; the controller's value is kept.
    const out = apply(obj, deployment({ template: podTemplate([{ name: 'nginx', image: 'nginx:1.27' }]) }), ssa('kubectl')) as Obj;
    assert.equal(out.spec.replicas, 5);
    assert.equal(out.spec.template.spec.containers[0].image, 'nginx:1.27');
  });
});

describe('server-side apply: merging and removing', () => {
  it('fields an applier stops applying are removed when nobody else owns them', () => {
    let obj = apply(undefined, deployment({ replicas: 1, template: podTemplate([{ name: 'web', image: 'nginx' }, { name: 'log', image: 'fluentd' }]) }, { a: '1', b: '2' }), ssa('kubectl'));
    obj = apply(obj, deployment({ replicas: 1, template: podTemplate([{ name: 'web', image: 'nginx' }]) }, { a: '1' }), ssa('kubectl'));
    const o = obj as Obj;
    assert.deepEqual(o.metadata.labels, { a: '1' });
    assert.deepEqual(o.spec.template.spec.containers.map((c: Obj) => c.name), ['web']);
    obj = apply(obj, deployment({ replicas: 1, template: podTemplate([{ name: 'web', image: 'nginx' }]) }), ssa('kubectl'));
    assert.equal('labels' in (obj as Obj).metadata, false, 'labels go entirely once no label is owned');
  });

  it('…but stay when another manager owns them', () => {
    let obj = apply(undefined, deployment({ replicas: 1 }, { a: '1', b: '2' }), ssa('kubectl'));
    obj = apply(obj, deployment({}, { b: '2' }), ssa('other-applier'));
    obj = update(obj, { ...obj, metadata: { ...(obj as Obj).metadata, labels: { a: '1', b: '2', c: '3' } } } as Obj, ssa('labeler'));
    obj = apply(obj, deployment({ replicas: 1 }), ssa('kubectl'));
    assert.deepEqual((obj as Obj).metadata.labels, { b: '2', c: '3' });
  });

  it('merges keyed lists item by item and leaves fields nobody applied alone', () => {
    let obj = update(undefined, deployment({ replicas: 1, template: podTemplate([{ name: 'web', image: 'nginx', imagePullPolicy: 'Always' }]) }), ssa('creator', { time: t0 }));
    obj = apply(obj, deployment({ template: podTemplate([{ name: 'sidecar', image: 'envoy' }, { name: 'web', image: 'nginx:2' }]) }), ssa('kubectl', { force: true }));
    const containers = (obj as Obj).spec.template.spec.containers;
    assert.deepEqual(containers, [{ name: 'sidecar', image: 'envoy' }, { name: 'web', image: 'nginx:2', imagePullPolicy: 'Always' }]);
    assert.equal((obj as Obj).spec.replicas, 1);
  });

  it('replaces atomic lists and maps whole (tolerations, selector)', () => {
    let obj = apply(undefined, deployment({ selector: { matchLabels: { app: 'web', tier: 'front' } }, template: { spec: { containers: [{ name: 'web', image: 'x' }], tolerations: [{ key: 'a' }, { key: 'b' }] } } }), ssa('kubectl'));
    obj = apply(obj, deployment({ selector: { matchLabels: { app: 'web' } }, template: { spec: { containers: [{ name: 'web', image: 'x' }], tolerations: [{ key: 'c' }] } } }), ssa('kubectl'));
    assert.deepEqual((obj as Obj).spec.selector, { matchLabels: { app: 'web' } });
    assert.deepEqual((obj as Obj).spec.template.spec.tolerations, [{ key: 'c' }]);
  });

  it('an update takes the fields it changed from every applier, without conflict', () => {
    let obj = apply(undefined, deployment({ replicas: 2, minReadySeconds: 3 }), ssa('kubectl'));
    obj = update(obj, { ...obj, spec: { ...(obj as Obj).spec, replicas: 4 } } as Obj, ssa('hpa'));
    const sets = managedFieldSets(obj);
    assert.deepEqual(sets.get('{"manager":"kubectl","operation":"Apply"}')?.paths().map(pathString), ['.spec.minReadySeconds']);
    assert.deepEqual(sets.get('{"manager":"hpa","operation":"Update","apiVersion":"apps/v1"}')?.paths().map(pathString), ['.spec.replicas']);
  });

  it('ignored fields (status through the main resource) are never owned', () => {
    const obj = update(undefined, { ...deployment({ replicas: 1 }), status: { replicas: 1 } }, ssa('creator', { ignoredFields: [['f:status']] }));
    assert.deepEqual(managedFieldSets(obj).get('{"manager":"creator","operation":"Update","apiVersion":"apps/v1"}')?.paths().map(pathString), ['.spec.replicas']);
  });

  it('does not change its inputs', () => {
    const live = update(undefined, deployment({ replicas: 2 }), ssa('creator', { time: t0 }));
    const config = deployment({ replicas: 5 });
    const before = JSON.stringify([live, config]);
    apply(live, config, ssa('kubectl', { force: true }));
    assert.equal(JSON.stringify([live, config]), before);
  });
});

describe('server-side apply: malformed input', () => {
  it('refuses managedFields in the applied configuration (400)', () => {
    assert.throws(
      () => apply(undefined, { ...deployment({}), metadata: { name: 'nginx', managedFields: [] } }, ssa('kubectl')),
      (e: unknown) => e instanceof Error && 'code' in e && (e as { code: number }).code === 400 && e.message === 'metadata.managedFields must be nil',
    );
  });

  it('refuses a configuration with duplicate list-map keys, naming the list and the key', () => {
    assert.throws(
      () => apply(undefined, deployment({ template: podTemplate([{ name: 'web', image: 'a' }, { name: 'web', image: 'b' }]) }), ssa('kubectl')),
      (e: unknown) => e instanceof Error && e.message === 'Internal error occurred: failed to create typed patch object (apps/v1, Kind=Deployment): .spec.template.spec.containers: duplicate entries for key [name="web"]',
    );
  });

  it('an update with duplicate keys is stored without managedFields instead of failing', () => {
    const live = apply(undefined, deployment({ replicas: 1 }), ssa('kubectl'));
    const dup = { ...(live as Obj), spec: { replicas: 1, template: podTemplate([{ name: 'web', image: 'a' }, { name: 'web', image: 'b' }]) } };
    const out = update(live, dup, ssa('editor')) as Obj;
    assert.equal(out.spec.template.spec.containers.length, 2);
    assert.equal(out.metadata.managedFields, undefined);
  });
});

describe('server-side apply: capping update managers', () => {
  it('folds the oldest Update entries into "ancient-changes" once there are more than ten', () => {
    let obj: Obj = apply(undefined, deployment({ replicas: 1 }), ssa('kubectl'));
    for (let i = 0; i < 12; i++) {
      const time = `2026-01-01T00:${String(10 + i).padStart(2, '0')}:00Z`;
      obj = update(obj, { ...obj, metadata: { ...obj.metadata, labels: { ...obj.metadata.labels, [`l${i}`]: 'x' } } }, ssa(`controller-${i}`, { time }));
    }
    const updaters = obj.metadata.managedFields.filter((e: Obj) => e.operation === 'Update');
    assert.equal(updaters.length, 10);
    const ancient = updaters.find((e: Obj) => e.manager === 'ancient-changes');
    assert.deepEqual(Object.keys(ancient.fieldsV1['f:metadata']['f:labels']).filter((k) => k !== '.').sort(), ['f:l0', 'f:l1', 'f:l2']);
    assert.equal(ancient.time, '2026-01-01T00:12:00Z');
    assert.deepEqual(updaters.filter((e: Obj) => e.manager !== 'ancient-changes').map((e: Obj) => e.manager), Array.from({ length: 9 }, (_, i) => `controller-${i + 3}`));
    assert.equal(obj.metadata.managedFields[0].manager, 'kubectl', 'appliers are never folded');
  });
});

describe('field manager: encodings of recurring field sets', () => {
  const cm = (data: Obj): Obj => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'default' }, data });
  const opts = { schema: configMapSchema, manager: 'controller', apiVersion: 'v1', time: t0 };

  it('writes frozen fieldsV1 trees, and re-encodes only what changed: an unchanged manager keeps its stored tree', () => {
    const first = update(undefined, cm({ a: '1', b: '2' }), opts) as Obj;
    assert.throws(() => {
      first.metadata.managedFields[0].fieldsV1['f:data']['f:zzz'] = {};
    }, TypeError);
    // As the API server stores and reads it back: plain JSON, nothing frozen.
    const stored = JSON.parse(JSON.stringify(first)) as Obj;
    const sameFields = update(stored, { ...stored, data: { a: '3', b: '4' } }, opts) as Obj;
    assert.equal(sameFields.metadata.managedFields[0].fieldsV1, stored.metadata.managedFields[0].fieldsV1);
    const other = update(stored, { ...stored, metadata: { ...stored.metadata, labels: { x: 'y' } } }, { ...opts, manager: 'labeller' }) as Obj;
    assert.equal(other.metadata.managedFields.find((e: Obj) => e.manager === 'controller').fieldsV1, stored.metadata.managedFields[0].fieldsV1);
    const more = update(stored, { ...stored, data: { a: '1', b: '2', c: '3' } }, opts) as Obj;
    assert.deepEqual(more.metadata.managedFields[0].fieldsV1, { 'f:data': { '.': {}, 'f:a': {}, 'f:b': {}, 'f:c': {} } });
  });

  it('encodes sets that differ only in order of their members, or in one member, each as itself', () => {
    const ab = update(undefined, cm({ a: '1', b: '2' }), opts) as Obj;
    const ba = update(undefined, cm({ b: '2', a: '1' }), opts) as Obj;
    const ac = update(undefined, cm({ a: '1', c: '2' }), opts) as Obj;
    assert.deepEqual(ba.metadata.managedFields[0].fieldsV1, ab.metadata.managedFields[0].fieldsV1);
    assert.deepEqual(ac.metadata.managedFields[0].fieldsV1, { 'f:data': { '.': {}, 'f:a': {}, 'f:c': {} } });
  });
});
