// The Job controller (pkg/controller/job): runs a Job's pods until `completions` of them succeed
// (at most `parallelism` at a time), or until more than `backoffLimit` fail or activeDeadlineSeconds
// passes. Terminated pods are counted exactly once through the job-tracking finalizer and
// status.uncountedTerminatedPods; a finished Job first gets SuccessCriteriaMet / FailureTarget,
// then Complete / Failed once none of its pods is running. Replacements after failures back off
// exponentially (10 s doubling, at most 6 minutes). In Indexed mode each pod carries a completion
// index (annotation, label, hostname `<job>-<index>`, JOB_COMPLETION_INDEX) and the Job completes
// when every index has succeeded once (status.completedIndexes).
import type { Obj } from '../apiserver/registry/strategy';
import { labelSelectorAsSelector } from '../api/labels/labelSelector';
import { adoptionPatch, claimDecision, getControllerOf } from '../api/meta/ownerReferences';
import { deepCopy, deepEqual } from '../api/patch/jsonValue';
import type { EventRecorder } from '../client/eventRecorder';
import { Controller, type ControllerContext, isNotFound, timestamp } from './runtime/controller';
import { ControllerExpectations } from './runtime/expectations';
import { indexes, resources } from './runtime/sharedInformerFactory';
import { deleteBefore, isPodReady, isPodTerminal, podFromTemplate } from './util/pod';

export const jobTrackingFinalizer = 'batch.kubernetes.io/job-tracking';
export const completionIndexKey = 'batch.kubernetes.io/job-completion-index';

const indexOf = (pod: Obj): number | undefined => {
  const v = pod.metadata.annotations?.[completionIndexKey];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
};

/** "0-2,5": sorted indexes with runs compressed, as status.completedIndexes writes them. */
export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  return parts.join(',');
}

export function parseIndexes(text: string | undefined): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',').filter(Boolean)) {
    const [a, b] = part.split('-').map(Number);
    for (let i = a!; i <= (b ?? a!); i++) out.add(i);
  }
  return out;
}
const defaultBackoffMs = 10_000;
const maxBackoffMs = 360_000;

const terminating = (pod: Obj) => !!pod.metadata.deletionTimestamp;
const condition = (job: Obj, type: string) => (job.status?.conditions ?? []).find((c: Obj) => c.type === type && c.status === 'True');

export class JobController extends Controller {
  readonly name = 'job-controller';
  readonly expectations: ControllerExpectations;
  private readonly recorder: EventRecorder;
  private readonly jobs;
  private readonly pods;
  /** Failures seen per Job and when the last one was, for the replacement back-off (podBackoffStore). */
  private readonly backoff = new Map<string, { failures: number; last: number }>();

  constructor(ctx: ControllerContext) {
    super(ctx);
    this.expectations = new ControllerExpectations(ctx.clock);
    this.recorder = ctx.recorder(this.name);
    this.jobs = ctx.informers.informerFor(resources.jobs);
    this.pods = ctx.informers.informerFor(resources.pods);
    this.jobs.addEventHandler({ onAdd: (j) => this.enqueue(j), onUpdate: (_o, j) => this.enqueue(j), onDelete: (j) => { this.expectations.delete(this.key(j)); this.backoff.delete(this.key(j)); } });
    const podEvent = (pod: Obj, event: 'add' | 'update' | 'delete') => {
      const job = this.ownerOf(pod);
      if (!job) return;
      const key = this.key(job);
      if (event === 'add' && !terminating(pod)) this.expectations.creationObserved(key);
      if (event === 'delete' || (event === 'update' && terminating(pod))) this.expectations.deletionObserved(key, pod.metadata.uid);
      this.queue.add(key);
    };
    this.pods.addEventHandler({ onAdd: (p) => podEvent(p, 'add'), onUpdate: (_o, p) => podEvent(p, 'update'), onDelete: (p) => podEvent(p, 'delete') });
  }

  private key(job: Obj): string {
    return `${job.metadata.namespace}/${job.metadata.name}`;
  }

  private ownerOf(pod: Obj): Obj | undefined {
    const ref = getControllerOf(pod);
    if (ref?.kind !== 'Job') return undefined;
    const job = this.jobs.store.get(`${pod.metadata.namespace}/${ref.name}`);
    return job && job.metadata.uid === ref.uid ? job : undefined;
  }

  async sync(key: string): Promise<void> {
    const cached = this.jobs.store.get(key);
    if (!cached) return;
    const job = deepCopy(cached);
    const pods = await this.claimPods(job);
    const status: Obj = deepCopy(job.status ?? {});
    const now = timestamp(this.ctx.clock);
    const nowMs = this.ctx.clock.now();
    const isFinished = !!(condition(job, 'Complete') || condition(job, 'Failed'));

    // 1. Count terminated pods exactly once: record their uids, drop their finalizers, then count them.
    const uncounted = { succeeded: [...(status.uncountedTerminatedPods?.succeeded ?? [])], failed: [...(status.uncountedTerminatedPods?.failed ?? [])] };
    const tracked = pods.filter((p) => (p.metadata.finalizers ?? []).includes(jobTrackingFinalizer));
    const toUntrack: Obj[] = [];
    for (const pod of tracked) {
      const done = isPodTerminal(pod) || (terminating(pod) && !isFinished);
      if (!done && !isFinished) continue;
      toUntrack.push(pod);
      const uid = pod.metadata.uid;
      if (uncounted.succeeded.includes(uid) || uncounted.failed.includes(uid)) continue;
      if (pod.status?.phase === 'Succeeded') uncounted.succeeded.push(uid);
      else if (pod.status?.phase === 'Failed' || terminating(pod)) {
        uncounted.failed.push(uid);
        const b = this.backoff.get(key) ?? { failures: 0, last: 0 };
        this.backoff.set(key, { failures: b.failures + 1, last: nowMs });
      }
    }
    status.uncountedTerminatedPods = { ...(uncounted.succeeded.length ? { succeeded: uncounted.succeeded } : {}), ...(uncounted.failed.length ? { failed: uncounted.failed } : {}) };
    if (toUntrack.length) {
      await this.writeStatus(job, status);
      for (const pod of toUntrack) await this.removeTrackingFinalizer(pod);
    }
    const stillTracked = new Set(tracked.filter((p) => !toUntrack.includes(p)).map((p) => p.metadata.uid));
    const moveSucceeded = uncounted.succeeded.filter((uid) => !stillTracked.has(uid));
    const moveFailed = uncounted.failed.filter((uid) => !stillTracked.has(uid));
    status.succeeded = (status.succeeded ?? 0) + moveSucceeded.length;
    status.failed = (status.failed ?? 0) + moveFailed.length;
    status.uncountedTerminatedPods = {};
    const succeeded: number = status.succeeded;
    const failed: number = status.failed;

    const indexed = job.spec.completionMode === 'Indexed';
    const completed = parseIndexes(status.completedIndexes);
    if (indexed) {
      for (const pod of pods) {
        const i = indexOf(pod);
        if (pod.status?.phase === 'Succeeded' && i !== undefined && i < (job.spec.completions ?? 0)) completed.add(i);
      }
      if (completed.size) status.completedIndexes = formatIndexes(completed);
    }

    const active = pods.filter((p) => !isPodTerminal(p) && !terminating(p));
    const terminatingCount = pods.filter((p) => terminating(p) && !isPodTerminal(p)).length;
    // Suspension: pods are removed below; the Suspended condition says so, and a resumed Job
    // starts its clock (activeDeadlineSeconds) again.
    const suspendedCondition = (status.conditions ?? []).find((c: Obj) => c.type === 'Suspended');
    if (!isFinished && job.spec.suspend && suspendedCondition?.status !== 'True') {
      this.setCondition(status, 'Suspended', 'JobSuspended', 'Job suspended', now);
      delete status.startTime;
      this.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
    } else if (!isFinished && !job.spec.suspend && suspendedCondition?.status === 'True') {
      this.setCondition(status, 'Suspended', 'JobResumed', 'Job resumed', now, 'False');
      status.startTime = now;
      this.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
    }
    if (!job.spec.suspend) status.startTime ??= now;

    // 2. Decide whether the Job has met its success criteria or failed.
    const completions: number | undefined = job.spec.completions ?? undefined;
    const parallelism: number = job.spec.parallelism ?? 1;
    if (!isFinished && !condition(job, 'SuccessCriteriaMet') && !condition(job, 'FailureTarget')) {
      // A suspended Job has no start time: its deadline does not run.
      const deadline = status.startTime ? job.spec.activeDeadlineSeconds : undefined;
      const startMs = status.startTime ? Date.parse(status.startTime) : nowMs;
      if (failed > (job.spec.backoffLimit ?? 6)) {
        this.setCondition(status, 'FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', now);
        this.recorder.event(job, 'Warning', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit');
      } else if (deadline !== undefined && deadline !== null && startMs + deadline * 1000 <= nowMs) {
        this.setCondition(status, 'FailureTarget', 'DeadlineExceeded', 'Job was active longer than specified deadline', now);
        this.recorder.event(job, 'Warning', 'DeadlineExceeded', 'Job was active longer than specified deadline');
      } else if (indexed ? completed.size >= (completions ?? 0) : completions !== undefined ? succeeded >= completions : succeeded > 0 && active.length === 0) {
        this.setCondition(status, 'SuccessCriteriaMet', 'CompletionsReached', 'Reached expected number of succeeded pods', now);
      } else if (deadline !== undefined && deadline !== null) {
        this.queue.addAfter(key, startMs + deadline * 1000 - nowMs);
      }
    }

    // 3. Act: stop everything once the outcome is known, else keep the right number running.
    let manageError: unknown;
    const failing = condition({ status }, 'FailureTarget');
    const succeeding = condition({ status }, 'SuccessCriteriaMet');
    if (failing || succeeding || isFinished || job.spec.suspend) {
      for (const pod of active) await this.deletePod(job, pod);
    } else if (this.expectations.satisfied(key)) {
      const done = indexed ? completed.size : succeeded;
      const want = completions !== undefined ? Math.min(parallelism, Math.max(completions - done, 0)) : succeeded > 0 ? 0 : parallelism;
      try {
        await this.manage(job, key, active, want, indexed ? completed : undefined);
      } catch (err) {
        manageError = err;
      }
    }

    // 4. Finish once no pod of the Job is running any more.
    // (as seen before this pass: pods deleted just now are looked at again when their deletion is observed)
    const running = pods.some((p) => !isPodTerminal(p));
    if (!isFinished && !running) {
      if (failing) {
        this.setCondition(status, 'Failed', failing.reason, failing.message, now);
      } else if (succeeding) {
        this.setCondition(status, 'Complete', succeeding.reason, succeeding.message, now);
        status.completionTime = now;
        this.recorder.event(job, 'Normal', 'Completed', 'Job completed');
      }
    }
    const finishedNow = !!(condition({ status }, 'Complete') || condition({ status }, 'Failed'));
    status.active = finishedNow || failing || succeeding ? 0 : active.length;
    status.ready = finishedNow ? 0 : active.filter(isPodReady).length;
    status.terminating = terminatingCount;
    for (const k of ['active', 'succeeded', 'failed']) if (status[k] === 0) delete status[k];
    await this.writeStatus(job, status);
    if (manageError !== undefined) throw manageError;
  }

  private async claimPods(job: Obj): Promise<Obj[]> {
    const owned = this.pods.store.byIndex(indexes.controllerUid, job.metadata.uid);
    // A Job's selector is the API server's controller-uid selector or the user's; only the latter can match orphans.
    if (!job.spec.manualSelector || !job.spec.selector) return owned;
    const selector = labelSelectorAsSelector(job.spec.selector);
    const claimed = [...owned];
    for (const pod of this.pods.store.byIndex(indexes.orphanNamespace, job.metadata.namespace)) {
      if (claimDecision(job, pod, selector.matches(pod.metadata.labels ?? {})) !== 'adopt') continue;
      try {
        claimed.push((await this.ctx.client.patch(resources.pods, pod.metadata.namespace, pod.metadata.name, 'strategic', adoptionPatch(job, pod, 'batch/v1', 'Job'))).object);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    return claimed;
  }

  /** manageJob: create or delete pods so `want` are active, replacements held back after failures. */
  private async manage(job: Obj, key: string, active: Obj[], want: number, completed?: Set<number>): Promise<void> {
    const diff = active.length - want;
    if (diff > 0) {
      const now = this.ctx.clock.now();
      const victims = [...active].sort((a, b) => (deleteBefore(a, b, 0, 0, now) ? -1 : deleteBefore(b, a, 0, 0, now) ? 1 : 0)).slice(0, diff);
      this.expectations.expectDeletions(key, victims.map((p) => p.metadata.uid));
      for (const pod of victims) await this.deletePod(job, pod);
      return;
    }
    if (diff === 0) return;
    const b = this.backoff.get(key);
    if (b && b.failures > 0) {
      const wait = Math.min(defaultBackoffMs * 2 ** (b.failures - 1), maxBackoffMs) - (this.ctx.clock.now() - b.last);
      if (wait > 0) {
        this.queue.addAfter(key, wait);
        return;
      }
    }
    // Indexed: the lowest indexes neither completed nor running.
    const indexes: (number | undefined)[] = [];
    if (completed) {
      const running = new Set(active.map(indexOf));
      for (let i = 0; i < (job.spec.completions ?? 0) && indexes.length < -diff; i++) if (!completed.has(i) && !running.has(i)) indexes.push(i);
    } else for (let i = 0; i < -diff; i++) indexes.push(undefined);
    const count = indexes.length;
    this.expectations.expectCreations(key, count);
    let created = 0;
    try {
      for (const index of indexes) {
        const pod = podFromTemplate(job.spec.template, job, 'batch/v1', 'Job');
        if (index !== undefined) this.setCompletionIndex(job, pod, index);
        const uid = job.metadata.uid;
        // The labels kube-apiserver puts on a Job's template, for pods to be found by job and uid.
        pod.metadata.labels = { ...(pod.metadata.labels ?? {}), 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': job.metadata.name, 'controller-uid': uid, 'job-name': job.metadata.name };
        pod.metadata.finalizers = [...(pod.metadata.finalizers ?? []), jobTrackingFinalizer];
        if (!(await this.createPodFor(this.recorder, job, pod))) return;
        created++;
      }
    } finally {
      if (created < count) this.expectations.lower(key, count - created);
    }
  }

  /** addCompletionIndexEnvVariables and friends: a pod that knows its index and is named by it. */
  private setCompletionIndex(job: Obj, pod: Obj, index: number): void {
    pod.metadata.generateName = `${job.metadata.name}-${index}-`;
    pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [completionIndexKey]: String(index) };
    pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [completionIndexKey]: String(index) };
    pod.spec.hostname ??= `${job.metadata.name}-${index}`;
    const env = { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${completionIndexKey}']` } } };
    for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
      if (!(c.env ?? []).some((e: Obj) => e.name === env.name)) c.env = [...(c.env ?? []), env];
    }
  }

  private async deletePod(job: Obj, pod: Obj): Promise<void> {
    try {
      await this.ctx.client.delete(resources.pods, pod.metadata.namespace, pod.metadata.name);
      this.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async removeTrackingFinalizer(pod: Obj): Promise<void> {
    const finalizers = (pod.metadata.finalizers ?? []).filter((f: string) => f !== jobTrackingFinalizer);
    try {
      await this.ctx.client.patch(resources.pods, pod.metadata.namespace, pod.metadata.name, 'merge', { metadata: { finalizers: finalizers.length ? finalizers : null } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private setCondition(status: Obj, type: string, reason: string, message: string, now: string, value: 'True' | 'False' = 'True'): void {
    const conditions: Obj[] = (status.conditions ?? []).filter((c: Obj) => c.type !== type);
    conditions.push({ type, status: value, lastProbeTime: now, lastTransitionTime: now, reason, message });
    status.conditions = conditions;
  }

  private async writeStatus(job: Obj, status: Obj): Promise<void> {
    if (deepEqual(job.status ?? {}, status)) return;
    const { object } = await this.ctx.client.update(resources.jobs, job.metadata.namespace, { ...job, status }, {}, 'status');
    job.status = object.status;
    job.metadata.resourceVersion = object.metadata.resourceVersion;
  }
}
