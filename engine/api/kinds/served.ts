// The kinds the embedded cluster serves. Every other kind of the spec is known (its schema
// validates, the language server completes it) but the embedded API server answers for it as a
// real cluster answers for a resource it does not serve, so users see "known, not served here".
// A kind served in several versions is stored in one of them; the others are served through a
// conversion (engine/api/conversion), as kube-apiserver serves them.

const served: readonly [group: string, version: string, kinds: readonly string[]][] = [
  ['', 'v1', ['Pod', 'PodTemplate', 'ReplicationController', 'Service', 'Endpoints', 'ConfigMap', 'Secret', 'Namespace', 'Node', 'Event', 'PersistentVolume', 'PersistentVolumeClaim', 'ServiceAccount', 'ResourceQuota', 'LimitRange']],
  ['apps', 'v1', ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ControllerRevision']],
  ['batch', 'v1', ['Job', 'CronJob']],
  ['networking.k8s.io', 'v1', ['Ingress', 'IngressClass', 'NetworkPolicy', 'IPAddress', 'ServiceCIDR']],
  ['discovery.k8s.io', 'v1', ['EndpointSlice']],
  ['coordination.k8s.io', 'v1', ['Lease']],
  ['storage.k8s.io', 'v1', ['StorageClass', 'CSIDriver', 'CSINode', 'VolumeAttachment', 'CSIStorageCapacity', 'VolumeAttributesClass']],
  ['scheduling.k8s.io', 'v1', ['PriorityClass']],
  ['node.k8s.io', 'v1', ['RuntimeClass']],
  ['autoscaling', 'v2', ['HorizontalPodAutoscaler']],
  ['autoscaling', 'v1', ['HorizontalPodAutoscaler']],
  ['policy', 'v1', ['PodDisruptionBudget']],
  ['rbac.authorization.k8s.io', 'v1', ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding']],
  ['events.k8s.io', 'v1', ['Event']],
  ['apiextensions.k8s.io', 'v1', ['CustomResourceDefinition']],
  ['apiregistration.k8s.io', 'v1', ['APIService']],
  ['flowcontrol.apiserver.k8s.io', 'v1', ['FlowSchema', 'PriorityLevelConfiguration']],
  ['certificates.k8s.io', 'v1', ['CertificateSigningRequest']],
  ['admissionregistration.k8s.io', 'v1', ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding']],
];

/** `group/version/Kind` keys of the served kinds. */
export const servedHere: ReadonlySet<string> = new Set(served.flatMap(([group, version, kinds]) => kinds.map((kind) => `${group}/${version}/${kind}`)));
