// Scenarios for validateObject and validateStructure: what the API server would answer for a manifest,
// in its exact field paths and words.
import assert from 'node:assert/strict';
import { formatFieldError } from '../../../../engine/api/errors';
import { kinds } from '../../../../engine/api/kinds/index';
import { openapi, schemaFromOpenAPIV3 } from '../../../../engine/api/schema/index';
import { validateObject } from '../../../../engine/api/validate';
import { validateStructure } from '../../../../engine/api/validation/structural';
import { servedExamples } from './served-examples';

const messages = (r: { errors: readonly Parameters<typeof formatFieldError>[0][] }) => r.errors.map(formatFieldError);

const deployment = (patch: (spec: any) => void = () => {}) => {
  const spec: any = {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] } },
  };
  patch(spec);
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec };
};
const container = (spec: any) => spec.template.spec.containers[0];

describe('validateObject', () => {
  describe('given a valid manifest of every kind the embedded cluster serves', () => {
    it('covers exactly the served kinds', () => {
      const served = kinds().all().filter((k) => k.served).map((k) => `${k.group}/${k.version}/${k.kind}`).sort();
      const examples = servedExamples.map((o) => {
        const [g, v] = String(o['apiVersion']).includes('/') ? String(o['apiVersion']).split('/') : ['', String(o['apiVersion'])];
        return `${g}/${v}/${o['kind']}`;
      });
      assert.deepEqual([...examples].sort(), served);
    });
    for (const example of servedExamples) {
      it(`accepts ${example['apiVersion']} ${example['kind']}`, () => {
        const r = validateObject(example);
        assert.deepEqual(messages(r), []);
        assert.deepEqual(r.warnings, []);
        assert.equal(r.kind?.kind, example['kind']);
        assert.equal(r.kind?.served, true);
      });
    }
  });

  describe('when a field has the wrong type, a missing or unsupported value', () => {
    const cases: [string, object, string[]][] = [
      ['a string where an integer is expected', deployment((s) => (s.replicas = 'three')), ['spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"']],
      ['a fraction where an integer is expected', deployment((s) => (s.replicas = 1.5)), ['spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"']],
      ['an int32 out of range', deployment((s) => (s.replicas = 3_000_000_000)), ['spec.replicas: Invalid value: 3000000000: spec.replicas in body should be less than or equal to 2147483647']],
      ['an int64 out of range', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { activeDeadlineSeconds: 2 ** 64, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'a', image: 'busybox' }] } } } }, ['spec.activeDeadlineSeconds: Invalid value: 18446744073709552000: spec.activeDeadlineSeconds in body should be less than or equal to 9223372036854775807']],
      ['an object where a string is expected', deployment((s) => (container(s).image = { name: 'nginx' })), ['spec.template.spec.containers[0].image: Invalid value: "object": spec.template.spec.containers[0].image in body must be of type string: "object"']],
      ['a number as a label value', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { tier: 1 } } }, ['metadata.labels[tier]: Invalid value: "integer": metadata.labels[tier] in body must be of type string: "integer"']],
      ['a list where a map is expected', deployment((s) => (s.selector.matchLabels = ['app'])), ['spec.selector.matchLabels: Invalid value: "array": spec.selector.matchLabels in body must be of type object: "array"']],
      ['a missing required field', deployment((s) => delete container(s).name), ['spec.template.spec.containers[0].name: Required value']],
      // A missing selector selects nothing, so the API server also reports that it misses the template.
      ['a required field set to null', deployment((s) => (s.selector = null)), ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`']],
      ['an unsupported enum value', deployment((s) => (container(s).imagePullPolicy = 'Alwayz')), ['spec.template.spec.containers[0].imagePullPolicy: Unsupported value: "Alwayz": supported values: "Always", "IfNotPresent", "Never"']],
      // The schema's enum, then apps validation's own NotSupported on the whole strategy (what kube-apiserver prints).
      ['an unsupported Deployment strategy', deployment((s) => (s.strategy = { type: 'BlueGreen' })), ['spec.strategy.type: Unsupported value: "BlueGreen": supported values: "Recreate", "RollingUpdate"', 'spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"']],
      ['an unsupported container port protocol', deployment((s) => (container(s).ports[0].protocol = 'HTTP')), ['spec.template.spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"']],
      ['an unsupported Service type', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { type: 'Clusterip', ports: [{ port: 80 }] } }, ['spec.type: Unsupported value: "Clusterip": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']],
      ['a boolean as int-or-string', { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: true }] } }, ['spec.ports[0].targetPort: Invalid value: "boolean": spec.ports[0].targetPort in body must be of type integer,string: "boolean"']],
      ['a fraction as int-or-string', deployment((s) => (s.strategy = { rollingUpdate: { maxSurge: 0.5 } })), ['spec.strategy.rollingUpdate.maxSurge: Invalid value: "number": spec.strategy.rollingUpdate.maxSurge in body must be of type integer,string: "number"']],
      ['a malformed quantity', deployment((s) => (container(s).resources = { limits: { memory: '1Gb' } })), [`spec.template.spec.containers[0].resources.limits[memory]: Invalid value: "1Gb": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`]],
    ];
    for (const [what, obj, expected] of cases) {
      it(`reports ${what}`, () => assert.deepEqual(messages(validateObject(obj)), expected));
    }

    it('reports Secret data that is not base64 without echoing it', () => {
      const secret = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data });
      assert.deepEqual(messages(validateObject(secret({ password: 'hunter2!' }))), ['data[password]: Invalid value: illegal base64 data at input byte 7']);
      assert.deepEqual(messages(validateObject(secret({ password: 'aHVudGVy' }))), []);
      assert.deepEqual(messages(validateObject(secret({ token: 'aGVsbG8=', other: 'aGVsbG8' }))), ['data[other]: Invalid value: illegal base64 data at input byte 4']);
    });

    it('reports a timestamp that is not RFC 3339', () => {
      const event = { apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' }, involvedObject: { kind: 'Pod', name: 'p' }, firstTimestamp: '2026-01-01' };
      assert.deepEqual(messages(validateObject(event)), ['firstTimestamp: Invalid value: "2026-01-01": firstTimestamp in body must be of type date-time: "2026-01-01"']);
    });

    it('accepts both forms of int-or-string and of quantities', () => {
      const ok = deployment((s) => {
        s.strategy = { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } };
        container(s).resources = { requests: { cpu: 0.5, memory: 134217728 }, limits: { cpu: '1', memory: '128Mi' } };
      });
      assert.deepEqual(messages(validateObject(ok)), []);
    });

    it('accepts null for optional fields, as `creationTimestamp: null` in generated manifests', () => {
      const obj = deployment();
      (obj.metadata as any).creationTimestamp = null;
      assert.deepEqual(messages(validateObject(obj)), []);
    });
  });

  describe('when a field is unknown', () => {
    const misspelt = () => deployment((s) => (s.template.spec.contaners = [{ name: 'x' }]));

    it('Strict rejects it with the strict-decoding message', () => {
      const r = validateObject(misspelt(), { fieldValidation: 'Strict' });
      assert.deepEqual(messages(r), ['unknown field "spec.template.spec.contaners"']);
      assert.equal(r.errors[0]!.type, 'UnknownField');
      assert.deepEqual(r.warnings, []);
    });

    it('Warn accepts the object, warns, and drops the field', () => {
      const r = validateObject(misspelt(), { fieldValidation: 'Warn' });
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.warnings.map(formatFieldError), ['unknown field "spec.template.spec.contaners"']);
      assert.equal(r.warnings[0]!.warning, true);
      assert.equal((r.pruned as any).spec.template.spec.contaners, undefined);
      assert.equal((r.pruned as any).spec.template.spec.containers[0].name, 'web');
    });

    it('Ignore accepts the object silently and drops the field', () => {
      const r = validateObject(misspelt(), { fieldValidation: 'Ignore' });
      assert.deepEqual(r.errors, []);
      assert.deepEqual(r.warnings, []);
      assert.equal((r.pruned as any).spec.template.spec.contaners, undefined);
    });

    it('leaves the caller’s object untouched and reports nested unknown fields by full path', () => {
      const obj = deployment((s) => (s.template.spec.containers[0].imagee = 'nginx'));
      const r = validateObject(obj, { fieldValidation: 'Warn' });
      assert.deepEqual(r.warnings.map((w) => w.field), ['spec.template.spec.containers[0].imagee']);
      assert.equal((obj.spec as any).template.spec.containers[0].imagee, 'nginx');
    });

    it('accepts any field under RawExtension-like objects the schema leaves open', () => {
      const cr = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r' }, revision: 1, data: { anything: { goes: [1, 'two'] } } };
      assert.deepEqual(messages(validateObject(cr)), []);
    });
  });

  describe('when the apiVersion or kind is not one Kubernetes has', () => {
    it('suggests the served version of a kind from an old API group version', () => {
      const r = validateObject({ apiVersion: 'apps/v1beta1', kind: 'Deployment', metadata: { name: 'web' } });
      assert.deepEqual(messages(r), ['apiVersion: Invalid value: "apps/v1beta1": no matches for kind "Deployment" in version "apps/v1beta1"; did you mean "apps/v1 Deployment"?']);
      assert.deepEqual(r.suggestion, { apiVersion: 'apps/v1', kind: 'Deployment' });
    });

    it('suggests the nearest kind for a misspelt one', () => {
      const r = validateObject({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'web' } });
      assert.deepEqual(messages(r), ['kind: Invalid value: "Deploymnet": no matches for kind "Deploymnet" in version "apps/v1"; did you mean "apps/v1 Deployment"?']);
      assert.equal(r.kind, undefined);
    });

    it('says only "no matches" when nothing is close', () => {
      const r = validateObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
      assert.deepEqual(messages(r), ['kind: Invalid value: "Widget": no matches for kind "Widget" in version "example.com/v1"; ensure CRDs are installed first']);
      assert.equal(r.suggestion, undefined);
    });

    it('requires apiVersion and kind', () => {
      assert.deepEqual(messages(validateObject({ metadata: { name: 'x' } })), ['apiVersion: Required value: apiVersion not set', 'kind: Required value: kind not set']);
    });
  });

  describe('given a kind Kubernetes has but the embedded cluster does not serve', () => {
    const deviceClass = { apiVersion: 'resource.k8s.io/v1', kind: 'DeviceClass', metadata: { name: 'gpu' }, spec: { selectors: [{ cel: { expression: 'device.driver == "gpu.example.com"' } }] } };

    it('validates it against its schema and says it is not served', () => {
      const r = validateObject(deviceClass);
      assert.deepEqual(messages(r), []);
      assert.equal(r.kind?.served, false);
      assert.deepEqual(messages(validateObject({ ...deviceClass, spec: { ...deviceClass.spec, selectors: 'a' } })), ['spec.selectors: Invalid value: "string": spec.selectors in body must be of type array: "string"']);
    });

    it('answers "no matches" when asked as the embedded cluster', () => {
      const r = validateObject(deviceClass, { servedOnly: true });
      assert.deepEqual(messages(r), ['kind: Invalid value: "DeviceClass": no matches for kind "DeviceClass" in version "resource.k8s.io/v1": DeviceClass is part of Kubernetes but not served by the embedded cluster']);
      assert.equal(r.kind?.served, false);
    });
  });

  describe("given a CRD's openAPIV3Schema", () => {
    const schema = schemaFromOpenAPIV3({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          required: ['cronSpec'],
          properties: {
            cronSpec: { type: 'string', pattern: '^(\\S+\\s){4}\\S+$' },
            image: { type: 'string', maxLength: 20 },
            replicas: { type: 'integer', minimum: 1, maximum: 10 },
            policy: { type: 'string', enum: ['Allow', 'Forbid'] },
            port: { 'x-kubernetes-int-or-string': true },
            tags: { type: 'array', maxItems: 2, items: { type: 'string' } },
            config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            hosts: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
            ports: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['port', 'protocol'], items: { type: 'object', properties: { port: { type: 'integer' }, protocol: { type: 'string' } } } },
          },
        },
      },
    });
    const info = { group: 'stable.example.com', version: 'v1', kind: 'CronTab', plural: 'crontabs', singular: 'crontab', shortNames: ['ct'], namespaced: true, verbs: ['get', 'list', 'create'], subresources: [], served: true };
    let unregister: () => void = () => {};
    before(() => (unregister = kinds().register(info, schema)));
    after(() => unregister());
    const crontab = (spec: object) => ({ apiVersion: 'stable.example.com/v1', kind: 'CronTab', metadata: { name: 'tick' }, spec });

    it('accepts a custom resource that fits it', () => {
      const r = validateObject(crontab({ cronSpec: '* * * * */5', image: 'my-cron', replicas: 3, policy: 'Allow', port: 'http', tags: ['a'], config: { any: { thing: 1 } } }));
      assert.deepEqual(messages(r), []);
      assert.equal(r.kind?.kind, 'CronTab');
    });

    it('rejects one that does not, with the messages apiextensions-apiserver gives', () => {
      const r = validateObject(crontab({ cronSpec: 'hourly', image: 'a-very-long-image-name:latest', replicas: 11, policy: 'Maybe', port: false, tags: ['a', 'b', 'c'] }));
      assert.deepEqual(messages(r), [
        `spec.cronSpec: Invalid value: "hourly": spec.cronSpec in body should match '^(\\S+\\s){4}\\S+$'`,
        'spec.image: Too long: may not be more than 20 bytes',
        'spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10',
        'spec.policy: Unsupported value: "Maybe": supported values: "Allow", "Forbid"',
        'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
        'spec.tags: Too many: 3: must have at most 2 items',
      ]);
    });

    it('stops at unknown fields under Strict, since they fail decoding before validation', () => {
      const obj = { ...crontab({ cronSpec: '* * * * *', colour: 'red' }), metadata: { name: 'tick', labels: { 'not a key': 'v' } } };
      // Under Strict the metadata rules (semantic) never run; under Warn they do.
      assert.deepEqual(messages(validateObject(obj)), ['unknown field "spec.colour"']);
      assert.deepEqual(validateObject(obj, { fieldValidation: 'Warn' }).errors.map((e) => e.field), ['metadata.labels']);
    });

    it('rejects duplicate items of set and map lists', () => {
      const r = validateObject(crontab({ cronSpec: '* * * * *', hosts: ['a', 'b', 'a'], ports: [{ port: 80, protocol: 'TCP' }, { port: 80, protocol: 'UDP' }, { port: 80, protocol: 'TCP' }] }));
      assert.deepEqual(messages(r), ['spec.hosts[2]: Duplicate value: "a"', 'spec.ports[2]: Duplicate value: {"port":80,"protocol":"TCP"}']);
    });

    it('requires its required fields and validates metadata as ObjectMeta', () => {
      const obj = { ...crontab({}), metadata: { name: 'tick', labels: { a: true } } };
      assert.deepEqual(messages(validateObject(obj)), ['metadata.labels[a]: Invalid value: "boolean": metadata.labels[a] in body must be of type string: "boolean"', 'spec.cronSpec: Required value']);
    });
  });

  // apiextensions-apiserver fills in schema defaults while decoding, before validation (KEP-575).
  describe("given a CRD's openAPIV3Schema with defaults", () => {
    const schema = schemaFromOpenAPIV3({
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          required: ['schedule', 'targets'],
          properties: {
            schedule: { type: 'object', default: {}, required: ['cron'], properties: { cron: { type: 'string', default: '0 3 * * *' }, timeZone: { type: 'string', default: 'UTC', enum: ['UTC'] } } },
            mode: { type: 'string', default: 'Incremental', enum: ['Full', 'Incremental'] },
            targets: { type: 'array', items: { type: 'object', required: ['kind'], properties: { kind: { type: 'string', default: 'PersistentVolumeClaim' } } } },
          },
        },
      },
    });
    const info = { group: 'backup.example.io', version: 'v1', kind: 'BackupPolicy', plural: 'backuppolicies', singular: 'backuppolicy', shortNames: [], namespaced: false, verbs: ['get', 'list', 'create'], subresources: [], served: true };
    let unregister: () => void = () => {};
    before(() => (unregister = kinds().register(info, schema)));
    after(() => unregister());
    const policy = (spec: object) => ({ apiVersion: 'backup.example.io/v1', kind: 'BackupPolicy', metadata: { name: 'p' }, spec });

    it('takes a required field with a default as given, its own defaults and those of list items included', () => {
      assert.deepEqual(messages(validateObject(policy({ targets: [{}] }))), []);
      assert.deepEqual(messages(validateObject(policy({ schedule: null, mode: null, targets: [] }))), []);
    });

    it('still requires a field without a default, and judges what the user set over the default', () => {
      assert.deepEqual(messages(validateObject(policy({ schedule: { timeZone: 'CET' } }))), [
        'spec.targets: Required value',
        'spec.schedule.timeZone: Unsupported value: "CET": supported values: "UTC"',
      ]);
    });
  });
});

describe('validateStructure', () => {
  it('prunes nothing and returns no pruned copy when every field is known', () => {
    const r = validateStructure({ name: 'web', image: 'nginx' }, openapi().definition('io.k8s.api.core.v1.Container')!, 'Ignore');
    assert.deepEqual(r, { errors: [], warnings: [] });
  });

  it('leaves duplicate items of built-in set lists to the kind’s own validation', () => {
    const meta = openapi().definition('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta')!;
    assert.deepEqual(validateStructure({ finalizers: ['a', 'a'] }, meta, 'Strict').errors, []);
    assert.equal(validateStructure({ finalizers: ['a', 'a'] }, meta, 'Strict', { listTypes: true }).errors.length, 1);
  });

  it('reports every problem of a list item under its index', () => {
    const r = validateStructure([{ name: 'a' }, { image: 'b', tty: 'yes' }], { ...stubArrayOf('io.k8s.api.core.v1.Container') }, 'Strict');
    assert.deepEqual(r.errors.map(formatFieldError), ['[1].name: Required value', '[1].tty: Invalid value: "string": [1].tty in body must be of type boolean: "string"']);
  });
});

/** An array schema over a definition, the shape of PodSpec.containers. */
function stubArrayOf(definition: string) {
  const item = openapi().definition(definition)!;
  return { type: 'array' as const, propertyNames: () => [], property: () => undefined, additionalProperties: () => undefined, items: () => item };
}
