// Node defaults (SetDefaults_NodeStatus): allocatable is capacity until the kubelet says otherwise.

import { canonicalizeResourceList } from './quantities.js';
import { isObj, registerDefaulter } from './registry.js';

registerDefaulter('', 'Node', (node) => {
  const status = isObj(node.status) ? node.status : undefined;
  if (!status) return;
  canonicalizeResourceList(status.capacity);
  canonicalizeResourceList(status.allocatable);
  if (!isObj(status.allocatable) && isObj(status.capacity)) status.allocatable = { ...status.capacity };
});
