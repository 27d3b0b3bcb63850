// Endpoints rules (ValidateEndpoints): addresses that are IPs and ports with names when several.

import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { isDNS1123Label, isValidIP, isValidPortNum, nameIsDNSSubdomain } from '../names.js';
import { arr, has, num, obj, str, supportedProtocols } from './common.js';
import { registerKindRules } from './registry.js';

const root = FieldPath.root;

registerKindRules('', 'Endpoints', {
  name: nameIsDNSSubdomain,
  validate: (ep) => {
    const errs: FieldError[] = [];
    arr(ep.subsets).forEach((raw, i) => {
      const ss = obj(raw);
      const p = root('subsets').index(i);
      if (arr(ss.addresses).length === 0 && arr(ss.notReadyAddresses).length === 0)
        errs.push(fieldError.required(p, 'must specify `addresses` or `notReadyAddresses`'));
      for (const list of ['addresses', 'notReadyAddresses'])
        arr(ss[list]).forEach((a, j) => {
          const ip = str(obj(a).ip);
          errs.push(...isValidIP(ip).map((m) => fieldError.invalid(p.child(list).index(j).child('ip'), ip, m)));
        });
      const ports = arr(ss.ports).map(obj);
      ports.forEach((port, j) => {
        const pp = p.child('ports').index(j);
        const name = str(port.name);
        if (ports.length > 1 && !name) errs.push(fieldError.required(pp.child('name')));
        else if (name) errs.push(...isDNS1123Label(name).map((m) => fieldError.invalid(pp.child('name'), name, m)));
        const n = num(port.port) ?? 0;
        errs.push(...isValidPortNum(n).map((m) => fieldError.invalid(pp.child('port'), n, m)));
        const protocol = has(port, 'protocol') ? str(port.protocol) : 'TCP';
        if (!supportedProtocols.includes(protocol)) errs.push(fieldError.notSupported(pp.child('protocol'), protocol, supportedProtocols));
      });
    });
    return errs;
  },
});
