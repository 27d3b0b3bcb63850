// PriorityClass defaults (scheduling/v1 SetDefaults_PriorityClass): pods of the class preempt lower priorities.

import { registerDefaulter, setDefault } from './registry.js';

registerDefaulter('scheduling.k8s.io', 'PriorityClass', (pc) => {
  setDefault(pc, 'preemptionPolicy', 'PreemptLowerPriority');
});
