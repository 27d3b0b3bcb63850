// What every apps/v1 workload shares (pkg/apis/apps/validation): a required, non-empty selector that
// selects its own template, and pods that restart Always.

import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { labelSelectorAsSelector, validateLabelSelector } from '../../labels/labelSelector.js';
import type { Selector } from '../../labels/selector.js';
import { arr, at, jsonLabelSelector, jsonValue, has, isObj, obj, validateImmutableField, validateNonnegativeField } from './common.js';
import { validatePodTemplateSpec } from './pod.js';
import type { Obj } from './registry.js';

const spec = FieldPath.root('spec');

/** Required, valid and not empty: the spec.selector checks every workload kind shares. */
export function validateRequiredSelector(s: Obj, workload: string): FieldError[] {
  const selPath = spec.child('selector');
  if (!isObj(s.selector)) return [fieldError.required(selPath)];
  const errs = validateLabelSelector(s.selector as LabelSelector, selPath);
  if (Object.keys(obj(s.selector.matchLabels)).length + arr(s.selector.matchExpressions).length === 0)
    errs.push(fieldError.invalid(selPath, jsonLabelSelector(s.selector), `empty selector is invalid for ${workload}`));
  return errs;
}

/** LabelSelectorAsSelector: a missing selector selects nothing, an empty one everything; undefined when it does not parse. */
export function asSelector(sel: unknown): Selector | undefined {
  try {
    return labelSelectorAsSelector(isObj(sel) ? (sel as LabelSelector) : undefined);
  } catch {
    return undefined;
  }
}

/** The template must carry labels its own selector selects, or the controller would never see its pods. */
export function validateSelectorMatchesTemplate(selector: Selector, template: Obj, tPath: FieldPath): FieldError[] {
  const labels = obj(template.metadata).labels;
  if (selector.empty() || selector.matches(obj(labels) as Record<string, string>)) return [];
  return [fieldError.invalid(at(tPath, 'metadata', 'labels'), jsonValue(labels), '`selector` does not match template `labels`')];
}

/** Workload pods restart Always and have no deadline: a controller replaces them, it never lets them finish. */
export function validateLongRunningTemplate(template: Obj, tPath: FieldPath, workload: string): FieldError[] {
  const errs: FieldError[] = [];
  const podSpec = obj(template.spec);
  const restartPolicy = podSpec.restartPolicy ?? '';
  if (restartPolicy !== 'Always') errs.push(fieldError.notSupported(at(tPath, 'spec', 'restartPolicy'), restartPolicy, ['Always']));
  if (has(podSpec, 'activeDeadlineSeconds')) errs.push(fieldError.forbidden(at(tPath, 'spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${workload} is not Supported`));
  return errs;
}

/** ValidatePodTemplateSpecForReplicaSet (Deployments use it too). */
export function validateReplicaSetTemplate(s: Obj, selector: Selector): FieldError[] {
  const tPath = spec.child('template');
  if (!isObj(s.template)) return [fieldError.required(tPath)];
  return [...validateSelectorMatchesTemplate(selector, s.template, tPath), ...validatePodTemplateSpec(s.template, tPath), ...validateLongRunningTemplate(s.template, tPath, 'ReplicaSet')];
}

/** In apps/v1 a workload's selector is fixed at creation: it decides which pods the controller owns. */
export function selectorImmutable(n: Obj, o: Obj): FieldError[] {
  return validateImmutableField(obj(n.spec).selector, obj(o.spec).selector, spec.child('selector'), jsonLabelSelector);
}

/**
 * An apps/v1 workload's status update (ValidateReplicaSetStatus, ValidateDeploymentStatus,
 * ValidateStatefulSetStatus, the DaemonSet's): none of `counts` negative; of a set of replicas,
 * none of `atMostReplicas` above status.replicas, and availableReplicas not above readyReplicas.
 */
export function validateWorkloadStatus(workload: Obj, counts: readonly string[], atMostReplicas: readonly string[] = []): FieldError[] {
  const status = obj(workload.status);
  const path = FieldPath.root('status');
  const errs = counts.flatMap((c) => validateNonnegativeField(status[c], path.child(c)));
  if (atMostReplicas.length === 0) return errs;
  const count = (c: string) => (typeof status[c] === 'number' ? status[c] : 0);
  for (const c of atMostReplicas) if (count(c) > count('replicas')) errs.push(fieldError.invalid(path.child(c), count(c), 'cannot be greater than status.replicas'));
  if (count('availableReplicas') > count('readyReplicas')) errs.push(fieldError.invalid(path.child('availableReplicas'), count('availableReplicas'), 'cannot be greater than readyReplicas'));
  return errs;
}
