// Leader election through a Lease: given candidates on one API server and a virtual clock, then one
// leads at a time, a lease held by a live leader is never taken, and a released one is taken at once.
import assert from 'node:assert/strict';
import { LeaderElector } from '../../../engine/cluster/leader-election';
import { newCluster } from '../apiserver/fixture';

const leases = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases' };

async function candidates(n: number) {
  const cluster = await newCluster();
  const log: string[] = [];
  const electors = Array.from({ length: n }, (_, i) => new LeaderElector({
    client: cluster.client,
    clock: cluster.clock,
    namespace: 'kube-system',
    name: 'kube-scheduler',
    identity: `cp-${i + 1}`,
    onStartedLeading: () => log.push(`cp-${i + 1} leads`),
    onStoppedLeading: () => log.push(`cp-${i + 1} stops`),
  }));
  return { ...cluster, electors, log, lease: () => cluster.client.get(leases, 'kube-system', 'kube-scheduler') };
}

describe('LeaderElector', () => {
  it('lets exactly one candidate lead, renewing the lease every retry period', async () => {
    const { clock, electors, log, lease } = await candidates(3);
    for (const e of electors) e.start();
    await clock.advanceAsync(60_000, 500);
    assert.deepEqual(log, ['cp-1 leads']);
    assert.equal(electors.filter((e) => e.isLeader).length, 1);
    const spec = lease().spec;
    assert.deepEqual([spec.holderIdentity, spec.leaseDurationSeconds, spec.leaseTransitions], ['cp-1', 15, 0]);
    assert.ok(clock.now() - Date.parse(spec.renewTime) <= 2000, 'renewed within the last retry period');
    assert.equal(spec.acquireTime, '2026-11-23T12:00:00.000000Z');
  });

  it('takes over a lease only after it expires by the candidate\'s own observation', async () => {
    const { clock, electors, log, lease } = await candidates(2);
    electors[0]!.start();
    await clock.advanceAsync(1000, 500);
    electors[1]!.start();
    await clock.advanceAsync(4000, 500);
    await electors[0]!.stop(false); // a crash: no release
    await clock.advanceAsync(12_000, 500);
    assert.equal(electors[1]!.isLeader, false, 'the lease has not expired yet');
    await clock.advanceAsync(6_000, 500);
    assert.equal(electors[1]!.isLeader, true);
    assert.deepEqual(log, ['cp-1 leads', 'cp-1 stops', 'cp-2 leads']);
    assert.equal(lease().spec.leaseTransitions, 1);
  });

  it('hands a released lease to the next candidate at its next try', async () => {
    const { clock, electors, lease } = await candidates(2);
    for (const e of electors) e.start();
    await clock.advanceAsync(3000, 500);
    await electors[0]!.stop(true);
    assert.equal(lease().spec.holderIdentity, '');
    await clock.advanceAsync(2500, 500);
    assert.equal(electors[1]!.isLeader, true);
    assert.equal(lease().spec.holderIdentity, 'cp-2');
  });
});
