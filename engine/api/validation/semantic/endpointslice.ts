// EndpointSlice rules (pkg/apis/discovery/validation): an address type its addresses follow, and ports.

import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidIPv4Address, isValidIPv6Address, nameIsDNSSubdomain } from '../names.js';
import { arr, has, obj, str, supportedProtocols } from './common.js';
import { registerKindRules } from './registry.js';

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
