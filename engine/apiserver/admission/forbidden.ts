// admission.NewForbidden: a plugin's refusal, as `pods "web-1" is forbidden: <why>`.
import { statusErrors, type StatusError } from '../../api/errors';
import type { AdmissionRequest } from './types';

export function admissionForbidden(req: AdmissionRequest, why: string, cause?: { reason: string; field?: string }): StatusError {
  const resource = req.kind.group ? `${req.kind.plural}.${req.kind.group}` : req.kind.plural;
  const message = req.name ? `${resource} ${JSON.stringify(req.name)} is forbidden: ${why}` : `${resource} is forbidden: ${why}`;
  return statusErrors.forbidden(message, {
    name: req.name,
    group: req.kind.group,
    kind: req.kind.plural,
    ...(cause ? { causes: [{ reason: cause.reason, message: why, ...(cause.field ? { field: cause.field } : {}) }] } : {}),
  });
}
