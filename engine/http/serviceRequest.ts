// `POST /kubeside/v1/request`: a simulated HTTP request sent through the served cluster's network
// (Ingress, Service, node port, pod) for `kubeside request`, answered with where it went and what
// the pod said. Admins only, as for the snapshot and audit paths.
import { statusErrors } from '../api/errors';
import { groups, type UserInfo } from '../apiserver/auth/user';
import type { Obj } from '../apiserver/registry/strategy';
import type { RequestBody, ServiceResponse } from '../cluster/request';
import type { Caller } from '../network/serviceProxy';

/** The non-resource path of the request endpoint. */
export const serviceRequestPath = '/kubeside/v1/request';

/** What sends simulated requests: the Cluster. */
export interface ServiceRequestSource {
  request(method: string, url: string, options: { from?: Caller }): ServiceResponse;
  /** The control plane's components as ComponentStatus reports them: each with the error of its health check, if any. */
  componentHealth(): { name: string; error?: string }[];
  /** The API server's proxy subresource: `target` is `[scheme:]name[:port]`; undefined when the object does not exist. Nodes have no namespace (''). */
  proxy(resource: 'services' | 'pods' | 'nodes', namespace: string, target: string, method: string, path: string, body?: RequestBody): ServiceResponse | undefined;
}

/** The body a client posts: `{ "method": "GET", "url": "http://web.shop/", "from": { "namespace": "shop", "name": "api-…" } }` (or `{ "node": "worker-1" }`). */
export interface ServiceRequestBody {
  method?: string;
  url: string;
  from?: Caller;
}

/**
 * Sends the posted request. The ApiServer authorizes resource requests only, so this non-resource
 * path is allowed to system:masters (what cluster-admin's `nonResourceURLs: ["*"]` is bound to): a
 * request reaches any pod of any namespace, as a pod on the cluster network could.
 */
export function serveServiceRequest(source: ServiceRequestSource, user: UserInfo, method: string, body: Obj): ServiceResponse {
  if (method !== 'POST') throw statusErrors.methodNotAllowed('the server does not allow this method on the requested resource');
  if (!user.groups.includes(groups.masters)) throw statusErrors.forbidden(`forbidden: User ${JSON.stringify(user.name)} cannot post path ${JSON.stringify(serviceRequestPath)}`);
  if (typeof body.url !== 'string' || !body.url) throw statusErrors.badRequest('the request needs a "url"');
  const verb = body.method ?? 'GET';
  if (typeof verb !== 'string' || !/^[A-Z]+$/.test(verb)) throw statusErrors.badRequest(`invalid method ${JSON.stringify(verb)}`);
  return source.request(verb, body.url, body.from ? { from: caller(body.from) } : {});
}

function caller(from: Obj): Caller {
  if (typeof from.node === 'string' && from.node) return { node: from.node };
  if (typeof from.namespace === 'string' && typeof from.name === 'string' && from.namespace && from.name) return { namespace: from.namespace, name: from.name };
  throw statusErrors.badRequest('"from" names a pod ({"namespace", "name"}) or a node ({"node"})');
}
