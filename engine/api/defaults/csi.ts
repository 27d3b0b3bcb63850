// CSIDriver defaults (storage/v1 SetDefaults_CSIDriver). The feature gates that once guarded
// fsGroupPolicy, volumeLifecycleModes and seLinuxMount (SELinuxMountReadWriteOncePod) are on, so every
// field is defaulted. The other CSI kinds have no defaults of their own.

import { child, type Obj, registerDefaulter } from './registry.js';

/** Sets a pointer field left nil; unlike setDefault, an empty string is a value here (and then fails validation). */
function setIfNil(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

registerDefaulter('storage.k8s.io', 'CSIDriver', (d) => {
  const spec = child(d, 'spec');
  setIfNil(spec, 'attachRequired', true);
  setIfNil(spec, 'podInfoOnMount', false);
  setIfNil(spec, 'storageCapacity', false);
  setIfNil(spec, 'fsGroupPolicy', 'ReadWriteOnceWithFSType');
  // An empty list is defaulted as well as a missing one (len == 0 in Go).
  if (!Array.isArray(spec.volumeLifecycleModes) || spec.volumeLifecycleModes.length === 0) spec.volumeLifecycleModes = ['Persistent'];
  setIfNil(spec, 'requiresRepublish', false);
  setIfNil(spec, 'seLinuxMount', false);
});
