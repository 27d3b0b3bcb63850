// The one shape of every controller (STYLE §1): informer handlers only enqueue `namespace/name`
// keys; workers take a key and call `sync(key)`, which reads the caches, compares desired with actual
// and acts through the API. A failed sync comes back with per-key back-off.
import type { ApiClient, ResourceType } from '../../apiserver/client';
import type { Obj } from '../../apiserver/registry/strategy';
import { EventRecorder } from '../../client/eventRecorder';
import { objectKey } from '../../client/types';
import { runWorkers, WorkQueue } from '../../client/workqueue';
import { type Clock, rfc3339, type Timer } from '../../util/clock';
import type { Random } from '../../util/random';
import { resources, type SharedInformerFactory } from './sharedInformerFactory';

/** What the controller manager hands every controller. */
export interface ControllerContext {
  readonly client: ApiClient;
  readonly clock: Clock;
  readonly random: Random;
  readonly informers: SharedInformerFactory;
  /** An event recorder writing as `component` (e.g. `replicaset-controller`). */
  recorder(component: string): EventRecorder;
}

export abstract class Controller {
  abstract readonly name: string;
  readonly queue: WorkQueue<string>;
  /** The last error of each key that failed, for diagnostics. */
  readonly errors = new Map<string, unknown>();
  /** Work that runs on a period while the controller runs, each with its pending timer. */
  private readonly periodic = new Map<{ periodMs: number; fn: () => void }, Timer | undefined>();
  private stopped = false;

  constructor(protected readonly ctx: ControllerContext, rateLimits: { baseDelayMs?: number; maxDelayMs?: number } = {}) {
    this.queue = new WorkQueue<string>(ctx.clock, rateLimits);
  }

  abstract sync(key: string): Promise<void>;

  enqueue(obj: Obj): void {
    this.queue.add(objectKey(obj));
  }

  /**
   * RecheckDeletionTimestamp, before a controller adopts an orphan: `owner` read afresh from the
   * API (`resource` is its kind's) is still the same object and is not being deleted.
   */
  protected canAdopt(resource: ResourceType, owner: Obj): boolean {
    const fresh = this.ctx.client.tryGet(resource, owner.metadata.namespace, owner.metadata.name);
    return !!fresh && fresh.metadata.uid === owner.metadata.uid && !fresh.metadata.deletionTimestamp;
  }

  /**
   * RealPodControl's CreatePods: creates `pod` for `owner` in its namespace and records
   * SuccessfulCreate, or FailedCreate and throws. False, and no event, when the namespace is being
   * deleted: that is not the controller's failure.
   */
  protected async createPodFor(recorder: EventRecorder, owner: Obj, pod: Obj): Promise<boolean> {
    try {
      const { object } = await this.ctx.client.create(resources.pods, owner.metadata.namespace, pod);
      recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${object.metadata.name}`);
      return true;
    } catch (err) {
      if (isNamespaceTerminating(err)) return false;
      recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
      throw err;
    }
  }

  /** Runs `fn` every `periodMs` of the clock from `run` until `shutDown` (kube's wait.Until loops). */
  protected every(periodMs: number, fn: () => void): void {
    this.periodic.set({ periodMs, fn }, undefined);
  }

  run(workers: number): Promise<void> {
    for (const task of this.periodic.keys()) this.schedule(task);
    return runWorkers(this.queue, workers, async (key) => {
      await this.sync(key);
      this.errors.delete(key);
    }, (key, err) => this.errors.set(key, err));
  }

  shutDown(): void {
    this.stopped = true;
    for (const timer of this.periodic.values()) timer?.cancel();
    this.queue.shutDown();
  }

  private schedule(task: { periodMs: number; fn: () => void }): void {
    this.periodic.set(task, this.ctx.clock.setTimeout(() => {
      if (this.stopped) return;
      task.fn();
      this.schedule(task);
    }, task.periodMs));
  }
}

/** The HTTP status of an API error, if it is one. */
export function statusCode(err: unknown): number | undefined {
  return (err as { code?: number } | undefined)?.code;
}

export function isNotFound(err: unknown): boolean {
  return statusCode(err) === 404;
}

export function isAlreadyExists(err: unknown): boolean {
  return statusCode(err) === 409 && (err as { reason?: string }).reason === 'AlreadyExists';
}

/** A create refused because its namespace is terminating (the NamespaceTerminating cause). */
export function isNamespaceTerminating(err: unknown): boolean {
  const status = (err as { status?: { details?: { causes?: { reason?: string }[] } } } | undefined)?.status;
  return statusCode(err) === 403 && !!status?.details?.causes?.some((c) => c.reason === 'NamespaceTerminating');
}

/** An RFC 3339 timestamp at second precision, as metav1.Time serialises. */
export function timestamp(clock: Clock): string {
  return rfc3339(clock.now());
}
