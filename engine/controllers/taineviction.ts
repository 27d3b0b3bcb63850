// The taint eviction controller (pkg/controller/tainteviction, the NoExecute taint manager): a pod
// on a node with a NoExecute taint it does not tolerate is deleted at once; one that tolerates it
// for tolerationSeconds is deleted when they have passed since the taint was added. Keyed by pod.
import type { Taint, Toleration } from 'kubernetes-types/core/v1';
import type { Obj } from '../apiserver/registry/strategy';
import { deepEqual } from '../api/patch/jsonValue';
import type { EventRecorder } from '../client/eventRecorder';
import { toleratesTaint } from '../scheduler/taints';
import { Controller, type ControllerContext, isNotFound, timestamp } from './runtime/controller';
import { indexes, resources } from './runtime/sharedInformerFactory';

export class TaintEvictionController extends Controller {
  readonly name = 'taint-eviction-controller';
  private readonly recorder: EventRecorder;
  private readonly nodes;
  private readonly pods;

  constructor(ctx: ControllerContext) {
    super(ctx);
    this.recorder = ctx.recorder(this.name);
    this.nodes = ctx.informers.informerFor(resources.nodes);
    this.pods = ctx.informers.informerFor(resources.pods);
    const nodeChanged = (old: Obj | undefined, node: Obj) => {
      if (old && deepEqual(old.spec?.taints, node.spec?.taints)) return;
      for (const pod of this.pods.store.byIndex(indexes.nodeName, node.metadata.name)) this.enqueue(pod);
    };
    this.nodes.addEventHandler({ onAdd: (n) => nodeChanged(undefined, n), onUpdate: nodeChanged });
    this.pods.addEventHandler({ onAdd: (p) => this.enqueue(p), onUpdate: (o, p) => { if (o.spec?.nodeName !== p.spec?.nodeName || !deepEqual(o.spec?.tolerations, p.spec?.tolerations)) this.enqueue(p); } });
  }

  async sync(key: string): Promise<void> {
    const pod = this.pods.store.get(key);
    if (!pod || pod.metadata.deletionTimestamp || !pod.spec?.nodeName) return;
    const node = this.nodes.store.get(pod.spec.nodeName);
    const taints: Taint[] = (node?.spec?.taints ?? []).filter((t: Taint) => t.effect === 'NoExecute');
    if (!taints.length) return;
    const tolerations: Toleration[] = pod.spec.tolerations ?? [];
    const now = this.ctx.clock.now();
    let evictAt = now;
    for (const taint of taints) {
      const matching = tolerations.filter((t) => toleratesTaint(t, taint));
      if (!matching.length) {
        evictAt = now;
        break;
      }
      // The shortest tolerationSeconds among the tolerations that match; none set means for ever.
      const seconds = matching.map((t) => t.tolerationSeconds).filter((s): s is number => s !== undefined && s !== null);
      if (!seconds.length) {
        evictAt = Infinity;
        continue;
      }
      const added = taint.timeAdded ? Date.parse(taint.timeAdded) : now;
      evictAt = evictAt === Infinity ? added + Math.min(...seconds) * 1000 : Math.max(evictAt, added + Math.min(...seconds) * 1000);
    }
    if (evictAt === Infinity) return;
    if (evictAt > now) {
      this.queue.addAfter(key, evictAt - now);
      return;
    }
    await this.evict(pod);
  }

  private async evict(pod: Obj): Promise<void> {
    this.recorder.event(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${pod.metadata.namespace}/${pod.metadata.name}`);
    try {
      // The DisruptionTarget condition tells the pod's owners why it went.
      const conditions = [...(pod.status?.conditions ?? []).filter((c: Obj) => c.type !== 'DisruptionTarget'), { type: 'DisruptionTarget', status: 'True', lastTransitionTime: timestamp(this.ctx.clock), reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' }];
      await this.ctx.client.update(resources.pods, pod.metadata.namespace, { ...pod, status: { ...pod.status, conditions } }, {}, 'status');
      await this.ctx.client.delete(resources.pods, pod.metadata.namespace, pod.metadata.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
