// CustomResourceDefinition rules (apiextensions-apiserver's validation): a name that is
// `<plural>.<group>`, a dotted group, a scope, DNS-1035 names and exactly one storage version; on
// update, stored versions that all still appear in spec.versions, the storage version among them.

import { fieldError, FieldPath, GoValue, type FieldError } from '../../errors.js';
import { isDNS1035Label, isDNS1123Subdomain, nameIsDNSSubdomain } from '../names.js';
import { arr, jsonValue, obj, str, validateImmutableField } from './common.js';
import { registerKindRules, type Obj } from './registry.js';
import { compileRule } from '../cel/rules.js';

const spec = FieldPath.root('spec');
/** The versions list is printed whole in its messages; its Go rendering is not reproduced. */
const goVersions = new GoValue('[]apiextensions.CustomResourceDefinitionVersion{...}');

function validateNames(names: Obj, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['plural', 'singular', 'listKind']) {
    const v = str(names[f]);
    const checked = f === 'listKind' ? v.toLowerCase() : v;
    const msgs = v ? isDNS1035Label(checked) : [];
    if (msgs.length) errs.push(fieldError.invalid(fld.child(f), v, f === 'listKind' ? `may have mixed case, but should otherwise match: ${msgs.join(',')}` : msgs.join(',')));
  }
  const kind = str(names.kind);
  const kindMsgs = kind ? isDNS1035Label(kind.toLowerCase()) : [];
  if (kindMsgs.length) errs.push(fieldError.invalid(fld.child('kind'), kind, `may have mixed case, but should otherwise match: ${kindMsgs.join(',')}`));
  if (!str(names.plural)) errs.push(fieldError.required(fld.child('plural')));
  if (!kind) errs.push(fieldError.required(fld.child('kind')));
  return errs;
}

function validateCRD(crd: Obj): FieldError[] {
  const s = obj(crd.spec);
  const errs: FieldError[] = [];
  const names = obj(s.names);
  const group = str(s.group);
  // The object name is the resource's URL name: <plural>.<group>.
  const name = str(obj(crd.metadata).name);
  if (name && name !== `${str(names.plural)}.${group}`)
    errs.push(fieldError.invalid(FieldPath.root('metadata').child('name'), name, 'must be spec.names.plural+"."+spec.group'));
  if (!group) errs.push(fieldError.required(spec.child('group')));
  else {
    const msgs = isDNS1123Subdomain(group);
    if (msgs.length) errs.push(fieldError.invalid(spec.child('group'), group, msgs.join(',')));
    else if (group.split('.').length < 2) errs.push(fieldError.invalid(spec.child('group'), group, 'should be a domain with at least one dot'));
  }
  const scope = str(s.scope);
  if (!scope) errs.push(fieldError.required(spec.child('scope')));
  else if (scope !== 'Cluster' && scope !== 'Namespaced') errs.push(fieldError.notSupported(spec.child('scope'), scope, ['Cluster', 'Namespaced']));
  const versions = arr(s.versions).map(obj);
  if (versions.length === 0) errs.push(fieldError.invalid(spec.child('versions'), goVersions, 'must have exactly one version marked as storage version'));
  const seen = new Set<string>();
  let unique = true;
  let storage = 0;
  versions.forEach((v, i) => {
    const vn = str(v.name);
    if (v.storage === true) storage++;
    if (seen.has(vn)) unique = false;
    seen.add(vn);
    const msgs = isDNS1035Label(vn);
    if (msgs.length) errs.push(fieldError.invalid(spec.child('versions').index(i).child('name'), vn, msgs.join(',')));
  });
  if (!unique) errs.push(fieldError.invalid(spec.child('versions'), goVersions, 'must contain unique version names'));
  if (versions.length > 0 && storage !== 1) errs.push(fieldError.invalid(spec.child('versions'), goVersions, 'must have exactly one version marked as storage version'));
  errs.push(...validateNames(names, spec.child('names')));
  versions.forEach((v, i) => {
    const schema = obj(v.schema).openAPIV3Schema;
    if (schema !== undefined) errs.push(...validateRuleCompilation(obj(schema), spec.child('versions').index(i).child('schema').child('openAPIV3Schema')));
  });
  return errs;
}

/** Each x-kubernetes-validations rule of a schema must compile: its CEL, and its messageExpression. */
function validateRuleCompilation(schema: Obj, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  arr(schema['x-kubernetes-validations']).map(obj).forEach((rule, i) => {
    const at = fld.child('x-kubernetes-validations').index(i);
    if (!str(rule.rule).trim()) {
      errs.push(fieldError.required(at.child('rule'), 'rule is not specified'));
      return;
    }
    const compiled = compileRule({ rule: str(rule.rule), ...(rule.messageExpression ? { messageExpression: str(rule.messageExpression) } : {}) });
    if (compiled.error) errs.push(fieldError.invalid(at.child(compiled.error.startsWith('messageExpression') ? 'messageExpression' : 'rule'), goRule(rule), compiled.error.replace(/^messageExpression /, '')));
  });
  for (const [name, property] of Object.entries(obj(schema.properties))) errs.push(...validateRuleCompilation(obj(property), fld.child('properties').key(name)));
  if (schema.items && typeof schema.items === 'object') errs.push(...validateRuleCompilation(obj(schema.items), fld.child('items')));
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object') errs.push(...validateRuleCompilation(obj(schema.additionalProperties), fld.child('additionalProperties')));
  return errs;
}

/** A rule as Go prints the apiextensions.ValidationRule in a message (%#v). */
function goRule(rule: Obj): GoValue {
  const q = (v: unknown) => JSON.stringify(str(v));
  const reason = rule.reason ? `(*apiextensions.FieldValueErrorReason)(${q(rule.reason)})` : '(*apiextensions.FieldValueErrorReason)(nil)';
  const optional = rule.optionalOldSelf === undefined ? '(*bool)(nil)' : `(*bool)(${rule.optionalOldSelf === true})`;
  return new GoValue(`apiextensions.ValidationRule{Rule:${q(rule.rule)}, Message:${q(rule.message)}, MessageExpression:${q(rule.messageExpression)}, Reason:${reason}, FieldPath:${q(rule.fieldPath)}, OptionalOldSelf:${optional}}`);
}

/**
 * ValidateCustomResourceDefinitionStoredVersions: every version objects may still be stored in
 * must stay in spec.versions until they are migrated and it is dropped from status.storedVersions.
 * Judged on what the API server stores (the strategy has added the storage version), so not on a
 * manifest, which has no status.
 */
function validateStoredVersions(crd: Obj): FieldError[] {
  const path = FieldPath.root('status').child('storedVersions');
  const stored = arr(obj(crd.status).storedVersions).map(String);
  if (stored.length === 0) return [fieldError.invalid(path, jsonValue(stored), 'must have at least one stored version')];
  const errs: FieldError[] = [];
  const left = new Map(stored.map((v, i) => [v, i]));
  for (const v of arr(obj(crd.spec).versions).map(obj)) {
    const name = str(v.name);
    if (v.storage === true && !stored.includes(name)) errs.push(fieldError.invalid(path, jsonValue(v), `must have the storage version ${name}`));
    left.delete(name);
  }
  for (const [v, i] of left) errs.push(fieldError.invalid(path.index(i), v, 'must appear in spec.versions'));
  return errs;
}

registerKindRules('apiextensions.k8s.io', 'CustomResourceDefinition', {
  // The <plural>.<group> rule is checked with the spec above; the name itself is a DNS subdomain.
  name: nameIsDNSSubdomain,
  validate: validateCRD,
  validateUpdate: (n, o) => [...validateImmutableField(obj(n.spec).group, obj(o.spec).group, spec.child('group')), ...validateStoredVersions(n)],
  validateStatusUpdate: (n) => validateStoredVersions(n),
});
