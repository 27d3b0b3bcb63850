// Ingress rules (pkg/apis/networking/validation): hosts that are DNS names, paths of a given type,
// backends naming a service port or a resource, TLS hosts.

import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { isDNS1035Label, isDNS1123Subdomain, isIPv4, isIPv6, isValidPortName, isValidPortNum, isWildcardDNS1123Subdomain, nameIsDNSSubdomain, validatePathSegmentName } from '../names.js';
import { arr, at, has, isObj, jsonValue, num, obj, str } from './common.js';
import { type Obj, registerKindRules } from './registry.js';

const spec = FieldPath.root('spec');

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
    errs.push(fieldError.invalid(spec, jsonValue(Array.isArray(s.rules) ? s.rules : null), 'either `defaultBackend` or `rules` must be specified'));
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
