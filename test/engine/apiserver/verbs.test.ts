import assert from 'node:assert/strict';
import type { StatusError } from '../../../engine/api/errors';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { ApiServer, type ApiWatchEvent } from '../../../engine/apiserver/apiserver';
import { TokenAuthenticator } from '../../../engine/apiserver/auth/user';
import { ApiClient } from '../../../engine/apiserver/client';
import { Random } from '../../../engine/util/random';
import { admin, configmaps, deployment, deployments, namespaces, newCluster, pod, pods, rejects } from './fixture';

describe('API server: create, get, list, update, delete', () => {
  it('given a namespace, a created object gets uid, creationTimestamp and a resourceVersion, and reads back the same', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const { object: created } = await client.create(configmaps, 'shop', { metadata: { name: 'cfg' }, data: { a: '1' } });
    assert.match(created.metadata.uid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(created.metadata.creationTimestamp, '2026-11-23T12:00:00Z');
    assert.equal(created.apiVersion, 'v1');
    assert.equal(created.kind, 'ConfigMap');
    assert.deepEqual(client.get(configmaps, 'shop', 'cfg'), created);
    await rejects(client.create(configmaps, 'shop', { metadata: { name: 'cfg' } }), 409, 'configmaps "cfg" already exists');
    await rejects(() => client.get(configmaps, 'shop', 'nope'), 404, 'configmaps "nope" not found');
  });

  it("a write's result is the version it wrote, even when read after later writes, and each read of it is the same copy", async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const created = await client.create(configmaps, 'shop', { metadata: { name: 'cfg' }, data: { a: '1' } });
    const updated = await client.update(configmaps, 'shop', { ...client.get(configmaps, 'shop', 'cfg'), data: { a: '2' } });
    await client.patch(configmaps, 'shop', 'cfg', 'merge', { data: { a: '3' } });
    assert.deepEqual(created.object.data, { a: '1' });
    assert.deepEqual(updated.object.data, { a: '2' });
    assert.ok(Number(created.object.metadata.resourceVersion) < Number(updated.object.metadata.resourceVersion));
    assert.equal(created.object, created.object);
    created.object.data.a = 'changed by its caller';
    assert.deepEqual(client.get(configmaps, 'shop', 'cfg').data, { a: '3' });
  });

  it('refuses a body whose namespace or kind disagrees with the request', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await rejects(client.create(configmaps, 'shop', { metadata: { name: 'x', namespace: 'other' } }), 400, 'the namespace of the provided object does not match the namespace sent on the request');
    await rejects(client.create(configmaps, 'shop', { kind: 'Secret', metadata: { name: 'x' } }), 400, 'the kind in the data (Secret) does not match the expected kind (ConfigMap)');
  });

  it('rejects an invalid object with 422 and one cause per problem, at Kubernetes\' field paths', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const bad = deployment('Web_1', -1);
    const err = await rejects(client.create(deployments, 'shop', bad), 422);
    assert.equal(err.reason, 'Invalid');
    const fields = err.status.details.causes.map((c: any) => c.field);
    assert.ok(fields.includes('metadata.name'), fields.join());
    assert.ok(fields.includes('spec.replicas'), fields.join());
    assert.match(err.message, /^Deployment\.apps "Web_1" is invalid: \[/);
  });

  it('refuses a value that does not decode into its Go type with 400, in the decoder\'s words, before validating', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const services = { group: '', version: 'v1', resource: 'services' };
    const secrets = { group: '', version: 'v1', resource: 'secrets' };
    const withContainer = (container: Obj, spec: Obj = {}) => {
      const d = deployment('web');
      d.spec.template.spec = { ...d.spec.template.spec, ...spec, containers: [{ ...d.spec.template.spec.containers[0], ...container }] };
      return d;
    };
    const cases: [string, string, () => Promise<unknown>, string][] = [
      ['replicas as a word', 'Deployment', () => client.create(deployments, 'shop', { ...deployment('web'), spec: { ...deployment('web').spec, replicas: 'three' } }), 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32'],
      ['an env value left unquoted', 'Deployment', () => client.create(deployments, 'shop', withContainer({ env: [{ name: 'DEBUG', value: false }] })), 'json: cannot unmarshal bool into Go struct field EnvVar.spec.template.spec.containers.env.value of type string'],
      ['a list item of the wrong type', 'Deployment', () => client.create(deployments, 'shop', withContainer({}, { imagePullSecrets: ['registry'] })), 'json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec.imagePullSecrets of type v1.LocalObjectReference'],
      ['a number past int32', 'Service', () => client.create(services, 'shop', { metadata: { name: 'api' }, spec: { ports: [{ port: 99999999999 }] } }), 'json: cannot unmarshal number 99999999999 into Go struct field ServicePort.spec.ports.port of type int32'],
      ['a fraction for an IntOrString', 'Service', () => client.create(services, 'shop', { metadata: { name: 'api' }, spec: { ports: [{ port: 80, targetPort: 80.5 }] } }), 'json: cannot unmarshal number 80.5 into Go value of type int32'],
      ['a quantity that is not one', 'Deployment', () => client.create(deployments, 'shop', withContainer({ resources: { limits: { memory: 'lots' } } })), "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
      ['data that is not base64', 'Secret', () => client.create(secrets, 'shop', { metadata: { name: 'creds' }, data: { password: 'hunter 2' } }), 'illegal base64 data at input byte 6'],
      // Go's decoder goes on after a value of the wrong type, but a Quantity's own error ends it, and wins.
      ['a wrong type, then a bad quantity', 'Deployment', () => client.create(deployments, 'shop', { ...withContainer({ resources: { limits: { memory: 'lots' } } }), spec: { ...withContainer({ resources: { limits: { memory: 'lots' } } }).spec, replicas: 'three' } }), "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
      // Decoded before anything defaults or reads it: a shape defaulting cannot walk is a 400, not a 500.
      ['containers as a map', 'Pod', () => client.create(pods, 'shop', { metadata: { name: 'odd' }, spec: { containers: { web: { image: 'nginx' } } } }), 'json: cannot unmarshal object into Go struct field PodSpec.spec.containers of type []v1.Container'],
      ['metadata as a string', 'Pod', () => client.create(pods, 'shop', { metadata: 'odd', spec: { containers: [{ name: 'web', image: 'nginx' }] } }), 'json: cannot unmarshal string into Go struct field Pod.metadata of type v1.ObjectMeta'],
      ['a time that is not RFC 3339', 'Pod', () => client.create(pods, 'shop', { ...pod('odd'), status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: 'yesterday' }] } }), 'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"'],
      ['an empty time', 'Pod', () => client.create(pods, 'shop', { ...pod('odd'), status: { startTime: '' } }), 'parsing time "" as "2006-01-02T15:04:05Z07:00": cannot parse "" as "2006"'],
      ['a time out of range', 'Pod', () => client.create(pods, 'shop', { ...pod('odd'), status: { startTime: '2026-02-30T00:00:00Z' } }), 'parsing time "2026-02-30T00:00:00Z": day out of range'],
      ['a status the create would drop', 'Pod', () => client.create(pods, 'shop', { ...pod('odd'), status: { conditions: [{ type: 'Ready', status: 'True', lastProbeTime: 7 }] } }), 'json: cannot unmarshal number into Go value of type string'],
    ];
    for (const [name, kind, write, decoderError] of cases) {
      const err = await rejects(write, 400);
      assert.equal(err.message, `${kind} in version "v1" cannot be handled as a ${kind}: ${decoderError}`, name);
      assert.equal(err.reason, 'BadRequest', name);
    }
    // A patch whose result does not decode is refused as the patcher refuses it: the patched object
    // is the invalid value of `patch`.
    await client.create(deployments, 'shop', deployment('web'));
    const patched = await rejects(client.patch(deployments, 'shop', 'web', 'merge', { spec: { replicas: 'three' } }), 422);
    assert.equal(patched.reason, 'Invalid');
    assert.match(patched.message, /^ "" is invalid: patch: Invalid value: "\{\\"apiVersion\\":\\"apps\/v1\\",\\"kind\\":\\"Deployment\\",.*\\"replicas\\":\\"three\\".*": json: cannot unmarshal string into Go struct field DeploymentSpec\.spec\.replicas of type int32$/);
    assert.equal(client.get(deployments, 'shop', 'web').spec.replicas, 2, 'nothing was written');
    // A strategic merge patch's result goes through the unstructured converter, in its words, and
    // the patch is shown as Go prints the map it decoded.
    const smp = (patch: Obj, options = {}) => client.patch(deployments, 'shop', 'web', 'strategic', patch, options);
    const container = (fields: Obj) => ({ spec: { template: { spec: { containers: [{ name: 'web', ...fields }] } } } });
    const smpCases: [Obj, string][] = [
      [{ spec: { replicas: 'three' } }, 'map[spec:map[replicas:three]]": unrecognized type: int32'],
      [{ spec: { replicas: 1.5 } }, 'map[spec:map[replicas:1.5]]": cannot convert float64 to int32'],
      [container({ env: [{ name: 'DEBUG', value: false }] }), 'map[spec:map[template:map[spec:map[containers:[map[env:[map[name:DEBUG value:false]] name:web]]]]]]": unrecognized type: string'],
      [container({ image: 5 }), 'map[spec:map[template:map[spec:map[containers:[map[image:5 name:web]]]]]]": cannot convert int64 to string'],
      [{ spec: { strategy: 'fast' } }, 'map[spec:map[strategy:fast]]": cannot restore struct from: string'],
      [{ spec: { template: { spec: { containers: { web: {} } } } } }, 'map[spec:map[template:map[spec:map[containers:map[web:map[]]]]]]": cannot restore slice from map'],
      [{ spec: { zeta: 1, alpha: 2 } }, 'map[spec:map[alpha:2 zeta:1]]": strict decoding error: unknown field "spec.alpha", unknown field "spec.zeta"'],
    ];
    for (const [patch, message] of smpCases) {
      const err = await rejects(smp(patch), 422);
      assert.equal(err.message, ` "" is invalid: patch: Invalid value: "${message}`);
    }
    // A time in a strategic merge patch decodes as metav1.Time does there too.
    await client.create(pods, 'shop', pod('timed'));
    const badTime = await rejects(client.patch(pods, 'shop', 'timed', 'strategic', { status: { startTime: 'yesterday' } }, {}, 'status'), 422);
    assert.equal(badTime.message, ' "" is invalid: patch: Invalid value: "map[status:map[startTime:yesterday]]": parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"');
    // The scale subresource decodes a Scale: a PUT's body, and what a patch makes of the Scale.
    const scale = client.get(deployments, 'shop', 'web', 'scale');
    await rejects(client.update(deployments, 'shop', { ...scale, spec: { replicas: 3_000_000_000 } }, {}, 'scale'), 400, 'Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal number 3000000000 into Go struct field ScaleSpec.spec.replicas of type int32');
    const scalePatch = await rejects(client.patch(deployments, 'shop', 'web', 'merge', { spec: { replicas: 'three' } }, {}, 'scale'), 422);
    assert.match(scalePatch.message, /^ "" is invalid: patch: Invalid value: "\{.*\\"kind\\":\\"Scale\\".*": json: cannot unmarshal string into Go struct field ScaleSpec\.spec\.replicas of type int32$/);
    // Only the first value that does not decode is named, and validation never ran.
    const both = { ...deployment('Web_1'), spec: { ...deployment('Web_1').spec, replicas: 'three', paused: 'yes' } };
    const err = await rejects(client.create(deployments, 'shop', both), 400);
    assert.match(err.message, /DeploymentSpec\.spec\.replicas of type int32$/);
  });

  it('generateName picks a fresh name with a 5-character suffix', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const a = (await client.create(configmaps, 'shop', { metadata: { generateName: 'cfg-' } })).object;
    const b = (await client.create(configmaps, 'shop', { metadata: { generateName: 'cfg-' } })).object;
    assert.match(a.metadata.name, /^cfg-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.notEqual(a.metadata.name, b.metadata.name);
  });

  it('two concurrent updates from the same base: exactly one wins, the other gets 409 Conflict', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const base = (await client.create(configmaps, 'shop', { metadata: { name: 'cfg' }, data: { n: '0' } })).object;
    const results = await Promise.allSettled([
      client.update(configmaps, 'shop', { ...base, data: { n: '1' } }),
      client.update(configmaps, 'shop', { ...base, data: { n: '2' } }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.equal(failed.reason.code, 409);
    assert.equal(failed.reason.message, 'Operation cannot be fulfilled on configmaps "cfg": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('an update that changes nothing keeps the resourceVersion', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const base = (await client.create(configmaps, 'shop', { metadata: { name: 'cfg' }, data: { n: '0' } })).object;
    const same = (await client.update(configmaps, 'shop', base)).object;
    assert.equal(same.metadata.resourceVersion, base.metadata.resourceVersion);
  });

  it('dry run validates and answers, but stores nothing', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const { object } = await client.create(configmaps, 'shop', { metadata: { name: 'cfg' } }, { dryRun: true });
    assert.equal(object.metadata.name, 'cfg');
    assert.equal(client.tryGet(configmaps, 'shop', 'cfg'), undefined);
  });
});

describe('API server: generation and status', () => {
  it('bumps generation on spec changes only, keeps status out of main-resource writes, and takes only status through /status', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    let d = (await client.create(deployments, 'shop', { ...deployment('web'), status: { replicas: 99 } })).object;
    assert.equal(d.metadata.generation, 1);
    assert.equal(d.status, undefined, 'status cannot be set on create');
    d = (await client.update(deployments, 'shop', { ...d, metadata: { ...d.metadata, labels: { tier: 'web' } } })).object;
    assert.equal(d.metadata.generation, 1, 'a label change is not a spec change');
    // A Deployment's annotations count as its spec does (rollbacks were once asked for through one).
    d = (await client.update(deployments, 'shop', { ...d, metadata: { ...d.metadata, annotations: { owner: 'shop' } } })).object;
    assert.equal(d.metadata.generation, 2, "a Deployment's annotation change moves its generation");
    d = (await client.update(deployments, 'shop', { ...d, metadata: { ...d.metadata, generation: 1 } })).object;
    assert.equal(d.metadata.generation, 2, 'generation is not the writer\'s to set');
    const replicasets = { group: 'apps', version: 'v1', resource: 'replicasets' };
    const rs = (await client.create(replicasets, 'shop', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } } })).object;
    assert.equal((await client.update(replicasets, 'shop', { ...rs, metadata: { ...rs.metadata, annotations: { owner: 'shop' } } })).object.metadata.generation, 1, "another kind's annotations do not");
    d = (await client.update(deployments, 'shop', { ...d, spec: { ...d.spec, replicas: 4 } })).object;
    assert.equal(d.metadata.generation, 3);
    d = (await client.update(deployments, 'shop', { ...d, spec: { ...d.spec, replicas: 5 } })).object;
    assert.equal(d.metadata.generation, 4);
    d = (await client.update(deployments, 'shop', { ...d, spec: { ...d.spec, replicas: 7 }, status: { observedGeneration: 4, replicas: 5 } }, {}, 'status')).object;
    assert.equal(d.spec.replicas, 5, 'spec changes through /status are ignored');
    assert.equal(d.status.observedGeneration, 4);
    assert.equal(d.metadata.generation, 4);
    d = (await client.update(deployments, 'shop', { ...d, status: { replicas: 0 } })).object;
    assert.equal(d.status.replicas, 5, 'status changes through the main resource are ignored');
  });

  it("takes a /status write's metadata as each kind's status strategy does", async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const replicasets = { group: 'apps', version: 'v1', resource: 'replicasets' };
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: '3f2c8a1e-0000-4000-8000-000000000001', controller: true };
    await client.create(pods, 'shop', pod('web', { metadata: { name: 'web', labels: { app: 'web' }, ownerReferences: [owner] } }));
    // A pod's labels, annotations and finalizers change through /status; its owner references do not.
    let p = client.get(pods, 'shop', 'web');
    const stranger = { ...owner, name: 'other', uid: '3f2c8a1e-0000-4000-8000-000000000002' };
    p = (await client.update(pods, 'shop', { ...p, metadata: { ...p.metadata, labels: { app: 'web', warm: 'yes' }, annotations: { note: 'x' }, finalizers: ['example.com/keep'], ownerReferences: [stranger] }, status: { ...p.status, phase: 'Running' } }, {}, 'status')).object;
    assert.deepEqual([p.metadata.labels, p.metadata.annotations, p.metadata.finalizers, p.metadata.ownerReferences.map((o: { name: string }) => o.name), p.status.phase], [{ app: 'web', warm: 'yes' }, { note: 'x' }, ['example.com/keep'], ['web-1'], 'Running']);
    // A status without its QoS class keeps the stored one.
    p = (await client.update(pods, 'shop', { ...p, status: { phase: 'Running' } }, {}, 'status')).object;
    assert.equal(p.status.qosClass, 'BestEffort');
    // Labels are checked as in any update.
    await rejects(client.patch(pods, 'shop', 'web', 'merge', { metadata: { labels: { 'bad key!': 'x' } } }, {}, 'status'), 422, /metadata.labels: Invalid value: "bad key!"/);

    // A Deployment's labels stay; its annotations change, and its generation does not move.
    await client.create(deployments, 'shop', deployment('web'));
    let d = (await client.patch(deployments, 'shop', 'web', 'merge', { metadata: { labels: { tier: 'front' }, annotations: { 'deployment.kubernetes.io/revision': '1' } }, status: { observedGeneration: 1 } }, {}, 'status')).object;
    assert.deepEqual([d.metadata.labels, d.metadata.annotations, d.metadata.generation], [undefined, { 'deployment.kubernetes.io/revision': '1' }, 1]);
    // Other kinds keep the spec only: a ReplicaSet's labels change through /status too.
    const rs = (await client.create(replicasets, 'shop', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1' }, spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } } })).object;
    const written = (await client.update(replicasets, 'shop', { ...rs, metadata: { ...rs.metadata, labels: { app: 'web' } }, spec: { ...rs.spec, replicas: 9 }, status: { replicas: 0 } }, {}, 'status')).object;
    assert.deepEqual([written.metadata.labels, written.spec.replicas], [{ app: 'web' }, 1]);

    // Server-side apply through /status owns what it sets there, labels included, and not the spec.
    const applied = (await client.patch(replicasets, 'shop', 'web-1', 'apply', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', labels: { shard: 'a' } }, spec: { replicas: 4 }, status: { replicas: 1 } }, { fieldManager: 'shard-keeper', force: true }, 'status')).object;
    assert.deepEqual([applied.metadata.labels, applied.spec.replicas, applied.status.replicas], [{ app: 'web', shard: 'a' }, 1, 1]);
    const entry = applied.metadata.managedFields.find((e: { manager: string }) => e.manager === 'shard-keeper');
    assert.deepEqual([entry.subresource, Object.keys(entry.fieldsV1).sort(), Object.keys(entry.fieldsV1['f:metadata']['f:labels'])], ['status', ['f:metadata', 'f:status'], ['f:shard']]);
  });

  it('checks a status update as the status strategy does: the metadata and status, not the stored spec again', async () => {
    const { client, store, namespace } = await newCluster();
    await namespace('shop');
    const created = (await client.create(pods, 'shop', pod('web'))).object;
    // A spec a rule of this version rejects, as if stored by a release before the rule: written to
    // the store behind the API server's back.
    const key = '/registry/pods/shop/web';
    const stored = JSON.parse(String(store.get(key)!.value));
    stored.spec.containers[0].ports = [{ containerPort: 70000 }];
    await store.put(key, JSON.stringify(stored));
    const status = { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] };
    const updated = (await client.patch(pods, 'shop', 'web', 'merge', { status }, {}, 'status')).object;
    assert.equal(updated.status.phase, 'Running');
    assert.equal(updated.metadata.uid, created.metadata.uid);
    await rejects(client.patch(pods, 'shop', 'web', 'merge', { metadata: { labels: { tier: 'front' } } }), 422, /containerPort/);
  });

  it('decodes a status update whole, as kube-apiserver does, before keeping only its status', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(pods, 'shop', pod('web'));
    // The pod as stored now, with the given change to its spec and a new status, sent to /status.
    const body = (spec: Record<string, unknown>) => {
      const current = client.get(pods, 'shop', 'web');
      return { ...current, spec: { ...current.spec, ...spec }, status: { phase: 'Running' } };
    };
    await rejects(client.update(pods, 'shop', body({ colour: 'blue' }), { fieldValidation: 'Strict' }, 'status'), 400, 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.colour"');
    // A patch's result is refused as its patcher refuses it: 422, the patched object the invalid value.
    await rejects(client.patch(pods, 'shop', 'web', 'merge', { spec: { colour: 'blue' }, status: { phase: 'Running' } }, { fieldValidation: 'Strict' }, 'status'), 422, /^ "" is invalid: patch: Invalid value: "\{.*\\"colour\\":\\"blue\\".*\}": strict decoding error: unknown field "spec\.colour"$/);
    // Upstream names the field's Go type, v1.RestartPolicy; the OpenAPI document only says string.
    await rejects(client.update(pods, 'shop', body({ restartPolicy: 7 }), {}, 'status'), 400, /^Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal number into Go struct field PodSpec\.spec\.restartPolicy of type /);
    await rejects(client.update(pods, 'shop', { ...body({}), status: { phase: 'Running', colour: 'blue' } }, { fieldValidation: 'Strict' }, 'status'), 400, /strict decoding error: unknown field "status.colour"/);
    assert.equal(client.get(pods, 'shop', 'web').status.phase, 'Pending', 'nothing was written');

    const warned = await client.update(pods, 'shop', body({ colour: 'blue' }), { fieldValidation: 'Warn' }, 'status');
    assert.match(warned.warnings.join('\n'), /unknown field "spec.colour"/);
    assert.equal(warned.object.status.phase, 'Running');
    assert.equal(warned.object.spec.colour, undefined);
    // Under Warn an unknown field is dropped as under Ignore, not stored: later writes, strict by
    // default, still decode.
    const warnedCreate = await client.create(configmaps, 'shop', { metadata: { name: 'warned' }, data: { a: '1' }, colour: 'blue' }, { fieldValidation: 'Warn' });
    assert.match(warnedCreate.warnings.join('\n'), /unknown field "colour"/);
    assert.equal(client.get(configmaps, 'shop', 'warned').colour, undefined);
    await client.patch(configmaps, 'shop', 'warned', 'merge', { data: { b: '2' } });
    assert.deepEqual(client.get(configmaps, 'shop', 'warned').data, { a: '1', b: '2' });
    // Under Ignore, what does not decode is dropped wherever it is, the metadata included.
    const current = client.get(pods, 'shop', 'web');
    const ignored = (await client.update(pods, 'shop', { ...current, metadata: { ...current.metadata, colour: 'red', labels: { warm: 'yes' } }, status: { ...current.status, phase: 'Running', colour: 'blue' } }, { fieldValidation: 'Ignore' }, 'status')).object;
    assert.deepEqual([ignored.metadata.colour, ignored.metadata.labels, ignored.status.colour, ignored.status.phase], [undefined, { warm: 'yes' }, undefined, 'Running']);
    // The rest of what it sends decodes but is not kept, so the schema's constraints do not judge it:
    // a spec without its required containers is fine here.
    const updated = (await client.update(pods, 'shop', { ...body({ containers: undefined }), status: { phase: 'Succeeded' } }, {}, 'status')).object;
    assert.equal(updated.status.phase, 'Succeeded');
    assert.equal(updated.spec.containers[0].name, 'web');
  });

  it("judges a pod's status update by ValidatePodStatusUpdate's rules", async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(pods, 'shop', pod('web', { spec: { restartPolicy: 'Never', initContainers: [{ name: 'proxy', image: 'envoy:1.30', restartPolicy: 'Always' }] } }));
    const status = (s: Record<string, unknown>) => client.patch(pods, 'shop', 'web', 'merge', { status: s }, {}, 'status');
    await rejects(status({ podIP: 'ten', podIPs: [{ ip: 'ten' }] }), 422, 'Pod "web" is invalid: status.podIPs[0]: Invalid value: "ten": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)');
    await rejects(status({ podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }] }), 422, /status.podIPs: Invalid value: \[\]core.PodIP\{core.PodIP\{IP:"10.0.0.1"\}, core.PodIP\{IP:"10.0.0.2"\}\}: may specify no more than one IP for each IP family/);
    await rejects(status({ podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }, { ip: '10.0.0.1' }] }), 422, /status.podIPs\[1\]: Duplicate value: core.PodIP\{IP:"10.0.0.1"\}/);
    await rejects(status({ hostIP: '192.168.0.1', hostIPs: [{ ip: '192.168.0.2' }] }), 422, /status.hostIPs\[0\].ip: Invalid value: "192.168.0.2": must be equal to `hostIP`/);
    await rejects(status({ nominatedNodeName: 'Worker_1' }), 422, /status.nominatedNodeName: Invalid value: "Worker_1"/);
    await rejects(status({ conditions: [{ type: 'my condition', status: 'True' }] }), 422, /status.conditions\[0\].Type: Invalid value: "my condition"/);
    // A dual-stack pair, a condition of one's own and the system's conditions go through.
    await status({ podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }], hostIP: '192.168.0.1', hostIPs: [{ ip: '192.168.0.1' }], conditions: [{ type: 'Ready', status: 'False' }, { type: 'example.com/warm', status: 'True' }] });

    // Under restartPolicy Never a terminated container stays terminated; a sidecar may restart.
    const terminated = { terminated: { exitCode: 0, reason: 'Completed' } };
    const running = { running: { startedAt: '2026-12-05T00:00:00Z' } };
    const containers = (web: unknown, proxy: unknown) => ({ containerStatuses: [{ name: 'web', image: 'nginx:1.27', imageID: '', ready: false, restartCount: 0, state: web }], initContainerStatuses: [{ name: 'proxy', image: 'envoy:1.30', imageID: '', ready: false, restartCount: 0, state: proxy }] });
    await status(containers(terminated, terminated));
    await rejects(status(containers(running, terminated)), 422, /status.containerStatuses\[0\].state: Forbidden: may not be transitioned to non-terminated state/);
    await status(containers(terminated, running));
  });

  it("judges a workload's status update by its kind's status rules", async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(deployments, 'shop', deployment('web'));
    const status = (s: Record<string, unknown>) => client.patch(deployments, 'shop', 'web', 'merge', { status: s }, {}, 'status');
    await rejects(status({ replicas: 2, readyReplicas: 3 }), 422, 'Deployment.apps "web" is invalid: status.readyReplicas: Invalid value: 3: cannot be greater than status.replicas');
    await rejects(status({ replicas: 2, readyReplicas: 1, availableReplicas: 2 }), 422, 'Deployment.apps "web" is invalid: status.availableReplicas: Invalid value: 2: cannot be greater than readyReplicas');
    await rejects(status({ replicas: 2, unavailableReplicas: -1 }), 422, /status.unavailableReplicas: Invalid value: -1: must be greater than or equal to 0/);
    const ok = (await status({ observedGeneration: 1, replicas: 3, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 1, unavailableReplicas: 2 })).object;
    assert.equal(ok.status.availableReplicas, 1);

    const daemonsets = { group: 'apps', version: 'v1', resource: 'daemonsets' };
    const labels = { app: 'agent' };
    await client.create(daemonsets, 'shop', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'agent', image: 'agent:1' }] } } } });
    await rejects(client.patch(daemonsets, 'shop', 'agent', 'merge', { status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: -2, numberReady: 0 } }, {}, 'status'), 422, /status.desiredNumberScheduled: Invalid value: -2/);
  });

  it("keeps a DaemonSet's template generation, which only the server sets, in apps/v1's annotation", async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const daemonsets = { group: 'apps', version: 'v1', resource: 'daemonsets' };
    const labels = { app: 'agent' };
    const annotation = 'deprecated.daemonset.template.generation';
    let ds = (await client.create(daemonsets, 'shop', { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent', annotations: { [annotation]: '9' } }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'agent', image: 'agent:1' }] } } } })).object;
    const generations = (o: Obj) => [o.metadata.generation, o.metadata.annotations[annotation]];
    assert.deepEqual(generations(ds), [1, '1']);
    ds = (await client.patch(daemonsets, 'shop', 'agent', 'merge', { spec: { minReadySeconds: 5 } })).object;
    assert.deepEqual(generations(ds), [2, '1'], 'a spec change outside the template');
    ds = (await client.patch(daemonsets, 'shop', 'agent', 'merge', { metadata: { annotations: { [annotation]: '7' } }, spec: { template: { spec: { containers: [{ name: 'agent', image: 'agent:2' }] } } } })).object;
    assert.deepEqual(generations(ds), [3, '2'], 'a template change');
    ds = (await client.patch(daemonsets, 'shop', 'agent', 'merge', { metadata: { annotations: { [annotation]: null, owner: 'ops' } }, status: { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 } }, {}, 'status')).object;
    assert.deepEqual([...generations(ds), ds.metadata.annotations.owner], [3, '2', 'ops'], 'through /status');
  });

  it("records when a PersistentVolume's phase last changed, as its status strategy does", async () => {
    const { client, clock } = await newCluster();
    const pvs = { group: '', version: 'v1', resource: 'persistentvolumes' };
    const created = (await client.create(pvs, undefined, { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv-1' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data/pv-1' } }, status: { phase: 'Bound' } })).object;
    assert.deepEqual(created.status, { phase: 'Pending', lastPhaseTransitionTime: '2026-11-23T12:00:00Z' });
    const status = async (s: Record<string, unknown>) => (await client.patch(pvs, undefined, 'pv-1', 'merge', { status: s }, {}, 'status')).object.status;
    clock.advance(60_000);
    assert.equal((await status({ phase: 'Available' })).lastPhaseTransitionTime, '2026-11-23T12:01:00Z', 'a new phase: now');
    clock.advance(60_000);
    assert.equal((await status({ message: 'checked' })).lastPhaseTransitionTime, '2026-11-23T12:01:00Z', 'the same phase keeps its time');
    assert.equal((await status({ phase: 'Released', lastPhaseTransitionTime: '2026-11-23T11:00:00Z' })).lastPhaseTransitionTime, '2026-11-23T11:00:00Z', 'a time the writer gives');
    // A spec write keeps the status, time included.
    const updated = (await client.patch(pvs, undefined, 'pv-1', 'merge', { spec: { persistentVolumeReclaimPolicy: 'Delete' } })).object;
    assert.deepEqual([updated.status.phase, updated.status.lastPhaseTransitionTime], ['Released', '2026-11-23T11:00:00Z']);
  });

  it('keeps the status a Node is created with (a kubelet registers with it), and only then', async () => {
    const { client } = await newCluster();
    const nodes = { group: '', version: 'v1', resource: 'nodes' };
    const status = { capacity: { cpu: '4', memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }] };
    let node = (await client.create(nodes, undefined, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status })).object;
    assert.deepEqual(node.status.conditions.map((c: { type: string; status: string }) => [c.type, c.status]), [['Ready', 'True']]);
    node = (await client.update(nodes, undefined, { ...node, status: { conditions: [] } })).object;
    assert.equal(node.status.conditions.length, 1, 'status changes through the main resource are ignored');
  });

  it('serves scale: reading replicas and selector, and writing replicas', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(deployments, 'shop', deployment('web', 2));
    const scale = client.get(deployments, 'shop', 'web', 'scale');
    assert.deepEqual([scale.kind, scale.apiVersion, scale.spec.replicas, scale.status.selector], ['Scale', 'autoscaling/v1', 2, 'app=web']);
    await client.update(deployments, 'shop', { ...scale, spec: { replicas: 5 } }, {}, 'scale');
    assert.equal(client.get(deployments, 'shop', 'web').spec.replicas, 5);
    await client.patch(deployments, 'shop', 'web', 'merge', { spec: { replicas: 1 } }, {}, 'scale');
    const d = client.get(deployments, 'shop', 'web');
    assert.deepEqual([d.spec.replicas, d.metadata.generation], [1, 3]);
  });

  it('patches scale without a version as a patch of the object found at write time; a version the patch names is a precondition', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(deployments, 'shop', deployment('web', 2));
    // More writes at once than the API server admits in one turn: the scale patch waits behind label
    // patches of the same Deployment, which change it after the patch read its Scale.
    const labels = Array.from({ length: 80 }, (_, i) => client.patch(deployments, 'shop', 'web', 'merge', { metadata: { labels: { [`n${i}`]: 'x' } } }));
    const scaled = client.patch(deployments, 'shop', 'web', 'merge', { spec: { replicas: 4 } }, {}, 'scale');
    await Promise.all([...labels, scaled]);
    assert.equal(client.get(deployments, 'shop', 'web').spec.replicas, 4);
    const stale = client.get(deployments, 'shop', 'web', 'scale').metadata.resourceVersion;
    await client.patch(deployments, 'shop', 'web', 'merge', { metadata: { labels: { later: 'x' } } });
    await assert.rejects(client.patch(deployments, 'shop', 'web', 'merge', { metadata: { resourceVersion: stale }, spec: { replicas: 6 } }, {}, 'scale'), (err: StatusError) => err.code === 409);
  });
});

describe('API server: patch and server-side apply', () => {
  it('applies JSON, merge and strategic merge patches (containers merged by name)', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(deployments, 'shop', deployment('web'));
    await client.patch(deployments, 'shop', 'web', 'strategic', { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.28' }, { name: 'sidecar', image: 'envoy:1.30' }] } } } });
    let d = client.get(deployments, 'shop', 'web');
    assert.deepEqual(d.spec.template.spec.containers.map((c: any) => `${c.name}=${c.image}`), ['web=nginx:1.28', 'sidecar=envoy:1.30']);
    await client.patch(deployments, 'shop', 'web', 'json', [{ op: 'replace', path: '/spec/replicas', value: 4 }]);
    await client.patch(deployments, 'shop', 'web', 'merge', { metadata: { labels: { team: 'shop' } } });
    d = client.get(deployments, 'shop', 'web');
    assert.deepEqual([d.spec.replicas, d.metadata.labels], [4, { team: 'shop' }]);
    await rejects(client.patch(deployments, 'shop', 'web', 'json', [{ op: 'test', path: '/spec/replicas', value: 9 }]), 422);
  });

  it("a JSON patch's values become the server's own: defaulting them leaves the caller's patch as it was", async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(deployments, 'shop', deployment('web'));
    // Neither the container nor the strategy carries the defaults the server fills in.
    const containers = [{ name: 'web', image: 'nginx:1.28' }];
    const strategy = { type: 'RollingUpdate' };
    const patch = [
      { op: 'replace', path: '/spec/template/spec/containers', value: containers },
      { op: 'add', path: '/spec/strategy', value: strategy },
    ];
    const sent = JSON.parse(JSON.stringify(patch));
    const { object } = await client.patch(deployments, 'shop', 'web', 'json', patch);
    assert.equal(object.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.deepEqual(object.spec.strategy.rollingUpdate, { maxUnavailable: '25%', maxSurge: '25%' });
    assert.deepEqual(patch, sent);
  });

  it('apply creates a missing object, then a second manager changing an owned field gets 409 listing it, and force takes ownership', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const desired = { ...deployment('web', 2), metadata: { name: 'web', namespace: 'shop' } };
    const first = (await client.apply(desired, 'kubectl')).object;
    assert.equal(first.spec.replicas, 2);
    assert.ok(first.metadata.managedFields.some((m: any) => m.manager === 'kubectl' && m.operation === 'Apply'));
    const other = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 5 } };
    const err = await rejects(client.apply(other, 'hpa-controller'), 409);
    assert.equal(err.reason, 'Conflict');
    assert.match(err.message, /^Apply failed with 1 conflict: conflict with "kubectl"( using apps\/v1)?: \.spec\.replicas/);
    assert.deepEqual(err.status.details.causes.map((c: any) => c.field), ['.spec.replicas']);
    const forced = (await client.apply(other, 'hpa-controller', { force: true })).object;
    assert.equal(forced.spec.replicas, 5);
    const owners = forced.metadata.managedFields.filter((m: any) => JSON.stringify(m.fieldsV1).includes('"f:replicas"')).map((m: any) => m.manager);
    assert.deepEqual(owners, ['hpa-controller']);
  });

  it('two managers applying the same container port without its defaulted protocol share it, no conflict', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const d: any = { ...deployment('web'), metadata: { name: 'web', namespace: 'shop' } };
    d.spec.template.spec.containers[0].ports = [{ name: 'http', containerPort: 80 }];
    await client.apply(d, 'first');
    const shared = (await client.apply(d, 'second')).object;
    assert.deepEqual(shared.spec.template.spec.containers[0].ports, [{ name: 'http', containerPort: 80, protocol: 'TCP' }]);
    assert.deepEqual(shared.metadata.managedFields.map((m: any) => m.manager).sort(), ['first', 'second']);
  });

  it("a create records its manager's fields as sent and defaulted: not what mutating admission adds, nor status", async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const created = (await client.create(pods, 'shop', pod('web'), { fieldManager: 'kubectl-create' })).object;
    // Service account admission mounted its token volume and named the account; the strategy set a phase.
    assert.match(created.spec.volumes[0].name, /^kube-api-access-/);
    assert.equal(created.spec.serviceAccountName, 'default');
    assert.equal(created.status.phase, 'Pending');
    const [entry] = created.metadata.managedFields;
    assert.deepEqual([entry.manager, entry.operation], ['kubectl-create', 'Update']);
    assert.deepEqual(Object.keys(entry.fieldsV1['f:spec']).sort(), ['f:containers', 'f:dnsPolicy', 'f:enableServiceLinks', 'f:restartPolicy', 'f:schedulerName', 'f:terminationGracePeriodSeconds']);
    assert.equal(entry.fieldsV1['f:spec']['f:containers']['k:{"name":"web"}']['f:volumeMounts'], undefined);
    assert.equal(entry.fieldsV1['f:status'], undefined);
  });

  it('apply requires a field manager', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(deployments, 'shop', deployment('web'));
    await rejects(client.patch(deployments, 'shop', 'web', 'apply', deployment('web'), {}), 400, /fieldManager is required/);
  });
});

describe('API server: deletion', () => {
  it('an object with a finalizer is only marked for deletion, and goes when its last finalizer is removed', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(configmaps, 'shop', { metadata: { name: 'cfg', finalizers: ['example.com/cleanup'] } });
    const marked = (await client.delete(configmaps, 'shop', 'cfg')).object;
    assert.equal(marked.metadata.deletionTimestamp, '2026-11-23T12:00:00Z');
    assert.ok(client.tryGet(configmaps, 'shop', 'cfg'), 'still there while the finalizer remains');
    const added = (await client.update(configmaps, 'shop', { ...marked, metadata: { ...marked.metadata, finalizers: ['example.com/cleanup', 'example.com/late'] } })).object;
    assert.deepEqual(added.metadata.finalizers, ['example.com/cleanup'], 'no finalizer may be added once deletion started');
    await client.patch(configmaps, 'shop', 'cfg', 'merge', { metadata: { finalizers: null } });
    assert.equal(client.tryGet(configmaps, 'shop', 'cfg'), undefined);
  });

  it('a running pod gets its grace period; a delete with grace 0 (the kubelet\'s) removes it', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(pods, 'shop', pod('web-1', { spec: { nodeName: 'worker-1' } }));
    const marked = (await client.delete(pods, 'shop', 'web-1')).object;
    assert.equal(marked.metadata.deletionGracePeriodSeconds, 30);
    assert.equal(marked.metadata.deletionTimestamp, '2026-11-23T12:00:30Z');
    const gone = (await client.delete(pods, 'shop', 'web-1', { gracePeriodSeconds: 0 })).object;
    assert.equal(gone.kind, 'Pod', 'pods answer a delete with the pod');
    assert.equal(client.tryGet(pods, 'shop', 'web-1'), undefined);
  });

  it('honours preconditions and answers other kinds with a Success Status', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const cm = (await client.create(configmaps, 'shop', { metadata: { name: 'cfg' } })).object;
    await rejects(client.delete(configmaps, 'shop', 'cfg', { preconditions: { uid: 'other' } }), 409, `Operation cannot be fulfilled on configmaps "cfg": Precondition failed: UID in precondition: other, UID in object meta: ${cm.metadata.uid}`);
    const status = (await client.delete(configmaps, 'shop', 'cfg', { preconditions: { resourceVersion: cm.metadata.resourceVersion } })).object;
    assert.deepEqual(status, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'cfg', group: '', kind: 'configmaps', uid: cm.metadata.uid } });
  });

  it('foreground and orphan propagation become finalizers for the garbage collector', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(deployments, 'shop', deployment('a'));
    await client.create(deployments, 'shop', deployment('b'));
    assert.deepEqual((await client.delete(deployments, 'shop', 'a', { propagationPolicy: 'Foreground' })).object.metadata.finalizers, ['foregroundDeletion']);
    assert.deepEqual((await client.delete(deployments, 'shop', 'b', { propagationPolicy: 'Orphan' })).object.metadata.finalizers, ['orphan']);
  });

  it('deleting a namespace marks it Terminating; nothing new may be created in it; finalize removes it', async () => {
    const { client, namespace, server } = await newCluster();
    await namespace('shop');
    const ns = (await client.delete(namespaces, undefined, 'shop')).object;
    assert.equal(ns.status.phase, 'Terminating');
    await rejects(client.create(configmaps, 'shop', { metadata: { name: 'late' } }), 403, 'configmaps "late" is forbidden: unable to create new content in namespace shop because it is being terminated');
    await server.update({ user: admin }, { ...namespaces, name: 'shop', subresource: 'finalize' }, { ...ns, spec: { finalizers: [] } });
    assert.equal(client.tryGet(namespaces, undefined, 'shop'), undefined);
    await rejects(client.create(configmaps, 'nowhere', { metadata: { name: 'x' } }), 404, 'namespaces "nowhere" not found');
    await rejects(client.delete(namespaces, undefined, 'default'), 403, 'namespaces "default" is forbidden: this namespace may not be deleted');
  });
});

describe('API server: list', () => {
  it('pages with limit and continue at one consistent revision, and filters by label and field selectors', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    for (let i = 0; i < 7; i++) await client.create(configmaps, 'shop', { metadata: { name: `cm-${i}`, labels: { parity: i % 2 ? 'odd' : 'even' } } });
    const first = client.list(configmaps, 'shop', { limit: 3 });
    assert.deepEqual(first.items.map((o: any) => o.metadata.name), ['cm-0', 'cm-1', 'cm-2']);
    assert.equal(first.metadata.remainingItemCount, 4);
    await client.create(configmaps, 'shop', { metadata: { name: 'cm-3a' } }); // after the first page: not in this list
    const second = client.list(configmaps, 'shop', { limit: 3, continue: first.metadata.continue });
    assert.deepEqual(second.items.map((o: any) => o.metadata.name), ['cm-3', 'cm-4', 'cm-5']);
    const third = client.list(configmaps, 'shop', { limit: 3, continue: second.metadata.continue });
    assert.deepEqual(third.items.map((o: any) => o.metadata.name), ['cm-6']);
    assert.equal(third.metadata.continue, undefined);
    assert.equal(second.metadata.resourceVersion, first.metadata.resourceVersion);
    const odd = client.list(configmaps, 'shop', { labelSelector: 'parity=odd', limit: 2 });
    assert.deepEqual(odd.items.map((o: any) => o.metadata.name), ['cm-1', 'cm-3']);
    assert.deepEqual(client.list(configmaps, 'shop', { fieldSelector: 'metadata.name=cm-4' }).items.map((o: any) => o.metadata.name), ['cm-4']);
    await rejects(() => client.list(configmaps, 'shop', { fieldSelector: 'spec.foo=bar' }), 400, /field label not supported: spec\.foo/);
    await rejects(() => client.list(configmaps, 'shop', { labelSelector: 'a in (' }), 400);
  });

  it('reads a past revision exactly, and answers 410 Expired once it is compacted', async () => {
    const { client, namespace, store } = await newCluster();
    await namespace('shop');
    const v1 = (await client.create(configmaps, 'shop', { metadata: { name: 'cfg' }, data: { v: '1' } })).object;
    await client.patch(configmaps, 'shop', 'cfg', 'merge', { data: { v: '2' } });
    const past = client.list(configmaps, 'shop', { resourceVersion: v1.metadata.resourceVersion, resourceVersionMatch: 'Exact' });
    assert.equal(past.items[0].data.v, '1');
    await store.compact(store.revision);
    const err = await rejects(() => client.list(configmaps, 'shop', { resourceVersion: v1.metadata.resourceVersion, resourceVersionMatch: 'Exact' }), 410, 'The resourceVersion for the provided list is too old.');
    assert.equal(err.reason, 'Expired');
  });
});

describe('API server: watch', () => {
  it('a watch started at any resourceVersion sees every later change exactly once, in order', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const rng = new Random(11);
    const versions: string[] = [];
    const log: string[] = [];
    for (let i = 0; i < 60; i++) {
      const name = `cm-${rng.int(5)}`;
      const existing = client.tryGet(configmaps, 'shop', name);
      let r;
      if (!existing) r = (await client.create(configmaps, 'shop', { metadata: { name }, data: { i: String(i) } })).object;
      else if (rng.int(4) === 0) r = (await client.delete(configmaps, 'shop', name)).object;
      else r = (await client.update(configmaps, 'shop', { ...existing, data: { i: String(i) } })).object;
      const rv = r.metadata?.resourceVersion ?? String((r as any).details ? Number(versions.at(-1) ?? 0) + 1 : 0);
      versions.push(rv);
      log.push(name);
    }
    const lastRv = client.list(configmaps, 'shop').metadata.resourceVersion;
    for (let start = 0; start < versions.length; start += 7) {
      const from = versions[start]!;
      const seen: ApiWatchEvent[] = [];
      const w = client.watch(configmaps, 'shop', { resourceVersion: from }, (e) => seen.push(e));
      await new Promise((r) => setImmediate(r));
      w.stop();
      const rvs = seen.map((e) => Number(e.object.metadata.resourceVersion));
      assert.deepEqual(rvs, [...rvs].sort((a, b) => a - b), 'in order');
      assert.equal(new Set(rvs).size, rvs.length, 'no duplicates');
      assert.ok(rvs.every((rv) => rv > Number(from)), 'only later changes');
      assert.equal(rvs.at(-1), Number(lastRv), 'up to the latest');
      assert.equal(rvs.length, 60 - start - 1, `every change after ${from}`);
    }
  });

  it('without a resourceVersion, starts with the current objects as ADDED, then streams changes; selectors turn leaving into DELETED', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(configmaps, 'shop', { metadata: { name: 'a', labels: { app: 'web' } } });
    const seen: string[] = [];
    const w = client.watch(configmaps, 'shop', { labelSelector: 'app=web' }, (e) => seen.push(`${e.type} ${e.object.metadata.name}`));
    await client.create(configmaps, 'shop', { metadata: { name: 'b', labels: { app: 'db' } } });
    await client.patch(configmaps, 'shop', 'b', 'merge', { metadata: { labels: { app: 'web' } } });
    await client.patch(configmaps, 'shop', 'a', 'merge', { metadata: { labels: { app: 'db' } } });
    await new Promise((r) => setImmediate(r));
    w.stop();
    assert.deepEqual(seen, ['ADDED a', 'ADDED b', 'DELETED a']);
  });

  it("a kubelet's watch (spec.nodeName=) sees only its node's pods, from binding to deletion; watchers share one frozen object", async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const seen = new Map<string, string[]>();
    const objects: ApiWatchEvent[] = [];
    const watches = ['worker-1', 'worker-2'].map((node) => {
      seen.set(node, []);
      return client.watch(pods, undefined, { fieldSelector: `spec.nodeName=${node}`, resourceVersion: client.list(pods).metadata.resourceVersion }, (e) => {
        seen.get(node)!.push(`${e.type} ${e.object.metadata.name}`);
        objects.push(e);
      });
    });
    const everything: ApiWatchEvent[] = [];
    const all = client.watch(pods, 'shop', { resourceVersion: client.list(pods).metadata.resourceVersion }, (e) => everything.push(e));
    for (const name of ['a', 'b']) await client.create(pods, 'shop', pod(name, { spec: { automountServiceAccountToken: false } }));
    await client.create(pods, 'shop', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'a' }, target: { kind: 'Node', name: 'worker-1' } }, {}, { name: 'a', subresource: 'binding' });
    await client.create(pods, 'shop', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'b' }, target: { kind: 'Node', name: 'worker-2' } }, {}, { name: 'b', subresource: 'binding' });
    await client.patch(pods, 'shop', 'a', 'merge', { metadata: { labels: { tier: 'front' } } });
    await client.delete(pods, 'shop', 'a', { gracePeriodSeconds: 0 });
    await new Promise((r) => setImmediate(r));
    for (const w of [...watches, all]) w.stop();
    assert.deepEqual(seen.get('worker-1'), ['ADDED a', 'MODIFIED a', 'DELETED a']);
    assert.deepEqual(seen.get('worker-2'), ['ADDED b']);
    assert.equal(everything.length, 6);
    // As kube-apiserver's watch cache: one decode serves every watcher the event reaches, and nobody may change it.
    assert.equal(objects[0]!.object, everything[2]!.object, 'the binding reaches both watches as one object');
    assert.throws(() => {
      objects[0]!.object.metadata.labels.mutated = 'yes';
    }, TypeError);
  });

  it("a kubelet's list (spec.nodeName=) returns exactly its node's pods, whatever else names the node, page by page", async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const bind = (name: string, node: string) => client.create(pods, 'shop', { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: node } }, {}, { name, subresource: 'binding' });
    // Pods on worker-1, on worker-10 (whose name starts with worker-1), and unbound pods that name worker-1 elsewhere.
    for (const [name, node] of [['a', 'worker-1'], ['b', 'worker-10'], ['c', 'worker-1'], ['d', undefined], ['e', undefined], ['f', 'worker-1']] as const) {
      const spec = { automountServiceAccountToken: false, ...(name === 'e' ? { nodeSelector: { 'kubernetes.io/hostname': 'worker-1' } } : {}) };
      await client.create(pods, 'shop', pod(name, { metadata: { annotations: { nodeName: 'worker-1' } }, spec }));
      if (node) await bind(name, node);
    }
    const names = (list: { items?: { metadata: { name: string } }[] }) => (list.items ?? []).map((p) => p.metadata.name);
    assert.deepEqual(names(client.list(pods, undefined, { fieldSelector: 'spec.nodeName=worker-1' })), ['a', 'c', 'f']);
    assert.deepEqual(names(client.list(pods, 'shop', { fieldSelector: 'spec.nodeName==worker-10' })), ['b']);
    assert.deepEqual(names(client.list(pods, 'shop', { fieldSelector: 'spec.nodeName=' })), ['d', 'e']);
    assert.deepEqual(names(client.list(pods, 'shop', { fieldSelector: 'spec.nodeName!=worker-1' })), ['b', 'd', 'e']);
    const first = client.list(pods, 'shop', { fieldSelector: 'spec.nodeName=worker-1', limit: 2 });
    assert.deepEqual(names(first), ['a', 'c']);
    assert.deepEqual(names(client.list(pods, 'shop', { fieldSelector: 'spec.nodeName=worker-1', limit: 2, continue: first.metadata.continue })), ['f']);
  });

  it("with the pods watch open, a node's pods are listed through its nodeName index, exactly as a full scan would find them, while writes run ahead of the watch", async () => {
    const { client, namespace, store } = await newCluster();
    for (const ns of ['shop', 'bank']) await namespace(ns);
    const random = new Random(11);
    const pick = <T>(of: readonly T[]) => of[random.int(of.length)]!;
    const nodes = ['worker-1', 'worker-10', 'worker-2'];
    const watched: string[] = [];
    const watch = client.watch(pods, undefined, { resourceVersion: client.list(pods).metadata.resourceVersion }, (e) => watched.push(e.object.metadata.name));
    // Count what pinned lists read from the store range by range: served from the index, nothing.
    let scans = 0;
    const list = store.list.bind(store);
    store.list = (...args: Parameters<typeof store.list>) => (scans++, list(...args));
    const names = (items: { metadata: { namespace: string; name: string } }[]) => items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`);
    const check = (when: string) => {
      const all = client.list(pods).items;
      for (const ns of [undefined, 'shop', 'bank']) {
        for (const node of nodes) {
          const want = names(all.filter((p: { metadata: { namespace: string }; spec: { nodeName?: string } }) => p.spec.nodeName === node && (!ns || p.metadata.namespace === ns)));
          scans = 0;
          const got = client.list(pods, ns, { fieldSelector: `spec.nodeName=${node}` });
          assert.deepEqual(names(got.items), want, `${when}: ${ns ?? 'all namespaces'} on ${node}`);
          assert.equal(scans, 0, `${when}: ${ns ?? 'all namespaces'} on ${node} read through the index`);
          // Page by page, two at a time, the same pods.
          const paged: string[] = [];
          let token: string | undefined;
          do {
            scans = 0;
            const page = client.list(pods, ns, { fieldSelector: `spec.nodeName=${node}`, limit: 2, ...(token ? { continue: token } : {}) });
            assert.equal(scans, 0, `${when}: a page of ${ns ?? 'all namespaces'} on ${node} read through the index`);
            paged.push(...names(page.items));
            token = page.metadata.continue;
          } while (token);
          assert.deepEqual(paged, want, `${when}: pages of ${ns ?? 'all namespaces'} on ${node}`);
        }
      }
    };
    const live = new Map<string, boolean>();
    for (let step = 0; step < 60; step++) {
      const ns = pick(['shop', 'bank']);
      const name = `p${random.int(12)}`;
      const key = `${ns}/${name}`;
      let write: Promise<unknown>;
      if (!live.has(key)) {
        write = client.create(pods, ns, pod(name, { metadata: { annotations: { nodeName: pick(nodes) } }, spec: { automountServiceAccountToken: false } }));
        live.set(key, false);
      } else if (!live.get(key)) {
        write = client.create(pods, ns, { apiVersion: 'v1', kind: 'Binding', metadata: { name }, target: { kind: 'Node', name: pick(nodes) } }, {}, { name, subresource: 'binding' });
        live.set(key, true);
      } else if (random.int(3) === 0) {
        write = client.patch(pods, ns, name, 'merge', { metadata: { labels: { step: String(step) } } });
      } else {
        write = client.delete(pods, ns, name, { gracePeriodSeconds: 0 });
        live.delete(key);
      }
      // Before the write settles (the watch has not seen it), then after.
      check(`step ${step}, written`);
      await write;
      if (random.int(2) === 0) await new Promise((r) => setImmediate(r));
      check(`step ${step}, settled`);
    }
    // A continue token older than the index reads the pods of its own revision, through the index
    // and the history since: a pod deleted since is still there, one created since is not.
    const first = client.list(pods, undefined, { fieldSelector: 'spec.nodeName=worker-1', limit: 1 });
    const rest = client.list(pods, undefined, { limit: 500 });
    const want = rest.items.filter((p: { spec: { nodeName?: string } }) => p.spec.nodeName === 'worker-1').slice(1);
    assert.ok(first.metadata.continue && want.length > 0, 'worker-1 has more than one pod');
    await client.delete(pods, want[0].metadata.namespace, want[0].metadata.name, { gracePeriodSeconds: 0 });
    await client.create(pods, 'shop', pod('late', { spec: { nodeName: 'worker-1', automountServiceAccountToken: false } }));
    await new Promise((r) => setImmediate(r));
    scans = 0;
    const after = client.list(pods, undefined, { fieldSelector: 'spec.nodeName=worker-1', continue: first.metadata.continue });
    assert.deepEqual(names(after.items), names(want), 'the continued list is of the first page\'s revision');
    assert.equal(scans, 0, 'read through the index');
    assert.ok(watched.length > 60);
    watch.stop();
  });

  it("writes to other resources leave the nodeName index current: a kubelet's list reads no history", async () => {
    const { client, namespace, store } = await newCluster();
    await namespace('shop');
    const watch = client.watch(pods, undefined, { resourceVersion: client.list(pods).metadata.resourceVersion }, () => {});
    await client.create(pods, 'shop', pod('a', { spec: { nodeName: 'worker-1', automountServiceAccountToken: false } }));
    for (let i = 0; i < 50; i++) await client.create(configmaps, 'shop', { metadata: { name: `cfg-${i}` } });
    await new Promise((r) => setImmediate(r));
    const asked: [number, number][] = [];
    const keysChanged = store.keysChanged.bind(store);
    store.keysChanged = (key, end, after, through) => (asked.push([after, through]), keysChanged(key, end, after, through));
    const listed = client.list(pods, undefined, { fieldSelector: 'spec.nodeName=worker-1' });
    assert.deepEqual(listed.items.map((p: { metadata: { name: string } }) => p.metadata.name), ['a']);
    assert.deepEqual(asked, [[store.revision, store.revision]], 'the pods watch, idle, stands at the store revision');
    watch.stop();
  });

  it("trimManagedFields (the cluster's own informers): lists and watches leave managedFields out, other watches of the same events keep them, and an update from a trimmed object keeps the server's", async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(configmaps, 'shop', { metadata: { name: 'before', labels: { app: 'web' } } });
    const listed = client.list(configmaps, 'shop', { trimManagedFields: true }).items;
    assert.equal(listed.length, 1);
    assert.equal(listed[0].metadata.managedFields, undefined);
    assert.ok(client.list(configmaps, 'shop').items[0].metadata.managedFields?.length, 'a plain list has them');
    const trimmed: ApiWatchEvent[] = [];
    const full: ApiWatchEvent[] = [];
    const initial: ApiWatchEvent[] = [];
    const rv = client.list(configmaps, 'shop').metadata.resourceVersion;
    const watches = [
      client.watch(configmaps, 'shop', { resourceVersion: rv, trimManagedFields: true, labelSelector: 'app=web' }, (e) => trimmed.push(e)),
      client.watch(configmaps, 'shop', { resourceVersion: rv }, (e) => full.push(e)),
      client.watch(configmaps, 'shop', { trimManagedFields: true }, (e) => initial.push(e)),
    ];
    const { object: created } = await client.create(configmaps, 'shop', { metadata: { name: 'cfg', labels: { app: 'web' } }, data: { a: '1' } });
    await client.patch(configmaps, 'shop', 'cfg', 'merge', { metadata: { labels: { app: 'db' } } });
    await client.delete(configmaps, 'shop', 'before');
    await new Promise((r) => setImmediate(r));
    for (const w of watches) w.stop();
    assert.deepEqual(trimmed.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED cfg', 'DELETED cfg', 'DELETED before']);
    assert.deepEqual(initial.map((e) => `${e.type} ${e.object.metadata.name}`), ['ADDED before', 'ADDED cfg', 'MODIFIED cfg', 'DELETED before']);
    for (const e of [...trimmed, ...initial]) assert.equal(e.object.metadata.managedFields, undefined, `${e.type} ${e.object.metadata.name}`);
    assert.equal(full.length, 3);
    for (const e of full) assert.ok(e.object.metadata.managedFields?.length, `${e.type} ${e.object.metadata.name} keeps managedFields`);
    const { managedFields: _managedFields, ...rest } = full[0]!.object.metadata;
    assert.deepEqual({ ...trimmed[0]!.object, metadata: trimmed[0]!.object.metadata }, { ...full[0]!.object, metadata: rest }, 'the same object otherwise');
    // A component writes back what its cache holds: the server keeps the managers it has.
    const managers = client.get(configmaps, 'shop', 'cfg').metadata.managedFields.map((m: { manager: string }) => m.manager);
    const cached = initial[2]!.object;
    await client.update(configmaps, 'shop', { ...cached, data: { a: '2' } }, { fieldManager: 'component' });
    const after = client.get(configmaps, 'shop', 'cfg');
    assert.deepEqual(after.data, { a: '2' });
    assert.deepEqual(after.metadata.managedFields.map((m: { manager: string }) => m.manager).sort(), [...managers, 'component'].sort());
    assert.ok(created.metadata.managedFields?.length);
  });

  it('readOnly lists (the REST API serializing a list) share one frozen decode of each object until it changes, and equal a plain list', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    for (const name of ['a', 'b']) await client.create(configmaps, 'shop', { metadata: { name }, data: { v: '1' } });
    const first = client.list(configmaps, 'shop', { readOnly: true });
    assert.deepEqual(first, client.list(configmaps, 'shop'), 'the same list as a plain one');
    assert.ok(Object.isFrozen(first.items[0]) && Object.isFrozen(first.items[0].metadata), 'shared, so frozen');
    await client.patch(configmaps, 'shop', 'b', 'merge', { data: { v: '2' } });
    const second = client.list(configmaps, 'shop', { readOnly: true });
    assert.equal(second.items[0], first.items[0], 'an unchanged object is not decoded again');
    assert.notEqual(second.items[1], first.items[1]);
    assert.deepEqual(second.items[1].data, { v: '2' });
    assert.equal(second.items[1].metadata.resourceVersion, client.get(configmaps, 'shop', 'b').metadata.resourceVersion);
    // Trimmed, it leaves the shared object as it is.
    const trimmed = client.list(configmaps, 'shop', { readOnly: true, trimManagedFields: true }).items[1];
    assert.equal(trimmed.metadata.managedFields, undefined);
    assert.ok(second.items[1].metadata.managedFields.length);
    // A plain list still hands out objects of the caller's own.
    const own = client.list(configmaps, 'shop').items[0];
    own.data.v = 'changed';
    assert.deepEqual(client.list(configmaps, 'shop', { readOnly: true }).items[0].data, { v: '1' });
  });

  it('a watch resumed at an older resourceVersion while others stream replays the history, then continues live, each change once', async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    const live: number[] = [];
    const from = client.list(configmaps, 'shop').metadata.resourceVersion;
    const first = client.watch(configmaps, 'shop', { resourceVersion: from }, (e) => live.push(Number(e.object.metadata.resourceVersion)));
    for (let i = 0; i < 5; i++) await client.create(configmaps, 'shop', { metadata: { name: `cm-${i}` } });
    await new Promise((r) => setImmediate(r));
    const resumed: number[] = [];
    const second = client.watch(configmaps, 'shop', { resourceVersion: from }, (e) => resumed.push(Number(e.object.metadata.resourceVersion)));
    for (let i = 5; i < 10; i++) await client.create(configmaps, 'shop', { metadata: { name: `cm-${i}` } });
    await new Promise((r) => setImmediate(r));
    first.stop();
    second.stop();
    assert.equal(live.length, 10);
    assert.deepEqual(resumed, live);
  });

  it('a watch from a compacted resourceVersion gets an ERROR event with 410 Expired', async () => {
    const { client, namespace, store } = await newCluster();
    await namespace('shop');
    await client.create(configmaps, 'shop', { metadata: { name: 'a' } });
    await client.patch(configmaps, 'shop', 'a', 'merge', { data: { x: '1' } });
    await store.compact(store.revision);
    const seen: ApiWatchEvent[] = [];
    let closedWith: any;
    client.watch(configmaps, 'shop', { resourceVersion: '2' }, (e) => seen.push(e), (err) => { closedWith = err; });
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.type, 'ERROR');
    assert.deepEqual([seen[0]!.object.code, seen[0]!.object.reason], [410, 'Expired']);
    assert.match(seen[0]!.object.message, /^too old resource version: 2 \(\d+\)$/);
    assert.equal(closedWith.code, 410);
  });

  it('sends bookmarks on the clock, and with sendInitialEvents a bookmark marking the end of the initial state', async () => {
    const { client, namespace, clock } = await newCluster({ bookmarkIntervalMs: 1000 });
    await namespace('shop');
    await client.create(configmaps, 'shop', { metadata: { name: 'a' } });
    const seen: ApiWatchEvent[] = [];
    const w = client.watch(configmaps, 'shop', { sendInitialEvents: true, allowWatchBookmarks: true, resourceVersionMatch: 'NotOlderThan' }, (e) => seen.push(e));
    assert.deepEqual(seen.map((e) => e.type), ['ADDED', 'BOOKMARK']);
    assert.equal(seen[1]!.object.metadata.annotations['k8s.io/initial-events-end'], 'true');
    await clock.advanceAsync(1000, 1000);
    await new Promise((r) => setImmediate(r));
    w.stop();
    assert.equal(seen.at(-1)!.type, 'BOOKMARK');
    assert.equal(seen.at(-1)!.object.metadata.annotations, undefined);
  });
});

describe('API server: replicas over one store', () => {
  it('any replica serves any request, and a watch on one sees writes through another', async () => {
    const { store, clock, client } = await newCluster();
    const second = new ApiServer({ store, clock, random: new Random(99), authenticator: new TokenAuthenticator() });
    const other = new ApiClient(second, admin);
    await client.create(namespaces, undefined, { metadata: { name: 'shop' } });
    const seen: string[] = [];
    const w = other.watch(configmaps, 'shop', { resourceVersion: client.list(configmaps, 'shop').metadata.resourceVersion }, (e) => seen.push(`${e.type} ${e.object.metadata.name}`));
    await client.create(configmaps, 'shop', { metadata: { name: 'cfg' } });
    await new Promise((r) => setImmediate(r));
    w.stop();
    assert.deepEqual(seen, ['ADDED cfg']);
    assert.equal(other.get(configmaps, 'shop', 'cfg').metadata.uid, client.get(configmaps, 'shop', 'cfg').metadata.uid);
  });
});

describe('API server: audit log and failures', () => {
  it('records every mutating request with who, verb, resource and result, and no reads', async () => {
    const { client, namespace, server } = await newCluster();
    await namespace('shop');
    const before = server.audit.events().length;
    await client.create(configmaps, 'shop', { metadata: { name: 'cfg' } });
    client.get(configmaps, 'shop', 'cfg');
    await rejects(client.create(configmaps, 'shop', { metadata: { name: 'cfg' } }), 409);
    const events = server.audit.events().slice(before);
    assert.deepEqual(events.map((e) => [e.verb, e.user.username, e.objectRef.resource, e.objectRef.namespace, e.responseStatus.code]), [
      ['create', 'kubeside-admin', 'configmaps', 'shop', 201],
      ['create', 'kubeside-admin', 'configmaps', 'shop', 409],
    ]);
    assert.equal(events[0]!.requestURI, '/api/v1/namespaces/shop/configmaps');
  });

  it('contains a crash in one request\'s handling: that request gets 500, the server keeps serving', async () => {
    const crashing = { name: 'Crashing', admit: (req: any) => { if (req.object?.metadata?.name === 'boom') throw new TypeError('cannot read properties of undefined'); } };
    const { client, namespace } = await newCluster({ admission: [crashing] });
    await namespace('shop');
    const err = await rejects(client.create(configmaps, 'shop', { metadata: { name: 'boom' } }), 500);
    assert.equal(err.reason, 'InternalError');
    await client.create(configmaps, 'shop', { metadata: { name: 'fine' } });
    assert.ok(client.get(configmaps, 'shop', 'fine'));
  });
});
