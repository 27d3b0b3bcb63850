// job-ttl-seconds-after-finished: a Job of its own that is never cleaned up.
import { isRecord, valueAt } from '../parsedDocument';
import type { LintRule } from './types';

export const jobTtlSecondsAfterFinished: LintRule = {
  id: 'job-ttl-seconds-after-finished',
  severity: 'information',
  enabledByDefault: false,
  summary: 'A Job (not one a CronJob creates) without `spec.ttlSecondsAfterFinished`.',
  description:
    "A finished Job and its pods stay until someone deletes them: they pile up in `kubectl get`, in etcd and in the node's logs. With a TTL the TTL-after-finished controller deletes them once it has passed (CronJobs prune their Jobs by their history limits instead). Off by default: keeping a Job's result around may be the point. No quick fix: how long to keep it is yours to choose.",
  docs: 'https://kubernetes.io/docs/concepts/workloads/controllers/ttlafterfinished/',
  appliesTo: ['Job'],
  check(object) {
    if (!isRecord(valueAt(object, ['spec'])) || valueAt(object, ['spec', 'ttlSecondsAfterFinished']) !== undefined) return [];
    return [{ path: ['spec', 'ttlSecondsAfterFinished'], onKey: true, message: 'no ttlSecondsAfterFinished: the finished Job and its pods stay until deleted by hand' }];
  },
};
