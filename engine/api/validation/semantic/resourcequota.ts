// ResourceQuota rules (ValidateResourceQuota): hard limits on standard or qualified resources, as
// non-negative quantities (whole numbers for object counts), and known scopes.

import { fieldError, type FieldError, FieldPath, GoValue } from '../../errors.js';
import { isQualifiedName, nameIsDNSSubdomain } from '../names.js';
import { arr, obj, str } from './common.js';
import { validateResourceQuantity } from './pod.js';
import { registerKindRules } from './registry.js';

const spec = FieldPath.root('spec');

/** Resources a quota may name without a domain (IsStandardQuotaResourceName). */
const standardQuotaResources = new Set([
  'pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims',
  'services.nodeports', 'services.loadbalancers', 'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory',
  'requests.ephemeral-storage', 'requests.storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
]);
/** Quota resources counted in whole objects (IsIntegerResourceName). */
const integerQuotaResources = new Set(['pods', 'services', 'replicationcontrollers', 'resourcequotas', 'secrets', 'configmaps', 'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers']);

function isStandardQuotaResource(name: string): boolean {
  return standardQuotaResources.has(name) || /^(requests\.|limits\.)?hugepages-/.test(name);
}

/** An object count (`count/deployments.apps`) or an extended resource (`requests.nvidia.com/gpu`) is a whole number. */
function isIntegerQuotaResource(name: string): boolean {
  if (integerQuotaResources.has(name) || name.startsWith('count/')) return true;
  return name.includes('/') && !name.includes('kubernetes.io/');
}

function validateHard(list: unknown, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, v] of Object.entries(obj(list))) {
    const p = fld.key(name);
    errs.push(...isQualifiedName(name).map((m) => fieldError.invalid(p, name, m)));
    // A ResourceName prints unquoted: it has a String() method.
    if (!name.includes('/') && !isStandardQuotaResource(name)) errs.push(fieldError.invalid(p, new GoValue(name), 'must be a standard resource for quota'));
    const { errs: qe, q } = validateResourceQuantity(v, p);
    errs.push(...qe);
    if (q && isIntegerQuotaResource(name) && q.scaledValue(-3) % 1000n !== 0n) errs.push(fieldError.invalid(p, new GoValue(q.toString()), 'must be an integer'));
  }
  return errs;
}

registerKindRules('', 'ResourceQuota', {
  name: nameIsDNSSubdomain,
  validate: (rq) => {
    const s = obj(rq.spec);
    const errs = validateHard(s.hard, spec.child('hard'));
    const scopes = ['BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating', 'VolumeAttributesClass'];
    arr(s.scopes).forEach((sc) => {
      if (!scopes.includes(str(sc))) errs.push(fieldError.notSupported(spec.child('scopes'), sc, scopes));
    });
    return errs;
  },
});
