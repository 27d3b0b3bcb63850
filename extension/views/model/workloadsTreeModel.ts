// The Workloads tree (`kubeside.workloads`): namespace → Deployments, StatefulSets, DaemonSets, Jobs,
// CronJobs, ReplicationControllers and standalone Pods → each controller's ReplicaSets or pods → containers, following the
// controller ownerReferences through the cache's controller index (never a scan of all pods); and the
// namespace's HorizontalPodAutoscalers, each with its metrics as `kubectl get hpa` prints them.
import type { KubeObj } from '../../backend/clusterBackend';
import { type CacheChange, type ClusterCache, type WatchedKind, watchedKindOf } from '../../cache/clusterCache';
import { type Clock, RealClock } from '../../../engine/util/clock';
import type { TreeModelOptions } from './clusterTreeModel';
import { groupId, groupNode, kindPrefix, namespaceId, namespaceNode, namespaceRoots, parseGroupId } from './namespaceNodes';
import { containerNodes, podNode, resolveContainer } from './podNodes';
import { byName, type ChildList, code, kindOf, md, objectId, PagedTreeModel, refOf, type TreeNode } from './treeModel';

/** The kind groups of a namespace, in the order kubectl's docs present workloads. */
interface WorkloadGroup {
  readonly group: string;
  readonly label: string;
  readonly kind: WatchedKind;
  readonly icon: string;
  /** Objects shown under another object (a CronJob's Jobs, a controller's pods) are left out of the group. */
  readonly standalone?: (obj: KubeObj) => boolean;
}

const controllerOf = (obj: KubeObj | undefined): KubeObj | undefined => (obj?.metadata?.ownerReferences ?? []).find((r: KubeObj) => r.controller);
/** Pods whose controller is drawn in this tree appear under it; every other pod is listed on its own. */
const podControllers = new Set(['ReplicaSet', 'ReplicationController', 'StatefulSet', 'DaemonSet', 'Job']);

const groups: readonly WorkloadGroup[] = [
  { group: 'deployments', label: 'Deployments', kind: 'deployments', icon: 'layers' },
  { group: 'statefulsets', label: 'StatefulSets', kind: 'statefulsets', icon: 'database' },
  { group: 'daemonsets', label: 'DaemonSets', kind: 'daemonsets', icon: 'server-process' },
  { group: 'replicasets', label: 'ReplicaSets', kind: 'replicasets', icon: 'copy', standalone: (rs) => controllerOf(rs)?.kind !== 'Deployment' },
  { group: 'jobs', label: 'Jobs', kind: 'jobs', icon: 'run-all', standalone: (job) => controllerOf(job)?.kind !== 'CronJob' },
  { group: 'cronjobs', label: 'CronJobs', kind: 'cronjobs', icon: 'watch' },
  { group: 'replicationcontrollers', label: 'ReplicationControllers', kind: 'replicationcontrollers', icon: 'copy' },
  { group: 'pods', label: 'Pods', kind: 'pods', icon: 'symbol-constant', standalone: (pod) => !podControllers.has(controllerOf(pod)?.kind) },
  { group: 'horizontalpodautoscalers', label: 'HorizontalPodAutoscalers', kind: 'horizontalpodautoscalers', icon: 'graph-line' },
];
const groupByName = new Map(groups.map((g) => [g.group, g]));
const groupOfKind = new Map(groups.map((g) => [g.kind, g]));

const revisionOf = (rs: KubeObj) => Number(rs.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0);
const healthy = { color: 'testing.iconPassed' };
const progressing = { color: 'charts.yellow' };
const failing = { color: 'errorForeground' };

export class WorkloadsTreeModel extends PagedTreeModel {
  private readonly clock: Clock;

  constructor(cache: ClusterCache, options: TreeModelOptions = {}) {
    super(cache);
    this.clock = options.clock ?? new RealClock();
  }

  roots(): TreeNode[] {
    return namespaceRoots(this.cache, (namespace) => this.groupsOf(namespace).length > 0);
  }

  protected expand(node: TreeNode): ChildList | TreeNode[] | undefined {
    const ref = node.ref;
    if (ref?.kind === 'Namespace') return this.groupsOf(ref.name);
    const group = parseGroupId(node.id);
    if (group) {
      const g = groupByName.get(group.group);
      return g ? { items: this.sortOnce(node.id, this.members(g, group.namespace), byName), noun: g.group, build: (o) => this.objectNode(g.kind, o) } : undefined;
    }
    if (!ref || node.container) return undefined;
    const obj = this.cache.get(watchedKindOf[ref.kind]!, ref.namespace, ref.name);
    if (!obj) return [];
    switch (ref.kind) {
      case 'Deployment': {
        // The current ReplicaSet (highest revision) first, then older ones.
        const sets = this.cache.byIndex('replicasets', 'controller', obj.metadata.uid).sort((a, b) => revisionOf(b) - revisionOf(a));
        return sets.map((rs) => this.objectNode('replicasets', rs));
      }
      case 'CronJob':
        return { items: this.sortOnce(node.id, this.cache.byIndex('jobs', 'controller', obj.metadata.uid), byName), noun: 'jobs', build: (job) => this.objectNode('jobs', job) };
      case 'Pod':
        return containerNodes(obj);
      case 'HorizontalPodAutoscaler':
        return [];
      default:
        return { items: this.sortOnce(node.id, this.cache.byIndex('pods', 'controller', obj.metadata.uid), byName), noun: 'pods', build: (pod) => this.objectNode('pods', pod) };
    }
  }

  protected rebuild(node: TreeNode): TreeNode | undefined {
    const group = parseGroupId(node.id);
    if (group) return this.groupsOf(group.namespace).find((g) => g.id === node.id);
    const ref = node.ref;
    if (!ref) return undefined;
    if (ref.kind === 'Namespace') {
      const ns = this.cache.get('namespaces', undefined, ref.name);
      return ns && namespaceNode(ns, this.groupsOf(ns.metadata.name).length > 0);
    }
    const kind = watchedKindOf[ref.kind];
    const obj = kind && this.cache.get(kind, ref.namespace, ref.name);
    if (!obj) return undefined;
    if (node.container) return resolveContainer(obj, node);
    return this.objectNode(kind, obj);
  }

  parent(node: TreeNode): TreeNode | undefined {
    const page = this.pageParent(node);
    if (page) return page;
    const group = parseGroupId(node.id);
    if (group) {
      const ns = this.cache.get('namespaces', undefined, group.namespace);
      return ns && namespaceNode(ns, true);
    }
    const ref = node.ref;
    if (!ref?.namespace) return undefined;
    const kind = watchedKindOf[ref.kind];
    const obj = kind && this.cache.get(kind, ref.namespace, ref.name);
    if (!obj) return undefined;
    if (node.container) return this.objectNode('pods', obj);
    const owner = controllerOf(obj);
    const ownerKind = owner && watchedKindOf[owner.kind];
    const ownerObj = ownerKind && this.cache.get(ownerKind, ref.namespace, owner.name);
    const g = groupOfKind.get(kind);
    if (ownerObj && ownerKind && !(g?.standalone?.(obj) ?? false)) {
      const ownerNode = this.objectNode(ownerKind, ownerObj);
      const list = this.expand(ownerNode);
      return list && !Array.isArray(list) ? this.pageHolding(ownerNode, list, list.items.find((o) => o.metadata.uid === obj.metadata.uid) ?? obj) : ownerNode;
    }
    if (!g) return undefined;
    const groupNodeNow = this.groupsOf(ref.namespace).find((n) => n.id === groupId(ref.namespace!, g.group));
    if (!groupNodeNow) return undefined;
    const list = this.expand(groupNodeNow) as ChildList;
    return this.pageHolding(groupNodeNow, list, list.items.find((o) => o.metadata.uid === obj.metadata.uid) ?? obj);
  }

  affected(changes: readonly CacheChange[]): { roots: boolean; ids: ReadonlySet<string> } {
    const ids = new Set<string>();
    let roots = false;
    for (const c of changes) {
      const { namespace, name } = c.object.metadata ?? {};
      if (c.kind === 'namespaces') {
        if (c.type === 'modified') ids.add(namespaceId(name));
        else roots = true;
        continue;
      }
      const g = groupOfKind.get(c.kind);
      if (!g) continue;
      if (c.type === 'modified') {
        ids.add(objectId(kindPrefix(kindOf[c.kind]), namespace, name));
        // Adopted or released by a controller: it moves between its group and its owner.
        if (controllerOf(c.old)?.uid === controllerOf(c.object)?.uid) continue;
      }
      for (const obj of c.old && c.type === 'modified' ? [c.old, c.object] : [c.object]) {
        const owner = controllerOf(obj);
        if (g.standalone && !g.standalone(obj)) ids.add(objectId(kindPrefix(owner!.kind), namespace, owner!.name));
        else {
          // The group's count changes, and the namespace's list of groups when it empties or fills.
          ids.add(groupId(namespace, g.group));
          ids.add(namespaceId(namespace));
        }
      }
    }
    return { roots, ids };
  }

  private members(g: WorkloadGroup, namespace: string): KubeObj[] {
    const all = this.cache.byIndex(g.kind, 'namespace', namespace);
    return g.standalone ? all.filter(g.standalone) : all;
  }

  private groupsOf(namespace: string): TreeNode[] {
    const out: TreeNode[] = [];
    for (const g of groups) {
      const count = g.standalone ? this.members(g, namespace).length : this.cache.byIndex(g.kind, 'namespace', namespace).length;
      if (count) out.push(groupNode(namespace, g.group, g.label, count, g.icon));
    }
    return out;
  }

  private objectNode(kind: WatchedKind, obj: KubeObj): TreeNode {
    if (kind === 'pods') return podNode(obj, { now: this.clock.now() });
    const ref = refOf(kind, obj);
    const { namespace, name } = obj.metadata;
    const spec = obj.spec ?? {};
    const status = obj.status ?? {};
    let description: string;
    let color: { color: string };
    const lines = [`**${ref.kind}** ${code(`${namespace}/${name}`)}`, ''];
    switch (kind) {
      case 'deployments': {
        const desired = spec.replicas ?? 1;
        const ready = status.readyReplicas ?? 0;
        description = `${ready}/${desired} ready · ${status.updatedReplicas ?? 0} up-to-date · ${status.availableReplicas ?? 0} available`;
        const stalled = (status.conditions ?? []).some((c: KubeObj) => c.type === 'Progressing' && c.status === 'False');
        color = stalled ? failing : ready === desired && (status.updatedReplicas ?? 0) === desired ? healthy : progressing;
        lines.push(`Strategy: ${spec.strategy?.type ?? 'RollingUpdate'}`);
        break;
      }
      case 'replicasets': {
        const desired = spec.replicas ?? 1;
        const ready = status.readyReplicas ?? 0;
        description = `revision ${revisionOf(obj)} · ${ready}/${desired} ready`;
        color = ready === desired ? (desired === 0 ? { color: 'descriptionForeground' } : healthy) : progressing;
        break;
      }
      case 'replicationcontrollers': {
        const desired = spec.replicas ?? 1;
        const ready = status.readyReplicas ?? 0;
        description = `${ready}/${desired} ready`;
        color = ready === desired ? (desired === 0 ? { color: 'descriptionForeground' } : healthy) : progressing;
        break;
      }
      case 'statefulsets': {
        const desired = spec.replicas ?? 1;
        const ready = status.readyReplicas ?? 0;
        description = `${ready}/${desired} ready`;
        color = ready === desired ? healthy : progressing;
        lines.push(`Service: ${code(spec.serviceName ?? '')}`);
        break;
      }
      case 'daemonsets': {
        const desired = status.desiredNumberScheduled ?? 0;
        const ready = status.numberReady ?? 0;
        description = `${ready}/${desired} ready · ${status.updatedNumberScheduled ?? 0} up-to-date · ${status.numberAvailable ?? 0} available`;
        color = ready === desired ? healthy : progressing;
        break;
      }
      case 'jobs': {
        const conditions: KubeObj[] = status.conditions ?? [];
        const is = (type: string) => conditions.some((c) => c.type === type && c.status === 'True');
        const state = is('Complete') ? 'Complete' : is('Failed') ? 'Failed' : is('Suspended') ? 'Suspended' : 'Running';
        description = `${status.succeeded ?? 0}/${spec.completions ?? 1} · ${state}`;
        color = state === 'Complete' ? healthy : state === 'Failed' ? failing : progressing;
        break;
      }
      case 'cronjobs': {
        const active = (status.active ?? []).length;
        description = [spec.schedule, spec.suspend ? 'suspended' : undefined, `${active} active`].filter(Boolean).join(' · ');
        color = spec.suspend ? { color: 'descriptionForeground' } : healthy;
        if (status.lastScheduleTime) lines.push(`Last schedule: ${status.lastScheduleTime}`);
        break;
      }
      case 'horizontalpodautoscalers': {
        const target = spec.scaleTargetRef ?? {};
        const conditions: KubeObj[] = status.conditions ?? [];
        const is = (type: string, value: string) => conditions.some((c) => c.type === type && c.status === value);
        description = `${autoscalerTargets(obj)} · ${status.currentReplicas ?? 0} replicas (${spec.minReplicas ?? 1}–${spec.maxReplicas}) · ${target.kind}/${target.name}`;
        color = is('AbleToScale', 'False') || is('ScalingActive', 'False') ? failing : is('ScalingLimited', 'True') ? progressing : healthy;
        lines.push(`Scales: ${code(`${target.kind}/${target.name}`)} between ${spec.minReplicas ?? 1} and ${spec.maxReplicas} replicas`);
        lines.push(`Replicas: ${status.currentReplicas ?? 0} current, ${status.desiredReplicas ?? 0} desired`);
        if (status.lastScaleTime) lines.push(`Last scale: ${status.lastScaleTime}`);
        break;
      }
      default:
        throw new Error(`the Workloads tree draws no ${kind}`);
    }
    // A ReplicationController's selector is a plain label map.
    const selector = kind === 'replicationcontrollers' ? spec.selector : spec.selector?.matchLabels;
    if (selector) lines.push(`Selector: ${code(Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(','))}`);
    const images = (spec.template?.spec?.containers ?? spec.jobTemplate?.spec?.template?.spec?.containers ?? []).map((c: KubeObj) => code(c.image));
    if (images.length) lines.push(`Images: ${images.join(', ')}`);
    for (const c of status.conditions ?? []) lines.push(`- ${c.type}: **${c.status}**${c.reason ? ` (${md(c.reason)})` : ''}${c.message ? ` — ${md(c.message)}` : ''}`);
    return {
      id: objectId(kindPrefix(ref.kind), namespace, name),
      label: name,
      description,
      tooltip: lines.join('  \n'),
      icon: { id: groupOfKind.get(kind)!.icon, ...color },
      contextValue: `kubeside.${kindPrefix(ref.kind)}`,
      collapsible: kind === 'horizontalpodautoscalers' ? 'none' : 'collapsed',
      ref,
    };
  }
}

/**
 * An autoscaler's metrics as the TARGETS column of `kubectl get hpa` shows them (`cpu: 60%/50%`,
 * `memory: 90Mi/100Mi`, `<unknown>` before the first measurement), the current values read from
 * `status.currentMetrics` in the order of `spec.metrics`.
 */
export function autoscalerTargets(hpa: KubeObj): string {
  const metrics: KubeObj[] = hpa.spec?.metrics ?? [];
  if (metrics.length === 0) return '<none>';
  const current: KubeObj[] = hpa.status?.currentMetrics ?? [];
  return metrics
    .map((metric, i) => {
      // The source's field is its type with a lower-case initial: Resource → resource, ContainerResource → containerResource.
      const source = String(metric.type ?? '').replace(/^./, (c: string) => c.toLowerCase());
      const spec = metric[source] ?? {};
      const now = current.find((c, j) => c.type === metric.type && (j === i || c[source]?.name === spec.name))?.[source]?.current ?? {};
      const target = spec.target ?? {};
      const name = spec.name ?? spec.metric?.name ?? source;
      const prefix = metric.type === 'ContainerResource' ? `${name} (${spec.container})` : name;
      if (target.type === 'Utilization') return `${prefix}: ${now.averageUtilization === undefined ? '<unknown>' : `${now.averageUtilization}%`}/${target.averageUtilization}%`;
      if (target.type === 'AverageValue') return `${prefix}: ${now.averageValue ?? '<unknown>'}/${target.averageValue}`;
      return `${prefix}: ${now.value ?? '<unknown>'}/${target.value}`;
    })
    .join(', ');
}
