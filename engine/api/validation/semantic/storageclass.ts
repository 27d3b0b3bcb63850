// StorageClass rules (pkg/apis/storage/validation): a provisioner, reclaim and binding modes, and what an
// update may not change.

import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { isQualifiedName, nameIsDNSSubdomain } from '../names.js';
import { has, obj, str } from './common.js';
import { registerKindRules } from './registry.js';

const root = FieldPath.root;

registerKindRules('storage.k8s.io', 'StorageClass', {
  name: nameIsDNSSubdomain,
  validate: (sc) => {
    const errs: FieldError[] = [];
    const provisioner = str(sc.provisioner);
    if (!provisioner) errs.push(fieldError.required(root('provisioner')));
    else errs.push(...isQualifiedName(provisioner.toLowerCase()).map((m) => fieldError.invalid(root('provisioner'), provisioner.toLowerCase(), m)));
    if (str(sc.reclaimPolicy) && !['Delete', 'Retain'].includes(str(sc.reclaimPolicy)))
      errs.push(fieldError.notSupported(root('reclaimPolicy'), sc.reclaimPolicy, ['Delete', 'Retain']));
    if (has(sc, 'volumeBindingMode') && !['Immediate', 'WaitForFirstConsumer'].includes(str(sc.volumeBindingMode)))
      errs.push(fieldError.notSupported(root('volumeBindingMode'), sc.volumeBindingMode, ['Immediate', 'WaitForFirstConsumer']));
    const params = obj(sc.parameters);
    if (Object.keys(params).length > 512) errs.push(fieldError.tooMany(root('parameters'), Object.keys(params).length, 512));
    for (const k of Object.keys(params)) if (!k) errs.push(fieldError.invalid(root('parameters'), params, 'key may not be empty'));
    return errs;
  },
  validateUpdate: (n, o) => {
    const errs: FieldError[] = [];
    if (JSON.stringify(n.parameters ?? {}) !== JSON.stringify(o.parameters ?? {})) errs.push(fieldError.forbidden(root('parameters'), 'updates to parameters are forbidden.'));
    if (n.provisioner !== o.provisioner) errs.push(fieldError.forbidden(root('provisioner'), 'updates to provisioner are forbidden.'));
    if ((n.reclaimPolicy ?? 'Delete') !== (o.reclaimPolicy ?? 'Delete')) errs.push(fieldError.forbidden(root('reclaimPolicy'), 'updates to reclaimPolicy are forbidden.'));
    if ((n.volumeBindingMode ?? 'Immediate') !== (o.volumeBindingMode ?? 'Immediate'))
      errs.push(fieldError.invalid(root('volumeBindingMode'), n.volumeBindingMode ?? 'Immediate', 'field is immutable'));
    return errs;
  },
});
