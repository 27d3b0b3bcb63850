// PersistentVolume rules (ValidatePersistentVolumeSpec): access modes, a storage capacity, a reclaim
// policy and exactly one volume source.

import { fieldError, FieldPath, GoValue } from '../../errors.js';
import { isDNS1123Subdomain, nameIsDNSSubdomain } from '../names.js';
import { at, has, isObj, obj, str } from './common.js';
import { validateAccessModes, validatePositiveQuantity } from './persistentvolumeclaim.js';
import { registerKindRules } from './registry.js';

const spec = FieldPath.root('spec');

const pvSources = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'quobyte', 'cephfs', 'iscsi', 'cinder',
  'fc', 'flocker', 'flexVolume', 'azureFile', 'vsphereVolume', 'azureDisk', 'photonPersistentDisk', 'portworxVolume',
  'scaleIO', 'local', 'storageos', 'csi',
];

registerKindRules('', 'PersistentVolume', {
  name: nameIsDNSSubdomain,
  validate: (pv) => {
    const s = obj(pv.spec);
    const errs = validateAccessModes(s, spec);
    const capacity = obj(s.capacity);
    if (Object.keys(capacity).length === 0) errs.push(fieldError.required(spec.child('capacity')));
    else if (!has(capacity, 'storage') || Object.keys(capacity).length > 1)
      errs.push(fieldError.notSupported(spec.child('capacity'), new GoValue(`core.ResourceList{...}`), ['storage']));
    else errs.push(...validatePositiveQuantity(capacity.storage, spec.child('capacity').key('storage')));
    const policies = ['Delete', 'Recycle', 'Retain'];
    if (has(s, 'persistentVolumeReclaimPolicy') && !policies.includes(str(s.persistentVolumeReclaimPolicy)))
      errs.push(fieldError.notSupported(spec.child('persistentVolumeReclaimPolicy'), s.persistentVolumeReclaimPolicy, policies));
    const sources = pvSources.filter((k) => has(s, k));
    if (sources.length === 0) errs.push(fieldError.required(spec, 'must specify a volume type'));
    for (const extra of sources.slice(1)) errs.push(fieldError.forbidden(spec.child(extra), 'may not specify more than 1 volume type'));
    if (isObj(s.hostPath) && !str(s.hostPath.path)) errs.push(fieldError.required(at(spec, 'hostPath', 'path')));
    if (isObj(s.local) && !str(s.local.path)) errs.push(fieldError.required(at(spec, 'local', 'path')));
    const sc = str(s.storageClassName);
    if (sc) errs.push(...isDNS1123Subdomain(sc).map((m) => fieldError.invalid(spec.child('storageClassName'), sc, m)));
    return errs;
  },
});
