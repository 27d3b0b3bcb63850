// Event rules: core/v1's lenient legacyValidateEvent and events.k8s.io/v1's strict ValidateEventCreate.

import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { isQualifiedName, nameIsDNSSubdomain } from '../names.js';
import { at, has, isObj, obj, str } from './common.js';
import { registerKindRules } from './registry.js';

const root = FieldPath.root;

registerKindRules('', 'Event', {
  name: nameIsDNSSubdomain,
  validate: (ev) => {
    const errs: FieldError[] = [];
    const ns = str(obj(ev.metadata).namespace);
    const involvedNs = str(obj(ev.involvedObject).namespace);
    const nsPath = at(root('involvedObject'), 'namespace');
    if (!str(ev.eventTime)) {
      // Old-style events: an event about a cluster-scoped object lives in "default" (or nowhere).
      if (!involvedNs ? ns !== '' && ns !== 'default' : ns !== involvedNs) errs.push(fieldError.invalid(nsPath, involvedNs, 'does not match event.namespace'));
    } else {
      if (!involvedNs && ns !== 'default' && ns !== 'kube-system') errs.push(fieldError.invalid(nsPath, involvedNs, 'does not match event.namespace'));
      // core/v1 calls the reporting controller `source` in its messages.
      const controller = str(ev.reportingComponent);
      if (!controller) errs.push(fieldError.required(root('source')));
      errs.push(...isQualifiedName(controller).map((m) => fieldError.invalid(root('source'), controller, m)));
      if (!str(ev.reportingInstance)) errs.push(fieldError.required(root('reportingInstance')));
      if (!str(ev.action)) errs.push(fieldError.required(root('action')));
      if (!str(ev.reason)) errs.push(fieldError.required(root('reason')));
    }
    return errs;
  },
});

registerKindRules('events.k8s.io', 'Event', {
  name: nameIsDNSSubdomain,
  validate: (ev) => {
    const errs: FieldError[] = [];
    if (!str(ev.eventTime)) errs.push(fieldError.required(root('eventTime')));
    if (ev.type !== 'Normal' && ev.type !== 'Warning') errs.push(fieldError.invalid(root('type'), '', `has invalid value: ${str(ev.type)}`));
    if (has(ev, 'deprecatedFirstTimestamp')) errs.push(fieldError.invalid(root('deprecatedFirstTimestamp'), '', 'needs to be unset'));
    if (has(ev, 'deprecatedLastTimestamp')) errs.push(fieldError.invalid(root('deprecatedLastTimestamp'), '', 'needs to be unset'));
    if (has(ev, 'deprecatedCount')) errs.push(fieldError.invalid(root('deprecatedCount'), '', 'needs to be unset'));
    if (isObj(ev.deprecatedSource) && Object.keys(ev.deprecatedSource).length) errs.push(fieldError.invalid(root('deprecatedSource'), '', 'needs to be unset'));
    const controller = str(ev.reportingController);
    if (!controller) errs.push(fieldError.required(root('reportingController')));
    errs.push(...isQualifiedName(controller).map((m) => fieldError.invalid(root('reportingController'), controller, m)));
    for (const [f, limit] of [['reportingInstance', 128], ['action', 128], ['reason', 128]] as const) {
      const v = str(ev[f]);
      if (!v) errs.push(fieldError.required(root(f)));
      if (v.length > limit) errs.push(fieldError.invalid(root(f), '', `can have at most ${limit} characters`));
    }
    if (str(ev.note).length > 1024) errs.push(fieldError.invalid(root('message'), '', 'can have at most 1024 characters'));
    const ns = str(obj(ev.metadata).namespace);
    const regarding = obj(ev.regarding);
    if (!str(regarding.namespace) && ns !== 'default' && ns !== 'kube-system')
      errs.push(fieldError.invalid(at(root('involvedObject'), 'namespace'), str(regarding.namespace), 'does not match event.namespace'));
    return errs;
  },
});
