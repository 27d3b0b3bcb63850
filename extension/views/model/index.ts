// The sidebar's trees by their view id (package.json `contributes.views`), each a model over one cache.
import type { ClusterCache } from '../../cache/clusterCache';
import { ClusterTreeModel, type TreeModelOptions } from './clusterTreeModel';
import { ConfigTreeModel } from './configTreeModel';
import { EventsTreeModel } from './eventsTreeModel';
import { NetworkTreeModel } from './networkTreeModel';
import type { TreeModel } from './treeModel';
import { WorkloadsTreeModel } from './workloadsTreeModel';

export type { TreeModel, TreeNode } from './treeModel';
export type { TreeModelOptions } from './clusterTreeModel';

export const treeViewIds = ['kubeside.cluster', 'kubeside.workloads', 'kubeside.network', 'kubeside.config', 'kubeside.events'] as const;
export type TreeViewId = (typeof treeViewIds)[number];

export function createTreeModels(cache: ClusterCache, options: TreeModelOptions = {}): Record<TreeViewId, TreeModel> {
  return {
    'kubeside.cluster': new ClusterTreeModel(cache, options),
    'kubeside.workloads': new WorkloadsTreeModel(cache, options),
    'kubeside.network': new NetworkTreeModel(cache),
    'kubeside.config': new ConfigTreeModel(cache),
    'kubeside.events': new EventsTreeModel(cache),
  };
}
