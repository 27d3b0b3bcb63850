// CronJob defaults (batch/v1 SetDefaults_CronJob).

import { setDefaultsPodTemplateSpec } from './pod.js';
import { child, isObj, registerDefaulter, setDefault } from './registry.js';

registerDefaulter('batch', 'CronJob', (cj) => {
  const spec = child(cj, 'spec');
  setDefault(spec, 'concurrencyPolicy', 'Allow');
  if (spec.suspend == null) spec.suspend = false;
  setDefault(spec, 'successfulJobsHistoryLimit', 3);
  setDefault(spec, 'failedJobsHistoryLimit', 1);
  // Only the pod template inside the job template is defaulted; Job defaults apply when a Job is created.
  if (isObj(spec.jobTemplate) && isObj(spec.jobTemplate.spec)) setDefaultsPodTemplateSpec(spec.jobTemplate.spec.template);
});
