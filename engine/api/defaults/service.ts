// Service defaults (SetDefaults_Service), plus the IP family fields the API server's REST storage fills
// on create, since every stored Service carries them.

import { externallyAccessible } from '../meta/services.js';
import { child, isObj, list, type Obj, registerDefaulter, setDefault } from './registry.js';

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
  // A load balancer's address that does not say how it is reached is a virtual IP (LoadBalancerIPMode).
  if (spec.type === 'LoadBalancer' && isObj(svc.status) && isObj(svc.status.loadBalancer)) {
    for (const ingress of list(svc.status.loadBalancer.ingress)) if (isObj(ingress) && ingress.ip && ingress.ipMode == null) ingress.ipMode = 'VIP';
  }
}

registerDefaulter('', 'Service', setDefaultsService);
