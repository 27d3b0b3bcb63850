import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MvccStore, Store, isStoreError, prefixEnd } from '../../../engine/store/index';
import { VirtualClock } from '../../../engine/util/clock';

const events = '/registry/events/default/';

describe('MvccStore: leases', () => {
  it('deletes every key attached to a revoked lease in one revision', () => {
    const s = new MvccStore();
    const lease = s.grantLease(3600);
    s.put(`${events}web-1.a`, '{}', { lease: lease.id });
    s.put(`${events}web-1.b`, '{}', { lease: lease.id });
    s.put('/registry/pods/default/web-1', '{}');
    assert.equal(s.revision, 3, 'granting a lease spends no revision');
    assert.deepEqual(s.lease(lease.id)?.keys, [`${events}web-1.a`, `${events}web-1.b`]);
    const r = s.revokeLease(lease.id);
    assert.equal(r.revision, 4);
    assert.deepEqual(r.deleted.map((kv) => kv.key), [`${events}web-1.a`, `${events}web-1.b`]);
    assert.equal(s.range(events, { end: prefixEnd(events)! }).count, 0);
    assert.ok(s.get('/registry/pods/default/web-1'));
    assert.equal(s.lease(lease.id), undefined);
    assert.throws(() => s.revokeLease(lease.id), (e) => isStoreError(e, 'leaseNotFound'));
  });

  it('records the lease on the key-value and moves a key off its lease when a put names none', () => {
    const s = new MvccStore();
    const lease = s.grantLease(60);
    assert.equal(s.put(`${events}a`, '1', { lease: lease.id }).kv.lease, lease.id);
    assert.equal(s.put(`${events}a`, '2').kv.lease, 0);
    s.put(`${events}b`, '1', { lease: lease.id });
    s.deleteRange(`${events}b`);
    assert.deepEqual(s.lease(lease.id)?.keys, []);
    s.revokeLease(lease.id);
    assert.equal(s.get(`${events}a`)?.value, '2', 'a key no longer on the lease survives its revocation');
  });

  it('refuses a put or a transaction naming a lease that does not exist, and applies nothing', () => {
    const s = new MvccStore();
    assert.throws(() => s.put('/k', 'v', { lease: 99 }), (e) => isStoreError(e, 'leaseNotFound') && /requested lease not found/.test(e.message));
    assert.throws(() => s.txn({ success: [{ type: 'put', key: '/a', value: '1' }, { type: 'put', key: '/b', value: '2', lease: 99 }] }), (e) => isStoreError(e, 'leaseNotFound'));
    assert.equal(s.revision, 0);
    assert.throws(() => s.grantLease(0), (e) => isStoreError(e, 'invalidRequest'));
  });
});

describe('Store: lease expiry on the clock', () => {
  it('expires a lease after its TTL unless kept alive, deleting its keys as watches see', async () => {
    const clock = new VirtualClock(0);
    const s = Store.inMemory({ clock });
    const lease = await s.grantLease(60);
    await s.create(`${events}web.1`, '{"reason":"Pulled"}', { lease: lease.id });
    const w = s.watch({ key: events, end: prefixEnd(events)! });
    clock.advance(59_000);
    assert.equal(s.leaseTimeToLive(lease.id)?.remaining, 1);
    s.keepAliveLease(lease.id);
    clock.advance(59_000);
    assert.ok(s.get(`${events}web.1`), 'kept alive');
    clock.advance(1_000);
    await Promise.resolve();
    assert.equal(s.get(`${events}web.1`), undefined, 'expired');
    assert.equal(s.leaseTimeToLive(lease.id), undefined);
    const { events: seen } = (await w.next()).value!;
    assert.deepEqual(seen.map((e) => [e.type, e.kv.key]), [['DELETE', `${events}web.1`]]);
    assert.throws(() => s.keepAliveLease(lease.id), (e) => isStoreError(e, 'leaseNotFound'));
    await s.close();
  });
});

describe('Store: leases across restarts', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeside-lease-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  for (const viaSnapshot of [false, true]) {
    it(`restores leases and their keys, with a full TTL from the restart${viaSnapshot ? ', from a snapshot' : ''}`, async () => {
      const dir = path.join(root, `restart-${viaSnapshot}`);
      const clock = new VirtualClock(0);
      const s = await Store.open({ dir, clock, fsync: false });
      const kept = await s.grantLease(600);
      const revoked = await s.grantLease(600);
      await s.put(`${events}kept`, '{}', { lease: kept.id });
      await s.put(`${events}revoked`, '{}', { lease: revoked.id });
      await s.revokeLease(revoked.id);
      if (viaSnapshot) await s.snapshotNow();
      clock.advance(500_000);
      await s.close();

      const later = new VirtualClock(1_000_000);
      const reopened = await Store.open({ dir, clock: later, fsync: false });
      assert.deepEqual(reopened.leaseTimeToLive(kept.id), { id: kept.id, ttl: 600, remaining: 600, keys: [`${events}kept`] });
      assert.equal(reopened.leaseTimeToLive(revoked.id), undefined);
      assert.equal(reopened.get(`${events}kept`)?.lease, kept.id);
      const fresh = await reopened.grantLease(10);
      assert.ok(fresh.id > revoked.id, 'lease IDs are never handed out twice');
      later.advance(600_000);
      await reopened.sync();
      assert.equal(reopened.get(`${events}kept`), undefined, 'expires a full TTL after the restart');
      await reopened.close();
    });
  }
});
