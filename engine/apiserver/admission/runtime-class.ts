// RuntimeClass: a pod naming a RuntimeClass must name one that exists; it takes the class's fixed
// overhead (which the scheduler and quotas then count) and its scheduling constraints (node
// selector labels, tolerations), refusing a pod whose own values contradict them.
// See plugin/pkg/admission/runtimeclass/admission.go.
import type { Toleration } from 'kubernetes-types/core/v1';
import { deepEqual } from '../../api/patch/jsonValue';
import { runtimeClassScheduling } from '../../api/validation/semantic/runtimeclass';
import { admissionForbidden } from './forbidden';
import type { AdmissionPlugin } from './types';

export const runtimeClassAdmission: AdmissionPlugin = {
  name: 'RuntimeClass',
  admit(req, ctx) {
    if (req.operation !== 'CREATE' || req.subresource || !req.object || req.kind.group !== '' || req.kind.kind !== 'Pod') return;
    const spec = (req.object.spec ??= {});
    const name = spec.runtimeClassName;
    if (typeof name !== 'string' || !name) return;
    const rc = ctx.get('node.k8s.io', 'runtimeclasses', '', name);
    if (!rc) throw admissionForbidden(req, `pod rejected: RuntimeClass ${JSON.stringify(name)} not found`);
    const podFixed = rc.overhead?.podFixed;
    if (podFixed) {
      if (spec.overhead !== undefined && spec.overhead !== null && !deepEqual(spec.overhead, podFixed)) {
        throw admissionForbidden(req, "pod rejected: Pod's Overhead doesn't match RuntimeClass's defined Overhead");
      }
      spec.overhead = { ...podFixed };
    }
    const { nodeSelector, tolerations } = runtimeClassScheduling(rc);
    const podSelector: Record<string, string> = { ...(spec.nodeSelector ?? {}) };
    for (const [key, value] of Object.entries(nodeSelector)) {
      const own = podSelector[key];
      if (own !== undefined && own !== value) throw admissionForbidden(req, `conflict: runtimeClass.scheduling.nodeSelector[${key}] = ${value}; pod.spec.nodeSelector[${key}] = ${own}`);
      podSelector[key] = value;
    }
    if (Object.keys(nodeSelector).length) spec.nodeSelector = podSelector;
    // MergeTolerations: the class's are added unless the pod already has an equal one.
    const own: Toleration[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
    const added = (tolerations as Toleration[]).filter((t) => !own.some((o) => deepEqual(o, t)));
    if (added.length) spec.tolerations = [...own, ...added];
  },
};
