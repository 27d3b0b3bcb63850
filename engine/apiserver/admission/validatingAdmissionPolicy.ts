// ValidatingAdmissionPolicy: checks written in CEL that the API server itself evaluates, no webhook
// involved. A ValidatingAdmissionPolicy says which requests it is about (matchConstraints,
// matchConditions) and what must hold of them (validations, over object, oldObject, request,
// params, namespaceObject and its own variables); a ValidatingAdmissionPolicyBinding puts it to
// work for some of those requests (matchResources), with a parameter object (paramRef), and says
// what a failed validation does: Deny the request, Warn the client, or Audit.
// See https://kubernetes.io/docs/reference/access-authn-authz/validating-admission-policy/
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { StatusError, type Status } from '../../api/errors';
import { labelSelectorAsSelector } from '../../api/labels/labelSelector';
import { compileExpression } from '../../api/validation/cel/environment';
import { celValue } from '../../api/validation/cel/rules';
import { admissionPolicyVariables } from '../../api/validation/semantic/admissionregistration';
import type { Obj } from '../registry/strategy';
import { admissionRegistrationGroup, type Evaluation, evaluator, isExempt, matchConditionsVerdict, requestInputs, type RuleWithOperations, rulesMatch, type Selectors, selectorsMatch } from './matching';
import type { AdmissionContext, AdmissionPlugin, AdmissionRequest } from './types';


interface MatchResources extends Selectors {
  resourceRules?: RuleWithOperations[];
  excludeResourceRules?: RuleWithOperations[];
  matchPolicy?: string;
}

interface Validation {
  expression: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
}

interface PolicySpec {
  failurePolicy?: string;
  paramKind?: { apiVersion?: string; kind?: string };
  matchConstraints?: MatchResources;
  matchConditions?: { name: string; expression: string }[];
  variables?: { name: string; expression: string }[];
  validations?: Validation[];
}

interface BindingSpec {
  policyName?: string;
  paramRef?: { name?: string; namespace?: string; selector?: LabelSelector; parameterNotFoundAction?: string };
  matchResources?: MatchResources;
  validationActions?: string[];
}

/** A failed validation, or a policy that could not be applied, with what it says. */
interface Denial {
  readonly message: string;
  readonly reason?: string;
}

export const validatingAdmissionPolicy: AdmissionPlugin = {
  name: 'ValidatingAdmissionPolicy',
  validate(req, ctx) {
    if (isExempt(req)) return;
    const bindings = ctx.list(admissionRegistrationGroup, 'validatingadmissionpolicybindings');
    if (bindings.length === 0) return;
    const byPolicy = new Map<string, Obj[]>();
    for (const binding of bindings) {
      const name = String((binding.spec as BindingSpec | undefined)?.policyName ?? '');
      byPolicy.set(name, [...(byPolicy.get(name) ?? []), binding]);
    }
    const denials: { policy: string; binding?: string; denial: Denial }[] = [];
    for (const policyName of [...byPolicy.keys()].sort()) {
      const policy = ctx.get(admissionRegistrationGroup, 'validatingadmissionpolicies', '', policyName);
      // A binding to a policy that does not exist (yet) does nothing.
      if (!policy) continue;
      const spec = (policy.spec ?? {}) as PolicySpec;
      if (!resourcesMatch(spec.matchConstraints, req, ctx, false)) continue;
      for (const binding of byPolicy.get(policyName)!.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))) {
        const bindingSpec = (binding.spec ?? {}) as BindingSpec;
        if (bindingSpec.matchResources && !resourcesMatch(bindingSpec.matchResources, req, ctx, true)) continue;
        const failed = (message: string): Denial[] => (spec.failurePolicy === 'Ignore' ? [] : [{ message }]);
        let params: (Obj | null)[];
        try {
          params = collectParams(spec, bindingSpec, req, ctx);
        } catch (err) {
          for (const denial of failed(`failed to configure binding: ${(err as Error).message}`)) denials.push({ policy: policyName, binding: binding.metadata.name, denial });
          continue;
        }
        for (const param of params) {
          for (const denial of evaluate(spec, req, ctx, param, failed)) {
            const actions = bindingSpec.validationActions ?? [];
            if (actions.includes('Deny')) denials.push({ policy: policyName, binding: binding.metadata.name, denial });
            if (actions.includes('Warn')) req.warn?.(`Validation failed for ValidatingAdmissionPolicy '${policyName}' with binding '${binding.metadata.name}': ${denial.message}`);
            // Audit: the audit log's annotation, which this server's audit log does not carry.
          }
        }
      }
    }
    if (denials.length) throw denied(req, denials[0]!.policy, denials[0]!.binding, denials[0]!.denial);
  },
};

/**
 * A policy's matchConstraints or a binding's matchResources: selectors, then no exclusion, then a
 * rule. A binding without rules takes all the policy matches; a policy's constraints need rules.
 */
function resourcesMatch(match: MatchResources | undefined, req: AdmissionRequest, ctx: AdmissionContext, emptyRulesMatchAll: boolean): boolean {
  if (!match) return false;
  if (!selectorsMatch(match, req, ctx)) return false;
  if (rulesMatch(match.excludeResourceRules ?? [], match.matchPolicy, req)) return false;
  const rules = match.resourceRules ?? [];
  return rules.length === 0 ? emptyRulesMatchAll : rulesMatch(rules, match.matchPolicy, req);
}

/**
 * The parameter objects a binding evaluates its policy with: none needed (one evaluation with
 * `params` null), the one paramRef names, or those its selector selects. None found: with
 * parameterNotFoundAction Deny that is a failure, with Allow nothing is evaluated.
 */
function collectParams(spec: PolicySpec, binding: BindingSpec, req: AdmissionRequest, ctx: AdmissionContext): (Obj | null)[] {
  if (!spec.paramKind) return [null];
  const { apiVersion = '', kind = '' } = spec.paramKind;
  const ref = binding.paramRef;
  if (!ref) throw new Error(`paramKind ${JSON.stringify(`${apiVersion}, Kind=${kind}`)} is set on the policy but the binding has no paramRef`);
  const objects = ctx.objectsOf(apiVersion, kind);
  if (!objects) throw new Error(`failed to find resource referenced by paramKind: '${apiVersion}, Kind=${kind}'`);
  // A namespaced parameter is looked up in the paramRef's namespace, or else the request's.
  const namespace = objects.namespaced ? ref.namespace || req.namespace : undefined;
  let found: Obj[];
  if (ref.name) {
    const one = objects.get(namespace, ref.name);
    found = one ? [one] : [];
  } else {
    const selector = labelSelectorAsSelector(ref.selector ?? {});
    found = objects.list(namespace).filter((o) => selector.matches(o.metadata?.labels ?? {}));
  }
  if (found.length === 0 && ref.parameterNotFoundAction === 'Deny') throw new Error('no params found for policy binding with `Deny` parameterNotFoundAction');
  return found;
}

/** One evaluation of a policy with one parameter: what it denies (failed validations and errors). */
function evaluate(spec: PolicySpec, req: AdmissionRequest, ctx: AdmissionContext, param: Obj | null, failed: (message: string) => Denial[]): Denial[] {
  const inputs: Record<string, unknown> = {
    ...requestInputs(req, ctx),
    params: celValue(param, undefined),
    namespaceObject: celValue(namespaceObject(req, ctx), undefined),
  };
  inputs.variables = lazyVariables(spec.variables ?? [], inputs);
  const run = evaluator(admissionPolicyVariables, inputs);
  // matchConditions: all true, or the policy is not about this request; an error is a failure.
  const verdict = matchConditionsVerdict(spec.matchConditions ?? [], run);
  if (verdict === false) return [];
  if (verdict !== true) return failed(verdict.error);
  const denials: Denial[] = [];
  for (const validation of spec.validations ?? []) {
    const result = run(validation.expression);
    if ('error' in result) {
      denials.push(...failed(result.error));
      continue;
    }
    if (result.value === true) continue;
    denials.push({ message: failureMessage(validation, run), reason: validation.reason || 'Invalid' });
  }
  return denials;
}

/** messageExpression's string if it gives one on a single line, else message, else the expression. */
function failureMessage(validation: Validation, run: (expression: string) => Evaluation): string {
  if (validation.messageExpression) {
    const result = run(validation.messageExpression);
    if ('value' in result && typeof result.value === 'string' && result.value.trim() && !result.value.includes('\n')) return result.value.trim();
  }
  if (validation.message?.trim()) return validation.message.trim();
  return `failed expression: ${validation.expression.trim()}`;
}

/** `variables`: each evaluated when first read (it may read the ones before it), then kept. */
function lazyVariables(variables: { name: string; expression: string }[], inputs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { name, expression } of variables) {
    let cached: { value: unknown } | undefined;
    Object.defineProperty(out, name, {
      enumerable: true,
      get: () => {
        if (!cached) {
          const program = compileExpression(expression, admissionPolicyVariables);
          if (typeof program === 'string') throw new Error(program);
          cached = { value: program(inputs) };
        }
        return cached.value;
      },
    });
  }
  return out;
}

/** The Namespace of a namespaced request, as `namespaceObject`; null for a cluster-scoped one (a Namespace included). */
function namespaceObject(req: AdmissionRequest, ctx: AdmissionContext): Obj | null {
  if (!req.kind.namespaced || !req.namespace) return null;
  return ctx.get('', 'namespaces', '', req.namespace) ?? null;
}

const codes: Record<string, number> = { Unauthorized: 401, Forbidden: 403, Invalid: 422, RequestEntityTooLarge: 413 };

/** The refusal, as admission.NewForbidden words it, with the validation's reason and its code. */
function denied(req: AdmissionRequest, policy: string, binding: string | undefined, denial: Denial): StatusError {
  const message = binding
    ? `ValidatingAdmissionPolicy '${policy}' with binding '${binding}' denied request: ${denial.message}`
    : `ValidatingAdmissionPolicy '${policy}' denied request: ${denial.message}`;
  const resource = req.kind.group ? `${req.kind.plural}.${req.kind.group}` : req.kind.plural;
  const full = req.name ? `${resource} ${JSON.stringify(req.name)} is forbidden: ${message}` : `${resource} is forbidden: ${message}`;
  const reason = denial.reason ?? 'Invalid';
  return new StatusError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: full,
    reason,
    details: { name: req.name, group: req.kind.group, kind: req.kind.plural, causes: [{ message }] },
    code: codes[reason] ?? 422,
  } as Status);
}
