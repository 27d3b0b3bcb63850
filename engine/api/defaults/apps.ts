// apps/v1 defaults (pkg/apis/apps/v1/defaults.go): replicas, rollout strategies and history limits.

import { setDefaultsPersistentVolumeClaim } from './core.js';
import { setDefaultsPodTemplateSpec } from './pod.js';
import { child, isObj, list, registerDefaulter, setDefault } from './registry.js';

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

registerDefaulter('apps', 'ReplicaSet', (rs) => {
  const spec = child(rs, 'spec');
  setDefault(spec, 'replicas', 1);
  setDefaultsPodTemplateSpec(spec.template);
});

registerDefaulter('apps', 'StatefulSet', (sts) => {
  const spec = child(sts, 'spec');
  setDefault(spec, 'podManagementPolicy', 'OrderedReady');
  const us = child(spec, 'updateStrategy');
  if (!us.type) {
    us.type = 'RollingUpdate';
    child(us, 'rollingUpdate');
  }
  if (us.type === 'RollingUpdate' && isObj(us.rollingUpdate)) setDefault(us.rollingUpdate, 'partition', 0);
  // StatefulSetAutoDeletePVC (GA): claims are kept unless the user asks otherwise.
  const retention = child(spec, 'persistentVolumeClaimRetentionPolicy');
  setDefault(retention, 'whenDeleted', 'Retain');
  setDefault(retention, 'whenScaled', 'Retain');
  setDefault(spec, 'replicas', 1);
  setDefault(spec, 'revisionHistoryLimit', 10);
  setDefaultsPodTemplateSpec(spec.template);
  // Each claim template is defaulted as a PersistentVolumeClaim, status included.
  for (const claim of list(spec.volumeClaimTemplates)) setDefaultsPersistentVolumeClaim(claim);
});

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
