// IngressClass rules: a domain-prefixed controller name, fixed once set, and its parameters reference.

import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { isDNS1123Subdomain, nameIsDNSSubdomain } from '../names.js';
import { at, has, isObj, obj, str } from './common.js';
import { registerKindRules } from './registry.js';

const spec = FieldPath.root('spec');

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
