// Which requests an admission webhook or an admission policy is about, as kube-apiserver's generic
// admission matcher decides (k8s.io/apiserver/pkg/admission/plugin/webhook/predicates): rules of
// operations, groups, versions, resources and scope, with matchPolicy Equivalent reaching the other
// versions a resource is served as; a namespace selector and an object selector; and, for both, the
// CEL they are matched and judged with: the request's inputs (`request` the AdmissionRequest), and
// matchConditions.
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { statusErrors } from '../../api/errors';
import { versionConversions } from '../../api/conversion/index';
import { labelSelectorAsSelector } from '../../api/labels/labelSelector';
import { celMessage, compileExpression } from '../../api/validation/cel/environment';
import { CelAuthorizer } from '../../api/validation/cel/library/authorizer';
import { celValue } from '../../api/validation/cel/rules';
import type { Obj } from '../registry/strategy';
import type { AdmissionContext, AdmissionRequest } from './types';

export const admissionRegistrationGroup = 'admissionregistration.k8s.io';

/** A rule of a webhook or a policy; a policy's may also name the objects it is about. */
export interface RuleWithOperations {
  operations?: string[];
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  scope?: string;
  resourceNames?: string[];
}

export interface Selectors {
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
}

// Admission configuration is never judged by webhooks or policies, so a broken one can always be removed.
const exempt = new Set(['validatingwebhookconfigurations', 'mutatingwebhookconfigurations', 'validatingadmissionpolicies', 'validatingadmissionpolicybindings', 'mutatingadmissionpolicies', 'mutatingadmissionpolicybindings']);

/** Whether the request writes admission configuration itself. */
export function isExempt(req: AdmissionRequest): boolean {
  return req.kind.group === admissionRegistrationGroup && exempt.has(req.kind.plural);
}

/** Whether any rule matches the request, in its own version or (matchPolicy Equivalent) another it is served as. */
export function rulesMatch(rules: readonly RuleWithOperations[], matchPolicy: string | undefined, req: AdmissionRequest): boolean {
  const versions = matchPolicy === 'Exact' ? [{ group: req.kind.group, version: req.kind.version }] : equivalentVersions(req);
  return rules.some((rule) => versions.some((v) => ruleMatches(rule, req, v.group, v.version)));
}

/** The group/versions the request's resource is also served as, over the same storage (matchPolicy Equivalent). */
function equivalentVersions(req: AdmissionRequest): { group: string; version: string }[] {
  const own = { group: req.kind.group, version: req.kind.version };
  const conversions = versionConversions().filter((c) => c.kind === req.kind.kind);
  const storage = conversions.find((c) => c.group === own.group && c.served === own.version);
  const stored = storage ? { group: storage.storageGroup ?? storage.group, version: storage.storage } : own;
  const versions = [own];
  if (storage) versions.push(stored);
  for (const c of conversions) {
    if ((c.storageGroup ?? c.group) === stored.group && c.storage === stored.version && !(c.group === own.group && c.served === own.version)) versions.push({ group: c.group, version: c.served });
  }
  return versions;
}

/** rules.Matcher: scope, operation, group, version, resource with its subresource, and resource names. */
function ruleMatches(rule: RuleWithOperations, req: AdmissionRequest, group: string, version: string): boolean {
  const scope = rule.scope ?? '*';
  if (scope === 'Cluster' && req.kind.namespaced) return false;
  if (scope === 'Namespaced' && !req.kind.namespaced) return false;
  const has = (list: string[] | undefined, value: string) => (list ?? []).some((v) => v === '*' || v === value);
  if (!has(rule.operations, req.operation) || !has(rule.apiGroups, group) || !has(rule.apiVersions, version)) return false;
  if (rule.resourceNames?.length && !rule.resourceNames.includes(req.name)) return false;
  const sub = req.subresource ?? '';
  return (rule.resources ?? []).some((r) => {
    if (r === '*/*') return true;
    const [res = '', ruleSub] = r.split('/', 2) as [string, string | undefined];
    if (ruleSub === undefined) return sub === '' && (res === '*' || res === req.kind.plural);
    return (res === '*' || res === req.kind.plural) && (ruleSub === '*' || ruleSub === sub);
  });
}

/** Both selectors select the request (see namespaceMatches and objectMatches). */
export function selectorsMatch(selectors: Selectors, req: AdmissionRequest, ctx: AdmissionContext): boolean {
  return namespaceMatches(selectors.namespaceSelector, req, ctx) && objectMatches(selectors.objectSelector, req);
}

/**
 * namespaceSelector: matched against the labels of the request's namespace, or of the Namespace
 * itself when that is what is written; other cluster-scoped objects are always matched.
 */
function namespaceMatches(namespaceSelector: LabelSelector | undefined, req: AdmissionRequest, ctx: AdmissionContext): boolean {
  const isNamespace = req.kind.group === '' && req.kind.plural === 'namespaces';
  if (!req.kind.namespaced && !isNamespace) return true;
  const selector = labelSelectorAsSelector(namespaceSelector ?? {});
  if (selector.empty()) return true;
  let labels: Record<string, string> | undefined;
  if (isNamespace && !req.subresource) {
    labels = (req.operation === 'DELETE' ? req.oldObject : req.object)?.metadata?.labels;
  } else {
    const namespace = ctx.get('', 'namespaces', '', isNamespace ? req.name : req.namespace);
    if (!namespace) throw statusErrors.notFound('namespaces', '', isNamespace ? req.name : req.namespace);
    labels = namespace.metadata?.labels;
  }
  return selector.matches(labels ?? {});
}

/** objectSelector: matched against the labels of the new object or of the old one. */
function objectMatches(objectSelector: LabelSelector | undefined, req: AdmissionRequest): boolean {
  const selector = labelSelectorAsSelector(objectSelector ?? {});
  if (selector.empty()) return true;
  return [req.object, req.oldObject].some((o) => o !== undefined && selector.matches(o.metadata?.labels ?? {}));
}

/** The AdmissionRequest (admission.k8s.io/v1) a webhook receives and CEL reads as `request`. */
export function admissionRequestObject(uid: string, req: AdmissionRequest): Obj {
  const kind = { group: req.kind.group, version: req.kind.version, kind: req.kind.kind };
  const resource = { group: req.kind.group, version: req.kind.version, resource: req.kind.plural };
  const options = { CREATE: 'CreateOptions', UPDATE: 'UpdateOptions', DELETE: 'DeleteOptions', CONNECT: undefined }[req.operation];
  return {
    uid,
    kind,
    resource,
    ...(req.subresource ? { subResource: req.subresource } : {}),
    requestKind: kind,
    requestResource: resource,
    ...(req.subresource ? { requestSubResource: req.subresource } : {}),
    ...(req.name ? { name: req.name } : {}),
    ...(req.namespace ? { namespace: req.namespace } : {}),
    operation: req.operation,
    userInfo: { username: req.user.name, ...(req.user.uid ? { uid: req.user.uid } : {}), groups: [...req.user.groups], ...(req.user.extra ? { extra: req.user.extra } : {}) },
    object: req.object ?? null,
    oldObject: req.oldObject ?? null,
    dryRun: req.dryRun,
    ...(options ? { options: { kind: options, apiVersion: 'meta.k8s.io/v1' } } : {}),
  };
}

/** CEL's `authorizer` for a request: its user's permissions, and `requestResource` for what it writes. */
export function requestAuthorizer(req: AdmissionRequest, ctx: AdmissionContext): CelAuthorizer {
  const request = { group: req.kind.group, resource: req.kind.plural, ...(req.subresource ? { subresource: req.subresource } : {}), namespace: req.namespace, name: req.name };
  return new CelAuthorizer(ctx.authorize, { name: req.user.name, groups: req.user.groups }, request);
}

/** The CEL inputs every admission expression reads: object, oldObject, request and authorizer. */
export function requestInputs(req: AdmissionRequest, ctx: AdmissionContext): Record<string, unknown> {
  return {
    object: celValue(req.object ?? null, undefined),
    oldObject: celValue(req.oldObject ?? null, undefined),
    request: celValue(admissionRequestObject('', req), undefined),
    authorizer: requestAuthorizer(req, ctx),
  };
}

/** One CEL expression's outcome: its value, or the error kube-apiserver reports for it. */
export type Evaluation = { value: unknown } | { error: string };

/** Evaluates expressions compiled over `variables` with `inputs`. */
export function evaluator(variables: readonly string[], inputs: Record<string, unknown>): (expression: string) => Evaluation {
  return (expression) => {
    const program = compileExpression(expression, variables);
    if (typeof program === 'string') return { error: `expression '${expression}' resulted in error: ${program}` };
    try {
      return { value: program(inputs) };
    } catch (err) {
      return { error: `expression '${expression}' resulted in error: ${celMessage(err)}` };
    }
  };
}

/**
 * matchConditions: false as soon as one is false (the webhook or policy is not about this request);
 * otherwise true, or the error of those that could not be evaluated, which the failure policy judges.
 */
export function matchConditionsVerdict(conditions: readonly { expression: string }[], run: (expression: string) => Evaluation): boolean | { error: string } {
  const errors: string[] = [];
  for (const condition of conditions) {
    const result = run(condition.expression);
    if ('error' in result) errors.push(result.error);
    else if (result.value === false) return false;
  }
  if (errors.length === 0) return true;
  return { error: errors.length === 1 ? errors[0]! : `[${errors.join(', ')}]` };
}
