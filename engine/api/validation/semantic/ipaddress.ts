// IPAddress and ServiceCIDR rules (pkg/apis/networking/validation): an IPAddress is named by the
// address it records, in canonical form, and points at the object holding it; a ServiceCIDR holds
// one range, or one per IP family, each a valid prefix in canonical form. Neither changes once made.

import { addrString, masked, parseAddr, parsePrefix, prefixString } from '../go/netip.js';
import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../names.js';
import { arr, deepEqual, isObj, jsonValue, obj, str } from './common.js';
import { registerKindRules, type Obj } from './registry.js';

const spec = FieldPath.root('spec');

/** ValidateIPAddressName: the address itself, in the form Go prints it. */
function ipAddressName(name: string): string[] {
  const addr = parseAddr(name);
  if (typeof addr === 'string') return [addr];
  return addrString(addr) === name ? [] : ['must be a canonical format IP address'];
}

function validateIPAddress(ip: Obj): FieldError[] {
  const ref = obj(obj(ip.spec).parentRef);
  const at = spec.child('parentRef');
  if (!isObj(obj(ip.spec).parentRef)) return [fieldError.required(at)];
  const errs: FieldError[] = [];
  if (str(ref.group)) for (const m of isDNS1123Subdomain(str(ref.group))) errs.push(fieldError.invalid(at.child('group'), ref.group, m));
  if (!str(ref.resource)) errs.push(fieldError.required(at.child('resource')));
  if (!str(ref.name)) errs.push(fieldError.required(at.child('name')));
  if (str(ref.namespace)) for (const m of isDNS1123Label(str(ref.namespace))) errs.push(fieldError.invalid(at.child('namespace'), ref.namespace, m));
  return errs;
}

function validateServiceCIDR(cidr: Obj): FieldError[] {
  const cidrs = arr(obj(cidr.spec).cidrs).map(str);
  const at = spec.child('cidrs');
  if (cidrs.length === 0) return [fieldError.required(at)];
  if (cidrs.length > 2) return [fieldError.invalid(at, jsonValue(cidrs), 'may only hold up to 2 values')];
  const errs: FieldError[] = [];
  const families: string[] = [];
  cidrs.forEach((c, i) => {
    const prefix = parsePrefix(c);
    if (typeof prefix === 'string') return void errs.push(fieldError.invalid(at.index(i), c, prefix));
    if (prefixString(masked(prefix)) !== prefixString(prefix)) errs.push(fieldError.invalid(at.index(i), c, "wrong CIDR format, IP doesn't match network IP address"));
    if (prefixString(prefix) !== c) errs.push(fieldError.invalid(at.index(i), c, 'CIDR not in RFC 5952 canonical format'));
    families.push(c.includes(':') ? 'IPv6' : 'IPv4');
  });
  if (families.length === 2 && families[0] === families[1]) errs.push(fieldError.invalid(at, jsonValue(cidrs), 'may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64'));
  return errs;
}

registerKindRules('networking.k8s.io', 'IPAddress', {
  name: (name) => ipAddressName(name),
  validate: validateIPAddress,
  validateUpdate: (n, o) => (deepEqual(obj(n.spec).parentRef, obj(o.spec).parentRef) ? [] : [fieldError.invalid(spec.child('parentRef'), jsonValue(obj(n.spec).parentRef), 'field is immutable')]),
});

registerKindRules('networking.k8s.io', 'ServiceCIDR', {
  validate: validateServiceCIDR,
  validateUpdate: (n, o) => (deepEqual(obj(n.spec).cidrs, obj(o.spec).cidrs) ? [] : [fieldError.invalid(spec.child('cidrs'), jsonValue(obj(n.spec).cidrs), 'field is immutable')]),
});
