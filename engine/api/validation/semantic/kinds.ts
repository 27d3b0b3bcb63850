// Registers every served kind's rules; importing this module is what makes validateSemantics know them.

import { nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain, validatePathSegmentName } from '../names.js';
import { registerKindRules } from './registry.js';

// Object-name rules, as each kind's ValidateXName function in Kubernetes defines them.
const subdomainKinds: [string, string][] = [
  ['', 'Pod'], ['', 'ConfigMap'], ['', 'Secret'], ['', 'Node'], ['', 'Endpoints'], ['', 'Event'],
  ['', 'PersistentVolume'], ['', 'PersistentVolumeClaim'], ['', 'ServiceAccount'], ['', 'ResourceQuota'],
  ['', 'LimitRange'], ['', 'PodTemplate'], ['', 'ReplicationController'],
  ['apps', 'Deployment'], ['apps', 'ReplicaSet'], ['apps', 'StatefulSet'], ['apps', 'DaemonSet'], ['apps', 'ControllerRevision'],
  ['batch', 'Job'], ['batch', 'CronJob'], ['networking.k8s.io', 'Ingress'], ['networking.k8s.io', 'IngressClass'],
  ['networking.k8s.io', 'NetworkPolicy'], ['discovery.k8s.io', 'EndpointSlice'], ['coordination.k8s.io', 'Lease'],
  ['storage.k8s.io', 'StorageClass'], ['autoscaling', 'HorizontalPodAutoscaler'], ['policy', 'PodDisruptionBudget'],
  ['events.k8s.io', 'Event'],
];
for (const [g, k] of subdomainKinds) registerKindRules(g, k, { name: nameIsDNSSubdomain });
registerKindRules('', 'Namespace', { name: nameIsDNSLabel });
registerKindRules('', 'Service', { name: nameIsDNS1035Label });
for (const k of ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'])
  registerKindRules('rbac.authorization.k8s.io', k, { name: validatePathSegmentName });
