// pdb-blocks-eviction: a Deployment or StatefulSet whose PodDisruptionBudget never allows evicting one of its pods.
import { valueAt } from '../parsedDocument';
import { podTemplatePath } from '../resourceReferences';
import { labelsAt, namespaceOf } from './objects';
import type { DisruptionBudgetInfo, FieldFix, Finding, LintRule } from './types';

/** An int-or-percent scaled to `total`, rounded up as the disruption controller does; undefined when malformed. */
function scaled(value: number | string, total: number): number | undefined {
  if (typeof value === 'number') return value;
  const percent = /^(\d+)%$/.exec(value);
  return percent ? Math.ceil((Number(percent[1]) * total) / 100) : undefined;
}

/** How many of `replicas` healthy pods the budget lets go at once (the disruption controller's disruptionsAllowed). */
function disruptionsAllowed(budget: DisruptionBudgetInfo, replicas: number): number | undefined {
  if (budget.maxUnavailable !== undefined) return scaled(budget.maxUnavailable, replicas);
  if (budget.minAvailable !== undefined) {
    const min = scaled(budget.minAvailable, replicas);
    return min === undefined ? undefined : replicas - min;
  }
  // Neither: the budget keeps nothing (poddisruptionbudget-has-policy's concern).
  return replicas;
}

const budgetText = (b: DisruptionBudgetInfo) => (b.maxUnavailable !== undefined ? `maxUnavailable: ${b.maxUnavailable}` : `minAvailable: ${b.minAvailable}`);

export const pdbBlocksEviction: LintRule = {
  id: 'pdb-blocks-eviction',
  severity: 'warning',
  enabledByDefault: true,
  summary: 'A Deployment or StatefulSet whose pods a PodDisruptionBudget in the workspace never lets be evicted, at its replica count (`spec.replicas` unset means one).',
  description:
    'An eviction (`kubectl drain`, a node upgrade, the cluster autoscaler) goes ahead only while the budget allows a disruption: with one replica and `minAvailable: 1`, or `maxUnavailable: 0`, or `minAvailable: 100%`, it never does, and the drain waits forever until someone deletes the pod by hand. Run more replicas than the budget keeps, or loosen the budget. Judged with this workload\'s replicas alone: a budget over several workloads counts all their pods. Quick fix, for an integer `minAvailable`: one replica more than it keeps.',
  docs: 'https://kubernetes.io/docs/tasks/run-application/configure-pdb/#thinking-about-how-your-application-reacts-to-disruptions',
  appliesTo: ['Deployment', 'StatefulSet'],
  check(object, { kind, workspace }) {
    const replicas = valueAt(object, ['spec', 'replicas']) ?? 1;
    const labels = labelsAt(object, [...podTemplatePath(kind)!, 'metadata', 'labels']);
    if (typeof replicas !== 'number' || replicas < 1 || !labels || Object.keys(labels).length === 0) return [];
    const findings: Finding[] = [];
    for (const budget of workspace.disruptionBudgetsFor(labels, namespaceOf(object))) {
      const allowed = disruptionsAllowed(budget, replicas);
      if (allowed === undefined || allowed > 0) continue;
      const fix: FieldFix | undefined =
        budget.maxUnavailable === undefined && typeof budget.minAvailable === 'number' ? { title: `Set replicas: ${budget.minAvailable + 1}`, set: ['spec', 'replicas'], value: budget.minAvailable + 1 } : undefined;
      findings.push({
        path: ['spec', 'replicas'],
        message: `the PodDisruptionBudget "${budget.name}" (${budgetText(budget)}) allows no eviction of ${replicas === 1 ? 'the one replica' : `any of the ${replicas} replicas`}: node drains would wait forever`,
        ...(fix ? { fix } : {}),
      });
    }
    return findings;
  },
};
