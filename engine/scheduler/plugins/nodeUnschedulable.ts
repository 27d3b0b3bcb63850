// NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods that tolerate the
// node.kubernetes.io/unschedulable:NoSchedule taint.
import { clusterEvent, type FilterResult, type Plugin } from '../framework';
import { taintNodeUnschedulable, tolerationsTolerateTaint } from '../taints';

export const nodeUnschedulableName = 'NodeUnschedulable';
const unschedulable: FilterResult = ['node(s) were unschedulable'];
const unschedulableTaint = { key: taintNodeUnschedulable, effect: 'NoSchedule' };

export const nodeUnschedulable: Plugin<boolean, undefined> = {
  name: nodeUnschedulableName,
  events: clusterEvent.nodeAdd | clusterEvent.nodeSpecUnschedulableChange | clusterEvent.nodeTaintChange,
  preFilter: (pod) => tolerationsTolerateTaint(pod.tolerations, unschedulableTaint),
  filter: (tolerates, _pod, node) => (node.unschedulable && !tolerates ? unschedulable : null),
};
