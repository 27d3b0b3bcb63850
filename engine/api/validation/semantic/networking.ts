// networking.k8s.io/v1 and discovery.k8s.io/v1 rules (pkg/apis/networking/validation,
// pkg/apis/discovery/validation): Ingress hosts, paths and backends, IngressClass controllers,
// NetworkPolicy peers and ports, EndpointSlice addresses and ports.

import { fieldError, FieldPath, GoValue, type FieldError } from '../../errors.js';
import { validateLabelSelector } from '../../labels/labelSelector.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import {
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isIPv4,
  isIPv6,
  isQualifiedName,
  isValidCIDR,
  isValidIPv4Address,
  isValidIPv6Address,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
  nameIsDNSSubdomain,
  validatePathSegmentName,
} from '../names.js';
import { arr, at, has, isObj, num, obj, str } from './common.js';
import { validatePortNumOrName } from './pod.js';
import { registerKindRules, type Obj } from './registry.js';

const spec = FieldPath.root('spec');
const supportedProtocols = ['SCTP', 'TCP', 'UDP'];

// ---- Ingress ----

const pathTypes = ['Exact', 'ImplementationSpecific', 'Prefix'];
const invalidPathSequences = ['//', '/./', '/../', '%2f', '%2F'];
const invalidPathSuffixes = ['/..', '/.'];

function validateIngressBackend(b: Obj, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const hasResource = isObj(b.resource);
  const hasService = isObj(b.service);
  if (hasResource && hasService) return [fieldError.invalid(fld, '', 'cannot set both resource and service backends')];
  if (hasResource) {
    // validateIngressTypedLocalObjectReference
    const r = obj(b.resource);
    const rp = fld.child('resource');
    if (has(r, 'apiGroup')) errs.push(...isDNS1123Subdomain(str(r.apiGroup)).map((m) => fieldError.invalid(rp.child('apiGroup'), r.apiGroup, m)));
    for (const f of ['kind', 'name']) {
      const v = str(r[f]);
      if (!v) errs.push(fieldError.required(rp.child(f), `${f} is required`));
      else errs.push(...validatePathSegmentName(v, false).map((m) => fieldError.invalid(rp.child(f), v, m)));
    }
    return errs;
  }
  if (!hasService) return [fieldError.invalid(fld, '', 'resource or service backend is required')];
  const svc = obj(b.service);
  const name = str(svc.name);
  if (!name) errs.push(fieldError.required(at(fld, 'service', 'name')));
  else errs.push(...isDNS1035Label(name).map((m) => fieldError.invalid(at(fld, 'service', 'name'), name, m)));
  const port = obj(svc.port);
  const portName = str(port.name);
  const portNumber = num(port.number) ?? 0;
  if (portName && portNumber) errs.push(fieldError.invalid(fld, '', 'cannot set both port name & port number'));
  else if (portName) errs.push(...isValidPortName(portName).map((m) => fieldError.invalid(at(fld, 'service', 'port', 'name'), portName, m)));
  else if (portNumber) errs.push(...isValidPortNum(portNumber).map((m) => fieldError.invalid(at(fld, 'service', 'port', 'number'), portNumber, m)));
  else errs.push(fieldError.required(fld, 'port name or number is required'));
  return errs;
}

function validateHTTPIngressPath(p: Obj, fld: FieldPath): FieldError[] {
  if (!has(p, 'pathType')) return [fieldError.required(fld.child('pathType'), 'pathType must be specified')];
  const errs: FieldError[] = [];
  const path = str(p.path);
  switch (p.pathType) {
    case 'Exact':
    case 'Prefix':
      if (!path.startsWith('/')) errs.push(fieldError.invalid(fld.child('path'), path, 'must be an absolute path'));
      if (path) {
        for (const seq of invalidPathSequences) if (path.includes(seq)) errs.push(fieldError.invalid(fld.child('path'), path, `must not contain '${seq}'`));
        for (const suffix of invalidPathSuffixes) if (path.endsWith(suffix)) errs.push(fieldError.invalid(fld.child('path'), path, `cannot end with '${suffix}'`));
      }
      break;
    case 'ImplementationSpecific':
      if (path && !path.startsWith('/')) errs.push(fieldError.invalid(fld.child('path'), path, 'must be an absolute path'));
      break;
    default:
      errs.push(fieldError.notSupported(fld.child('pathType'), p.pathType, pathTypes));
  }
  errs.push(...validateIngressBackend(obj(p.backend), fld.child('backend')));
  return errs;
}

function validateIngress(ing: Obj): FieldError[] {
  const s = obj(ing.spec);
  const errs: FieldError[] = [];
  const rules = arr(s.rules);
  if (rules.length === 0 && !isObj(s.defaultBackend))
    errs.push(fieldError.invalid(spec, new GoValue(Array.isArray(s.rules) ? '[]networking.IngressRule{}' : '[]networking.IngressRule(nil)'), 'either `defaultBackend` or `rules` must be specified'));
  if (isObj(s.defaultBackend)) errs.push(...validateIngressBackend(s.defaultBackend, spec.child('defaultBackend')));
  rules.forEach((raw, i) => {
    const rule = obj(raw);
    const rp = spec.child('rules').index(i);
    const host = str(rule.host);
    if (host) {
      if (isIPv4(host) || isIPv6(host)) errs.push(fieldError.invalid(rp.child('host'), host, 'must be a DNS name, not an IP address'));
      const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
      errs.push(...msgs.map((m) => fieldError.invalid(rp.child('host'), host, m)));
    }
    if (isObj(rule.http)) {
      const paths = arr(rule.http.paths);
      if (paths.length === 0) errs.push(fieldError.required(at(rp, 'http', 'paths')));
      paths.forEach((p, j) => errs.push(...validateHTTPIngressPath(obj(p), at(rp, 'http', 'paths').index(j))));
    }
  });
  arr(s.tls).forEach((raw, i) => {
    const tls = obj(raw);
    const tp = spec.child('tls').index(i);
    arr(tls.hosts).forEach((h, j) => {
      const host = str(h);
      const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
      errs.push(...msgs.map((m) => fieldError.invalid(tp.child('hosts').index(j), host, m)));
    });
    const secretName = str(tls.secretName);
    if (secretName) errs.push(...isDNS1123Subdomain(secretName).map((m) => fieldError.invalid(tp.child('secretName'), secretName, m)));
  });
  if (has(s, 'ingressClassName')) {
    const cls = str(s.ingressClassName);
    errs.push(...isDNS1123Subdomain(cls).map((m) => fieldError.invalid(spec.child('ingressClassName'), cls, m)));
  }
  return errs;
}

registerKindRules('networking.k8s.io', 'Ingress', { name: nameIsDNSSubdomain, validate: validateIngress });

// ---- IngressClass ----

/** IsDomainPrefixedPath: `example.com/ingress-nginx`. */
function validateDomainPrefixedPath(v: string, fld: FieldPath): FieldError[] {
  if (!v) return [fieldError.required(fld)];
  const slash = v.indexOf('/');
  const host = v.slice(0, slash);
  const path = v.slice(slash + 1);
  if (slash <= 0 || !path) return [fieldError.invalid(fld, v, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const errs = isDNS1123Subdomain(host).map((m) => fieldError.invalid(fld, host, m));
  if (!/^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/.test(path))
    errs.push(fieldError.invalid(fld, path, "Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')"));
  return errs;
}

registerKindRules('networking.k8s.io', 'IngressClass', {
  name: nameIsDNSSubdomain,
  validate: (ic) => {
    const s = obj(ic.spec);
    const controller = str(s.controller);
    const errs = validateDomainPrefixedPath(controller, spec.child('controller'));
    if (controller.length > 250) errs.push({ field: String(spec.child('controller')), type: 'TooLong', detail: 'must have at most 250 bytes' });
    if (isObj(s.parameters)) {
      const p = s.parameters;
      if (!str(p.kind)) errs.push(fieldError.required(at(spec, 'parameters', 'kind')));
      if (!str(p.name)) errs.push(fieldError.required(at(spec, 'parameters', 'name')));
      if (has(p, 'scope') && !['Cluster', 'Namespace'].includes(str(p.scope))) errs.push(fieldError.notSupported(at(spec, 'parameters', 'scope'), p.scope, ['Cluster', 'Namespace']));
      if (p.scope === 'Namespace' && !str(p.namespace)) errs.push(fieldError.required(at(spec, 'parameters', 'namespace'), '`parameters.scope` is set to "Namespace"'));
    }
    return errs;
  },
  validateUpdate: (n, o) => {
    const nc = str(obj(n.spec).controller);
    return nc !== str(obj(o.spec).controller) ? [fieldError.invalid(spec.child('controller'), nc, 'field is immutable')] : [];
  },
});

// ---- NetworkPolicy ----

function validatePolicyPorts(ports: unknown, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  arr(ports).forEach((raw, i) => {
    const p = obj(raw);
    const pp = fld.index(i);
    if (has(p, 'protocol') && !supportedProtocols.includes(str(p.protocol))) errs.push(fieldError.notSupported(pp.child('protocol'), p.protocol, supportedProtocols));
    if (has(p, 'port')) errs.push(...validatePortNumOrName(p.port, pp.child('port')));
    if (has(p, 'endPort')) {
      const end = num(p.endPort) ?? 0;
      if (typeof p.port !== 'number') errs.push(fieldError.required(pp.child('endPort'), 'may not be specified when `port` is non-numeric'));
      else {
        if (end < p.port) errs.push(fieldError.invalid(pp.child('endPort'), end, 'must be greater than or equal to `port`'));
        errs.push(...isValidPortNum(end).map((m) => fieldError.invalid(pp.child('endPort'), end, m)));
      }
    }
  });
  return errs;
}

function validatePeers(peers: unknown, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  arr(peers).forEach((raw, i) => {
    const peer = obj(raw);
    const pp = fld.index(i);
    const n = ['podSelector', 'namespaceSelector', 'ipBlock'].filter((k) => has(peer, k)).length;
    if (n === 0) errs.push(fieldError.required(pp, 'must specify a peer'));
    else if (has(peer, 'ipBlock') && n > 1) errs.push(fieldError.forbidden(pp, 'may not specify both ipBlock and another peer'));
    for (const sel of ['podSelector', 'namespaceSelector'])
      if (isObj(peer[sel])) errs.push(...validateLabelSelector(peer[sel] as LabelSelector, pp.child(sel)));
    if (isObj(peer.ipBlock)) {
      const cidr = str(peer.ipBlock.cidr);
      const bp = pp.child('ipBlock');
      if (!cidr) errs.push(fieldError.required(bp.child('cidr')));
      else errs.push(...isValidCIDR(cidr).map((m) => fieldError.invalid(bp.child('cidr'), cidr, m)));
      arr(peer.ipBlock.except).forEach((e, j) => {
        const ex = str(e);
        const msgs = isValidCIDR(ex);
        errs.push(...msgs.map((m) => fieldError.invalid(bp.child('except').index(j), ex, m)));
        if (!msgs.length && cidr && !isValidCIDR(cidr).length && !cidrStrictlyContains(cidr, ex))
          errs.push(fieldError.invalid(bp.child('except').index(j), ex, 'must be a strict subset of `cidr`'));
      });
    }
  });
  return errs;
}

/** Whether `inner` is a strictly smaller block inside `outer` (IPv4 only; IPv6 blocks are accepted). */
function cidrStrictlyContains(outer: string, inner: string): boolean {
  const [oip, obits] = outer.split('/');
  const [iip, ibits] = inner.split('/');
  if (!isIPv4(oip) || !isIPv4(iip)) return true;
  const toInt = (ip: string) => ip.split('.').reduce((a, p) => a * 256 + Number(p), 0);
  const ob = Number(obits);
  if (Number(ibits) <= ob) return false;
  const mask = ob === 0 ? 0 : 2 ** 32 - 2 ** (32 - ob);
  const maskOf = (v: number) => Math.floor(v / 2 ** (32 - ob)) * 2 ** (32 - ob);
  return mask === 0 || maskOf(toInt(iip)) === maskOf(toInt(oip));
}

registerKindRules('networking.k8s.io', 'NetworkPolicy', {
  name: nameIsDNSSubdomain,
  validate: (np) => {
    const s = obj(np.spec);
    const errs = validateLabelSelector(obj(s.podSelector) as LabelSelector, spec.child('podSelector'));
    arr(s.ingress).forEach((r, i) => {
      const p = spec.child('ingress').index(i);
      errs.push(...validatePolicyPorts(obj(r).ports, p.child('ports')), ...validatePeers(obj(r).from, p.child('from')));
    });
    arr(s.egress).forEach((r, i) => {
      const p = spec.child('egress').index(i);
      errs.push(...validatePolicyPorts(obj(r).ports, p.child('ports')), ...validatePeers(obj(r).to, p.child('to')));
    });
    const types = arr(s.policyTypes);
    types.forEach((t, i) => {
      if (t !== 'Ingress' && t !== 'Egress') errs.push(fieldError.notSupported(spec.child('policyTypes').index(i), t, ['Egress', 'Ingress']));
    });
    if (types.length > 2) errs.push(fieldError.invalid(spec.child('policyTypes'), new GoValue(`[]networking.PolicyType{${types.map((t) => JSON.stringify(t)).join(', ')}}`), 'may not specify more than two policyTypes'));
    return errs;
  },
});

// ---- EndpointSlice ----

const addressTypes = ['FQDN', 'IPv4', 'IPv6'];

registerKindRules('discovery.k8s.io', 'EndpointSlice', {
  name: nameIsDNSSubdomain,
  validate: (es) => {
    const errs: FieldError[] = [];
    const root = FieldPath.root;
    const addressType = str(es.addressType);
    if (!addressType) errs.push(fieldError.required(root('addressType')));
    else if (!addressTypes.includes(addressType)) errs.push(fieldError.notSupported(root('addressType'), addressType, addressTypes));
    const endpoints = arr(es.endpoints);
    if (endpoints.length > 1000) errs.push(fieldError.tooMany(root('endpoints'), endpoints.length, 1000));
    endpoints.forEach((raw, i) => {
      const ep = obj(raw);
      const ap = root('endpoints').index(i).child('addresses');
      const addresses = arr(ep.addresses);
      if (addresses.length === 0) errs.push(fieldError.required(ap, 'must contain at least 1 address'));
      else if (addresses.length > 100) errs.push(fieldError.tooMany(ap, addresses.length, 100));
      addresses.forEach((a, j) => {
        const addr = str(a);
        if (addressType === 'IPv4') errs.push(...isValidIPv4Address(ap.index(j), addr));
        else if (addressType === 'IPv6') errs.push(...isValidIPv6Address(ap.index(j), addr));
        else if (addressType === 'FQDN') {
          const msgs = isDNS1123Subdomain(addr);
          if (msgs.length) errs.push(fieldError.invalid(ap.index(j), addr, msgs.join(',')));
          else if (addr.split('.').length < 2) errs.push(fieldError.invalid(ap.index(j), addr, 'should be a domain with at least two segments separated by dots'));
        }
      });
      if (has(ep, 'hostname')) {
        const h = str(ep.hostname);
        errs.push(...isDNS1123Label(h).map((m) => fieldError.invalid(root('endpoints').index(i).child('hostname'), h, m)));
      }
      if (has(ep, 'nodeName')) {
        const n = str(ep.nodeName);
        errs.push(...isDNS1123Subdomain(n).map((m) => fieldError.invalid(root('endpoints').index(i).child('nodeName'), n, m)));
      }
    });
    const names = new Set<string>();
    arr(es.ports).forEach((raw, i) => {
      const p = obj(raw);
      const pp = root('ports').index(i);
      const name = str(p.name);
      if (name) errs.push(...isDNS1123Label(name).map((m) => fieldError.invalid(pp.child('name'), name, m)));
      if (names.has(name)) errs.push(fieldError.duplicate(pp.child('name'), name));
      names.add(name);
      if (!has(p, 'protocol')) errs.push(fieldError.required(pp.child('protocol')));
      else if (!supportedProtocols.includes(str(p.protocol))) errs.push(fieldError.notSupported(pp.child('protocol'), p.protocol, supportedProtocols));
      if (has(p, 'appProtocol')) errs.push(...isQualifiedName(str(p.appProtocol)).map((m) => fieldError.invalid(pp.child('appProtocol'), p.appProtocol, m)));
    });
    return errs;
  },
  validateUpdate: (n, o) => (n.addressType !== o.addressType ? [fieldError.invalid(FieldPath.root('addressType'), n.addressType, 'field is immutable')] : []),
});
