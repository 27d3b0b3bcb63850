// core/v1 defaults beyond pods (pkg/apis/core/v1/defaults.go), plus the Service fields the API server's
// REST storage fills on create (IP families), since every stored Service carries them.

import { canonicalizeResourceList } from './quantities.js';
import { child, isObj, list, registerDefaulter, setDefault, type Obj } from './registry.js';

/** Type LoadBalancer or NodePort, or a ClusterIP service with external IPs (service.ExternallyAccessible). */
function externallyAccessible(spec: Obj): boolean {
  return spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0);
}

export function setDefaultsService(svc: Obj): void {
  const spec = child(svc, 'spec');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = isObj(spec.sessionAffinityConfig) ? spec.sessionAffinityConfig : undefined;
    if (!cfg || !isObj(cfg.clientIP) || cfg.clientIP.timeoutSeconds == null) spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  setDefault(spec, 'type', 'ClusterIP');
  for (const p of list(spec.ports)) {
    setDefault(p, 'protocol', 'TCP');
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(spec)) setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP') setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts == null) spec.allocateLoadBalancerNodePorts = true;
  // The REST layer's initIPFamilyFields on a single-stack IPv4 cluster: a headless service without a
  // selector may serve both families; every other one gets one.
  if (spec.type !== 'ExternalName') {
    const headless = spec.clusterIP === 'None' || (Array.isArray(spec.clusterIPs) && spec.clusterIPs[0] === 'None');
    const selectorless = !isObj(spec.selector) || Object.keys(spec.selector).length === 0;
    if (spec.ipFamilyPolicy == null) spec.ipFamilyPolicy = headless && selectorless ? 'RequireDualStack' : 'SingleStack';
    if (!Array.isArray(spec.ipFamilies) || spec.ipFamilies.length === 0) spec.ipFamilies = spec.ipFamilyPolicy === 'RequireDualStack' ? ['IPv4', 'IPv6'] : ['IPv4'];
    // clusterIPs mirrors a clusterIP given alone (the REST layer's normalizeClusterIPs).
    if (typeof spec.clusterIP === 'string' && spec.clusterIP !== '' && (!Array.isArray(spec.clusterIPs) || spec.clusterIPs.length === 0)) spec.clusterIPs = [spec.clusterIP];
  }
}

export function setDefaultsPersistentVolumeClaim(pvc: Obj): void {
  const spec = child(pvc, 'spec');
  setDefault(spec, 'volumeMode', 'Filesystem');
  const resources = isObj(spec.resources) ? spec.resources : undefined;
  if (resources) {
    canonicalizeResourceList(resources.requests);
    canonicalizeResourceList(resources.limits);
  }
  setDefault(child(pvc, 'status'), 'phase', 'Pending');
}

registerDefaulter('', 'Service', setDefaultsService);
registerDefaulter('', 'PersistentVolumeClaim', setDefaultsPersistentVolumeClaim);

registerDefaulter('', 'PersistentVolume', (pv) => {
  const spec = child(pv, 'spec');
  setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setDefault(spec, 'volumeMode', 'Filesystem');
  canonicalizeResourceList(spec.capacity);
  if (isObj(spec.hostPath)) setDefault(spec.hostPath, 'type', '');
  setDefault(child(pv, 'status'), 'phase', 'Pending');
});

// stringData is write-only: decoding merges it into data (base64, overriding same keys) and drops it.
registerDefaulter('', 'Secret', (s) => {
  setDefault(s, 'type', 'Opaque');
  if (isObj(s.stringData)) {
    const data = child(s, 'data');
    for (const [k, v] of Object.entries(s.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    delete s.stringData;
  }
});

// The kubernetes.io/metadata.name label lets namespace selectors pick a namespace by its name.
registerDefaulter('', 'Namespace', (ns) => {
  const meta = child(ns, 'metadata');
  if (typeof meta.name === 'string' && meta.name) child(meta, 'labels')['kubernetes.io/metadata.name'] = meta.name;
  setDefault(child(ns, 'status'), 'phase', 'Active');
});

registerDefaulter('', 'Node', (node) => {
  const status = isObj(node.status) ? node.status : undefined;
  if (!status) return;
  canonicalizeResourceList(status.capacity);
  canonicalizeResourceList(status.allocatable);
  if (!isObj(status.allocatable) && isObj(status.capacity)) status.allocatable = { ...status.capacity };
});

registerDefaulter('', 'Endpoints', (ep) => {
  for (const subset of list(ep.subsets)) for (const p of list(subset.ports)) setDefault(p, 'protocol', 'TCP');
});

registerDefaulter('', 'ResourceQuota', (rq) => {
  if (isObj(rq.spec)) canonicalizeResourceList(rq.spec.hard);
});

/** SetDefaults_LimitRangeItem: a container's default limit is its max, its default request the limit or the min. */
registerDefaulter('', 'LimitRange', (lr) => {
  for (const item of list(isObj(lr.spec) ? lr.spec.limits : undefined)) {
    for (const f of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio']) canonicalizeResourceList(item[f]);
    if (item.type !== 'Container') continue;
    const def: Obj = isObj(item.default) ? item.default : {};
    const defReq: Obj = isObj(item.defaultRequest) ? item.defaultRequest : {};
    for (const [k, v] of Object.entries(isObj(item.max) ? item.max : {})) if (def[k] === undefined) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (defReq[k] === undefined) defReq[k] = v;
    for (const [k, v] of Object.entries(isObj(item.min) ? item.min : {})) if (defReq[k] === undefined) defReq[k] = v;
    // Empty maps are omitted when stored.
    if (Object.keys(def).length) item.default = def;
    if (Object.keys(defReq).length) item.defaultRequest = defReq;
  }
});

