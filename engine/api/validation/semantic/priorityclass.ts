// PriorityClass rules (pkg/apis/scheduling/validation): the `system-` names belong to the two
// built-in classes, user classes stay at or below one billion, and value and preemption policy are
// fixed once created.

import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { nameIsDNSSubdomain } from '../names.js';
import { registerKindRules } from './registry.js';

const root = FieldPath.root;

/** HighestUserDefinablePriority: classes above it are the system's. */
export const highestUserDefinablePriority = 1_000_000_000;

/** The class of pods that must stay on their node (static pods, kube-proxy). */
export const systemNodeCritical = { name: 'system-node-critical', value: 2_000_001_000, description: 'Used for system critical pods that must not be moved from their current node.' } as const;
/** The class of pods the cluster needs somewhere (CoreDNS). */
export const systemClusterCritical = { name: 'system-cluster-critical', value: 2_000_000_000, description: 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.' } as const;

/** The classes every cluster has (kube-apiserver creates them at start and refuses to delete them). */
export const systemPriorityClasses = [systemNodeCritical, systemClusterCritical] as const;

/** IsKnownSystemPriorityClass: why a `system-` class is not one of the built-in ones, or undefined. */
function notSystemClass(name: string, value: unknown, globalDefault: boolean): string | undefined {
  const known = systemPriorityClasses.find((c) => c.name === name);
  if (!known) return `${name} is not a known system priority class`;
  if (known.value !== value) return `value of ${name} PriorityClass must be ${known.value}`;
  if (globalDefault) return `globalDefault of ${name} PriorityClass must be false`;
  return undefined;
}

const preemptionPolicies = ['Never', 'PreemptLowerPriority'];

registerKindRules('scheduling.k8s.io', 'PriorityClass', {
  name: nameIsDNSSubdomain,
  validate: (pc) => {
    const errs: FieldError[] = [];
    const name = String((pc.metadata as { name?: unknown } | undefined)?.name ?? '');
    if (name.startsWith('system-')) {
      const why = notSystemClass(name, pc.value, pc.globalDefault === true);
      if (why) errs.push(fieldError.forbidden(root('metadata').child('name'), `priority class names with 'system-' prefix are reserved for system use only. error: ${why}`));
    } else if (typeof pc.value === 'number' && pc.value > highestUserDefinablePriority) {
      errs.push(fieldError.forbidden(root('value'), `maximum allowed value of a user defined priority is ${highestUserDefinablePriority}`));
    }
    if (pc.preemptionPolicy !== undefined && !preemptionPolicies.includes(String(pc.preemptionPolicy))) errs.push(fieldError.notSupported(root('preemptionPolicy'), pc.preemptionPolicy, preemptionPolicies));
    return errs;
  },
  validateUpdate: (n, o) => {
    const errs: FieldError[] = [];
    if (n.value !== o.value) errs.push(fieldError.forbidden(root('value'), 'may not be changed in an update.'));
    if (n.preemptionPolicy !== o.preemptionPolicy) errs.push(fieldError.invalid(root('preemptionPolicy'), n.preemptionPolicy, 'field is immutable'));
    return errs;
  },
});
