// APIService rules (kube-aggregator's apiregistration validation): the name is `version.group`,
// the group a DNS subdomain (empty only for the legacy v1), the version a DNS label, priorities in
// range; a local APIService (no service) takes neither a caBundle nor insecureSkipTLSVerify, and a
// service-backed one names its Service and does not skip TLS verification while it pins a CA.

import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { isDNS1035Label, isDNS1123Subdomain, validatePathSegmentName } from '../names.js';
import { isObj, obj, str } from './common.js';
import { registerKindRules, type Obj } from './registry.js';

const spec = FieldPath.root('spec');

function validateAPIService(apiService: Obj): FieldError[] {
  const s = obj(apiService.spec);
  const group = str(s.group);
  const version = str(s.version);
  const errs: FieldError[] = [];
  const name = str(obj(apiService.metadata).name);
  // Its name must be exactly version.group, once it is a valid path segment at all.
  const required = `${version}.${group}`;
  if (name && validatePathSegmentName(name, false).length === 0 && name !== required) {
    errs.push(fieldError.invalid(FieldPath.root('metadata').child('name'), name, `must be \`spec.version+"."+spec.group\`: ${JSON.stringify(required)}`));
  }
  if (!group && version !== 'v1') errs.push(fieldError.required(spec.child('group'), 'only v1 may have an empty group and it better be legacy kube'));
  if (group) for (const m of isDNS1123Subdomain(group)) errs.push(fieldError.invalid(spec.child('group'), group, m));
  for (const m of isDNS1035Label(version)) errs.push(fieldError.invalid(spec.child('version'), version, m));
  const groupPriority = typeof s.groupPriorityMinimum === 'number' ? s.groupPriorityMinimum : 0;
  if (groupPriority <= 0 || groupPriority > 20000) errs.push(fieldError.invalid(spec.child('groupPriorityMinimum'), groupPriority, 'must be positive and less than 20000'));
  const versionPriority = typeof s.versionPriority === 'number' ? s.versionPriority : 0;
  if (versionPriority <= 0 || versionPriority > 1000) errs.push(fieldError.invalid(spec.child('versionPriority'), versionPriority, 'must be positive and less than 1000'));
  const caBundle = str(s.caBundle);
  // caBundle is bytes: its length is that of the decoded base64.
  const caBytes = caBundle ? Buffer.from(caBundle, 'base64').length : 0;
  const insecure = s.insecureSkipTLSVerify === true;
  if (!isObj(s.service)) {
    if (caBytes) errs.push(fieldError.invalid(spec.child('caBundle'), `${caBytes} bytes`, 'local APIServices may not have a caBundle'));
    if (insecure) errs.push(fieldError.invalid(spec.child('insecureSkipTLSVerify'), true, 'local APIServices may not have insecureSkipTLSVerify'));
    return errs;
  }
  const service = s.service;
  if (!str(service.namespace)) errs.push(fieldError.required(spec.child('service').child('namespace')));
  if (!str(service.name)) errs.push(fieldError.required(spec.child('service').child('name')));
  if (insecure && caBytes) errs.push(fieldError.invalid(spec.child('insecureSkipTLSVerify'), true, 'may not be true if caBundle is present'));
  return errs;
}

function validateStatus(apiService: Obj): FieldError[] {
  const conditions = Array.isArray(obj(apiService.status).conditions) ? (obj(apiService.status).conditions as unknown[]) : [];
  const errs: FieldError[] = [];
  conditions.forEach((c, i) => {
    const status = str(obj(c).status);
    if (!['True', 'False', 'Unknown'].includes(status)) errs.push(fieldError.notSupported(FieldPath.root('status').child('conditions').index(i).child('status'), status, ['True', 'False', 'Unknown']));
  });
  return errs;
}

registerKindRules('apiregistration.k8s.io', 'APIService', {
  name: validatePathSegmentName,
  validate: validateAPIService,
  validateStatusUpdate: (n) => validateStatus(n),
});
