// The CronJob controller (pkg/controller/cronjob/cronjob_controllerv2.go): at each scheduled time
// it creates a Job named `<cronjob>-<scheduled time in unix minutes>` from the jobTemplate, unless
// suspended, too late (startingDeadlineSeconds) or blocked by the concurrencyPolicy (Forbid skips,
// Replace deletes the running Job first). It tracks active Jobs, records the last schedule and
// success times, and keeps only the configured history of finished Jobs. It wakes itself at the
// next scheduled time.
import { parseStandard, type Schedule } from '../api/cron';
import type { Obj } from '../apiserver/registry/strategy';
import { getControllerOf, newControllerRef } from '../api/meta/ownerReferences';
import { deepCopy, deepEqual } from '../api/patch/jsonValue';
import type { EventRecorder } from '../client/eventRecorder';
import { rfc3339 } from '../util/clock';
import { Controller, type ControllerContext, isAlreadyExists, isNotFound } from './runtime/controller';
import { indexes, resources } from './runtime/sharedInformerFactory';

export const scheduledTimestampAnnotation = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** A little past the scheduled time, so the clock has surely reached it (nextScheduleDelta). */
const nextScheduleDeltaMs = 100;

const finishedCondition = (job: Obj): Obj | undefined => (job.status?.conditions ?? []).find((c: Obj) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

export class CronJobController extends Controller {
  readonly name = 'cronjob-controller';
  private readonly recorder: EventRecorder;
  private readonly cronJobs;
  private readonly jobs;

  constructor(ctx: ControllerContext) {
    super(ctx);
    this.recorder = ctx.recorder(this.name);
    this.cronJobs = ctx.informers.informerFor(resources.cronjobs);
    this.jobs = ctx.informers.informerFor(resources.jobs);
    this.cronJobs.addEventHandler({ onAdd: (cj) => this.enqueue(cj), onUpdate: (_o, cj) => this.enqueue(cj) });
    const jobChanged = (job: Obj) => {
      const ref = getControllerOf(job);
      if (ref?.kind !== 'CronJob') return;
      const cj = this.cronJobs.store.get(`${job.metadata.namespace}/${ref.name}`);
      if (cj && cj.metadata.uid === ref.uid) this.enqueue(cj);
    };
    this.jobs.addEventHandler({ onAdd: jobChanged, onUpdate: (_o, j) => jobChanged(j), onDelete: jobChanged });
  }

  async sync(key: string): Promise<void> {
    const cached = this.cronJobs.store.get(key);
    if (!cached || cached.metadata.deletionTimestamp) return;
    const cj = deepCopy(cached);
    const status: Obj = deepCopy(cj.status ?? {});
    const jobs = this.jobs.store.byIndex(indexes.controllerUid, cj.metadata.uid);
    const now = this.ctx.clock.now();

    // Active Jobs: the ones that exist and have not finished; note each success once.
    const active: Obj[] = [];
    for (const job of jobs) {
      const done = finishedCondition(job);
      if (!done) {
        if (!job.metadata.deletionTimestamp) active.push({ kind: 'Job', namespace: job.metadata.namespace, name: job.metadata.name, uid: job.metadata.uid, apiVersion: 'batch/v1', resourceVersion: job.metadata.resourceVersion });
        continue;
      }
      if ((status.active ?? []).some((r: Obj) => r.uid === job.metadata.uid)) {
        this.recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${job.metadata.name}, condition: ${done.type}`);
      }
      if (done.type === 'Complete' && job.status?.completionTime && (!status.lastSuccessfulTime || Date.parse(job.status.completionTime) > Date.parse(status.lastSuccessfulTime))) {
        status.lastSuccessfulTime = job.status.completionTime;
      }
    }
    status.active = active;
    await this.cleanupFinishedJobs(cj, jobs);

    const schedule = cj.spec.suspend ? undefined : this.parseSchedule(cj);
    if (schedule) {
      const scheduled = this.mostRecentScheduleTime(cj, schedule, now);
      const deadline = cj.spec.startingDeadlineSeconds;
      if (scheduled !== undefined && status.lastScheduleTime !== rfc3339(scheduled)) {
        if (deadline !== undefined && deadline !== null && scheduled + deadline * 1000 < now) {
          this.recorder.event(cj, 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc3339(scheduled)}`);
        } else if (cj.spec.concurrencyPolicy === 'Forbid' && active.length > 0) {
          // Skipped: the next scheduled time will be considered when it comes.
        } else {
          if (cj.spec.concurrencyPolicy === 'Replace') {
            for (const ref of active) {
              try {
                await this.ctx.client.delete(resources.jobs, ref.namespace, ref.name, { propagationPolicy: 'Background' });
                this.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${ref.name}`);
              } catch (err) {
                if (!isNotFound(err)) throw err;
              }
            }
            status.active = [];
          }
          const job = await this.createJob(cj, scheduled);
          if (job) status.active = [...status.active, { kind: 'Job', namespace: job.metadata.namespace, name: job.metadata.name, uid: job.metadata.uid, apiVersion: 'batch/v1', resourceVersion: job.metadata.resourceVersion }];
          status.lastScheduleTime = rfc3339(scheduled);
        }
      }
      const next = schedule.next(now);
      if (next !== undefined) this.queue.addAfter(key, next - now + nextScheduleDeltaMs);
    }
    if (!status.active.length) delete status.active;
    if (deepEqual(cj.status ?? {}, status)) return;
    await this.ctx.client.update(resources.cronjobs, cj.metadata.namespace, { ...cj, status }, {}, 'status');
  }

  /**
   * The schedule in the CronJob's time zone (formatSchedule then cron.ParseStandard). One that does
   * not parse (validation let it through on an older server) is reported and not run.
   */
  private parseSchedule(cj: Obj): Schedule | undefined {
    let spec: string = cj.spec.schedule;
    if (spec.includes('TZ')) {
      this.recorder.event(cj, 'Warning', 'UnsupportedSchedule', `CRON_TZ or TZ used in schedule ${JSON.stringify(spec)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`);
    } else if (cj.spec.timeZone) spec = `TZ=${cj.spec.timeZone} ${spec}`;
    try {
      return parseStandard(spec);
    } catch (err) {
      this.recorder.event(cj, 'Warning', 'UnparseableSchedule', `unparseable schedule: ${JSON.stringify(cj.spec.schedule)} : ${(err as Error).message}`);
      return undefined;
    }
  }

  /** mostRecentScheduleTime: the latest activation after the last one handled (or creation), up to now. */
  private mostRecentScheduleTime(cj: Obj, schedule: Schedule, now: number): number | undefined {
    let earliest = Date.parse(cj.status?.lastScheduleTime ?? cj.metadata.creationTimestamp);
    const deadline = cj.spec.startingDeadlineSeconds;
    if (deadline !== undefined && deadline !== null) earliest = Math.max(earliest, now - deadline * 1000);
    let latest: number | undefined;
    for (let t = schedule.next(earliest), n = 0; t !== undefined && t <= now && n < 1000; t = schedule.next(t), n++) latest = t;
    return latest;
  }

  /** getJobFromTemplate2: the Job for one scheduled time. */
  private async createJob(cj: Obj, scheduled: number): Promise<Obj | undefined> {
    const template = cj.spec.jobTemplate ?? {};
    const name = `${cj.metadata.name}-${Math.floor(scheduled / 60_000)}`;
    const job: Obj = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name,
        namespace: cj.metadata.namespace,
        ...(template.metadata?.labels ? { labels: { ...template.metadata.labels } } : {}),
        annotations: { ...(template.metadata?.annotations ?? {}), [scheduledTimestampAnnotation]: rfc3339(scheduled) },
        ownerReferences: [newControllerRef(cj, 'batch/v1', 'CronJob')],
      },
      spec: deepCopy(template.spec ?? {}),
    };
    try {
      const { object } = await this.ctx.client.create(resources.jobs, cj.metadata.namespace, job);
      this.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${name}`);
      return object;
    } catch (err) {
      // Created in an earlier pass whose status update did not land.
      if (isAlreadyExists(err)) return undefined;
      this.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(err as Error).message}`);
      throw err;
    }
  }

  /** cleanupFinishedJobs: only the newest successfulJobsHistoryLimit / failedJobsHistoryLimit finished Jobs stay. */
  private async cleanupFinishedJobs(cj: Obj, jobs: Obj[]): Promise<void> {
    const byStart = (a: Obj, b: Obj) => Date.parse(a.status?.startTime ?? a.metadata.creationTimestamp) - Date.parse(b.status?.startTime ?? b.metadata.creationTimestamp);
    const finished = (type: string) => jobs.filter((j) => finishedCondition(j)?.type === type && !j.metadata.deletionTimestamp).sort(byStart);
    for (const [type, limit] of [['Complete', cj.spec.successfulJobsHistoryLimit ?? 3], ['Failed', cj.spec.failedJobsHistoryLimit ?? 1]] as const) {
      const list = finished(type);
      for (const job of list.slice(0, Math.max(list.length - limit, 0))) {
        try {
          await this.ctx.client.delete(resources.jobs, job.metadata.namespace, job.metadata.name, { propagationPolicy: 'Background' });
          this.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${job.metadata.name}`);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
    }
  }
}
