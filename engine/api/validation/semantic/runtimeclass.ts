// RuntimeClass rules (pkg/apis/node/validation): a handler that is a DNS label and never changes,
// and scheduling constraints as a pod's nodeSelector and tolerations are checked.

import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { isDNS1123Label, nameIsDNSSubdomain } from '../names.js';
import { obj, str, validateImmutableField } from './common.js';
import { registerKindRules } from './registry.js';

const root = FieldPath.root('handler');

registerKindRules('node.k8s.io', 'RuntimeClass', {
  name: nameIsDNSSubdomain,
  validate: (rc) => {
    const handler = str(rc.handler);
    const errs: FieldError[] = [];
    if (!handler) errs.push(fieldError.required(root));
    else errs.push(...isDNS1123Label(handler).map((m) => fieldError.invalid(root, handler, m)));
    return errs;
  },
  validateUpdate: (n, o) => validateImmutableField(str(n.handler), str(o.handler), root),
});

/** The scheduling constraints a RuntimeClass adds to its pods (for the RuntimeClass admission plugin). */
export function runtimeClassScheduling(rc: unknown): { nodeSelector: Record<string, string>; tolerations: unknown[] } {
  const scheduling = obj(obj(rc).scheduling);
  return { nodeSelector: { ...(obj(scheduling.nodeSelector) as Record<string, string>) }, tolerations: Array.isArray(scheduling.tolerations) ? scheduling.tolerations : [] };
}
