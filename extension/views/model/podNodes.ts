// Pods and their containers as tree nodes, shared by the Cluster tree (pods on a node) and the
// Workloads tree (pods of a controller). STATUS is kubectl's own computation, so the tree and
// `kubectl get pods` never disagree.
import { humanDuration, podStatus } from '../../../engine/http/printers';
import type { KubeObj } from '../../backend/clusterBackend';
import { code, md, objectId, refOf, type TreeNode } from './treeModel';

/** The id of a pod's node, in whichever tree it appears. */
export const podId = (namespace: string, name: string) => objectId('pod', namespace, name);

const failedStatuses = /^(Error|CrashLoopBackOff|ImagePullBackOff|ErrImagePull|InvalidImageName|CreateContainerConfigError|CreateContainerError|RunContainerError|OOMKilled|Evicted|Failed|Unknown|NodeLost|ContainerStatusUnknown|Init:(?!\d).*|Signal:.*|ExitCode:.*)$/;

/** The pod's icon: green when running and ready, yellow while on its way, red when failing, grey when done. */
function podIcon(status: string, ready: number, total: number): TreeNode['icon'] {
  if (status === 'Running') return ready === total ? { id: 'pass-filled', color: 'testing.iconPassed' } : { id: 'circle-large-outline', color: 'charts.yellow' };
  if (status === 'Completed' || status === 'Succeeded') return { id: 'pass', color: 'descriptionForeground' };
  if (status === 'Terminating') return { id: 'trash', color: 'charts.yellow' };
  if (failedStatuses.test(status)) return { id: 'error', color: 'errorForeground' };
  return { id: 'clock', color: 'charts.yellow' };
}

export interface PodNodeOptions {
  /** The Cluster tree shows pods of every namespace under a node, so it names the namespace instead of the node. */
  readonly showNamespace?: boolean;
  /** The cluster's time, for "last restart 2m ago". */
  readonly now: number;
}

export function podNode(pod: KubeObj, options: PodNodeOptions): TreeNode {
  const { namespace, name } = pod.metadata;
  const s = podStatus(pod);
  const ip: string | undefined = pod.status?.podIP;
  const description = (options.showNamespace ? [namespace, s.status, ip] : [s.status, ip, pod.spec?.nodeName]).filter(Boolean).join(' · ');
  const owner = (pod.metadata.ownerReferences ?? []).find((r: KubeObj) => r.controller);
  const scheduled = (pod.status?.conditions ?? []).find((c: KubeObj) => c.type === 'PodScheduled');
  const lines = [
    `**Pod** ${code(`${namespace}/${name}`)}`,
    '',
    `Status: **${md(s.status)}** · Ready: ${s.ready}/${s.total} · Restarts: ${s.restarts}${s.lastRestart ? ` (last ${humanDuration(options.now - s.lastRestart)} ago)` : ''}`,
    `Node: ${pod.spec?.nodeName ? code(pod.spec.nodeName) : '_not scheduled_'}${ip ? ` · IP: ${code(ip)}` : ''}`,
  ];
  if (owner) lines.push(`Controlled by: ${code(`${owner.kind}/${owner.name}`)}`);
  if (scheduled?.status === 'False' && scheduled.message) lines.push('', `${md(scheduled.reason ?? 'Unschedulable')}: ${md(scheduled.message)}`);
  if (pod.status?.message) lines.push('', md(pod.status.message));
  return {
    id: podId(namespace, name),
    label: name,
    description,
    tooltip: lines.join('  \n'),
    icon: podIcon(s.status, s.ready, s.total),
    contextValue: 'kubeside.pod',
    collapsible: 'collapsed',
    ref: refOf('pods', pod),
  };
}

/** A container's node: its readiness, restarts and why it is not running (kubectl describe's State). */
export function containerNode(pod: KubeObj, container: KubeObj, init: boolean): TreeNode {
  const { namespace, name } = pod.metadata;
  const statuses: KubeObj[] = (init ? pod.status?.initContainerStatuses : pod.status?.containerStatuses) ?? [];
  const cs = statuses.find((c) => c.name === container.name);
  const waiting = cs?.state?.waiting;
  const terminated = cs?.state?.terminated;
  const running = cs?.state?.running;
  const restarts: number = cs?.restartCount ?? 0;
  let state: string;
  let icon: TreeNode['icon'];
  if (running) {
    state = cs?.ready ? 'ready' : 'running, not ready';
    icon = cs?.ready ? { id: 'pass-filled', color: 'testing.iconPassed' } : { id: 'circle-large-outline', color: 'charts.yellow' };
  } else if (terminated) {
    state = `terminated: ${terminated.reason ?? `exit code ${terminated.exitCode}`}`;
    icon = terminated.exitCode === 0 ? { id: 'pass', color: 'descriptionForeground' } : { id: 'error', color: 'errorForeground' };
  } else {
    state = `waiting${waiting?.reason ? `: ${waiting.reason}` : ''}`;
    icon = waiting?.reason && waiting.reason !== 'ContainerCreating' && waiting.reason !== 'PodInitializing' ? { id: 'error', color: 'errorForeground' } : { id: 'clock', color: 'charts.yellow' };
  }
  const description = [init ? 'init' : undefined, state, `${restarts} restart${restarts === 1 ? '' : 's'}`].filter(Boolean).join(' · ');
  const lines = [`**Container** ${code(container.name)}${init ? ' (init)' : ''} of ${code(`${namespace}/${name}`)}`, '', `Image: ${code(container.image ?? '')}`, `State: ${md(state)} · Restarts: ${restarts}`];
  const message = waiting?.message ?? terminated?.message;
  if (message) lines.push('', md(message));
  const last = cs?.lastState?.terminated;
  if (last) lines.push(`Last state: terminated (${md(last.reason ?? `exit code ${last.exitCode}`)})`);
  return {
    id: `container/${namespace}/${name}/${init ? 'init/' : ''}${container.name}`,
    label: container.name,
    description,
    tooltip: lines.join('  \n'),
    icon,
    contextValue: init ? 'kubeside.initContainer' : 'kubeside.container',
    collapsible: 'none',
    ref: refOf('pods', pod),
    container: container.name,
  };
}

/** A pod's containers, init containers first as they start first. */
export function containerNodes(pod: KubeObj): TreeNode[] {
  return [...(pod.spec?.initContainers ?? []).map((c: KubeObj) => containerNode(pod, c, true)), ...(pod.spec?.containers ?? []).map((c: KubeObj) => containerNode(pod, c, false))];
}

/** A container's node drawn again from its pod. */
export function resolveContainer(pod: KubeObj | undefined, node: TreeNode): TreeNode | undefined {
  if (!pod || !node.container) return undefined;
  const init = node.contextValue === 'kubeside.initContainer';
  const container = ((init ? pod.spec?.initContainers : pod.spec?.containers) ?? []).find((c: KubeObj) => c.name === node.container);
  return container ? containerNode(pod, container, init) : undefined;
}
