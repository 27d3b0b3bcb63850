// The admissionregistration.k8s.io rules (pkg/apis/admissionregistration/validation).
//
// ValidatingWebhookConfiguration and MutatingWebhookConfiguration: each webhook's name, rules, policies,
// selectors, client config and match conditions. An update relaxes a few checks for what the stored
// object already got away with, so that objects written by older API servers can still be edited.
//
// ValidatingAdmissionPolicy and ValidatingAdmissionPolicyBinding: the policy's paramKind, match
// constraints, match conditions, variables, validations and audit annotations, whose CEL expressions
// must compile; the binding's policy, parameter reference, match resources and validation actions.
// Rules, selectors and match conditions are checked by the same functions as the webhooks'.

import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { validateLabelSelector } from '../../labels/labelSelector.js';
import { isDNS1035Label, isDNS1123Subdomain, isValidPortNum, nameIsDNSSubdomain, validateLabelName, validatePathSegmentName } from '../names.js';
import { arr, deepEqual, isObj, jsonValue, num, obj, str } from './common.js';
import { registerKindRules, type Obj } from './registry.js';
import { parseURL, userinfoString } from '../go/url.js';
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

/** An optional enum (a Go pointer): checked only when set. */
function validateOptionalEnum(value: unknown, supported: readonly string[], fld: FieldPath): FieldError[] {
  return isSet(value) && !supported.includes(str(value)) ? [fieldError.notSupported(fld, value, supported)] : [];
}

/** An enum that must be set (after defaulting). */
function validateRequiredEnum(value: unknown, supported: readonly string[], fld: FieldPath): FieldError[] {
  return isSet(value) ? validateOptionalEnum(value, supported, fld) : [fieldError.required(fld)];
}

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
  errs.push(...validateOptionalEnum(rule.scope, scopes, fld.child('scope')));
  return errs;
}

// ---- the webhook's address ----

/** ValidateWebhookURL, https required: a host, and no user, query or fragment. */
function validateWebhookURL(raw: string, fld: FieldPath): FieldError[] {
  const form = '; desired format: https://host[/path]';
  const u = parseURL(raw);
  if (typeof u === 'string') return [fieldError.required(fld, `url must be a valid URL: ${u}${form}`)];
  const errs: FieldError[] = [];
  if (u.scheme !== 'https') errs.push(fieldError.invalid(fld, u.scheme, `'https' is the only allowed URL scheme${form}`));
  if (!u.host) errs.push(fieldError.invalid(fld, u.host, `host must be specified${form}`));
  if (u.user !== undefined) errs.push(fieldError.invalid(fld, userinfoString(u.user), 'user information is not permitted in the URL'));
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

// ---- CEL expressions ----

/**
 * Every variable Kubernetes declares for a ValidatingAdmissionPolicy's expressions. Each kind of
 * expression sees a subset: `params` only when the policy has a paramKind, `variables` only when it
 * composes variables (and not in match conditions), `authorizer` everywhere but in messageExpression.
 */
export const admissionPolicyVariables = ['object', 'oldObject', 'request', 'params', 'namespaceObject', 'variables', 'authorizer'] as const;

/** What an expression is compiled against. */
interface CELScope {
  readonly declared: readonly string[];
  /** The names `variables.<name>` may select, where the policy composes variables. */
  readonly composited?: readonly string[];
}

/**
 * Kubernetes also declares `namespaceObject` for a webhook's match conditions; these are the variables the
 * API server here evaluates them with, so that what validation accepts also compiles when called.
 */
const webhookScope: CELScope = { declared: matchConditionVariables };

function policyScope(params: boolean, authorizer: boolean, composited?: readonly string[]): CELScope {
  const declared = admissionPolicyVariables.filter(
    (v) => (v !== 'params' || params) && (v !== 'authorizer' || authorizer) && (v !== 'variables' || composited !== undefined),
  );
  return { declared, composited };
}

/**
 * Functions and namespaces of CEL libraries the compiler here lacks: Kubernetes' JSON patch library,
 * and cel-go's lists, math and base64 extensions.
 */
const missingLibraryFunctions = new Set(['slice', 'flatten', 'distinct', 'reverse', 'sort', 'sortBy', 'first', 'last']);
const missingLibraryNamespaces = new Set(['math', 'base64', 'lists', 'jsonpatch']);

/**
 * Whether a compile error is one cel-go would not report: a call into a library the compiler here lacks,
 * or a conditional with `null` on one side (`cond ? 'text' : null`, the way an audit annotation is left
 * out), which cel-go types and this compiler refuses. Such an expression cannot be judged and is let
 * through: refusing a policy the API server accepts would be worse than missing a mistake.
 */
function isCompilerGap(message: string): boolean {
  if (/ternary branches must have the same type, got ('null' and '[^']*'|'[^']*' and 'null')/.test(message)) return true;
  const overload = /found no matching overload for '(?:[^'(]*\.)?(\w+)\(/.exec(message);
  if (overload) return missingLibraryFunctions.has(overload[1]);
  const undeclared = /undeclared reference to '(\w+)'/.exec(message);
  return undeclared !== null && missingLibraryNamespaces.has(undeclared[1]);
}

/** `line:column` of a character, as cel-go numbers them (both from 1). */
function celLocation(source: string, index: number): string {
  const before = source.slice(0, index).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

interface Node {
  readonly op: string;
  readonly pos: number;
  readonly args: unknown;
}
const isNode = (v: unknown): v is Node => isObj(v) && typeof v.op === 'string' && 'args' in v;

/** Every node of a parsed expression, parents first, left to right. */
function* nodes(v: unknown): Generator<Node> {
  if (Array.isArray(v)) for (const x of v) yield* nodes(x);
  else if (isNode(v)) {
    yield v;
    yield* nodes(v.args);
  }
}

/**
 * `variables` is declared with dyn fields, while Kubernetes types it as an object whose fields are the
 * variables compiled so far: selecting any other name is its `undefined field` error, reported at the dot.
 */
function undefinedVariable(source: string, ast: unknown, composited: readonly string[]): string | undefined {
  for (const n of nodes(ast)) {
    if (n.op !== '.' && n.op !== '.?') continue;
    const [operand, field] = n.args as [unknown, string];
    if (!isNode(operand) || operand.op !== 'id' || operand.args !== 'variables' || composited.includes(field)) continue;
    const dot = source.lastIndexOf('.', n.pos - 1);
    return `compilation failed: ERROR: <input>:${celLocation(source, dot)}: undefined field '${field}'`;
  }
  return undefined;
}

/**
 * Why `source` does not compile in `scope`, if it does not. Kubernetes also checks the result's type
 * (bool for a condition, string for a message); the variables here are all dyn, so an expression's
 * type is mostly unknown until it runs, and that check is left out.
 */
function compileProblem(source: string, scope: CELScope): string | undefined {
  const compiled = compileExpression(source, scope.declared);
  if (typeof compiled === 'string') return isCompilerGap(compiled) ? undefined : compiled;
  return scope.composited ? undefinedVariable(source, compiled.ast, scope.composited) : undefined;
}

/** An expression that must compile, shown in the error as `shown` (Kubernetes at times compiles a trimmed copy). */
function validateCEL(source: string, scope: CELScope, fld: FieldPath, shown = source): FieldError[] {
  const problem = compileProblem(source, scope);
  return problem ? [fieldError.invalid(fld, shown, problem)] : [];
}

// ---- match conditions ----

/** The conditions' count and names, and expressions that compile. */
function validateMatchConditions(conditions: unknown[], scope: CELScope, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (conditions.length > maxMatchConditions) errs.push(fieldError.tooMany(fld, conditions.length, maxMatchConditions));
  const names = new Set<string>();
  conditions.forEach((raw, i) => {
    const c = obj(raw);
    const p = fld.index(i);
    const expression = str(c.expression).trim();
    if (!expression) errs.push(fieldError.required(p.child('expression')));
    else errs.push(...validateCEL(expression, scope, p.child('expression')));
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
  errs.push(...validateOptionalEnum(hook.failurePolicy, failurePolicies, fld.child('failurePolicy')));
  errs.push(...validateOptionalEnum(hook.matchPolicy, matchPolicies, fld.child('matchPolicy')));
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
  if (mutating) errs.push(...validateOptionalEnum(hook.reinvocationPolicy, reinvocationPolicies, fld.child('reinvocationPolicy')));
  errs.push(...validateClientConfig(obj(hook.clientConfig), fld.child('clientConfig')));
  if (!opts.ignoreMatchConditions) errs.push(...validateMatchConditions(arr(hook.matchConditions), webhookScope, fld.child('matchConditions')));
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

// ---- ValidatingAdmissionPolicy ----

// Kubernetes' own list: its documentation also names Unauthorized, which validation has never accepted.
const validationReasons = ['Forbidden', 'Invalid', 'RequestEntityTooLarge'];
const maxAuditAnnotations = 20;
/** Below the 10kB a value may have, as an expression that concatenates strings often yields a longer one. */
const maxAuditAnnotationValueExpressionBytes = 5 * 1024;

/** `apps/v1` as Kubernetes splits it (not schema.ParseGroupVersion: a lone "/" is no error here). */
function parseGroupVersion(gv: string): { group: string; version: string } | string {
  if (gv === '/') return { group: '', version: '' };
  const parts = gv.split('/');
  if (parts.length > 2) return `unexpected GroupVersion string: ${gv}`;
  return parts.length === 1 ? { group: '', version: gv } : { group: parts[0], version: parts[1] };
}

/** The group and version as an APIService names them, and a kind that is a DNS-1035 label but for case. */
function validateParamKind(kind: Obj, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = str(kind.apiVersion);
  const versionFld = fld.child('apiVersion');
  const gv = apiVersion ? parseGroupVersion(apiVersion) : undefined;
  if (!apiVersion) errs.push(fieldError.required(versionFld));
  else if (typeof gv === 'string') errs.push(fieldError.invalid(versionFld, apiVersion, gv));
  else if (gv) {
    const groupMsgs = gv.group ? isDNS1123Subdomain(gv.group) : [];
    if (groupMsgs.length) errs.push(fieldError.invalid(versionFld, gv.group, groupMsgs.join(',')));
    const versionMsgs = isDNS1035Label(gv.version);
    if (!gv.version) errs.push(fieldError.invalid(versionFld, apiVersion, 'version must be specified'));
    else if (versionMsgs.length) errs.push(fieldError.invalid(versionFld, gv.version, versionMsgs.join(',')));
  }
  const kindName = str(kind.kind);
  const kindMsgs = isDNS1035Label(kindName.toLowerCase());
  if (!kindName) errs.push(fieldError.required(fld.child('kind')));
  else if (kindMsgs.length) errs.push(fieldError.invalid(fld.child('kind'), kindName, `may have mixed case, but should otherwise match: ${kindMsgs.join(',')}`));
  return errs;
}

/** A webhook's rule, narrowed to named objects: each name a distinct path segment. */
function validateNamedRuleWithOperations(rule: Obj, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  arr(rule.resourceNames).forEach((raw, i) => {
    const name = str(raw);
    const p = fld.child('resourceNames').index(i);
    errs.push(...validatePathSegmentName(name, false).map((m) => fieldError.invalid(p, name, m)));
    if (seen.has(name)) errs.push(fieldError.duplicate(p, name));
    seen.add(name);
  });
  return [...errs, ...validateRuleWithOperations(rule, fld)];
}

/** MatchResources, of a policy or a binding: everything defaulting fills in must be there. */
function validateMatchResources(match: Obj, fld: FieldPath): FieldError[] {
  const errs = validateRequiredEnum(match.matchPolicy, matchPolicies, fld.child('matchPolicy'));
  for (const key of ['namespaceSelector', 'objectSelector']) {
    // Strictly: these types came after Kubernetes stopped accepting invalid label values in selectors.
    if (!isSet(match[key])) errs.push(fieldError.required(fld.child(key)));
    else if (isObj(match[key])) errs.push(...validateLabelSelector(match[key] as LabelSelector, fld.child(key)));
  }
  for (const key of ['resourceRules', 'excludeResourceRules'])
    arr(match[key]).forEach((r, i) => errs.push(...validateNamedRuleWithOperations(obj(r), fld.child(key).index(i))));
  return errs;
}

/** IDENT of the CEL grammar: a letter or '_', then letters, digits and '_', and not a reserved word. */
const celIdentifier = /^[_a-zA-Z][_a-zA-Z0-9]*$/;
const celReserved = new Set(
  'true false null in as break const continue else for function if import let loop package namespace return var void while'.split(' '),
);
const isCELIdentifier = (name: string): boolean => celIdentifier.test(name) && !celReserved.has(name);

/**
 * Each variable is compiled seeing the ones before it, so a later one is out of reach. A variable whose
 * expression is missing is never compiled, and so never declared. Kubernetes does not refuse a name used
 * twice (the later one shadows the earlier), so neither does this.
 */
function validateVariables(variables: Obj[], params: boolean, fld: FieldPath): { errs: FieldError[]; declared: string[] } {
  const errs: FieldError[] = [];
  const declared: string[] = [];
  variables.forEach((v, i) => {
    const p = fld.index(i);
    const name = str(v.name);
    if (!name.trim()) errs.push(fieldError.required(p.child('name'), 'name is not specified'));
    else if (!isCELIdentifier(name)) errs.push(fieldError.invalid(p.child('name'), name, 'name is not a valid CEL identifier'));
    const expression = str(v.expression);
    if (!expression.trim()) {
      errs.push(fieldError.required(p.child('expression'), 'expression is not specified'));
      return;
    }
    errs.push(...validateCEL(expression, policyScope(params, true, [...declared]), p.child('expression')));
    declared.push(name);
  });
  return { errs, declared };
}

const hasLineBreak = (s: string): boolean => /[\n\r]/.test(s);

function validateValidation(v: Obj, params: boolean, composited: readonly string[] | undefined, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const expression = str(v.expression);
  if (!expression.trim()) errs.push(fieldError.required(fld.child('expression'), 'expression is not specified'));
  else errs.push(...validateCEL(expression, policyScope(params, true, composited), fld.child('expression')));
  // Compiled untrimmed, so that the error's column points into what the user wrote.
  const messageExpression = str(v.messageExpression);
  if (messageExpression && !messageExpression.trim())
    errs.push(fieldError.invalid(fld.child('messageExpression'), messageExpression, 'must be non-empty if specified'));
  else if (messageExpression) errs.push(...validateCEL(messageExpression, policyScope(params, false, composited), fld.child('messageExpression')));
  const message = str(v.message);
  if (message && !message.trim()) errs.push(fieldError.invalid(fld.child('message'), message, 'message must be non-empty if specified'));
  else if (hasLineBreak(message.trim())) errs.push(fieldError.invalid(fld.child('message'), message, 'message must not contain line breaks'));
  errs.push(...validateOptionalEnum(v.reason, validationReasons, fld.child('reason')));
  return errs;
}

/** The key becomes part of an audit annotation's key, `<policy name>/<key>`, which must be a qualified name. */
function validateAuditAnnotation(a: Obj, policyName: string, scope: CELScope, fld: FieldPath): FieldError[] {
  const key = str(a.key);
  const errs = policyName
    ? validateLabelName(`${policyName}/${key}`, fld.child('key'))
    : [fieldError.invalid(fld.child('key'), key, 'requires metadata.name be non-empty')];
  const valueExpression = str(a.valueExpression);
  const trimmed = valueExpression.trim();
  const valueFld = fld.child('valueExpression');
  if (!trimmed) errs.push(fieldError.required(valueFld, 'valueExpression is not specified'));
  else if (Buffer.byteLength(trimmed) > maxAuditAnnotationValueExpressionBytes)
    errs.push(fieldError.required(valueFld, `must not exceed ${maxAuditAnnotationValueExpressionBytes} bytes in length`));
  else errs.push(...validateCEL(trimmed, scope, valueFld, valueExpression));
  return errs;
}

function validateAuditAnnotations(annotations: unknown[], policyName: string, scope: CELScope, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (annotations.length > maxAuditAnnotations)
    errs.push(fieldError.invalid(fld, jsonValue(annotations), `must not have more than ${maxAuditAnnotations} auditAnnotations`));
  const keys = new Set<string>();
  annotations.forEach((raw, i) => {
    const a = obj(raw);
    errs.push(...validateAuditAnnotation(a, policyName, scope, fld.index(i)));
    const key = str(a.key);
    if (keys.has(key)) errs.push(fieldError.duplicate(fld.index(i).child('key'), key));
    keys.add(key);
  });
  return errs;
}

/**
 * validateValidatingAdmissionPolicySpec. `ignoreMatchConditions` on an update that changes neither the
 * conditions nor the paramKind they may read: conditions the API server once stored are not re-judged.
 */
function validatePolicy(policy: Obj, ignoreMatchConditions: boolean): FieldError[] {
  const spec = obj(policy.spec);
  const fld = FieldPath.root('spec');
  const params = isSet(spec.paramKind);
  const errs = validateRequiredEnum(spec.failurePolicy, failurePolicies, fld.child('failurePolicy'));
  if (params) errs.push(...validateParamKind(obj(spec.paramKind), fld.child('paramKind')));
  if (!isSet(spec.matchConstraints)) errs.push(fieldError.required(fld.child('matchConstraints')));
  else {
    const constraints = obj(spec.matchConstraints);
    errs.push(...validateMatchResources(constraints, fld.child('matchConstraints')));
    // The resource rules are what tells the type checker which kinds the expressions see.
    if (arr(constraints.resourceRules).length === 0) errs.push(fieldError.required(fld.child('matchConstraints').child('resourceRules')));
  }
  // Match conditions run before the variables exist, so they never see them.
  if (!ignoreMatchConditions) errs.push(...validateMatchConditions(arr(spec.matchConditions), policyScope(params, true), fld.child('matchConditions')));
  const variables = arr(spec.variables).map(obj);
  const composed = validateVariables(variables, params, fld.child('variables'));
  errs.push(...composed.errs);
  const composited = variables.length > 0 ? composed.declared : undefined;
  const validations = arr(spec.validations);
  const auditAnnotations = arr(spec.auditAnnotations);
  if (validations.length === 0 && auditAnnotations.length === 0) {
    const detail = 'validations or auditAnnotations must contain at least one item';
    return [...errs, fieldError.required(fld.child('validations'), detail), fieldError.required(fld.child('auditAnnotations'), detail)];
  }
  validations.forEach((v, i) => errs.push(...validateValidation(obj(v), params, composited, fld.child('validations').index(i))));
  const policyName = str(obj(policy.metadata).name);
  errs.push(...validateAuditAnnotations(auditAnnotations, policyName, policyScope(params, true, composited), fld.child('auditAnnotations')));
  return errs;
}

function ignorePolicyMatchConditions(policy: Obj, old: Obj): boolean {
  const spec = obj(policy.spec);
  const oldSpec = obj(old.spec);
  return deepEqual(spec.paramKind, oldSpec.paramKind) && deepEqual(spec.matchConditions, oldSpec.matchConditions);
}

/**
 * The status the policy controller writes: its type-checking warnings. Kubernetes also parses each
 * warning's fieldRef as a JSONPath and checks the conditions; neither is done here.
 */
function validatePolicyStatus(policy: Obj): FieldError[] {
  const fld = FieldPath.root('status').child('typeChecking').child('expressionWarnings');
  return arr(obj(obj(policy.status).typeChecking).expressionWarnings).flatMap((raw, i) => {
    const warning = obj(raw);
    const errs: FieldError[] = [];
    if (!str(warning.warning)) errs.push(fieldError.required(fld.index(i).child('warning')));
    if (!str(warning.fieldRef).trim()) errs.push(fieldError.required(fld.index(i).child('fieldRef')));
    return errs;
  });
}

registerKindRules(group, 'ValidatingAdmissionPolicy', {
  name: nameIsDNSSubdomain,
  validate: (policy, _kind, old) => validatePolicy(policy, old !== undefined && ignorePolicyMatchConditions(policy, old)),
  validateStatusUpdate: validatePolicyStatus,
});

// ---- ValidatingAdmissionPolicyBinding ----

/** Sorted, as Kubernetes' string set lists them. */
const validationActions = ['Audit', 'Deny', 'Warn'];
/** In Kubernetes' order, which is not sorted. */
const parameterNotFoundActions = ['Deny', 'Allow'];

/** Exactly one of a name and a selector, and what to do when no parameter is found. */
function validateParamRef(ref: Obj, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(ref.name);
  const hasSelector = isSet(ref.selector);
  const exclusive = 'name and selector are mutually exclusive';
  if (name) {
    errs.push(...validatePathSegmentName(name, false).map((m) => fieldError.invalid(fld.child('name'), name, m)));
    if (hasSelector) errs.push(fieldError.forbidden(fld.child('name'), exclusive));
  }
  if (hasSelector) {
    if (isObj(ref.selector)) errs.push(...validateLabelSelector(ref.selector as LabelSelector, fld.child('selector')));
    if (name) errs.push(fieldError.forbidden(fld.child('selector'), exclusive));
  }
  if (!name && !hasSelector) errs.push(fieldError.required(fld, 'one of name or selector must be specified'));
  // An empty string counts as missing here, unlike the other enums.
  if (!str(ref.parameterNotFoundAction)) errs.push(fieldError.required(fld.child('parameterNotFoundAction')));
  else errs.push(...validateOptionalEnum(ref.parameterNotFoundAction, parameterNotFoundActions, fld.child('parameterNotFoundAction')));
  return errs;
}

function validateValidationActions(actions: unknown[], fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  actions.forEach((raw, i) => {
    const action = str(raw);
    errs.push(...validateOptionalEnum(action, validationActions, fld.index(i)));
    if (seen.has(action)) errs.push(fieldError.duplicate(fld.index(i), action));
    seen.add(action);
  });
  if (seen.has('Deny') && seen.has('Warn'))
    errs.push(
      fieldError.invalid(
        fld,
        jsonValue(actions),
        'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)',
      ),
    );
  if (seen.size === 0) errs.push(fieldError.required(fld, 'at least one validation action is required'));
  return errs;
}

function validateBinding(binding: Obj): FieldError[] {
  const spec = obj(binding.spec);
  const fld = FieldPath.root('spec');
  const policyName = str(spec.policyName);
  const errs = policyName
    ? nameIsDNSSubdomain(policyName, false).map((m) => fieldError.invalid(fld.child('policyName'), policyName, m))
    : [fieldError.required(fld.child('policyName'))];
  if (isSet(spec.paramRef)) errs.push(...validateParamRef(obj(spec.paramRef), fld.child('paramRef')));
  // Kubernetes reports these under a misspelt `matchResouces`; kept, for identical errors.
  if (isSet(spec.matchResources)) errs.push(...validateMatchResources(obj(spec.matchResources), fld.child('matchResouces')));
  errs.push(...validateValidationActions(arr(spec.validationActions), fld.child('validationActions')));
  return errs;
}

registerKindRules(group, 'ValidatingAdmissionPolicyBinding', { name: nameIsDNSSubdomain, validate: validateBinding });
