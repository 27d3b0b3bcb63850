// Deployment defaults (apps/v1 SetDefaults_Deployment): one replica, RollingUpdate 25%/25%, ten old
// ReplicaSets kept, a 600 s progress deadline.

import { setDefaultsPodTemplateSpec } from './pod.js';
import { child, registerDefaulter, setDefault } from './registry.js';

registerDefaulter('apps', 'Deployment', (d) => {
  const spec = child(d, 'spec');
  setDefault(spec, 'replicas', 1);
  const strategy = child(spec, 'strategy');
  setDefault(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = child(strategy, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', '25%');
    setDefault(ru, 'maxSurge', '25%');
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefault(spec, 'progressDeadlineSeconds', 600);
  setDefaultsPodTemplateSpec(spec.template);
});
