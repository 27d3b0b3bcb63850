// Leader election through a Lease: given candidates on one API server and a virtual clock, then one
// leads at a time, a lease held by a live leader is never taken, and a released one is taken at once.
import assert from 'node:assert/strict';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { EventRecorder } from '../../../engine/client/eventRecorder';
import { LeaderElector } from '../../../engine/cluster/leader-election';
import type { ComponentLog } from '../../../engine/util/klog';
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

  it('logs as client-go does and records LeaderElection events on the Lease: acquired, lost past the renew deadline, released', async () => {
    const { client, clock } = await newCluster();
    const lines: string[] = [];
    const log: ComponentLog = { write: (severity, source, message) => lines.push(`${severity} ${source}] ${message}`) };
    const recorder = new EventRecorder(client, clock, 'default-scheduler');
    const elector = new LeaderElector({ client, clock, namespace: 'kube-system', name: 'kube-scheduler', identity: 'cp-1', log, recorder, onStartedLeading() {}, onStoppedLeading() {} });
    elector.start();
    await clock.advanceAsync(1000, 500);
    assert.deepEqual(lines, ['I leaderelection.go:257] attempting to acquire leader lease kube-system/kube-scheduler...', 'I leaderelection.go:271] successfully acquired lease kube-system/kube-scheduler']);
    // Someone else holds the lease and keeps renewing it: cp-1 cannot renew, and gives up after 10 s.
    for (let t = 0; t < 12; t++) {
      const lease = client.get(leases, 'kube-system', 'kube-scheduler');
      await client.update(leases, 'kube-system', { ...lease, spec: { ...lease.spec, holderIdentity: 'intruder', renewTime: new Date(clock.now()).toISOString().replace('Z', '000Z') } });
      await clock.advanceAsync(1000, 500);
    }
    assert.equal(elector.isLeader, false);
    assert.deepEqual(lines.slice(2), ['I leaderelection.go:297] failed to renew lease kube-system/kube-scheduler: context deadline exceeded', 'I leaderelection.go:257] attempting to acquire leader lease kube-system/kube-scheduler...']);
    // The intruder goes quiet: cp-1 takes the lease back once it expires, then hands it back on a clean stop.
    await clock.advanceAsync(20_000, 500);
    assert.equal(elector.isLeader, true);
    await elector.stop(true);
    await recorder.flush();
    const events = (client.list({ group: '', version: 'v1', resource: 'events' }, 'kube-system').items as Obj[]).filter((e) => e.reason === 'LeaderElection');
    assert.deepEqual(events.map((e) => [e.involvedObject.kind, e.involvedObject.name, e.source.component, e.message, e.count]).sort(), [
      ['Lease', 'kube-scheduler', 'default-scheduler', 'cp-1 became leader', 2],
      ['Lease', 'kube-scheduler', 'default-scheduler', 'cp-1 stopped leading', 2],
    ]);
  });
});
