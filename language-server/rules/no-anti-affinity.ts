// no-anti-affinity: replicas that the scheduler is free to put all on one node.
import { isRecord } from '../parsedDocument';
import { podSpecOf } from './podSpecs';
import type { LintRule } from './types';

export const noAntiAffinity: LintRule = {
  id: 'no-anti-affinity',
  severity: 'information',
  enabledByDefault: true,
  summary: 'A workload with more than one replica and neither pod anti-affinity nor topology spread constraints.',
  description:
    'Nothing stops the scheduler from placing every replica on the same node (or zone): one node failure then takes them all down. Spread them with `topologySpreadConstraints` (for example `topologyKey: kubernetes.io/hostname`) or `affinity.podAntiAffinity`. No quick fix: the right topology depends on the cluster.',
  docs: 'https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/',
  appliesTo: ['Deployment', 'StatefulSet', 'ReplicaSet'],
  check(object, { kind }) {
    const spec = object['spec'];
    const replicas = isRecord(spec) ? (spec['replicas'] ?? 1) : 1;
    const pod = podSpecOf(kind, object);
    if (typeof replicas !== 'number' || replicas <= 1 || !pod) return [];
    const antiAffinity = pod.spec.affinity?.podAntiAffinity;
    const spread = pod.spec.topologySpreadConstraints;
    if ((antiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0) return [];
    if ((antiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length ?? 0) > 0) return [];
    if (Array.isArray(spread) && spread.length > 0) return [];
    return [{ path: ['spec', 'replicas'], message: `${replicas} replicas with no pod anti-affinity or topology spread constraints: they may all land on one node` }];
  },
};
