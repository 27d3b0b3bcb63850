// The pod garbage collector (pkg/controller/podgc): every 20 seconds it deletes
// - the oldest terminated pods (Succeeded or Failed) beyond --terminated-pod-gc-threshold (12,500),
//   evicted ones first;
// - pods bound to a node that no longer exists, once the node has been missing for a 40-second
//   quarantine and the API confirms it is gone: marked Failed with a DisruptionTarget condition
//   (DeletionByPodGC), then deleted at once, so their controllers replace them on other nodes;
// - terminating pods that were never scheduled, and terminating pods on a node that is not Ready and
//   carries the node.kubernetes.io/out-of-service taint (non-graceful node shutdown): force-deleted.
import type { Obj } from '../apiserver/registry/strategy';
import { Controller, type ControllerContext, isNotFound, timestamp } from './runtime/controller';
import { resources } from './runtime/sharedInformerFactory';
import { isPodTerminal } from './util/pod';

/** How often the collector runs (gcCheckPeriod). */
export const gcCheckPeriodMs = 20_000;
/** How long a node must be missing before its pods are collected (quarantineTime). */
export const quarantineMs = 40_000;
/** --terminated-pod-gc-threshold's default. */
export const defaultTerminatedPodThreshold = 12_500;

const outOfServiceTaint = 'node.kubernetes.io/out-of-service';
const gcKey = 'gc';

export class PodGCController extends Controller {
  readonly name = 'pod-garbage-collector';
  private readonly pods;
  private readonly nodes;
  /** Nodes pods are bound to that the informer does not have, with when they were first missed. */
  private readonly missingSince = new Map<string, number>();

  constructor(ctx: ControllerContext, private readonly terminatedPodThreshold = defaultTerminatedPodThreshold) {
    super(ctx);
    this.pods = ctx.informers.informerFor(resources.pods);
    this.nodes = ctx.informers.informerFor(resources.nodes);
    this.every(gcCheckPeriodMs, () => this.queue.add(gcKey));
  }

  async sync(): Promise<void> {
    const pods = [...this.pods.store.list()];
    if (this.terminatedPodThreshold > 0) await this.gcTerminated(pods);
    await this.gcTerminating(pods);
    await this.gcOrphaned(pods);
    await this.gcUnscheduledTerminating(pods);
  }

  private async gcTerminated(pods: Obj[]): Promise<void> {
    const terminated = pods.filter(isPodTerminal);
    const excess = terminated.length - this.terminatedPodThreshold;
    if (excess <= 0) return;
    // Evicted pods first, then the oldest.
    const evicted = (p: Obj) => (p.status?.reason === 'Evicted' ? 0 : 1);
    terminated.sort((a, b) => evicted(a) - evicted(b) || Date.parse(a.metadata.creationTimestamp) - Date.parse(b.metadata.creationTimestamp));
    for (const pod of terminated.slice(0, excess)) await this.markFailedAndDelete(pod);
  }

  private async gcTerminating(pods: Obj[]): Promise<void> {
    const outOfService = new Set<string>();
    for (const node of this.nodes.store.list()) {
      const ready = (node.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready')?.status === 'True';
      if (!ready && (node.spec?.taints ?? []).some((t: Obj) => t.key === outOfServiceTaint)) outOfService.add(node.metadata.name);
    }
    if (!outOfService.size) return;
    for (const pod of pods) {
      if (pod.metadata.deletionTimestamp && outOfService.has(pod.spec?.nodeName)) await this.markFailedAndDelete(pod);
    }
  }

  private async gcOrphaned(pods: Obj[]): Promise<void> {
    const now = this.ctx.clock.now();
    const missing = new Set<string>();
    for (const pod of pods) {
      const node: string | undefined = pod.spec?.nodeName;
      if (node && !this.nodes.store.get(node)) missing.add(node);
    }
    for (const node of this.missingSince.keys()) if (!missing.has(node)) this.missingSince.delete(node);
    const gone = new Set<string>();
    for (const node of missing) {
      const since = this.missingSince.get(node);
      if (since === undefined) {
        this.missingSince.set(node, now);
        continue;
      }
      if (now - since < quarantineMs) continue;
      // The informer may be behind: only a node the API says is not there is gone.
      if (this.ctx.client.tryGet(resources.nodes, undefined, node)) continue;
      gone.add(node);
      this.missingSince.delete(node);
    }
    if (!gone.size) return;
    for (const pod of pods) {
      if (gone.has(pod.spec?.nodeName)) await this.markFailedAndDelete(pod, { reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
    }
  }

  private async gcUnscheduledTerminating(pods: Obj[]): Promise<void> {
    for (const pod of pods) if (pod.metadata.deletionTimestamp && !pod.spec?.nodeName) await this.markFailedAndDelete(pod);
  }

  /**
   * markFailedAndDeletePodWithCondition: a pod not yet terminal is marked Failed (with the
   * DisruptionTarget condition saying why, if given), then deleted with no grace period.
   */
  private async markFailedAndDelete(pod: Obj, disruption?: { reason: string; message: string }): Promise<void> {
    const { namespace, name } = pod.metadata;
    try {
      if (!isPodTerminal(pod)) {
        const conditions = (pod.status?.conditions ?? []).filter((c: Obj) => !disruption || c.type !== 'DisruptionTarget');
        if (disruption) conditions.push({ type: 'DisruptionTarget', status: 'True', lastTransitionTime: timestamp(this.ctx.clock), ...disruption });
        // A patch, not an update: the kubelet may have written the status since the cache saw it.
        await this.ctx.client.patch(resources.pods, namespace, name, 'merge', { status: { phase: 'Failed', conditions } }, { fieldManager: 'PodGC' }, 'status');
      }
      await this.ctx.client.delete(resources.pods, namespace, name, { gracePeriodSeconds: 0 });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
