// StatefulSet defaults (apps/v1 SetDefaults_StatefulSet): ordered pods, RollingUpdate from partition 0,
// claims retained, and claim templates defaulted as claims.

import { setDefaultsPersistentVolumeClaim } from './persistentvolumeclaim.js';
import { setDefaultsPodTemplateSpec } from './pod.js';
import { child, isObj, list, registerDefaulter, setDefault } from './registry.js';

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
