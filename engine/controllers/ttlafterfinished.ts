// The TTL-after-finished controller (pkg/controller/ttlafterfinished): a Job with
// ttlSecondsAfterFinished is deleted (in the foreground, with its pods) that many seconds after it
// completed or failed. It wakes itself when the next TTL expires.
import type { Obj } from '../apiserver/registry/strategy';
import { Controller, type ControllerContext, isNotFound, statusCode } from './runtime/controller';
import { resources } from './runtime/sharedInformerFactory';

/** jobFinishTime: when the Complete or Failed condition became true. */
function finishTime(job: Obj): number | undefined {
  const c = (job.status?.conditions ?? []).find((x: Obj) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  return c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : undefined;
}

export class TTLAfterFinishedController extends Controller {
  readonly name = 'ttl-after-finished-controller';
  private readonly jobs;

  constructor(ctx: ControllerContext) {
    super(ctx);
    this.jobs = ctx.informers.informerFor(resources.jobs);
    const changed = (job: Obj) => {
      if (job.spec?.ttlSecondsAfterFinished !== undefined && job.spec.ttlSecondsAfterFinished !== null && finishTime(job) !== undefined && !job.metadata.deletionTimestamp) this.enqueue(job);
    };
    this.jobs.addEventHandler({ onAdd: changed, onUpdate: (_o, j) => changed(j) });
  }

  async sync(key: string): Promise<void> {
    const cached = this.jobs.store.get(key);
    if (!cached || !this.expired(cached)) return;
    // The TTL may have been changed meanwhile: decide on the Job as it is now.
    const fresh = this.ctx.client.tryGet(resources.jobs, cached.metadata.namespace, cached.metadata.name);
    if (!fresh || fresh.metadata.uid !== cached.metadata.uid || !this.expired(fresh)) return;
    try {
      await this.ctx.client.delete(resources.jobs, fresh.metadata.namespace, fresh.metadata.name, { propagationPolicy: 'Foreground', preconditions: { uid: fresh.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err) && statusCode(err) !== 409) throw err;
    }
  }

  /** True once the TTL has passed; otherwise looks again when it will have. */
  private expired(job: Obj): boolean {
    const ttl = job.spec?.ttlSecondsAfterFinished;
    const finished = finishTime(job);
    if (ttl === undefined || ttl === null || finished === undefined || job.metadata.deletionTimestamp) return false;
    const remaining = finished + ttl * 1000 - this.ctx.clock.now();
    if (remaining <= 0) return true;
    this.queue.addAfter(`${job.metadata.namespace}/${job.metadata.name}`, remaining);
    return false;
  }
}
