// The Node authorizer: a kubelet (`system:node:<name>` in `system:nodes`) may read only the Secrets,
// ConfigMaps, PersistentVolumeClaims and PersistentVolumes that pods bound to its own node use, and
// may write only its own Node, Lease and the status of its own pods, and create only the mirror pods
// of its static pods (which the NodeRestriction admission plugin checks).
// See https://kubernetes.io/docs/reference/access-authn-authz/node/
import { type Attributes, type Authorizer, type Decision, isResourceRequest } from './attributes';
import { nodeNameOf } from './user';

/** The relationships the authorizer follows, kept by the API server from its pod index. */
export interface NodeGraph {
  /** Does some pod bound to `node` reference this object (volume, env, envFrom, imagePullSecrets…)? */
  referencedByNode(node: string, resource: 'secrets' | 'configmaps' | 'persistentvolumeclaims' | 'persistentvolumes' | 'serviceaccounts', namespace: string, name: string): boolean;
  /** The node a pod is bound to. */
  podNode(namespace: string, name: string): string | undefined;
}

const readVerbs = new Set(['get', 'list', 'watch']);

export class NodeAuthorizer implements Authorizer {
  constructor(private readonly graph: NodeGraph) {}

  authorize(a: Attributes): Decision {
    const node = nodeNameOf(a.user);
    if (node === undefined || !isResourceRequest(a)) return { allowed: false };
    const { verb, resource, subresource, namespace = '', name } = a;
    switch (a.apiGroup === '' ? resource : `${resource}.${a.apiGroup}`) {
      case 'secrets':
      case 'configmaps':
      case 'persistentvolumeclaims':
      case 'persistentvolumes':
        if (verb !== 'get' || !name) return { allowed: false, reason: `can only get individual ${resource}` };
        return this.graph.referencedByNode(node, resource as 'secrets', namespace, name)
          ? { allowed: true }
          : { allowed: false, reason: `no relationship found between node '${node}' and this object` };
      case 'serviceaccounts':
        if (subresource === 'token' && verb === 'create' && name && this.graph.referencedByNode(node, 'serviceaccounts', namespace, name)) return { allowed: true };
        return { allowed: false };
      case 'nodes':
        if (readVerbs.has(verb)) return { allowed: true };
        if (verb === 'create' && !subresource) return { allowed: true };
        return name === node && ['update', 'patch'].includes(verb) && (!subresource || subresource === 'status')
          ? { allowed: true }
          : { allowed: false, reason: `node '${node}' cannot modify node '${name ?? ''}'` };
      case 'pods':
        if (readVerbs.has(verb) && !subresource) return { allowed: true };
        if (name && ['update', 'patch'].includes(verb) && subresource === 'status') {
          return this.graph.podNode(namespace, name) === node ? { allowed: true } : { allowed: false, reason: `node '${node}' can only update pods bound to it` };
        }
        if (subresource === 'eviction' && verb === 'create') return { allowed: true };
        // Mirror pods of its static pods; the NodeRestriction admission plugin decides which pods.
        if (verb === 'create' && !subresource) return { allowed: true };
        // The kubelet's final delete of a pod it has stopped (NodeRestriction: only pods bound to it).
        if (verb === 'delete' && name && !subresource) {
          return this.graph.podNode(namespace, name) === node ? { allowed: true } : { allowed: false, reason: `node '${node}' can only delete pods bound to it` };
        }
        return { allowed: false };
      case 'leases.coordination.k8s.io':
        if (namespace !== 'kube-node-lease') return { allowed: false };
        if (verb === 'create') return { allowed: true };
        return name === node ? { allowed: true } : { allowed: false, reason: `node '${node}' can only access its own lease` };
      case 'csinodes.storage.k8s.io':
        // Its own, which the NodeRestriction plugin checks by name.
        return ['get', 'create', 'update', 'patch', 'delete'].includes(verb) ? { allowed: true } : { allowed: false, reason: 'can only get, create, update, patch, or delete a CSINode' };
      case 'services':
      case 'endpoints':
      case 'endpointslices.discovery.k8s.io':
        return readVerbs.has(verb) ? { allowed: true } : { allowed: false };
      case 'events':
      case 'events.events.k8s.io':
        return ['create', 'update', 'patch'].includes(verb) ? { allowed: true } : { allowed: false };
      default:
        return { allowed: false };
    }
  }
}
