// The Cluster tree (`kubeside.cluster`): control-plane nodes then workers, each with the pods it runs
// and their requests against its allocatable resources, plus the pods no node has taken yet.
// Pods are found by the cache's node index; the unscheduled ones, which no index holds, are kept here.
import type { Pod } from 'kubernetes-types/core/v1';
import { Quantity } from '../../../engine/api/quantity';
import { nodeRoles, nodeStatus } from '../../../engine/http/printers';
import { computePodRequests } from '../../../engine/scheduler/resources';
import { type Clock, RealClock } from '../../../engine/util/clock';
import type { Disposable, KubeObj } from '../../backend/clusterBackend';
import type { CacheChange, ClusterCache } from '../../cache/clusterCache';
import { containerNodes, podId, podNode, resolveContainer } from './podNodes';
import { type ChildList, code, compareNames, md, PagedTreeModel, refOf, type TreeNode } from './treeModel';

const controlPlaneLabel = 'node-role.kubernetes.io/control-plane';
/** The root that holds pods no node has been chosen for. */
export const unscheduledId = 'pending';

const nodeId = (name: string) => `node/${name}`;
const podKey = (pod: KubeObj) => `${pod.metadata?.namespace}/${pod.metadata?.name}`;
const terminal = (pod: KubeObj | undefined) => pod?.status?.phase === 'Succeeded' || pod?.status?.phase === 'Failed';

export interface TreeModelOptions {
  /** The cluster's clock (for "restarted 2m ago"); real time by default. */
  readonly clock?: Clock;
}

export class ClusterTreeModel extends PagedTreeModel {
  /** Pods without a node, by `namespace/name`: the cache's node index has no entry for them. */
  private readonly unscheduled = new Map<string, KubeObj>();
  /** Whether the last roots() drew the unscheduled group, so affected() knows when it comes or goes. */
  private showsUnscheduled = false;
  /** Each pod's effective request, parsed once per version of the pod (the cache replaces objects on change). */
  private readonly requests = new WeakMap<KubeObj, { milliCPU: number; memory: number }>();
  private readonly clock: Clock;
  private readonly subscription: Disposable;

  constructor(cache: ClusterCache, options: TreeModelOptions = {}) {
    super(cache);
    this.clock = options.clock ?? new RealClock();
    for (const pod of cache.list('pods')) if (!pod.spec?.nodeName) this.unscheduled.set(podKey(pod), pod);
    this.subscription = cache.onDidChange((changes) => this.track(changes));
  }

  dispose(): void {
    this.subscription.dispose();
  }

  roots(): TreeNode[] {
    const nodes = this.cache.list('nodes').sort((a, b) => {
      const cp = Number(!(controlPlaneLabel in (a.metadata.labels ?? {}))) - Number(!(controlPlaneLabel in (b.metadata.labels ?? {})));
      return cp || compareNames(a.metadata.name, b.metadata.name);
    });
    const roots = nodes.map((n) => this.nodeNode(n));
    this.showsUnscheduled = this.unscheduled.size > 0;
    if (this.showsUnscheduled) roots.push(this.unscheduledNode());
    return roots;
  }

  protected expand(node: TreeNode): ChildList | TreeNode[] | undefined {
    if (node.id === unscheduledId) return this.podList(node.id, [...this.unscheduled.values()]);
    if (node.ref?.kind === 'Node') return this.podList(node.id, this.cache.byIndex('pods', 'node', node.ref.name));
    if (node.ref?.kind === 'Pod' && !node.container) {
      const pod = this.cache.get('pods', node.ref.namespace, node.ref.name);
      return pod ? containerNodes(pod) : [];
    }
    return undefined;
  }

  protected rebuild(node: TreeNode): TreeNode | undefined {
    if (node.id === unscheduledId) return this.unscheduled.size ? this.unscheduledNode() : undefined;
    const ref = node.ref;
    if (ref?.kind === 'Node') {
      const n = this.cache.get('nodes', undefined, ref.name);
      return n && this.nodeNode(n);
    }
    if (ref?.kind === 'Pod') {
      const pod = this.cache.get('pods', ref.namespace, ref.name);
      if (node.container) return resolveContainer(pod, node);
      return pod && podNode(pod, { showNamespace: true, now: this.clock.now() });
    }
    return undefined;
  }

  parent(node: TreeNode): TreeNode | undefined {
    const page = this.pageParent(node);
    if (page) return page;
    const ref = node.ref;
    if (ref?.kind !== 'Pod') return undefined;
    const pod = this.cache.get('pods', ref.namespace, ref.name);
    if (!pod) return undefined;
    if (node.container) return podNode(pod, { showNamespace: true, now: this.clock.now() });
    const holder = pod.spec?.nodeName ? this.cache.get('nodes', undefined, pod.spec.nodeName) : undefined;
    const holderNode = holder ? this.nodeNode(holder) : this.unscheduledNode();
    const list = this.expand(holderNode) as ChildList;
    return this.pageHolding(holderNode, list, list.items.find((p) => p.metadata.uid === pod.metadata.uid) ?? pod);
  }

  affected(changes: readonly CacheChange[]): { roots: boolean; ids: ReadonlySet<string> } {
    // Also tracked here, idempotently, so the answer does not depend on which listener ran first.
    this.track(changes);
    const ids = new Set<string>();
    let roots = this.showsUnscheduled !== this.unscheduled.size > 0;
    const holder = (pod: KubeObj) => (pod.spec?.nodeName ? nodeId(pod.spec.nodeName) : unscheduledId);
    for (const c of changes) {
      if (c.kind === 'nodes') {
        if (c.type !== 'modified') roots = true;
        else if (nodeShown(c.old) !== nodeShown(c.object)) ids.add(nodeId(c.object.metadata.name));
      } else if (c.kind === 'pods') {
        const before = c.type === 'added' ? undefined : (c.old ?? c.object);
        const after = c.type === 'deleted' ? undefined : c.object;
        if (c.type === 'modified') ids.add(podId(c.object.metadata.namespace, c.object.metadata.name));
        // A node's children and its pod count change when a pod comes, goes or is bound; its requests when a pod ends.
        if (!before || !after || before.spec?.nodeName !== after.spec?.nodeName) {
          if (before) ids.add(holder(before));
          if (after) ids.add(holder(after));
        } else if (terminal(before) !== terminal(after)) ids.add(holder(after));
      }
    }
    return { roots, ids };
  }

  private track(changes: readonly CacheChange[]): void {
    for (const c of changes) {
      if (c.kind !== 'pods') continue;
      const key = podKey(c.object);
      if (c.type !== 'deleted' && !c.object.spec?.nodeName) this.unscheduled.set(key, c.object);
      else this.unscheduled.delete(key);
    }
  }

  private podList(id: string, pods: KubeObj[]): ChildList {
    const now = this.clock.now();
    const items = this.sortOnce(id, pods, (a, b) => compareNames(a.metadata.namespace, b.metadata.namespace) || compareNames(a.metadata.name, b.metadata.name));
    return { items, noun: 'pods', build: (pod) => podNode(pod, { showNamespace: true, now }) };
  }

  private requestOf(pod: KubeObj): { milliCPU: number; memory: number } {
    let r = this.requests.get(pod);
    if (!r) {
      const { requests } = computePodRequests(pod as Pod);
      r = { milliCPU: requests.milliCPU, memory: requests.memory };
      this.requests.set(pod, r);
    }
    return r;
  }

  private nodeNode(node: KubeObj): TreeNode {
    const name: string = node.metadata.name;
    const pods = this.cache.byIndex('pods', 'node', name);
    let milliCPU = 0;
    let memory = 0;
    for (const pod of pods) {
      if (terminal(pod)) continue;
      const r = this.requestOf(pod);
      milliCPU += r.milliCPU;
      memory += r.memory;
    }
    const allocatable = node.status?.allocatable ?? {};
    const allocCPU = Quantity.tryParse(allocatable.cpu)?.milliValue() ?? 0;
    const allocMemory = Quantity.tryParse(allocatable.memory)?.value() ?? 0;
    // kubectl describe node truncates the percentage the same way.
    const percent = (used: number, of: number) => (of > 0 ? `${Math.floor((used / of) * 100)}%` : '–');
    const status = nodeStatus(node);
    const roles = nodeRoles(node);
    const description = [status, roles === '<none>' ? undefined : roles, `${pods.length} pod${pods.length === 1 ? '' : 's'}`, `cpu ${percent(milliCPU, allocCPU)}`, `mem ${percent(memory, allocMemory)}`]
      .filter(Boolean)
      .join(' · ');
    const cordoned = !!node.spec?.unschedulable;
    const icon = status.startsWith('Ready') ? (cordoned ? { id: 'server', color: 'charts.yellow' } : { id: 'server', color: 'testing.iconPassed' }) : { id: 'server', color: 'errorForeground' };
    return {
      id: nodeId(name),
      label: name,
      description,
      tooltip: nodeTooltip(node, status, roles, { milliCPU, memory, cpu: percent(milliCPU, allocCPU), mem: percent(memory, allocMemory) }),
      icon,
      contextValue: cordoned ? 'kubeside.node.cordoned' : 'kubeside.node',
      collapsible: pods.length ? 'collapsed' : 'none',
      ref: refOf('nodes', node),
    };
  }

  private unscheduledNode(): TreeNode {
    const reasons = new Map<string, number>();
    for (const pod of this.unscheduled.values()) {
      const scheduled = (pod.status?.conditions ?? []).find((c: KubeObj) => c.type === 'PodScheduled' && c.status === 'False');
      const reason = scheduled?.message ?? scheduled?.reason ?? 'waiting for the scheduler';
      reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    const n = this.unscheduled.size;
    const shown = [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 5);
    const tooltip = [`**${n} pod${n === 1 ? '' : 's'} not scheduled**`, '', ...shown.map(([reason, count]) => `- ${count} × ${md(reason)}`)];
    if (reasons.size > shown.length) tooltip.push(`- …and ${reasons.size - shown.length} other reasons`);
    return {
      id: unscheduledId,
      label: 'Pending (unscheduled)',
      description: `${n} pod${n === 1 ? '' : 's'}`,
      tooltip: tooltip.join('\n'),
      icon: { id: 'warning', color: 'charts.yellow' },
      contextValue: 'kubeside.unscheduled',
      collapsible: 'collapsed',
    };
  }
}

/** What the node item shows, without the heartbeat times that change every few seconds. */
function nodeShown(node: KubeObj | undefined): string {
  if (!node) return '';
  const conditions = (node.status?.conditions ?? []).map((c: KubeObj) => [c.type, c.status, c.reason, c.message]);
  return JSON.stringify([node.metadata?.labels, node.spec?.unschedulable, node.spec?.taints, node.spec?.podCIDR, node.status?.addresses, node.status?.capacity, node.status?.allocatable, conditions]);
}

function formatMemory(bytes: number): string {
  const mi = bytes / (1024 * 1024);
  return mi >= 1024 ? `${(mi / 1024).toFixed(1)}Gi` : `${Math.round(mi)}Mi`;
}

function nodeTooltip(node: KubeObj, status: string, roles: string, requested: { milliCPU: number; memory: number; cpu: string; mem: string }): string {
  const capacity = node.status?.capacity ?? {};
  const allocatable = node.status?.allocatable ?? {};
  const lines = [
    `**Node** ${code(node.metadata.name)} — ${md(status)}`,
    '',
    `Roles: ${md(roles)}${node.status?.nodeInfo?.kubeletVersion ? ` · Kubelet ${code(node.status.nodeInfo.kubeletVersion)}` : ''}  `,
    `Addresses: ${(node.status?.addresses ?? []).map((a: KubeObj) => `${a.type} ${code(a.address)}`).join(', ') || '_none_'}  `,
    `PodCIDR: ${node.spec?.podCIDR ? code(node.spec.podCIDR) : '_none_'}`,
    '',
    '| | cpu | memory | pods |',
    '|---|---|---|---|',
    `| Capacity | ${capacity.cpu ?? ''} | ${capacity.memory ?? ''} | ${capacity.pods ?? ''} |`,
    `| Allocatable | ${allocatable.cpu ?? ''} | ${allocatable.memory ?? ''} | ${allocatable.pods ?? ''} |`,
    `| Requested | ${requested.milliCPU}m (${requested.cpu}) | ${formatMemory(requested.memory)} (${requested.mem}) | |`,
    '',
    '**Conditions**',
    '',
    ...(node.status?.conditions ?? []).map((c: KubeObj) => `- ${c.type}: **${c.status}**${c.reason ? ` (${md(c.reason)})` : ''}${c.message ? ` — ${md(c.message)}` : ''}`),
  ];
  const taints: KubeObj[] = node.spec?.taints ?? [];
  if (taints.length) lines.push('', `Taints: ${taints.map((t) => code(`${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`)).join(', ')}`);
  return lines.join('\n');
}
