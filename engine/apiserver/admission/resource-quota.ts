// ResourceQuota: a write that would take a namespace over one of its quotas is refused with
// Kubernetes' message ("exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2").
// Usage is computed from the namespace's live objects at admission time, so it is always current.
// See plugin/pkg/admission/resourcequota and pkg/quota/v1/evaluator/core.
import { Quantity } from '../../api/quantity';
import type { Obj } from '../registry/strategy';
import { admissionForbidden } from './forbidden';
import type { AdmissionContext, AdmissionPlugin, AdmissionRequest } from './types';

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

function usedIn(ctx: AdmissionContext, req: AdmissionRequest, resourceNames: Set<string>): Usage {
  const used: Usage = new Map();
  for (const obj of ctx.list(req.kind.group, req.kind.plural, req.namespace)) {
    if (req.kind.kind === 'Pod' && req.kind.group === '' && !podCounts(obj)) continue;
    if (req.operation === 'UPDATE' && obj.metadata?.name === req.name) continue;
    for (const [name, q] of usageOf(req.kind, obj)) if (resourceNames.has(name)) add(used, name, q);
  }
  return used;
}

export const resourceQuota: AdmissionPlugin = {
  name: 'ResourceQuota',
  validate(req, ctx) {
    if (!req.object || !req.kind.namespaced || req.subresource || (req.operation !== 'CREATE' && req.operation !== 'UPDATE')) return;
    const quotas = ctx.list('', 'resourcequotas', req.namespace);
    if (quotas.length === 0) return;
    const requested = usageOf(req.kind, req.object);
    if (req.operation === 'UPDATE' && !(req.kind.kind === 'Pod' || req.kind.kind === 'PersistentVolumeClaim' || req.kind.kind === 'Service')) return;
    for (const quota of quotas) {
      const hard: Record<string, string> = quota.spec?.hard ?? {};
      // Compute quotas require the pod to say what it needs, or they could not be enforced.
      const missing = [...Object.keys(hard)].filter((n) => /^(requests|limits)\.(cpu|memory)$|^(cpu|memory)$/.test(n) && req.kind.kind === 'Pod' && req.kind.group === '' && !requested.has(n));
      if (missing.length) throw admissionForbidden(req, `failed quota: ${quota.metadata.name}: must specify ${missing.sort().join(',')}`);
      const names = new Set(Object.keys(hard).filter((n) => requested.has(n)));
      if (names.size === 0) continue;
      const used = usedIn(ctx, req, names);
      const over = [...names].sort().filter((n) => (used.get(n) ?? Quantity.zero()).add(requested.get(n)!).cmp(Quantity.parse(hard[n]!)) > 0);
      if (over.length === 0) continue;
      const list = (u: (n: string) => Quantity | string) => over.map((n) => `${n}=${u(n)}`).join(',');
      throw admissionForbidden(
        req,
        `exceeded quota: ${quota.metadata.name}, requested: ${list((n) => requested.get(n)!)}, used: ${list((n) => used.get(n) ?? Quantity.zero())}, limited: ${list((n) => hard[n]!)}`,
      );
    }
  },
};
