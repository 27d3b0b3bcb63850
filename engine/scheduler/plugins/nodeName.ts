// NodeName: a pod that names its node (spec.nodeName) fits only that node.
import { clusterEvent, type FilterResult, type Plugin, skip } from '../framework';

export const nodeNameName = 'NodeName';
const didNotMatch: FilterResult = ["node(s) didn't match the requested node name"];

export const nodeName: Plugin<string, undefined> = {
  name: nodeNameName,
  events: clusterEvent.nodeAdd,
  preFilter: (pod) => pod.pod.spec?.nodeName || skip,
  filter: (wanted, _pod, node) => (node.name === wanted ? null : didNotMatch),
};
