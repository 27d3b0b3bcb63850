// no-rolling-update-strategy: a workload that is not updated by a rolling update.
import { valueAt } from '../parsedDocument';
import type { LintRule } from './types';

export const noRollingUpdateStrategy: LintRule = {
  id: 'no-rolling-update-strategy',
  severity: 'information',
  enabledByDefault: false,
  summary: 'A Deployment with `strategy.type: Recreate`, or a StatefulSet or DaemonSet with `updateStrategy.type: OnDelete`.',
  description:
    '`Recreate` stops every old pod before starting a new one: each rollout is an outage. `OnDelete` changes nothing until someone deletes the pods by hand, so the template and the running pods drift apart. Off by default: an application that cannot run two versions at once (or a volume only one pod may mount) needs `Recreate`. Quick fix: `RollingUpdate`.',
  docs: 'https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#strategy',
  appliesTo: ['Deployment', 'StatefulSet', 'DaemonSet'],
  check(object, { kind }) {
    const path = kind === 'Deployment' ? ['spec', 'strategy', 'type'] : ['spec', 'updateStrategy', 'type'];
    const type = valueAt(object, path);
    if (type !== 'Recreate' && type !== 'OnDelete') return [];
    // A Deployment's rollingUpdate parameters are refused with Recreate, so there is none to keep or remove.
    return [{ path, message: `the ${type} strategy ${type === 'Recreate' ? 'stops every pod before starting the new ones' : 'updates no pod until it is deleted by hand'}`, fix: { title: 'Set type: RollingUpdate', set: path, value: 'RollingUpdate' } }];
  },
};
