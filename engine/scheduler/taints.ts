// Taints and tolerations as component-helpers' v1helper matches them: a toleration tolerates a
// taint when effect, key and value agree under its operator.
// https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
import type { Taint, Toleration } from 'kubernetes-types/core/v1';

export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  // An empty key with operator Exists matches every key; otherwise the keys must be equal.
  if (t.key !== undefined && t.key !== '' && t.key !== taint.key) return false;
  if ((t.key === undefined || t.key === '') && t.operator !== 'Exists') return false;
  switch (t.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
    case '':
      return (t.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

export function tolerationsTolerateTaint(tolerations: readonly Toleration[], taint: Taint): boolean {
  for (let i = 0; i < tolerations.length; i++) if (toleratesTaint(tolerations[i]!, taint)) return true;
  return false;
}

/** The first taint none of the tolerations tolerate, among those `taints` (already filtered by effect). */
export function findMatchingUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[]): Taint | undefined {
  for (let i = 0; i < taints.length; i++) if (!tolerationsTolerateTaint(tolerations, taints[i]!)) return taints[i];
  return undefined;
}

export const taintNodeUnschedulable = 'node.kubernetes.io/unschedulable';
