// StatefulSet rules (ValidateStatefulSetSpec, ValidateStatefulSetUpdate): pod management and update
// strategies, claim retention, and a spec that is fixed but for a few fields.

import { fieldError, type FieldError, FieldPath, GoValue } from '../../errors.js';
import { nameIsDNSLabel, validateAnnotations, validateLabels } from '../names.js';
import { at, deepEqual, jsonLabelSelector, has, intOrPercentIsZero, intstr, isNotMoreThan100Percent, isObj, obj, str, validateNonnegativeField, validatePositiveIntOrPercent } from './common.js';
import { type Obj, registerKindRules } from './registry.js';
import { asSelector, validateLongRunningTemplate, validateRequiredSelector, validateSelectorMatchesTemplate, validateWorkloadStatus } from './workload.js';

const spec = FieldPath.root('spec');

function validateStatefulSet(sts: Obj): FieldError[] {
  const s = obj(sts.spec);
  const errs: FieldError[] = [];
  const pmp = str(s.podManagementPolicy);
  if (!pmp) errs.push(fieldError.required(spec.child('podManagementPolicy')));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(fieldError.invalid(spec.child('podManagementPolicy'), pmp, "must be 'OrderedReady' or 'Parallel'"));
  const us = obj(s.updateStrategy);
  const usPath = spec.child('updateStrategy');
  const goRollingUpdate = (ru: unknown) =>
    new GoValue(`apps.RollingUpdateStatefulSetStrategy{Partition:${typeof obj(ru).partition === 'number' ? obj(ru).partition : 0}, MaxUnavailable:${has(obj(ru), 'maxUnavailable') ? '(*intstr.IntOrString)(0xc000000000)' : '(*intstr.IntOrString)(nil)'}}`);
  switch (us.type ?? '') {
    case '':
      errs.push(fieldError.required(usPath));
      break;
    case 'OnDelete':
      if (has(us, 'rollingUpdate')) errs.push(fieldError.invalid(usPath.child('rollingUpdate'), goRollingUpdate(us.rollingUpdate), "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate':
      if (isObj(us.rollingUpdate)) {
        const ru = us.rollingUpdate;
        const p = usPath.child('rollingUpdate');
        errs.push(...validateNonnegativeField(ru.partition, p.child('partition')));
        if (has(ru, 'maxUnavailable')) {
          errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, p.child('maxUnavailable')));
          if (intOrPercentIsZero(ru.maxUnavailable)) errs.push(fieldError.invalid(p.child('maxUnavailable'), intstr(ru.maxUnavailable), 'cannot be 0'));
          errs.push(...isNotMoreThan100Percent(ru.maxUnavailable, p.child('maxUnavailable')));
        }
      }
      break;
    default:
      errs.push(
        fieldError.invalid(
          usPath,
          new GoValue(`apps.StatefulSetUpdateStrategy{Type:${JSON.stringify(str(us.type))}, RollingUpdate:${isObj(us.rollingUpdate) ? '(*apps.RollingUpdateStatefulSetStrategy)(0xc000000000)' : '(*apps.RollingUpdateStatefulSetStrategy)(nil)'}}`),
          "must be 'RollingUpdate' or 'OnDelete'",
        ),
      );
  }
  if (isObj(s.persistentVolumeClaimRetentionPolicy)) {
    const retention = s.persistentVolumeClaimRetentionPolicy;
    for (const f of ['whenDeleted', 'whenScaled']) {
      const v = str(retention[f]);
      if (v !== 'Retain' && v !== 'Delete') errs.push(fieldError.notSupported(at(spec, 'persistentVolumeClaimRetentionPolicy', f), v, ['Retain', 'Delete']));
    }
  }
  errs.push(...validateNonnegativeField(s.replicas, spec.child('replicas')));
  errs.push(...validateNonnegativeField(s.minReadySeconds, spec.child('minReadySeconds')));
  if (isObj(s.ordinals)) errs.push(...validateNonnegativeField(s.ordinals.start, at(spec, 'ordinals', 'start')));
  errs.push(...validateRequiredSelector(s, 'statefulset'));
  const selector = asSelector(s.selector);
  const template = obj(s.template);
  const tPath = spec.child('template');
  if (!selector) errs.push(fieldError.invalid(spec.child('selector'), jsonLabelSelector(s.selector), ''));
  else {
    // ValidatePodTemplateSpecForStatefulSet checks only labels and annotations: the pod spec's volume
    // mounts may name volumeClaimTemplates, which the generic pod rules would not know.
    errs.push(...validateSelectorMatchesTemplate(selector, template, tPath));
    const meta = obj(template.metadata);
    errs.push(...validateLabels(meta.labels, tPath.child('labels')), ...validateAnnotations(meta.annotations, tPath.child('annotations')));
  }
  errs.push(...validateLongRunningTemplate(template, tPath, 'StatefulSet'));
  return errs;
}

const statefulSetMutable = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

/** Everything in a StatefulSet's spec but these fields is fixed: pods and their claims were made from it. */
function validateStatefulSetUpdate(n: Obj, o: Obj): FieldError[] {
  const ns = { ...obj(n.spec) };
  const os = obj(o.spec);
  for (const f of statefulSetMutable) ns[f] = os[f];
  if (deepEqual(ns, os)) return [];
  return [
    fieldError.forbidden(
      spec,
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ),
  ];
}

// A StatefulSet's name becomes each pod's hostname (`<name>-<ordinal>`): a DNS label. An update does not
// re-check it, so an object created under the older subdomain rule can still be updated (and deleted).
registerKindRules('apps', 'StatefulSet', {
  name: nameIsDNSLabel,
  validate: validateStatefulSet,
  validateUpdate: validateStatefulSetUpdate,
  validateStatusUpdate: (ss) =>
    validateWorkloadStatus(ss, ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas', 'observedGeneration', 'collisionCount'], ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas']),
});
