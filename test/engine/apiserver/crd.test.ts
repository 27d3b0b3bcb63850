import assert from 'node:assert/strict';
import { ApiServer } from '../../../engine/apiserver/apiserver';
import { TokenAuthenticator } from '../../../engine/apiserver/auth/user';
import { ApiClient } from '../../../engine/apiserver/client';
import { Random } from '../../../engine/util/random';
import { admin, newCluster, rejects } from './fixture';

const crds = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions' };
const backups = { group: 'shop.example.com', version: 'v1', resource: 'backups' };

const backupCRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'backups.shop.example.com' },
  spec: {
    group: 'shop.example.com',
    scope: 'Namespaced',
    names: { kind: 'Backup', plural: 'backups', singular: 'backup', shortNames: ['bk'] },
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                required: ['schedule'],
                properties: { schedule: { type: 'string' }, retain: { type: 'integer', minimum: 1 } },
              },
              status: { type: 'object', properties: { lastRun: { type: 'string' } } },
            },
          },
        },
      },
    ],
  },
};

describe('API server: custom resources', () => {
  it('given a CRD, serves its kind: Established, validated against its schema, stored under its group', async () => {
    const { client, namespace, store } = await newCluster();
    await namespace('shop');
    await rejects(client.create(backups, 'shop', { metadata: { name: 'nightly' }, spec: { schedule: '@daily' } }), 404, 'the server could not find the requested resource');
    const crd = (await client.create(crds, undefined, backupCRD)).object;
    assert.deepEqual(crd.status.conditions.map((c: any) => [c.type, c.status]), [['NamesAccepted', 'True'], ['Established', 'True']]);
    const created = (await client.create(backups, 'shop', { apiVersion: 'shop.example.com/v1', kind: 'Backup', metadata: { name: 'nightly' }, spec: { schedule: '@daily', retain: 7 } })).object;
    assert.equal(created.metadata.generation, 1);
    assert.ok(store.get('/registry/shop.example.com/backups/shop/nightly'));
    const err = await rejects(client.create(backups, 'shop', { apiVersion: 'shop.example.com/v1', kind: 'Backup', metadata: { name: 'bad' }, spec: { retain: 0 } }), 422);
    assert.deepEqual(err.status.details.causes.map((c: any) => c.field).sort(), ['spec.retain', 'spec.schedule']);
    await rejects(client.patch(backups, 'shop', 'nightly', 'strategic', { spec: { retain: 3 } }), 415);
    await client.patch(backups, 'shop', 'nightly', 'merge', { spec: { retain: 3 } });
    assert.equal(client.get(backups, 'shop', 'nightly').spec.retain, 3);
  });

  it("takes only the status (and managed fields) of a custom resource's /status write", async () => {
    const { client, namespace } = await newCluster();
    await namespace('shop');
    await client.create(crds, undefined, backupCRD);
    const created = (await client.create(backups, 'shop', { apiVersion: 'shop.example.com/v1', kind: 'Backup', metadata: { name: 'nightly', labels: { tier: 'db' } }, spec: { schedule: '@daily' } })).object;
    const written = (await client.update(backups, 'shop', { ...created, metadata: { ...created.metadata, labels: { tier: 'web' }, annotations: { note: 'x' } }, spec: { schedule: '@hourly' }, status: { lastRun: 'today' } }, { fieldManager: 'backup-operator' }, 'status')).object;
    assert.deepEqual([written.metadata.labels, written.metadata.annotations, written.spec.schedule, written.status.lastRun], [{ tier: 'db' }, undefined, '@daily', 'today']);
    assert.ok(written.metadata.managedFields.some((e: any) => e.manager === 'backup-operator' && e.subresource === 'status'));
  });

  it('records each storage version in status.storedVersions, and keeps a stored version in spec.versions until it is dropped from the status', async () => {
    const { client } = await newCluster();
    const version = (name: string, storage: boolean) => ({ ...backupCRD.spec.versions[0], name, storage });
    let crd = (await client.create(crds, undefined, backupCRD)).object;
    assert.deepEqual(crd.status.storedVersions, ['v1']);
    crd = (await client.update(crds, undefined, { ...crd, spec: { ...crd.spec, versions: [version('v1', false), version('v2', true)] } })).object;
    assert.deepEqual(crd.status.storedVersions, ['v1', 'v2']);
    await rejects(client.update(crds, undefined, { ...crd, spec: { ...crd.spec, versions: [version('v2', true)] } }), 422, 'CustomResourceDefinition.apiextensions.k8s.io "backups.shop.example.com" is invalid: status.storedVersions[0]: Invalid value: "v1": must appear in spec.versions');
    await rejects(client.patch(crds, undefined, crd.metadata.name, 'merge', { status: { storedVersions: ['v1'] } }, {}, 'status'), 422, /status.storedVersions: Invalid value: .*must have the storage version v2/);
    // Once every object is stored as v2, the old version leaves the status, then the spec.
    await client.patch(crds, undefined, crd.metadata.name, 'merge', { status: { storedVersions: ['v2'] } }, {}, 'status');
    crd = (await client.patch(crds, undefined, crd.metadata.name, 'merge', { spec: { versions: [version('v2', true)] } })).object;
    assert.deepEqual([crd.spec.versions.map((v: any) => v.name), crd.status.storedVersions], [['v2'], ['v2']]);
  });

  it('another API server replica over the same store serves the CRD at once, and deleting the CRD removes its objects', async () => {
    const { client, namespace, store, clock } = await newCluster();
    await namespace('shop');
    await client.create(crds, undefined, backupCRD);
    const other = new ApiClient(new ApiServer({ store, clock, random: new Random(3), authenticator: new TokenAuthenticator() }), admin);
    await other.create(backups, 'shop', { metadata: { name: 'nightly' }, spec: { schedule: '@daily' } });
    assert.equal(client.list(backups, 'shop').items.length, 1);
    await client.delete(crds, undefined, 'backups.shop.example.com');
    await rejects(() => other.list(backups, 'shop'), 404);
    assert.equal(store.get('/registry/shop.example.com/backups/shop/nightly'), undefined);
  });
});
