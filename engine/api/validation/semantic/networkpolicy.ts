// NetworkPolicy rules (ValidateNetworkPolicySpec): selectors, peers, ports and port ranges, IP blocks.

import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { validateLabelSelector } from '../../labels/labelSelector.js';
import { isIPv4, isValidCIDR, nameIsDNSSubdomain } from '../names.js';
import { arr, has, isObj, jsonValue, num, obj, str, supportedProtocols } from './common.js';
import { validatePortNumOrName } from './pod.js';
import { registerKindRules } from './registry.js';

const spec = FieldPath.root('spec');

function validatePolicyPorts(ports: unknown, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  arr(ports).forEach((raw, i) => {
    const p = obj(raw);
    const pp = fld.index(i);
    if (has(p, 'protocol') && !supportedProtocols.includes(str(p.protocol))) errs.push(fieldError.notSupported(pp.child('protocol'), p.protocol, supportedProtocols));
    if (has(p, 'port')) errs.push(...validatePortNumOrName(p.port, pp.child('port')));
    if (has(p, 'endPort')) {
      const end = num(p.endPort) ?? 0;
      if (!has(p, 'port')) errs.push(fieldError.required(pp.child('port'), 'must be specified when endPort is specified'));
      else if (typeof p.port !== 'number') errs.push(fieldError.invalid(pp.child('endPort'), end, 'may not be specified when `port` is non-numeric'));
      else if (end < p.port) errs.push(fieldError.invalid(pp.child('endPort'), end, 'must be greater than or equal to `port`'));
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
    if (types.length > 2) errs.push(fieldError.invalid(spec.child('policyTypes'), jsonValue(types), 'may not specify more than two policyTypes'));
    return errs;
  },
});
