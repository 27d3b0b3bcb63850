import assert from 'node:assert/strict';
import type { Obj } from '../../../engine/apiserver/registry/strategy';
import { pods } from '../apiserver/fixture';
import { events, newControllerCluster } from './harness';

const jobs = { group: 'batch', version: 'v1', resource: 'jobs' };
type Cluster = Awaited<ReturnType<typeof newControllerCluster>>;

function job(spec: Obj = {}): Obj {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'migrate' },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'busybox:1.36' }] } }, ...spec },
  };
}

/** The kubelet reports every running pod of the Job finished, in `phase`. */
async function finish(c: Cluster, phase: 'Succeeded' | 'Failed', limit = Infinity) {
  let n = 0;
  for (const pod of c.podsOf()) {
    if (n >= limit || pod.metadata.deletionTimestamp || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    n++;
    await c.client.update(pods, 'default', { ...pod, status: { ...pod.status, phase, containerStatuses: [{ name: 'migrate', image: 'busybox:1.36', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: phase === 'Succeeded' ? 0 : 1, reason: phase === 'Succeeded' ? 'Completed' : 'Error' } } }] } }, {}, 'status');
  }
}

const conditionsOf = (c: Cluster) => (c.client.get(jobs, 'default', 'migrate').status?.conditions ?? []).map((x: Obj) => [x.type, x.reason, x.message]);
const live = (c: Cluster) => c.podsOf().filter((p) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');

describe('Job controller', () => {
  it('runs parallelism pods at a time until completions succeed, then reports SuccessCriteriaMet and Complete', async () => {
    const c = await newControllerCluster();
    await c.client.create(jobs, 'default', job({ completions: 3, parallelism: 2 }));
    await c.until('2 pods run', () => live(c).length === 2);
    const pod = live(c)[0]!;
    assert.deepEqual(pod.metadata.finalizers, ['batch.kubernetes.io/job-tracking']);
    assert.equal(pod.metadata.labels['batch.kubernetes.io/job-name'], 'migrate');
    await finish(c, 'Succeeded');
    await c.until('the third pod runs', () => live(c).length === 1 && c.client.get(jobs, 'default', 'migrate').status?.succeeded === 2);
    await finish(c, 'Succeeded');
    await c.until('the Job is complete', () => conditionsOf(c).some(([t]: string[]) => t === 'Complete'));
    const status = c.client.get(jobs, 'default', 'migrate').status;
    assert.equal(status.succeeded, 3);
    assert.equal(status.active, undefined);
    assert.ok(status.completionTime && status.startTime);
    assert.deepEqual(status.uncountedTerminatedPods, {});
    assert.deepEqual(conditionsOf(c), [
      ['SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods'],
      ['Complete', 'CompletionsReached', 'Reached expected number of succeeded pods'],
    ]);
    assert.ok(c.podsOf().every((p) => !(p.metadata.finalizers ?? []).length), 'counted pods lose the tracking finalizer');
    await c.manager.flushEvents();
    assert.ok(c.list(events).some((e) => e.reason === 'Completed' && e.message === 'Job completed'));
  });

  it('replaces failed pods after a growing back-off, and fails with BackoffLimitExceeded past backoffLimit', async () => {
    const c = await newControllerCluster();
    await c.client.create(jobs, 'default', job({ backoffLimit: 1 }));
    await c.until('a pod runs', () => live(c).length === 1);
    await finish(c, 'Failed');
    await c.run(5000);
    assert.equal(live(c).length, 0, 'no replacement before the 10 s back-off');
    await c.until('a replacement runs', () => live(c).length === 1, 10_000);
    await finish(c, 'Failed');
    await c.until('the Job failed', () => conditionsOf(c).some(([t]: string[]) => t === 'Failed'), 30_000);
    assert.deepEqual(conditionsOf(c), [
      ['FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
      ['Failed', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
    ]);
    assert.equal(c.client.get(jobs, 'default', 'migrate').status.failed, 2);
  });

  it('activeDeadlineSeconds stops a running Job: its pods are deleted and it fails with DeadlineExceeded', async () => {
    const c = await newControllerCluster();
    await c.client.create(jobs, 'default', job({ activeDeadlineSeconds: 30 }));
    await c.until('a pod runs', () => live(c).length === 1);
    await c.run(25_000);
    assert.equal(live(c).length, 1);
    await c.until('the Job failed', () => conditionsOf(c).some(([t]: string[]) => t === 'Failed'), 10_000);
    assert.deepEqual(conditionsOf(c).map((x: string[]) => x[1]), ['DeadlineExceeded', 'DeadlineExceeded']);
    assert.equal(c.podsOf().length, 0);
  });

  it('a finished Job with ttlSecondsAfterFinished is deleted, with its pods, that many seconds later', async () => {
    const c = await newControllerCluster();
    await c.client.create(jobs, 'default', job({ ttlSecondsAfterFinished: 60 }));
    await c.until('a pod runs', () => live(c).length === 1);
    await finish(c, 'Succeeded');
    await c.until('the Job is complete', () => conditionsOf(c).some(([t]: string[]) => t === 'Complete'));
    await c.run(55_000);
    assert.ok(c.client.tryGet(jobs, 'default', 'migrate'), 'kept until the TTL passes');
    await c.until('the Job is gone', () => !c.client.tryGet(jobs, 'default', 'migrate'), 10_000);
    await c.until('its pod is gone', () => c.podsOf().length === 0, 5_000);
  });

  it('Indexed: each pod carries its completion index, a finished index is not run again, and the Job completes when every index has succeeded', async () => {
    const c = await newControllerCluster();
    await c.client.create(jobs, 'default', job({ completions: 3, parallelism: 2, completionMode: 'Indexed' }));
    await c.until('2 pods run', () => live(c).length === 2);
    const index = (p: Obj) => p.metadata.annotations['batch.kubernetes.io/job-completion-index'];
    assert.deepEqual(live(c).map(index).sort(), ['0', '1']);
    const first = live(c).find((p) => index(p) === '1')!;
    assert.match(first.metadata.name, /^migrate-1-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    assert.equal(first.metadata.labels['batch.kubernetes.io/job-completion-index'], '1');
    assert.equal(first.spec.hostname, 'migrate-1');
    assert.deepEqual(first.spec.containers[0].env, [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } }]);
    await finish(c, 'Succeeded', 1);
    await c.until('index 2 runs next', () => live(c).map(index).sort().join() === (index(c.podsOf().find((p) => p.status?.phase === 'Succeeded')!) === '0' ? '1,2' : '0,2'));
    assert.equal(c.client.get(jobs, 'default', 'migrate').status.completedIndexes.length, 1);
    await finish(c, 'Succeeded');
    await c.until('the Job is complete', () => conditionsOf(c).some(([t]: string[]) => t === 'Complete'));
    assert.equal(c.client.get(jobs, 'default', 'migrate').status.completedIndexes, '0-2');
    assert.equal(c.client.get(jobs, 'default', 'migrate').status.succeeded, 3);
  });

  it('a suspended Job runs no pods and says Suspended; resumed, it starts them and says JobResumed', async () => {
    const c = await newControllerCluster();
    await c.client.create(jobs, 'default', job({ suspend: true, completions: 2, parallelism: 2 }));
    await c.run(3000);
    assert.equal(live(c).length, 0);
    assert.deepEqual(conditionsOf(c), [['Suspended', 'JobSuspended', 'Job suspended']]);
    assert.equal(c.client.get(jobs, 'default', 'migrate').status.startTime, undefined);
    await c.client.patch(jobs, 'default', 'migrate', 'merge', { spec: { suspend: false } });
    await c.until('2 pods run', () => live(c).length === 2);
    await c.run(1000);
    const suspended = c.client.get(jobs, 'default', 'migrate').status.conditions.find((x: Obj) => x.type === 'Suspended');
    assert.deepEqual([suspended.status, suspended.reason, suspended.message], ['False', 'JobResumed', 'Job resumed']);
    assert.ok(c.client.get(jobs, 'default', 'migrate').status.startTime);
  });
});
