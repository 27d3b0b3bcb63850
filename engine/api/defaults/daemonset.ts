// DaemonSet defaults (apps/v1 SetDefaults_DaemonSet): RollingUpdate, one node at a time, no surge.

import { setDefaultsPodTemplateSpec } from './pod.js';
import { child, registerDefaulter, setDefault } from './registry.js';

registerDefaulter('apps', 'DaemonSet', (ds) => {
  const spec = child(ds, 'spec');
  const us = child(spec, 'updateStrategy');
  setDefault(us, 'type', 'RollingUpdate');
  if (us.type === 'RollingUpdate') {
    const ru = child(us, 'rollingUpdate');
    setDefault(ru, 'maxUnavailable', 1);
    setDefault(ru, 'maxSurge', 0);
  }
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefaultsPodTemplateSpec(spec.template);
});
