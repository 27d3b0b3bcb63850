import assert from 'node:assert/strict';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { pods } from '../apiserver/fixture';
import { newControllerCluster } from './harness';

const cronjobs = { group: 'batch', version: 'v1', resource: 'cronjobs' };
const jobs = { group: 'batch', version: 'v1', resource: 'jobs' };
type Cluster = Awaited<ReturnType<typeof newControllerCluster>>;

function report(spec: Obj = {}): Obj {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name: 'report' },
    spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'report', image: 'busybox:1.36' }] } } } }, ...spec },
  };
}

/** The kubelet finishes every running pod successfully. */
async function succeedAll(c: Cluster) {
  for (const pod of c.podsOf()) {
    if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Succeeded') continue;
    await c.client.update(pods, 'default', { ...pod, status: { ...pod.status, phase: 'Succeeded' } }, {}, 'status');
  }
}

const jobNames = (c: Cluster) => c.list(jobs).map((j) => j.metadata.name).sort();

describe('CronJob controller', () => {
  it('at each scheduled time creates a Job named after that minute, and records it as active and last scheduled', async () => {
    const c = await newControllerCluster();
    // The cluster clock starts at 12:00:00 UTC: the next activation is 12:05.
    await c.client.create(cronjobs, 'default', report());
    await c.run(290_000);
    assert.deepEqual(jobNames(c), []);
    await c.until('a Job at 12:05', () => jobNames(c).length === 1, 20_000);
    const minutes = Math.floor(Date.UTC(2026, 10, 23, 12, 5) / 60_000);
    const job = c.client.get(jobs, 'default', `report-${minutes}`);
    assert.equal(job.metadata.annotations['batch.kubernetes.io/cronjob-scheduled-timestamp'], '2026-11-23T12:05:00Z');
    assert.equal(job.metadata.ownerReferences[0].kind, 'CronJob');
    await c.until('status shows it', () => c.client.get(cronjobs, 'default', 'report').status?.active?.length === 1);
    assert.equal(c.client.get(cronjobs, 'default', 'report').status.lastScheduleTime, '2026-11-23T12:05:00Z');
  });

  it('Forbid skips a run while the previous Job is still active', async () => {
    const c = await newControllerCluster();
    await c.client.create(cronjobs, 'default', report({ schedule: '* * * * *', concurrencyPolicy: 'Forbid' }));
    await c.until('a first Job', () => jobNames(c).length === 1, 70_000);
    await c.run(180_000);
    assert.equal(jobNames(c).length, 1, 'still one Job: its pod never finished');
  });

  it('keeps successfulJobsHistoryLimit finished Jobs and records the last success', async () => {
    const c = await newControllerCluster();
    await c.client.create(cronjobs, 'default', report({ schedule: '* * * * *', successfulJobsHistoryLimit: 1 }));
    for (let i = 0; i < 3; i++) {
      await c.until(`Job ${i + 1} runs`, () => c.activePods().filter((p) => p.status?.phase !== 'Succeeded').length === 1, 70_000);
      await succeedAll(c);
      await c.until(`Job ${i + 1} is complete`, () => c.list(jobs).every((j) => (j.status?.conditions ?? []).some((x: Obj) => x.type === 'Complete')), 10_000);
    }
    await c.until('one finished Job is kept', () => jobNames(c).length === 1, 10_000);
    assert.ok(c.client.get(cronjobs, 'default', 'report').status.lastSuccessfulTime);
  });
});
