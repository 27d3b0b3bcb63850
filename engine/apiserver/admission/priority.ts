// Priority: a pod's priorityClassName is resolved to its PriorityClass's value (spec.priority) and
// preemption policy, or to the global default class, or to priority 0; a pod may not set a priority
// of its own that disagrees. Only one PriorityClass may be the global default, and the built-in
// system classes cannot be deleted. See plugin/pkg/admission/priority/admission.go.
import { admissionForbidden } from './forbidden';
import type { AdmissionContext, AdmissionPlugin, AdmissionRequest } from './types';
import { systemPriorityClasses } from '../../api/validation/semantic/priorityclass';

/** The global default class, the one of lowest value when several claim it. */
function defaultClass(ctx: AdmissionContext) {
  let found: { metadata: { name: string }; value: number; preemptionPolicy?: string } | undefined;
  for (const pc of ctx.list('scheduling.k8s.io', 'priorityclasses')) {
    if (pc.globalDefault === true && (!found || pc.value < found.value)) found = pc as typeof found;
  }
  return found;
}

function admitPod(req: AdmissionRequest, ctx: AdmissionContext): void {
  const spec = (req.object!.spec ??= {});
  let priority = 0;
  let preemptionPolicy = 'PreemptLowerPriority';
  if (!spec.priorityClassName) {
    const pc = defaultClass(ctx);
    if (pc) {
      spec.priorityClassName = pc.metadata.name;
      priority = pc.value;
      preemptionPolicy = pc.preemptionPolicy ?? preemptionPolicy;
    }
  } else {
    const pc = ctx.get('scheduling.k8s.io', 'priorityclasses', '', spec.priorityClassName);
    if (!pc) throw admissionForbidden(req, `no PriorityClass with name ${spec.priorityClassName} was found`);
    priority = pc.value;
    preemptionPolicy = pc.preemptionPolicy ?? preemptionPolicy;
  }
  if (spec.priority !== undefined && spec.priority !== null && spec.priority !== priority) {
    throw admissionForbidden(req, `the integer value of priority (${spec.priority}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`);
  }
  spec.priority = priority;
  if (spec.preemptionPolicy !== undefined && spec.preemptionPolicy !== null && spec.preemptionPolicy !== preemptionPolicy) {
    throw admissionForbidden(req, `the string value of PreemptionPolicy (${spec.preemptionPolicy}) must not be provided in pod spec; priority admission controller computed ${preemptionPolicy} from the given PriorityClass name`);
  }
  spec.preemptionPolicy = preemptionPolicy;
}

export const priorityAdmission: AdmissionPlugin = {
  name: 'Priority',
  admit(req, ctx) {
    if (req.subresource || !req.object) return;
    if (req.operation === 'CREATE' && req.kind.group === '' && req.kind.kind === 'Pod') admitPod(req, ctx);
  },
  validate(req, ctx) {
    if (req.kind.group !== 'scheduling.k8s.io' || req.kind.kind !== 'PriorityClass' || req.subresource) return;
    if (req.operation === 'DELETE') {
      if (systemPriorityClasses.some((c) => c.name === req.name)) throw admissionForbidden(req, 'this is a system priority class and cannot be deleted');
      return;
    }
    if ((req.operation === 'CREATE' || req.operation === 'UPDATE') && req.object?.globalDefault === true) {
      const current = defaultClass(ctx);
      if (current && (req.operation === 'CREATE' || current.metadata.name !== req.name)) {
        throw admissionForbidden(req, `PriorityClass ${current.metadata.name} is already marked as default. Only one default can exist`);
      }
    }
  },
};
