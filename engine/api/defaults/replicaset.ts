// ReplicaSet defaults (apps/v1 SetDefaults_ReplicaSet): one replica.

import { setDefaultsPodTemplateSpec } from './pod.js';
import { child, registerDefaulter, setDefault } from './registry.js';

registerDefaulter('apps', 'ReplicaSet', (rs) => {
  const spec = child(rs, 'spec');
  setDefault(spec, 'replicas', 1);
  setDefaultsPodTemplateSpec(spec.template);
});
