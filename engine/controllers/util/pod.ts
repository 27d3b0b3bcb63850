// Pod facts the workload controllers share (k8s.io/kubernetes pkg/api/v1/pod and
// pkg/controller/controller_utils.go): which pods count as active, ready and available, the order
// in which a scale-down picks its victims, and the pod a template stamps out.
import type { Obj } from '../../apiserver/registry/strategy';
import { deepCopy } from '../../api/patch/jsonValue';
import { newControllerRef } from '../../api/meta/ownerReferences';

/** A pod that ran to its end: Succeeded or Failed (IsPodTerminal). */
export function isPodTerminal(pod: Obj): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** FilterActivePods: not finished and not being deleted. */
export function isPodActive(pod: Obj): boolean {
  return !isPodTerminal(pod) && !pod.metadata?.deletionTimestamp;
}

function readyCondition(pod: Obj): Obj | undefined {
  return (pod.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready');
}

export function isPodReady(pod: Obj): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** When the pod last became ready (ms), or undefined. */
export function podReadyTime(pod: Obj): number | undefined {
  const c = readyCondition(pod);
  if (c?.status !== 'True' || !c.lastTransitionTime) return undefined;
  return Date.parse(c.lastTransitionTime);
}

/** IsPodAvailable: ready for at least minReadySeconds. */
export function isPodAvailable(pod: Obj, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (!minReadySeconds) return true;
  const since = podReadyTime(pod);
  return since !== undefined && since + minReadySeconds * 1000 <= now;
}

const phaseOrdinal: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function maxContainerRestarts(pod: Obj): number {
  let max = 0;
  for (const s of [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])]) max = Math.max(max, s.restartCount ?? 0);
  return max;
}

function deletionCost(pod: Obj): number {
  const v = Number(pod.metadata?.annotations?.['controller.kubernetes.io/pod-deletion-cost']);
  return Number.isInteger(v) ? v : 0;
}

/** int(log2(now - t)) in nanoseconds, -1 for a time not in the past (logarithmicRankDiff's buckets). */
function logRank(t: number, now: number): number {
  const d = (now - t) * 1e6;
  return d > 0 ? Math.floor(Math.log2(d)) : -1;
}

/** afterOrZero: an empty time first, then the later time first. */
function afterOrZero(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === undefined;
  return a > b;
}

/**
 * ActivePodsWithRanks.Less: true when pod `a` should be deleted before `b`. Unassigned before
 * assigned, Pending before Unknown before Running, not ready before ready, lower deletion cost first,
 * more pods of the same owner on its node first, ready for less time first (logarithmic buckets),
 * more restarts first, newer first (logarithmic buckets), then by uid.
 */
export function deleteBefore(a: Obj, b: Obj, rankA: number, rankB: number, now: number): boolean {
  const nodeA = a.spec?.nodeName ?? '';
  const nodeB = b.spec?.nodeName ?? '';
  if (nodeA !== nodeB && (nodeA === '' || nodeB === '')) return nodeA === '';
  const pa = phaseOrdinal[a.status?.phase] ?? 0;
  const pb = phaseOrdinal[b.status?.phase] ?? 0;
  if (pa !== pb) return pa < pb;
  const ra = isPodReady(a);
  const rb = isPodReady(b);
  if (ra !== rb) return !ra;
  const ca = deletionCost(a);
  const cb = deletionCost(b);
  if (ca !== cb) return ca < cb;
  if (rankA !== rankB) return rankA > rankB;
  if (ra && rb) {
    const ta = podReadyTime(a);
    const tb = podReadyTime(b);
    if (ta !== tb) {
      if (ta === undefined || tb === undefined) return afterOrZero(ta, tb);
      const diff = logRank(ta, now) - logRank(tb, now);
      if (diff !== 0) return diff < 0;
      return (a.metadata?.uid ?? '') < (b.metadata?.uid ?? '');
    }
  }
  const xa = maxContainerRestarts(a);
  const xb = maxContainerRestarts(b);
  if (xa !== xb) return xa > xb;
  const ka = a.metadata?.creationTimestamp ? Date.parse(a.metadata.creationTimestamp) : undefined;
  const kb = b.metadata?.creationTimestamp ? Date.parse(b.metadata.creationTimestamp) : undefined;
  if (ka !== kb) {
    if (ka === undefined || kb === undefined) return afterOrZero(ka, kb);
    const diff = logRank(ka, now) - logRank(kb, now);
    if (diff !== 0) return diff < 0;
    return (a.metadata?.uid ?? '') < (b.metadata?.uid ?? '');
  }
  return false;
}

/** getPodsPrefix: `<controller>-`, the generateName of the pods it creates. */
export function podsPrefix(controllerName: string): string {
  return `${controllerName}-`;
}

/**
 * GetPodFromTemplate: a new pod from a controller's template (labels, annotations, finalizers,
 * spec), owned by the controller.
 */
export function podFromTemplate(template: Obj, owner: Obj, apiVersion: string, kind: string): Obj {
  const meta = template.metadata ?? {};
  const pod: Obj = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: podsPrefix(owner.metadata.name),
      namespace: owner.metadata.namespace,
      ownerReferences: [newControllerRef(owner, apiVersion, kind)],
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
    },
    spec: deepCopy(template.spec ?? {}),
  };
  return pod;
}
