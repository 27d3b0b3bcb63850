// NodePorts: a pod asking for a host port fits only nodes where no other pod holds the same
// protocol and port on the same host IP (0.0.0.0 overlaps every address).
import { clusterEvent, type FilterResult, type Plugin, skip } from '../framework';
import type { HostPort } from '../podInfo';

export const nodePortsName = 'NodePorts';
const noFreePorts: FilterResult = ["node(s) didn't have free ports for the requested pod ports"];

export const nodePorts: Plugin<readonly HostPort[], undefined> = {
  name: nodePortsName,
  events: clusterEvent.nodeAdd | clusterEvent.assignedPodDelete,
  preFilter: (pod) => (pod.hostPorts.length ? pod.hostPorts : skip),
  filter: (wanted, _pod, node) => {
    const used = node.usedPorts;
    if (!used) return null;
    for (const hp of wanted) {
      const ips = used.get(hp.key);
      if (!ips) continue;
      if (hp.hostIP === '0.0.0.0' || ips.has('0.0.0.0') || ips.has(hp.hostIP)) return noFreePorts;
    }
    return null;
  },
  // Deleting the pods holding the port frees it.
  resolvable: () => true,
};
