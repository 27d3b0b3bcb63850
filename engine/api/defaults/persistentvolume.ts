// PersistentVolume defaults (SetDefaults_PersistentVolume): Retain, Filesystem, Pending.

import { canonicalizeResourceList } from './quantities.js';
import { child, isObj, registerDefaulter, setDefault } from './registry.js';

registerDefaulter('', 'PersistentVolume', (pv) => {
  const spec = child(pv, 'spec');
  setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setDefault(spec, 'volumeMode', 'Filesystem');
  canonicalizeResourceList(spec.capacity);
  if (isObj(spec.hostPath)) setDefault(spec.hostPath, 'type', '');
  setDefault(child(pv, 'status'), 'phase', 'Pending');
});
