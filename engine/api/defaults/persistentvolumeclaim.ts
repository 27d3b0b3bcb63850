// PersistentVolumeClaim defaults: a Filesystem volume, a Pending phase, canonical storage quantities.

import { canonicalizeResourceList } from './quantities.js';
import { child, isObj, type Obj, registerDefaulter, setDefault } from './registry.js';

export function setDefaultsPersistentVolumeClaim(pvc: Obj): void {
  const spec = child(pvc, 'spec');
  setDefault(spec, 'volumeMode', 'Filesystem');
  const resources = isObj(spec.resources) ? spec.resources : undefined;
  if (resources) {
    canonicalizeResourceList(resources.requests);
    canonicalizeResourceList(resources.limits);
  }
  setDefault(child(pvc, 'status'), 'phase', 'Pending');
}

registerDefaulter('', 'PersistentVolumeClaim', setDefaultsPersistentVolumeClaim);
