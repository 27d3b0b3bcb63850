// The resource quota controller (pkg/controller/resourcequota): keeps each ResourceQuota's status —
// `hard` as the spec says and `used` as the namespace's objects add up (the same evaluation the
// ResourceQuota admission plugin charges writes with) — counted when a quota appears or its limits
// change, again when objects give usage back (deleted, of any kind a quota counts, or a pod that
// completed), and every five minutes for everything else (--resource-quota-sync-period).
import type { ResourceType } from '../apiserver/client';
import type { Obj } from '../apiserver/registry/strategy';
import { matchesScopes, podCounts, usageOf } from '../apiserver/admission/resource-quota';
import { Quantity } from '../api/quantity';
import { deepEqual } from '../api/patch/jsonValue';
import { Controller, type ControllerContext, isNotFound } from './runtime/controller';
import { discoverResources } from './runtime/discovery';
import { indexes, resources } from './runtime/sharedInformerFactory';

export const resourceQuotaSyncPeriodMs = 5 * 60 * 1000;

/** The kinds whose changes are watched for quick recalculation (the rest wait for the resync). */
const watched = [resources.pods, resources.services, resources.configmaps, resources.persistentvolumeclaims];
const legacyCounts: Record<string, ResourceType> = {
  pods: resources.pods,
  services: resources.services,
  configmaps: resources.configmaps,
  secrets: { group: '', version: 'v1', resource: 'secrets' },
  persistentvolumeclaims: resources.persistentvolumeclaims,
  replicationcontrollers: { group: '', version: 'v1', resource: 'replicationcontrollers' },
  resourcequotas: resources.resourcequotas,
};

/** A Service that changed type or ports, or a claim that changed its request, may use less now. */
function releasedOnUpdate(old: Obj, cur: Obj): boolean {
  return !deepEqual(old.spec?.type, cur.spec?.type) || !deepEqual(old.spec?.ports?.length, cur.spec?.ports?.length) || !deepEqual(old.spec?.resources?.requests, cur.spec?.resources?.requests);
}

export class ResourceQuotaController extends Controller {
  readonly name = 'resourcequota-controller';
  private readonly quotas;
  /** The kinds whose deletions make quotas count again (kube's quota monitor): the watched ones, and each kind a quota counts. */
  private readonly monitored = new Set<string>();

  constructor(ctx: ControllerContext) {
    super(ctx);
    this.quotas = ctx.informers.informerFor(resources.resourcequotas);
    // A quota's own status changes (this controller's writes, admission's charges) are no reason
    // to count again: only a new quota or a change of what it limits is.
    this.quotas.addEventHandler({ onAdd: (q) => this.enqueue(q), onUpdate: (o, q) => { if (!deepEqual(o.spec?.hard, q.spec?.hard)) this.enqueue(q); } });
    // Replenishment: admission charged what objects took when they were written; what they give
    // back — deleted, or a pod that completed — is counted again here.
    for (const type of watched) {
      const released = type === resources.pods ? (old: Obj, cur: Obj) => podCounts(old) && !podCounts(cur) : releasedOnUpdate;
      ctx.informers.informerFor(type).addEventHandler({ onUpdate: (o, cur) => { if (released(o, cur)) this.recount(cur); }, onDelete: (o) => this.recount(o) });
      this.monitored.add(`${type.group}/${type.resource}`);
    }
    // A full recount every sync period repairs what events missed (--resource-quota-sync-period).
    this.every(resourceQuotaSyncPeriodMs, () => { for (const q of this.quotas.store.list()) this.enqueue(q); });
  }

  /** An object gave usage back: the quotas of its namespace count again. */
  private recount(obj: Obj): void {
    for (const q of this.quotas.store.byIndex(indexes.namespace, obj.metadata.namespace)) this.enqueue(q);
  }

  /** From now on a deleted object of this kind makes the quotas of its namespace count again. */
  private monitor(type: ResourceType): void {
    const key = `${type.group}/${type.resource}`;
    if (this.monitored.has(key)) return;
    this.monitored.add(key);
    this.ctx.informers.informerFor(type).addEventHandler({ onDelete: (o) => this.recount(o) });
  }

  async sync(key: string): Promise<void> {
    const quota = this.quotas.store.get(key);
    if (!quota) return;
    const hard: Record<string, string> = quota.spec?.hard ?? {};
    const namespace: string = quota.metadata.namespace;
    const used = new Map<string, Quantity>(Object.keys(hard).map((n) => [n, Quantity.zero()]));
    // Which resources to add up: each quota resource name says whose objects it counts.
    const kinds = new Map<string, ResourceType & { kind: string }>();
    const served = discoverResources(this.ctx.client, ['list']);
    const addKind = (type: ResourceType) => {
      const found = served.find((r) => r.group === type.group && r.resource === type.resource);
      if (found) kinds.set(`${found.group}/${found.resource}`, found);
    };
    for (const name of Object.keys(hard)) {
      if (/^(requests|limits)\./.test(name) && name !== 'requests.storage') addKind(resources.pods);
      else if (name === 'cpu' || name === 'memory' || name === 'ephemeral-storage') addKind(resources.pods);
      else if (name === 'requests.storage') addKind(resources.persistentvolumeclaims);
      else if (name.startsWith('services.')) addKind(resources.services);
      else if (legacyCounts[name]) addKind(legacyCounts[name]);
      else if (name.startsWith('count/')) {
        const [plural, ...group] = name.slice('count/'.length).split('.');
        const found = served.find((r) => r.resource === plural && r.group === group.join('.'));
        if (found) kinds.set(`${found.group}/${found.resource}`, found);
      }
    }
    for (const kind of kinds.values()) {
      this.monitor(kind);
      for (const obj of this.ctx.client.list(kind, namespace).items as Obj[]) {
        if (kind.group === '' && kind.resource === 'pods' && !podCounts(obj)) continue;
        if (!matchesScopes(quota, kind, obj)) continue;
        for (const [name, q] of usageOf({ group: kind.group, kind: kind.kind, plural: kind.resource }, obj)) {
          if (used.has(name)) used.set(name, used.get(name)!.add(q));
        }
      }
    }
    const status = { hard: { ...hard }, used: Object.fromEntries([...used].map(([n, q]) => [n, q.toString()])) };
    if (deepEqual(quota.status ?? {}, status)) return;
    try {
      await this.ctx.client.update(resources.resourcequotas, namespace, { ...quota, status }, {}, 'status');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
