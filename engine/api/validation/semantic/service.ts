// Service rules (ValidateService, ValidateServiceUpdate): types, ports and node ports, cluster IPs
// (None only for headless ClusterIP services), traffic policies; the cluster IP is fixed once set.

import { fieldError, type FieldError, FieldPath, GoValue } from '../../errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidIP, isValidPortNum, nameIsDNS1035Label, validateLabels } from '../names.js';
import { arr, jsonValue, has, num, obj, str, supportedProtocols } from './common.js';
import { externallyAccessible } from '../../meta/services.js';
import { validatePortNumOrName } from './pod.js';
import { type Obj, registerKindRules } from './registry.js';

const spec = FieldPath.root('spec');

/** The default NodePort range (kube-apiserver --service-node-port-range). */
export const serviceNodePortRange = { base: 30000, size: 2768 };

/** core.ServicePort as Go's %#v prints it in a Duplicate error. */
function goServicePort(p: Obj): GoValue {
  const tp = p.targetPort;
  const target =
    typeof tp === 'string' ? `intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(tp)}}` : `intstr.IntOrString{Type:0, IntVal:${num(tp) ?? 0}, StrVal:""}`;
  const appProtocol = has(p, 'appProtocol') ? `(*string)(${JSON.stringify(p.appProtocol)})` : '(*string)(nil)';
  return new GoValue(
    `core.ServicePort{Name:${JSON.stringify(str(p.name))}, Protocol:${JSON.stringify(str(p.protocol))}, AppProtocol:${appProtocol}, Port:${num(p.port) ?? 0}, TargetPort:${target}, NodePort:${num(p.nodePort) ?? 0}}`,
  );
}

function validateService(svc: Obj): FieldError[] {
  const s = obj(svc.spec);
  const errs: FieldError[] = [];
  const type = has(s, 'type') ? str(s.type) : 'ClusterIP';
  const types = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
  if (!types.includes(type)) errs.push(fieldError.notSupported(spec.child('type'), type, types));
  const clusterIPs: string[] = arr(s.clusterIPs).length ? arr(s.clusterIPs).map(String) : str(s.clusterIP) ? [str(s.clusterIP)] : [];
  const headless = clusterIPs[0] === 'None';
  const ports = arr(s.ports).map(obj);

  if (type === 'ExternalName') {
    if (clusterIPs.length > 0 && clusterIPs[0] !== '') errs.push(fieldError.forbidden(spec.child('clusterIPs'), 'may not be set for ExternalName services'));
    const cname = str(s.externalName).replace(/\.$/, '');
    if (!cname) errs.push(fieldError.required(spec.child('externalName')));
    else {
      const msgs = isDNS1123Subdomain(cname);
      if (msgs.length) errs.push(fieldError.invalid(spec.child('externalName'), cname, msgs.join(',')));
      else if (cname.split('.').length < 2) errs.push(fieldError.invalid(spec.child('externalName'), cname, 'should be a domain with at least two segments separated by dots'));
    }
  } else {
    if (ports.length === 0 && !headless) errs.push(fieldError.required(spec.child('ports')));
    clusterIPs.forEach((ip, i) => {
      if (ip === 'None' || ip === '') return;
      errs.push(...isValidIP(ip).map((m) => fieldError.invalid(spec.child('clusterIPs').index(i), ip, m)));
    });
    if (headless && (type === 'LoadBalancer' || type === 'NodePort'))
      errs.push(fieldError.invalid(spec.child('clusterIPs').index(0), 'None', `may not be set to 'None' for ${type} services`));
  }

  const names = new Set<string>();
  const portKeys = new Map<string, number>();
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    const pp = spec.child('ports').index(i);
    const name = str(p.name);
    if (ports.length > 1 && !name) errs.push(fieldError.required(pp.child('name')));
    else if (name) {
      errs.push(...isDNS1123Label(name).map((m) => fieldError.invalid(pp.child('name'), name, m)));
      if (names.has(name)) errs.push(fieldError.duplicate(pp.child('name'), name));
      names.add(name);
    }
    const port = num(p.port) ?? 0;
    errs.push(...isValidPortNum(port).map((m) => fieldError.invalid(pp.child('port'), port, m)));
    const protocol = has(p, 'protocol') ? str(p.protocol) : 'TCP';
    if (!protocol) errs.push(fieldError.required(pp.child('protocol')));
    else if (!supportedProtocols.includes(protocol)) errs.push(fieldError.notSupported(pp.child('protocol'), protocol, supportedProtocols));
    if (has(p, 'targetPort')) errs.push(...validatePortNumOrName(p.targetPort, pp.child('targetPort')));
    const key = `${port}/${protocol}`;
    if (portKeys.has(key)) errs.push(fieldError.duplicate(pp, goServicePort({ protocol, ...p })));
    else portKeys.set(key, i);
    const nodePort = num(p.nodePort) ?? 0;
    if (nodePort !== 0) {
      if (type === 'ClusterIP') errs.push(fieldError.forbidden(pp.child('nodePort'), "may not be used when `type` is 'ClusterIP'"));
      else if (type !== 'ExternalName') {
        // The allocator's check, which Kubernetes runs right after validation.
        if (nodePort < serviceNodePortRange.base || nodePort >= serviceNodePortRange.base + serviceNodePortRange.size)
          errs.push(
            fieldError.invalid(pp.child('nodePort'), nodePort, `provided port is not in the valid range. The range of valid ports is ${serviceNodePortRange.base}-${serviceNodePortRange.base + serviceNodePortRange.size - 1}`),
          );
        const nk = `${nodePort}/${protocol}`;
        if (nodePorts.has(nk)) errs.push(fieldError.duplicate(pp.child('nodePort'), nodePort));
        nodePorts.add(nk);
      }
    }
  });

  if (type !== 'ExternalName') errs.push(...validateLabels(s.selector, spec.child('selector')));
  if (has(s, 'sessionAffinity') && !['ClientIP', 'None'].includes(str(s.sessionAffinity)))
    errs.push(fieldError.notSupported(spec.child('sessionAffinity'), s.sessionAffinity, ['ClientIP', 'None']));
  // Externally accessible: a LoadBalancer, a NodePort, or a ClusterIP Service with external IPs
  // (defaulting gives each of them a policy).
  if (has(s, 'externalTrafficPolicy') && str(s.externalTrafficPolicy) !== '') {
    if (!externallyAccessible(s))
      errs.push(fieldError.invalid(spec.child('externalTrafficPolicy'), s.externalTrafficPolicy, 'may only be set for externally-accessible services'));
    else if (!['Cluster', 'Local'].includes(str(s.externalTrafficPolicy)))
      errs.push(fieldError.notSupported(spec.child('externalTrafficPolicy'), s.externalTrafficPolicy, ['Cluster', 'Local']));
  }
  if (has(s, 'internalTrafficPolicy') && !['Cluster', 'Local'].includes(str(s.internalTrafficPolicy)))
    errs.push(fieldError.notSupported(spec.child('internalTrafficPolicy'), s.internalTrafficPolicy, ['Cluster', 'Local']));
  const ipFamilyPolicies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
  if (has(s, 'ipFamilyPolicy') && !ipFamilyPolicies.includes(str(s.ipFamilyPolicy)))
    errs.push(fieldError.notSupported(spec.child('ipFamilyPolicy'), s.ipFamilyPolicy, ipFamilyPolicies));
  arr(s.ipFamilies).forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(fieldError.notSupported(spec.child('ipFamilies').index(i), f, ['IPv4', 'IPv6']));
  });
  return errs;
}

/** A service's primary cluster IP is fixed once allocated, unless the service is or becomes ExternalName. */
function validateServiceUpdate(n: Obj, o: Obj): FieldError[] {
  const ns = obj(n.spec);
  const os = obj(o.spec);
  if (ns.type === 'ExternalName' || os.type === 'ExternalName') return [];
  const newIPs = arr(ns.clusterIPs).length ? arr(ns.clusterIPs).map(String) : str(ns.clusterIP) ? [str(ns.clusterIP)] : [];
  const oldIPs = arr(os.clusterIPs).length ? arr(os.clusterIPs).map(String) : str(os.clusterIP) ? [str(os.clusterIP)] : [];
  // An update that leaves the cluster IP out keeps the allocated one (the REST layer copies it over).
  if (newIPs.length === 0 || oldIPs.length === 0) return [];
  return newIPs[0] !== oldIPs[0] ? [fieldError.invalid(spec.child('clusterIPs').index(0), jsonValue(newIPs), 'may not change once set')] : [];
}

registerKindRules('', 'Service', { name: nameIsDNS1035Label, validate: validateService, validateUpdate: validateServiceUpdate });
