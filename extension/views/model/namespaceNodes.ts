// The first two levels of the namespaced trees (Workloads, Network, Config & Storage): each namespace,
// then one group per kind of object in it ("Deployments", "Services"…), shown only when not empty.
import type { KubeObj } from '../../backend/clusterBackend';
import type { ClusterCache } from '../../cache/clusterCache';
import { code, compareNames, refOf, type TreeNode } from './treeModel';

export const namespaceId = (name: string) => `ns/${name}`;
export const groupId = (namespace: string, group: string) => `group/${namespace}/${group}`;

/** The namespace and group of a group node's id (namespace names hold no `/`). */
export function parseGroupId(id: string): { namespace: string; group: string } | undefined {
  const m = /^group\/([^/]+)\/(.+)$/.exec(id);
  return m ? { namespace: m[1]!, group: m[2]! } : undefined;
}

/** Every namespace, by name; one with nothing of the tree's kinds in it is drawn as a leaf. */
export function namespaceRoots(cache: ClusterCache, hasChildren: (namespace: string) => boolean): TreeNode[] {
  return cache
    .list('namespaces')
    .sort((a, b) => compareNames(a.metadata.name, b.metadata.name))
    .map((ns) => namespaceNode(ns, hasChildren(ns.metadata.name)));
}

export function namespaceNode(ns: KubeObj, hasChildren: boolean): TreeNode {
  const phase: string = ns.status?.phase ?? 'Active';
  return {
    id: namespaceId(ns.metadata.name),
    label: ns.metadata.name,
    ...(phase !== 'Active' ? { description: phase } : {}),
    tooltip: `**Namespace** ${code(ns.metadata.name)} — ${phase}`,
    icon: { id: 'symbol-namespace', ...(phase === 'Terminating' ? { color: 'charts.yellow' } : {}) },
    contextValue: 'kubeside.namespace',
    collapsible: hasChildren ? 'collapsed' : 'none',
    ref: refOf('namespaces', ns),
  };
}

export function groupNode(namespace: string, group: string, label: string, count: number, icon: string): TreeNode {
  return {
    id: groupId(namespace, group),
    label,
    description: String(count),
    icon: { id: icon },
    contextValue: `kubeside.group.${group}`,
    collapsible: 'collapsed',
  };
}

/** The id prefix of an object's node (`deployment/ns/name`): the kind in lower case. */
export function kindPrefix(kind: string): string {
  return kind.toLowerCase();
}
