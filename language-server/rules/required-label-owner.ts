// required-label-owner: an object without an `owner` label.
import { isRecord, valueAt } from '../parsedDocument';
import type { LintRule } from './types';

export const requiredLabelOwner: LintRule = {
  id: 'required-label-owner',
  severity: 'information',
  enabledByDefault: false,
  summary: 'An object without an `owner` label in `metadata.labels`.',
  description:
    'When something breaks at night, the label says whom to call, and cost and cleanup reports can group by it. Off by default, as in kube-linter: a team convention, not a Kubernetes one. No quick fix: only you know the owner.',
  docs: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/',
  appliesTo: '*',
  check(object) {
    const labels = valueAt(object, ['metadata', 'labels']);
    if (isRecord(labels) && typeof labels['owner'] === 'string' && labels['owner'] !== '') return [];
    return [{ path: ['metadata', 'labels', 'owner'], onKey: true, message: 'no owner label' }];
  },
};
