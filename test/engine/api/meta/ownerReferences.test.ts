import assert from 'node:assert/strict';
import { generateName, maxGeneratedNameLength } from '../../../../engine/api/meta/generateName';
import { adoptionPatch, claimDecision, getControllerOf, isControlledBy, type MetaObject, newControllerRef, releasePatch, withOwnerReference, withoutOwnerReference } from '../../../../engine/api/meta/ownerReferences';
import { strategicMergePatch } from '../../../../engine/api/patch/strategicMergePatch';
import { Random } from '../../../../engine/util/random';
import { podSchema } from '../patch/schemaFixture';

const rs: MetaObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-7d9', namespace: 'shop', uid: 'rs-uid' } };
const other: MetaObject = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'api-1', namespace: 'shop', uid: 'other-uid' } };
const pod = (refs?: object[], extra: object = {}): MetaObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-7d9-abcde', namespace: 'shop', uid: 'pod-uid', ...(refs ? { ownerReferences: refs as never } : {}), ...extra } });

describe('controller references', () => {
  it('getControllerOf finds the reference with controller=true, not a plain owner', () => {
    const p = pod([{ apiVersion: 'v1', kind: 'ConfigMap', name: 'cfg', uid: 'cm' }, newControllerRef(rs)]);
    assert.equal(getControllerOf(p)?.uid, 'rs-uid');
    assert.equal(isControlledBy(p, rs), true);
    assert.equal(isControlledBy(p, other), false);
    assert.equal(getControllerOf(pod([{ apiVersion: 'v1', kind: 'ConfigMap', name: 'cfg', uid: 'cm' }])), undefined);
  });

  it('newControllerRef sets controller and blockOwnerDeletion', () => {
    assert.deepEqual(newControllerRef(rs), { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9', uid: 'rs-uid', controller: true, blockOwnerDeletion: true });
  });

  const deleting = { deletionTimestamp: '2026-01-01T00:00:00Z' };
  const table: [string, MetaObject, MetaObject, boolean, string][] = [
    ['an orphan the selector matches is adopted', rs, pod(), true, 'adopt'],
    ['an orphan the selector does not match is ignored', rs, pod(), false, 'ignore'],
    ['an object it controls and still selects is owned', rs, pod([newControllerRef(rs)]), true, 'owned'],
    ['an object it controls but no longer selects is released', rs, pod([newControllerRef(rs)]), false, 'release'],
    ['another controller\'s object is ignored even if selected', rs, pod([newControllerRef(other)]), true, 'ignore'],
    ['an orphan being deleted is not adopted', rs, pod(undefined, deleting), true, 'ignore'],
    ['a controller being deleted adopts nothing', { ...rs, metadata: { ...rs.metadata, ...deleting } }, pod(), true, 'ignore'],
    ['a controller being deleted releases nothing', { ...rs, metadata: { ...rs.metadata, ...deleting } }, pod([newControllerRef(rs)]), false, 'ignore'],
    ['an orphan in another namespace is not adopted', rs, { ...pod(), metadata: { ...pod().metadata, namespace: 'other' } }, true, 'ignore'],
  ];
  for (const [name, controller, obj, matches, want] of table) {
    it(name, () => assert.equal(claimDecision(controller, obj, matches), want));
  }

  it('the adoption and release patches do what they say through strategic merge patch', () => {
    const orphan = pod([{ apiVersion: 'v1', kind: 'ConfigMap', name: 'cfg', uid: 'cm' }]);
    const adopted = strategicMergePatch(orphan, adoptionPatch(rs, orphan), podSchema);
    assert.deepEqual(adopted.metadata?.ownerReferences?.map((r) => r.uid).sort(), ['cm', 'rs-uid']);
    assert.equal(isControlledBy(adopted, rs), true);
    const released = strategicMergePatch(adopted, releasePatch('rs-uid', adopted), podSchema);
    assert.deepEqual(released.metadata?.ownerReferences?.map((r) => r.uid), ['cm']);
  });

  it('withOwnerReference replaces a reference to the same uid; withoutOwnerReference orphans', () => {
    const p = withOwnerReference(pod([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9', uid: 'rs-uid' }]), newControllerRef(rs));
    assert.equal(p.metadata?.ownerReferences?.length, 1);
    assert.equal(p.metadata?.ownerReferences?.[0]?.controller, true);
    const orphan = withoutOwnerReference(p, 'rs-uid');
    assert.equal('ownerReferences' in (orphan.metadata ?? {}), false);
    assert.equal(p.metadata?.ownerReferences?.length, 1, 'the input is unchanged');
  });
});

describe('generateName', () => {
  it('appends five characters of the Kubernetes alphabet, deterministically for a seed', () => {
    const a = generateName('web-7d9-', new Random(7));
    assert.match(a, /^web-7d9-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.equal(generateName('web-7d9-', new Random(7)), a);
    assert.notEqual(generateName('web-7d9-', new Random(8)), a);
  });

  it('cuts a long base to 58 characters so the name stays within 63', () => {
    const name = generateName('x'.repeat(80), new Random(1));
    assert.equal(name.length, 63);
    assert.equal(name.slice(0, maxGeneratedNameLength), 'x'.repeat(58));
  });
});
