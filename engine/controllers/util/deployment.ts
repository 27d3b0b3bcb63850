// Deployment arithmetic shared by the deployment controller (pkg/controller/deployment/util):
// the pod-template hash, surge and unavailability fenceposts, revision and replica annotations,
// replica counts over ReplicaSets, status conditions, and the orders ReplicaSets are scaled in.
import type { Obj } from '../../apiserver/registry/strategy';
import { deepCopy, deepEqual } from '../../api/patch/jsonValue';

export const defaultDeploymentUniqueLabelKey = 'pod-template-hash';
export const revisionAnnotation = 'deployment.kubernetes.io/revision';
export const revisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
export const desiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const maxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
const rollbackToAnnotation = 'deprecated.deployment.rollback.to';
const lastAppliedConfigAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/** Reasons of the Available and Progressing conditions, as `kubectl describe` shows them. */
export const reasons = {
  minimumReplicasAvailable: 'MinimumReplicasAvailable',
  minimumReplicasUnavailable: 'MinimumReplicasUnavailable',
  newReplicaSet: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  newRSAvailable: 'NewReplicaSetAvailable',
  replicaSetUpdated: 'ReplicaSetUpdated',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  failedRSCreate: 'ReplicaSetCreateError',
} as const;

// ---- the pod-template hash ----

/** FNV-1a, 32 bits, over UTF-8 bytes. */
function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A JSON rendering with sorted keys, so equal templates always hash alike (DeepHashObject's role). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** rand.SafeEncodeString: each character mapped onto an alphabet without vowels or look-alike digits. */
export function safeEncodeString(s: string): string {
  const alphanums = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) out += alphanums[byte % alphanums.length];
  return out;
}

/**
 * controller.ComputeHash: fnv32a over the pod template (plus the collision count, when there is
 * one), its decimal value safe-encoded. Names the ReplicaSet `<deployment>-<hash>`.
 */
export function computeHash(template: Obj, collisionCount?: number): string {
  let text = canonical(template ?? {});
  if (collisionCount !== undefined && collisionCount !== null) text += String(collisionCount);
  return safeEncodeString(String(fnv32a(text)));
}

/** EqualIgnoreHash: two pod templates are equal apart from the pod-template-hash label. */
export function equalIgnoreHash(a: Obj | undefined, b: Obj | undefined): boolean {
  const strip = (t: Obj | undefined) => {
    const c = deepCopy(t ?? {});
    c.metadata ??= {};
    if (c.metadata.labels) {
      delete c.metadata.labels[defaultDeploymentUniqueLabelKey];
      if (Object.keys(c.metadata.labels).length === 0) delete c.metadata.labels;
    }
    if (Object.keys(c.metadata).length === 0) delete c.metadata;
    return c;
  };
  return deepEqual(strip(a), strip(b));
}

// ---- surge and unavailability ----

/** GetScaledValueFromIntOrPercent. */
export function scaledValue(v: number | string | undefined, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    const n = Number(v);
    if (Number.isInteger(n)) return n;
    throw new Error(`invalid value for IntOrString: invalid value ${JSON.stringify(v)}`);
  }
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/** ResolveFenceposts: surge rounds up, unavailability down, and both zero means one unavailable. */
export function resolveFenceposts(maxSurge: number | string | undefined, maxUnavailable: number | string | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export const replicasOf = (d: Obj): number => d.spec?.replicas ?? 1;
export const isRollingUpdate = (d: Obj): boolean => (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';

export function maxSurge(d: Obj): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  return resolveFenceposts(ru.maxSurge, ru.maxUnavailable, replicasOf(d)).surge;
}

export function maxUnavailable(d: Obj): number {
  const replicas = replicasOf(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  return Math.min(resolveFenceposts(ru.maxSurge, ru.maxUnavailable, replicas).unavailable, replicas);
}

// ---- counts over ReplicaSets ----

export const specReplicas = (rs: Obj): number => rs.spec?.replicas ?? 1;
/** GetReplicaCountForReplicaSets: the sum of spec.replicas. */
export const replicaCount = (rss: readonly Obj[]): number => rss.reduce((n, rs) => n + specReplicas(rs), 0);
/** GetActualReplicaCountForReplicaSets: the sum of status.replicas. */
export const actualReplicaCount = (rss: readonly Obj[]): number => rss.reduce((n, rs) => n + (rs.status?.replicas ?? 0), 0);
export const readyReplicaCount = (rss: readonly Obj[]): number => rss.reduce((n, rs) => n + (rs.status?.readyReplicas ?? 0), 0);
export const availableReplicaCount = (rss: readonly Obj[]): number => rss.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);
export const filterActive = (rss: readonly (Obj | undefined)[]): Obj[] => rss.filter((rs): rs is Obj => !!rs && specReplicas(rs) > 0);

/** NewRSNewReplicas: how big the new ReplicaSet may be now without breaking maxSurge. */
export function newRSNewReplicas(d: Obj, allRSs: readonly Obj[], newRS: Obj): number {
  if (!isRollingUpdate(d)) return replicasOf(d);
  const current = replicaCount(allRSs);
  const maxTotal = replicasOf(d) + maxSurge(d);
  if (current >= maxTotal) return specReplicas(newRS);
  const scaleUp = Math.min(maxTotal - current, replicasOf(d) - specReplicas(newRS));
  return specReplicas(newRS) + scaleUp;
}

/** DeploymentComplete: every replica updated and available, and the latest spec observed. */
export function deploymentComplete(d: Obj, status: Obj): boolean {
  const r = replicasOf(d);
  return (status.updatedReplicas ?? 0) === r && (status.replicas ?? 0) === r && (status.availableReplicas ?? 0) === r && (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more updated, ready or available pods, or fewer old ones, than last seen. */
export function deploymentProgressing(d: Obj, status: Obj): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
  return (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld || (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/** A progress deadline of MaxInt32 means none. */
export const hasProgressDeadline = (d: Obj): boolean => d.spec?.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== 2147483647;

export function deploymentTimedOut(d: Obj, status: Obj, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(status, 'Progressing');
  if (!c || c.reason === reasons.newRSAvailable) return false;
  if (c.reason === reasons.timedOut) return true;
  return Date.parse(c.lastUpdateTime) + d.spec.progressDeadlineSeconds * 1000 < now;
}

// ---- conditions ----

export function getCondition(status: Obj | undefined, type: string): Obj | undefined {
  return (status?.conditions ?? []).find((c: Obj) => c.type === type);
}

export function newCondition(type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string, now: string): Obj {
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

/** SetDeploymentCondition: same status and reason is no change; same status keeps its transition time. */
export function setCondition(status: Obj, condition: Obj): void {
  const current = getCondition(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  const next = { ...condition };
  if (current && current.status === condition.status) next.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c: Obj) => c.type !== condition.type), next];
}

export function removeCondition(status: Obj, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c: Obj) => c.type !== type);
  if (status.conditions.length === 0) delete status.conditions;
}

// ---- annotations ----

export function revisionOf(obj: Obj | undefined): number {
  const v = obj?.metadata?.annotations?.[revisionAnnotation];
  const n = Number(v);
  return v !== undefined && Number.isInteger(n) ? n : 0;
}

export const maxRevision = (rss: readonly Obj[]): number => rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);

function skipCopyAnnotation(key: string): boolean {
  return [lastAppliedConfigAnnotation, revisionAnnotation, revisionHistoryAnnotation, desiredReplicasAnnotation, maxReplicasAnnotation, rollbackToAnnotation].includes(key);
}

/** copyDeploymentAnnotationsToReplicaSet; true when something changed. */
function copyDeploymentAnnotations(d: Obj, rs: Obj): boolean {
  let changed = false;
  rs.metadata.annotations ??= {};
  for (const [k, v] of Object.entries<string>(d.metadata.annotations ?? {})) {
    if (skipCopyAnnotation(k) || rs.metadata.annotations[k] === v) continue;
    rs.metadata.annotations[k] = v;
    changed = true;
  }
  return changed;
}

/** SetReplicasAnnotations: desired-replicas and max-replicas on a ReplicaSet; true when changed. */
export function setReplicasAnnotations(rs: Obj, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  if (a[desiredReplicasAnnotation] === String(desired) && a[maxReplicasAnnotation] === String(max)) return false;
  a[desiredReplicasAnnotation] = String(desired);
  a[maxReplicasAnnotation] = String(max);
  return true;
}

export function replicasAnnotationsNeedUpdate(rs: Obj, desired: number, max: number): boolean {
  const a = rs.metadata.annotations ?? {};
  return a[desiredReplicasAnnotation] !== String(desired) || a[maxReplicasAnnotation] !== String(max);
}

/**
 * SetNewReplicaSetAnnotations: the deployment's annotations, the new revision (remembering the
 * revisions it had before, when a rollback brings an old ReplicaSet back), and the replica
 * annotations for a ReplicaSet being created. True when something changed.
 */
export function setNewReplicaSetAnnotations(d: Obj, rs: Obj, newRevision: number, exists: boolean, maxRevHistoryLength = 2000): boolean {
  let changed = copyDeploymentAnnotations(d, rs);
  const a = rs.metadata.annotations;
  const oldRevision: string | undefined = a[revisionAnnotation];
  const oldRevisionInt = oldRevision === undefined || oldRevision === '' ? 0 : Number(oldRevision);
  if (!Number.isInteger(oldRevisionInt)) return false;
  if (oldRevisionInt < newRevision) {
    a[revisionAnnotation] = String(newRevision);
    changed = true;
    if (oldRevision) {
      const history: string = a[revisionHistoryAnnotation] ?? '';
      if (!history) a[revisionHistoryAnnotation] = oldRevision;
      else {
        const revisions = history.split(',');
        while (revisions.join(',').length + oldRevision.length + 1 > maxRevHistoryLength && revisions.length) revisions.shift();
        a[revisionHistoryAnnotation] = [...revisions, oldRevision].join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicasOf(d), replicasOf(d) + maxSurge(d))) changed = true;
  return changed;
}

// ---- orders ----

const created = (rs: Obj): number => Date.parse(rs.metadata.creationTimestamp ?? '') || 0;

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export function byCreation(a: Obj, b: Obj): number {
  return created(a) - created(b) || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);
}

/** ReplicaSetsBySizeOlder: larger first, then older first. */
export function bySizeOlder(a: Obj, b: Obj): number {
  return specReplicas(b) - specReplicas(a) || byCreation(a, b);
}

/** ReplicaSetsBySizeNewer: larger first, then newer first. */
export function bySizeNewer(a: Obj, b: Obj): number {
  return specReplicas(b) - specReplicas(a) || byCreation(b, a);
}

/** ReplicaSetsByRevision: lower revision first, then older first. */
export function byRevision(a: Obj, b: Obj): number {
  return revisionOf(a) - revisionOf(b) || byCreation(a, b);
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template is the deployment's. */
export function findNewReplicaSet(d: Obj, rss: readonly Obj[]): Obj | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** FindActiveOrLatest: the only active ReplicaSet, or the newest one when none is active. */
export function findActiveOrLatest(newRS: Obj | undefined, oldRSs: readonly Obj[]): Obj | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const olds = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = filterActive([...olds, newRS]);
  if (active.length === 0) return newRS ?? olds[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/** getReplicaSetFraction: this ReplicaSet's share of a proportional scale, by its max-replicas annotation. */
function replicaSetFraction(rs: Obj, d: Obj): number {
  if (replicasOf(d) === 0) return -specReplicas(rs);
  const deploymentReplicas = replicasOf(d) + maxSurge(d);
  const annotated = Number(rs.metadata.annotations?.[maxReplicasAnnotation]);
  const base = Number.isInteger(annotated) && rs.metadata.annotations?.[maxReplicasAnnotation] !== undefined ? annotated : (d.status?.replicas ?? 0);
  // integer.RoundToInt32 rounds half away from zero.
  const size = (specReplicas(rs) * deploymentReplicas) / base;
  return Math.sign(size) * Math.round(Math.abs(size)) - specReplicas(rs);
}

/** GetProportion. */
export function proportion(rs: Obj, d: Obj, toAdd: number, added: number): number {
  if (specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}
