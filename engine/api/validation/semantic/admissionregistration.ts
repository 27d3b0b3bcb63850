// ValidatingWebhookConfiguration and MutatingWebhookConfiguration rules (pkg/apis/admissionregistration/
// validation): each webhook's name, rules, policies, selectors, client config and match conditions. An
// update relaxes a few checks for what the stored object already got away with, so that objects written
// by older API servers can still be edited.

import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { validateLabelSelector } from '../../labels/labelSelector.js';
import { isDNS1035Label, isDNS1123Subdomain, isValidPortNum, nameIsDNSSubdomain, validateLabelName } from '../names.js';
import { arr, deepEqual, isObj, jsonValue, num, obj, str } from './common.js';
import { registerKindRules, type Obj } from './registry.js';
import { parseGoURL } from '../goURL.js';
import { compileExpression, matchConditionVariables } from '../cel/environment.js';

const group = 'admissionregistration.k8s.io';

// Supported values, sorted as Kubernetes' string sets list them in messages.
const failurePolicies = ['Fail', 'Ignore'];
const matchPolicies = ['Equivalent', 'Exact'];
const reinvocationPolicies = ['IfNeeded', 'Never'];
const allSideEffectClasses = ['None', 'NoneOnDryRun', 'Some', 'Unknown'];
const noSideEffectClasses = ['None', 'NoneOnDryRun'];
const operations = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];
const scopes = ['*', 'Cluster', 'Namespaced'];
/** The AdmissionReview versions the previous API server release understands. */
const acceptedReviewVersions = ['v1', 'v1beta1'];
const maxMatchConditions = 64;

/** What a create demands and an update may let pass (validationOptions). */
interface Options {
  /** The match conditions are those stored: not checked again. */
  readonly ignoreMatchConditions: boolean;
  readonly requireNoSideEffects: boolean;
  readonly requireRecognizedReviewVersion: boolean;
  readonly requireUniqueNames: boolean;
  readonly allowInvalidLabelValueInSelector: boolean;
}

const createOptions: Options = {
  ignoreMatchConditions: false,
  requireNoSideEffects: true,
  requireRecognizedReviewVersion: true,
  requireUniqueNames: true,
  allowInvalidLabelValueInSelector: false,
};

const hooksOf = (config: Obj): Obj[] => arr(config.webhooks).map(obj);
const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/** An update is held to the create rules only where the stored object already met them. */
function updateOptions(hooks: Obj[], oldHooks: Obj[]): Options {
  const names = oldHooks.map((h) => str(h.name));
  return {
    ignoreMatchConditions: hooks.length === oldHooks.length && oldHooks.every((h, i) => deepEqual(hooks[i].matchConditions, h.matchConditions)),
    requireNoSideEffects: oldHooks.every((h) => noSideEffectClasses.includes(str(h.sideEffects))),
    requireRecognizedReviewVersion: oldHooks.every((h) => {
      const versions = arr(h.admissionReviewVersions);
      return versions.length === 0 || versions.some((v) => acceptedReviewVersions.includes(str(v)));
    }),
    requireUniqueNames: new Set(names).size === names.length,
    allowInvalidLabelValueInSelector: oldHooks.some((h) =>
      [h.namespaceSelector, h.objectSelector].some((sel) => isObj(sel) && validateLabelSelector(sel as LabelSelector, FieldPath.root()).length > 0),
    ),
  };
}

// ---- webhook names ----

/** IsFullyQualifiedName: a DNS subdomain of at least three dot-separated segments. */
function validateFullyQualifiedName(name: string, fld: FieldPath): FieldError[] {
  if (!name) return [fieldError.required(fld)];
  const msgs = isDNS1123Subdomain(name);
  if (msgs.length) return [fieldError.invalid(fld, name, msgs.join(','))];
  if (name.split('.').length < 3) return [fieldError.invalid(fld, name, 'should be a domain with at least three segments separated by dots')];
  return [];
}

// ---- rules ----

function validateResources(resources: unknown[], fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (resources.length === 0) errs.push(fieldError.required(fld));
  const withWildcardSubresource = new Set<string>(); // `x/*`
  const subresourcesOfWildcard = new Set<string>(); // `*/x`
  let doubleWildcard = false;
  let singleWildcard = false;
  // Kubernetes keeps only the last plain entry's answer here, so `["pods", "*"]` passes; so does this.
  let lastPlainIsNotWildcard = false;
  resources.forEach((raw, i) => {
    const r = str(raw);
    if (!r) {
      errs.push(fieldError.required(fld.index(i)));
      return;
    }
    if (r === '*/*') doubleWildcard = true;
    if (r === '*') singleWildcard = true;
    const slash = r.indexOf('/');
    if (slash < 0) {
      lastPlainIsNotWildcard = r !== '*';
      return;
    }
    const res = r.slice(0, slash);
    const sub = r.slice(slash + 1);
    if (withWildcardSubresource.has(res)) errs.push(fieldError.invalid(fld.index(i), r, `if '${res}/*' is present, must not specify ${r}`));
    if (subresourcesOfWildcard.has(sub)) errs.push(fieldError.invalid(fld.index(i), r, `if '*/${sub}' is present, must not specify ${r}`));
    if (sub === '*') withWildcardSubresource.add(res);
    if (res === '*') subresourcesOfWildcard.add(sub);
  });
  if (resources.length > 1 && doubleWildcard) errs.push(fieldError.invalid(fld, jsonValue(resources), "if '*/*' is present, must not specify other resources"));
  if (singleWildcard && lastPlainIsNotWildcard)
    errs.push(fieldError.invalid(fld, jsonValue(resources), "if '*' is present, must not specify other resources without subresources"));
  return errs;
}

/** A non-empty list in which `*`, if present, stands alone. */
function validateWildcardList(values: unknown[], fld: FieldPath, what: string): FieldError[] {
  if (values.length === 0) return [fieldError.required(fld)];
  if (values.length > 1 && values.includes('*')) return [fieldError.invalid(fld, jsonValue(values), `if '*' is present, must not specify other ${what}`)];
  return [];
}

function validateRuleWithOperations(rule: Obj, fld: FieldPath): FieldError[] {
  const ops = arr(rule.operations);
  const errs = validateWildcardList(ops, fld.child('operations'), 'operations');
  ops.forEach((op, i) => {
    if (!operations.includes(str(op))) errs.push(fieldError.notSupported(fld.child('operations').index(i), op, operations));
  });
  // The group may be empty (the core group): only the list itself is required.
  errs.push(...validateWildcardList(arr(rule.apiGroups), fld.child('apiGroups'), 'API groups'));
  const versions = arr(rule.apiVersions);
  errs.push(...validateWildcardList(versions, fld.child('apiVersions'), 'API versions'));
  versions.forEach((v, i) => {
    if (!str(v)) errs.push(fieldError.required(fld.child('apiVersions').index(i)));
  });
  errs.push(...validateResources(arr(rule.resources), fld.child('resources')));
  if (isSet(rule.scope) && !scopes.includes(str(rule.scope))) errs.push(fieldError.notSupported(fld.child('scope'), rule.scope, scopes));
  return errs;
}

// ---- the webhook's address ----

/** ValidateWebhookURL, https required: a host, and no user, query or fragment. */
function validateWebhookURL(raw: string, fld: FieldPath): FieldError[] {
  const form = '; desired format: https://host[/path]';
  const u = parseGoURL(raw);
  if (typeof u === 'string') return [fieldError.required(fld, `url must be a valid URL: ${u}${form}`)];
  const errs: FieldError[] = [];
  if (u.scheme !== 'https') errs.push(fieldError.invalid(fld, u.scheme, `'https' is the only allowed URL scheme${form}`));
  if (!u.host) errs.push(fieldError.invalid(fld, u.host, `host must be specified${form}`));
  if (u.user !== undefined) errs.push(fieldError.invalid(fld, u.user, 'user information is not permitted in the URL'));
  if (u.fragment) errs.push(fieldError.invalid(fld, u.fragment, 'fragments are not permitted in the URL'));
  if (u.rawQuery) errs.push(fieldError.invalid(fld, u.rawQuery, 'query parameters are not permitted in the URL'));
  return errs;
}

/** ValidateWebhookService: a name, a namespace, a port, and a path of DNS-subdomain segments. */
function validateWebhookService(svc: Obj, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  // Kubernetes passes the service's name where the namespace goes and the other way round, so a missing
  // name is reported on `namespace` and a missing namespace on `name`; kept, for identical errors.
  if (!str(svc.namespace)) errs.push(fieldError.required(fld.child('name')));
  if (!str(svc.name)) errs.push(fieldError.required(fld.child('namespace')));
  // The port is defaulted (443) before validation; an object that skipped defaulting is not faulted for it.
  const port = num(svc.port) ?? 443;
  const portErrs = isValidPortNum(port);
  if (portErrs.length) errs.push(fieldError.invalid(fld.child('port'), port, `port is not valid: ${portErrs.join(', ')}`));
  if (!isSet(svc.path)) return errs;
  const path = str(svc.path);
  const pathFld = fld.child('path');
  if (path === '' || path === '/') return errs;
  if (path === '//') return [...errs, fieldError.invalid(pathFld, path, 'segment[0] may not be empty')];
  if (!path.startsWith('/')) errs.push(fieldError.invalid(pathFld, path, "must start with a '/'"));
  // As Kubernetes does, the first character is dropped whatever it is, and one trailing '/' is allowed.
  let rest = path.slice(1);
  if (rest.endsWith('/')) rest = rest.slice(0, -1);
  rest.split('/').forEach((segment, i) => {
    if (!segment) errs.push(fieldError.invalid(pathFld, path, `segment[${i}] may not be empty`));
    else for (const m of isDNS1123Subdomain(segment)) errs.push(fieldError.invalid(pathFld, path, `segment[${i}]: ${m}`));
  });
  return errs;
}

function validateClientConfig(cc: Obj, fld: FieldPath): FieldError[] {
  const hasURL = isSet(cc.url);
  if (hasURL === isSet(cc.service)) return [fieldError.required(fld, 'exactly one of url or service is required')];
  return hasURL ? validateWebhookURL(str(cc.url), fld.child('url')) : validateWebhookService(obj(cc.service), fld.child('service'));
}

// ---- match conditions ----

/** The conditions' count and names, and expressions that compile (CEL over object, oldObject, request, authorizer). */
function validateMatchConditions(conditions: unknown[], fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (conditions.length > maxMatchConditions) errs.push(fieldError.tooMany(fld, conditions.length, maxMatchConditions));
  const names = new Set<string>();
  conditions.forEach((raw, i) => {
    const c = obj(raw);
    const p = fld.index(i);
    if (!str(c.expression).trim()) errs.push(fieldError.required(p.child('expression')));
    else {
      const compiled = compileExpression(str(c.expression), matchConditionVariables);
      if (typeof compiled === 'string') errs.push(fieldError.invalid(p.child('expression'), str(c.expression), compiled));
    }
    const name = str(c.name);
    if (!name) errs.push(fieldError.required(p.child('name')));
    else errs.push(...validateLabelName(name, p.child('name')));
    if (!name) return;
    if (names.has(name)) errs.push(fieldError.duplicate(p.child('name'), name));
    names.add(name);
  });
  return errs;
}

// ---- one webhook, and the configuration ----

function validateWebhook(hook: Obj, opts: Options, fld: FieldPath, mutating: boolean): FieldError[] {
  const errs = validateFullyQualifiedName(str(hook.name), fld.child('name'));
  arr(hook.rules).forEach((r, i) => errs.push(...validateRuleWithOperations(obj(r), fld.child('rules').index(i))));
  if (isSet(hook.failurePolicy) && !failurePolicies.includes(str(hook.failurePolicy)))
    errs.push(fieldError.notSupported(fld.child('failurePolicy'), hook.failurePolicy, failurePolicies));
  if (isSet(hook.matchPolicy) && !matchPolicies.includes(str(hook.matchPolicy))) errs.push(fieldError.notSupported(fld.child('matchPolicy'), hook.matchPolicy, matchPolicies));
  const sideEffects = opts.requireNoSideEffects ? noSideEffectClasses : allSideEffectClasses;
  if (!isSet(hook.sideEffects)) errs.push(fieldError.required(fld.child('sideEffects'), `must specify one of ${sideEffects.join(', ')}`));
  else if (!sideEffects.includes(str(hook.sideEffects))) errs.push(fieldError.notSupported(fld.child('sideEffects'), hook.sideEffects, sideEffects));
  const timeout = num(hook.timeoutSeconds);
  if (timeout !== undefined && (timeout > 30 || timeout < 1))
    errs.push(fieldError.invalid(fld.child('timeoutSeconds'), timeout, 'the timeout value must be between 1 and 30 seconds'));
  const selectorOpts = { allowInvalidLabelValueInSelector: opts.allowInvalidLabelValueInSelector };
  for (const key of ['namespaceSelector', 'objectSelector']) {
    if (isObj(hook[key])) errs.push(...validateLabelSelector(hook[key] as LabelSelector, fld.child(key), selectorOpts));
  }
  if (mutating && isSet(hook.reinvocationPolicy) && !reinvocationPolicies.includes(str(hook.reinvocationPolicy)))
    errs.push(fieldError.notSupported(fld.child('reinvocationPolicy'), hook.reinvocationPolicy, reinvocationPolicies));
  errs.push(...validateClientConfig(obj(hook.clientConfig), fld.child('clientConfig')));
  if (!opts.ignoreMatchConditions) errs.push(...validateMatchConditions(arr(hook.matchConditions), fld.child('matchConditions')));
  return errs;
}

function validateAdmissionReviewVersions(versions: unknown[], requireRecognized: boolean, fld: FieldPath): FieldError[] {
  if (versions.length === 0) return [fieldError.required(fld, `must specify one of ${acceptedReviewVersions.join(', ')}`)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  versions.forEach((raw, i) => {
    const v = str(raw);
    if (seen.has(v)) {
      errs.push(fieldError.invalid(fld.index(i), v, 'duplicate version'));
      return;
    }
    seen.add(v);
    for (const m of isDNS1035Label(v)) errs.push(fieldError.invalid(fld.index(i), v, m));
  });
  if (requireRecognized && !versions.some((v) => acceptedReviewVersions.includes(str(v))))
    errs.push(fieldError.invalid(fld, jsonValue(versions), `must include at least one of ${acceptedReviewVersions.join(', ')}`));
  return errs;
}

function validateConfiguration(config: Obj, opts: Options, mutating: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  hooksOf(config).forEach((hook, i) => {
    const fld = FieldPath.root('webhooks').index(i);
    errs.push(...validateWebhook(hook, opts, fld, mutating));
    errs.push(...validateAdmissionReviewVersions(arr(hook.admissionReviewVersions), opts.requireRecognizedReviewVersion, fld.child('admissionReviewVersions')));
    const name = str(hook.name);
    if (!opts.requireUniqueNames || !name) return;
    if (names.has(name)) errs.push(fieldError.duplicate(fld.child('name'), name));
    names.add(name);
  });
  return errs;
}

for (const [kind, mutating] of [
  ['ValidatingWebhookConfiguration', false],
  ['MutatingWebhookConfiguration', true],
] as const) {
  registerKindRules(group, kind, {
    name: nameIsDNSSubdomain,
    validate: (config, _kind, old) => validateConfiguration(config, old ? updateOptions(hooksOf(config), hooksOf(old)) : createOptions, mutating),
  });
}
