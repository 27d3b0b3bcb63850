// DefaultTolerationSeconds: a pod that does not tolerate the not-ready and unreachable NoExecute
// taints itself gets tolerations of both for 300 s, so the taint eviction controller deletes its
// pods five minutes after their node fails, not at once. A toleration without a key or an effect
// covers them. See plugin/pkg/admission/defaulttolerationseconds/admission.go.
import type { Toleration } from 'kubernetes-types/core/v1';
import type { AdmissionPlugin } from './types';

/** kube-apiserver's --default-not-ready-toleration-seconds and --default-unreachable-toleration-seconds. */
const defaultSeconds = 300;
const notReady = 'node.kubernetes.io/not-ready';
const unreachable = 'node.kubernetes.io/unreachable';

function tolerates(tolerations: readonly Toleration[], key: string): boolean {
  return tolerations.some((t) => (t.key === key || !t.key) && (t.effect === 'NoExecute' || !t.effect));
}

export const defaultTolerationSeconds: AdmissionPlugin = {
  name: 'DefaultTolerationSeconds',
  admit(req) {
    if (req.subresource || !req.object || req.kind.group !== '' || req.kind.kind !== 'Pod') return;
    if (req.operation !== 'CREATE' && req.operation !== 'UPDATE') return;
    const spec = (req.object.spec ??= {});
    const tolerations: Toleration[] = Array.isArray(spec.tolerations) ? spec.tolerations : [];
    const added = [notReady, unreachable].filter((key) => !tolerates(tolerations, key));
    if (!added.length) return;
    spec.tolerations = [...tolerations, ...added.map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: defaultSeconds }))];
  },
};
