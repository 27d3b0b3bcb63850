// ResourceQuota: a write that would take a namespace over one of its quotas is refused with
// Kubernetes' message ("exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2").
// Usage is what each quota's status records (the quota controller's count plus what admissions
// charged since), and each admitted write charges it.
// See plugin/pkg/admission/resourcequota and pkg/quota/v1/evaluator/core.
import { Quantity } from '../../api/quantity';
import { type Obj, qosClass } from '../registry/strategy';
import { admissionForbidden } from './forbidden';
import type { AdmissionPlugin } from './types';

export type Usage = Map<string, Quantity>;

const objectCountResources: Record<string, string> = {
  Pod: 'pods',
  Service: 'services',
  ConfigMap: 'configmaps',
  Secret: 'secrets',
  PersistentVolumeClaim: 'persistentvolumeclaims',
  ReplicationController: 'replicationcontrollers',
  ResourceQuota: 'resourcequotas',
};

function add(u: Usage, name: string, q: Quantity): void {
  u.set(name, (u.get(name) ?? Quantity.zero()).add(q));
}

/**
 * Whether a quota's scopes select an object (the pod and claim evaluators' MatchesScopeFunc): every
 * scope of `spec.scopes` and every expression of `spec.scopeSelector` must hold. Scopes speak of
 * pods, except VolumeAttributesClass, which speaks of claims; a scoped quota counts no other kind.
 */
export function matchesScopes(quota: Obj, kind: { group: string; kind: string }, obj: Obj): boolean {
  const scopes: string[] = quota.spec?.scopes ?? [];
  const expressions: Obj[] = quota.spec?.scopeSelector?.matchExpressions ?? [];
  if (scopes.length === 0 && expressions.length === 0) return true;
  if (kind.group !== '') return false;
  const holds = kind.kind === 'Pod' ? podScopeHolds(obj) : kind.kind === 'PersistentVolumeClaim' ? claimScopeHolds(obj) : undefined;
  if (!holds) return false;
  return scopes.every((s) => holds(s, 'Exists', [])) && expressions.every((e) => holds(e.scopeName, e.operator, e.values ?? []));
}

type ScopeTest = (scope: string, operator: string, values: string[]) => boolean;

/** podMatchesScopeFunc: Terminating and BestEffort and their opposites hold whatever the operator. */
function podScopeHolds(pod: Obj): ScopeTest {
  const terminating = typeof pod.spec?.activeDeadlineSeconds === 'number' && pod.spec.activeDeadlineSeconds >= 0;
  const bestEffort = qosClass(pod) === 'BestEffort';
  return (scope, operator, values) => {
    switch (scope) {
      case 'Terminating':
        return terminating;
      case 'NotTerminating':
        return !terminating;
      case 'BestEffort':
        return bestEffort;
      case 'NotBestEffort':
        return !bestEffort;
      case 'PriorityClass': {
        const name: string | undefined = pod.spec?.priorityClassName || undefined;
        if (operator === 'Exists') return name !== undefined;
        if (operator === 'DoesNotExist') return name === undefined;
        if (operator === 'In') return name !== undefined && values.includes(name);
        if (operator === 'NotIn') return name === undefined || !values.includes(name);
        return false;
      }
      case 'CrossNamespacePodAffinity':
        return usesCrossNamespacePodAffinity(pod);
      default:
        return false;
    }
  };
}

/**
 * The claim evaluator's scope: VolumeAttributesClass holds for a claim naming a class (in its spec,
 * as its current class, or as the target of a modification under way) that the operator accepts.
 */
function claimScopeHolds(pvc: Obj): ScopeTest {
  const names: string[] = [pvc.spec?.volumeAttributesClassName, pvc.status?.currentVolumeAttributesClassName, pvc.status?.modifyVolumeStatus?.targetVolumeAttributesClassName].filter(
    (n): n is string => typeof n === 'string' && n !== '',
  );
  return (scope, operator, values) => {
    if (scope !== 'VolumeAttributesClass') return false;
    if (operator === 'Exists') return names.length > 0;
    if (operator === 'In') return names.some((n) => values.includes(n));
    if (operator === 'NotIn') return names.some((n) => !values.includes(n));
    return false;
  };
}

/** Whether any pod (anti-)affinity term of the pod reaches other namespaces (namespaces or namespaceSelector set). */
function usesCrossNamespacePodAffinity(pod: Obj): boolean {
  const affinity = pod.spec?.affinity;
  const crosses = (term: Obj | undefined) => !!term && (((term.namespaces as unknown[] | undefined) ?? []).length > 0 || (term.namespaceSelector !== undefined && term.namespaceSelector !== null));
  for (const kind of [affinity?.podAffinity, affinity?.podAntiAffinity]) {
    if (!kind) continue;
    if ((kind.requiredDuringSchedulingIgnoredDuringExecution ?? []).some((t: Obj) => crosses(t))) return true;
    if ((kind.preferredDuringSchedulingIgnoredDuringExecution ?? []).some((w: Obj) => crosses(w.podAffinityTerm))) return true;
  }
  return false;
}

/** A terminal pod no longer counts against quota. */
export function podCounts(pod: Obj): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

/** What one object uses, in quota resource names (pods, requests.cpu, count/deployments.apps…). */
export function usageOf(kind: { group: string; kind: string; plural: string }, obj: Obj): Usage {
  const u: Usage = new Map();
  const one = Quantity.fromValue(1);
  add(u, `count/${kind.group ? `${kind.plural}.${kind.group}` : kind.plural}`, one);
  const legacy = kind.group === '' ? objectCountResources[kind.kind] : undefined;
  if (legacy) add(u, legacy, one);
  if (kind.group === '' && kind.kind === 'Pod') {
    for (const c of [...(obj.spec?.containers ?? [])]) {
      for (const [r, v] of Object.entries<string>(c.resources?.requests ?? {})) {
        const q = Quantity.tryParse(v);
        if (!q) continue;
        add(u, `requests.${r}`, q);
        if (r === 'cpu' || r === 'memory' || r === 'ephemeral-storage') add(u, r, q);
      }
      for (const [r, v] of Object.entries<string>(c.resources?.limits ?? {})) {
        const q = Quantity.tryParse(v);
        if (q) add(u, `limits.${r}`, q);
      }
    }
  }
  if (kind.group === '' && kind.kind === 'Service') {
    const type = obj.spec?.type ?? 'ClusterIP';
    if (type === 'LoadBalancer') add(u, 'services.loadbalancers', one);
    if (type === 'NodePort' || type === 'LoadBalancer') add(u, 'services.nodeports', Quantity.fromValue((obj.spec?.ports ?? []).length));
  }
  if (kind.group === '' && kind.kind === 'PersistentVolumeClaim') {
    const q = Quantity.tryParse(obj.spec?.resources?.requests?.storage);
    if (q) add(u, 'requests.storage', q);
  }
  return u;
}

/** `a - b`, never below zero, for each resource of `a` (quota.SubtractWithNonNegativeResult). */
function subtractNonNegative(a: Usage, b: Usage): Usage {
  const out: Usage = new Map();
  for (const [name, q] of a) {
    const d = q.sub(b.get(name) ?? Quantity.zero());
    out.set(name, d.sign() < 0 ? Quantity.zero() : d);
  }
  return out;
}

function usageFromStatus(list: Record<string, string> | undefined): Usage {
  return new Map(Object.entries(list ?? {}).map(([n, v]) => [n, Quantity.parse(v)]));
}

const pretty = (u: Usage, names: readonly string[]) => names.map((n) => `${n}=${u.get(n) ?? Quantity.zero()}`).join(',');

/**
 * Charges `delta` to a quota as its status stands: the new `status.used`, or the refusal when it
 * would go over `status.hard` (checkRequest). `forbid` builds the request's 403.
 */
export function chargeQuota(quota: Obj, delta: ReadonlyMap<string, Quantity>, forbid: (why: string) => Error): Record<string, string> {
  const hard = usageFromStatus(quota.status?.hard);
  const used = usageFromStatus(quota.status?.used);
  const requested = new Map([...delta].filter(([n]) => hard.has(n)));
  const newUsed = new Map(used);
  for (const [n, q] of requested) newUsed.set(n, (used.get(n) ?? Quantity.zero()).add(q));
  const exceeded = [...requested.keys()].filter((n) => newUsed.get(n)!.cmp(hard.get(n)!) > 0).sort();
  if (exceeded.length) {
    throw forbid(`exceeded quota: ${quota.metadata.name}, requested: ${pretty(requested, exceeded)}, used: ${pretty(used, exceeded)}, limited: ${pretty(hard, exceeded)}`);
  }
  return Object.fromEntries([...newUsed].map(([n, q]) => [n, q.toString()]));
}

/**
 * ResourceQuota admission as kube-apiserver's evaluator does it: the object's usage (for an update,
 * what it adds) is checked against each quota's `status` — the usage the quota controller recorded
 * and earlier admissions charged — not recounted from the namespace's objects, and an admitted write
 * charges it (`ctx.chargeQuota`), so the check costs the same in a namespace of ten pods or ten
 * thousand. A quota whose status the controller has not filled in yet constrains nothing.
 */
export const resourceQuota: AdmissionPlugin = {
  name: 'ResourceQuota',
  validate(req, ctx) {
    if (!req.object || !req.kind.namespaced || req.subresource || (req.operation !== 'CREATE' && req.operation !== 'UPDATE')) return;
    if (req.operation === 'UPDATE' && !(req.kind.kind === 'Pod' || req.kind.kind === 'PersistentVolumeClaim' || req.kind.kind === 'Service')) return;
    const quotas = ctx.list('', 'resourcequotas', req.namespace);
    if (quotas.length === 0) return;
    const requested = usageOf(req.kind, req.object);
    let delta = req.operation === 'UPDATE' && req.oldObject ? subtractNonNegative(requested, usageOf(req.kind, req.oldObject)) : requested;
    delta = new Map([...delta].filter(([, q]) => q.sign() !== 0));
    for (const quota of quotas) {
      if (!matchesScopes(quota, req.kind, req.object)) continue;
      const hard: Record<string, string> = quota.status?.hard ?? {};
      // Compute quotas require the pod to say what it needs, or they could not be enforced.
      const missing = Object.keys(hard).filter((n) => /^(requests|limits)\.(cpu|memory)$|^(cpu|memory)$/.test(n) && req.kind.kind === 'Pod' && req.kind.group === '' && !requested.has(n));
      if (req.operation === 'CREATE' && missing.length) throw admissionForbidden(req, `failed quota: ${quota.metadata.name}: must specify ${missing.sort().join(',')}`);
      const names = [...delta.keys()].filter((n) => n in hard);
      if (names.length === 0) continue;
      const unknown = names.filter((n) => quota.status?.used?.[n] === undefined).sort();
      if (unknown.length) throw admissionForbidden(req, `status unknown for quota: ${quota.metadata.name}, resources: ${unknown.join(',')}`);
      const charge = new Map(names.map((n) => [n, delta.get(n)!]));
      // Checked now against the status as it stands, and again when the charge is written.
      chargeQuota(quota, charge, (why) => admissionForbidden(req, why));
      ctx.chargeQuota?.(quota, charge, (why) => admissionForbidden(req, why));
    }
  },
};
