// Job defaults (batch/v1 SetDefaults_Job).

import { setDefaultsPodTemplateSpec } from './pod.js';
import { child, isObj, list, registerDefaulter, setDefault } from './registry.js';

registerDefaulter('batch', 'Job', (job) => {
  const spec = child(job, 'spec');
  // A non-parallel Job may leave both unset: it then runs one pod to one completion.
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setDefault(spec, 'parallelism', 1);
  if (spec.backoffLimit == null) spec.backoffLimit = spec.backoffLimitPerIndex != null ? 2147483647 : 6;
  // A Job without labels takes its pod template's.
  const templateLabels = isObj(spec.template) && isObj(spec.template.metadata) ? spec.template.metadata.labels : undefined;
  const meta = child(job, 'metadata');
  if (isObj(templateLabels) && (!isObj(meta.labels) || Object.keys(meta.labels).length === 0)) meta.labels = { ...templateLabels };
  setDefault(spec, 'completionMode', 'NonIndexed');
  if (spec.suspend == null) spec.suspend = false;
  if (isObj(spec.podFailurePolicy))
    for (const rule of list(spec.podFailurePolicy.rules)) for (const c of list(rule.onPodConditions)) setDefault(c, 'status', 'True');
  setDefault(spec, 'podReplacementPolicy', isObj(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed');
  setDefaultsPodTemplateSpec(spec.template);
});
