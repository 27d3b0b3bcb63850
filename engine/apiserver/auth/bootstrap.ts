// The cluster roles and bindings a new cluster starts with, after kube-apiserver's bootstrap policy
// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go): cluster-admin for system:masters,
// the user-facing admin/edit/view roles, discovery for everyone authenticated, and least-privilege
// roles for the scheduler and the controller manager.
import type { ClusterRole, ClusterRoleBinding, PolicyRule } from 'kubernetes-types/rbac/v1';
import { groups, users } from './user';

const read = ['get', 'list', 'watch'];
const write = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const rule = (apiGroups: string[], resources: string[], verbs: string[]): PolicyRule => ({ apiGroups, resources, verbs });

const workloads: PolicyRule[] = [
  rule([''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'pods/eviction', 'pods/log', 'pods/status'], []),
  rule([''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/proxy'], []),
  rule(['apps'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets', 'replicasets/scale', 'statefulsets', 'statefulsets/scale'], []),
  rule(['autoscaling'], ['horizontalpodautoscalers'], []),
  rule(['batch'], ['cronjobs', 'jobs'], []),
  rule(['networking.k8s.io'], ['ingresses', 'networkpolicies'], []),
  rule(['policy'], ['poddisruptionbudgets'], []),
  rule(['discovery.k8s.io'], ['endpointslices'], []),
];
const withVerbs = (rules: PolicyRule[], verbs: string[]) => rules.map((r) => ({ ...r, verbs }));

/**
 * Reading the resource metrics API (`kubectl top`): metrics-server's `system:aggregated-metrics-reader`,
 * which aggregates into admin, edit and view; with no aggregation controller here its rule is part
 * of those roles directly.
 */
const metricsReadRules: PolicyRule[] = [rule(['metrics.k8s.io'], ['pods', 'nodes'], read)];

/** `view` reads everything in a namespace but Secrets; `edit` also writes, and reads Secrets; `admin` also manages RBAC in it. */
const viewRules: PolicyRule[] = [
  ...withVerbs(workloads, read),
  rule([''], ['events', 'limitranges', 'namespaces', 'namespaces/status', 'pods/status', 'resourcequotas', 'resourcequotas/status', 'bindings'], read),
  rule(['events.k8s.io'], ['events'], read),
  rule(['apps'], ['controllerrevisions'], read),
  rule(['coordination.k8s.io'], ['leases'], read),
  ...metricsReadRules,
];
const editRules: PolicyRule[] = [
  ...viewRules,
  ...withVerbs(workloads, write),
  rule([''], ['secrets'], [...read, ...write]),
  rule([''], ['serviceaccounts/token'], ['create']),
  rule(['coordination.k8s.io'], ['leases'], write),
];
const adminRules: PolicyRule[] = [
  ...editRules,
  rule(['rbac.authorization.k8s.io'], ['roles', 'rolebindings'], [...read, ...write]),
  rule(['authorization.k8s.io'], ['localsubjectaccessreviews'], ['create']),
];

const clusterRole = (name: string, rules: PolicyRule[]): ClusterRole => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: { name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } },
  rules,
});

const binding = (name: string, role: string, subjects: ClusterRoleBinding['subjects']): ClusterRoleBinding => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: { name, labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' }, annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' } },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
  subjects,
});

const group = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name });
const user = (name: string) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name });

export const bootstrapClusterRoles: readonly ClusterRole[] = [
  clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), { nonResourceURLs: ['*'], verbs: ['*'] }]),
  clusterRole('admin', adminRules),
  clusterRole('edit', editRules),
  clusterRole('view', viewRules),
  {
    ...clusterRole('system:aggregated-metrics-reader', metricsReadRules),
    metadata: { name: 'system:aggregated-metrics-reader', labels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true', 'rbac.authorization.k8s.io/aggregate-to-edit': 'true', 'rbac.authorization.k8s.io/aggregate-to-view': 'true' } },
  },
  clusterRole('system:discovery', [
    { nonResourceURLs: ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'], verbs: ['get'] },
  ]),
  clusterRole('system:public-info-viewer', [{ nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'], verbs: ['get'] }]),
  clusterRole('system:basic-user', [
    rule(['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'], ['create']),
    rule(['authentication.k8s.io'], ['selfsubjectreviews'], ['create']),
  ]),
  clusterRole('system:kube-scheduler', [
    rule(['', 'events.k8s.io'], ['events'], ['create', 'patch', 'update']),
    rule(['coordination.k8s.io'], ['leases'], ['create']),
    { ...rule(['coordination.k8s.io'], ['leases'], ['get', 'update']), resourceNames: ['kube-scheduler'] },
    rule([''], ['nodes', 'namespaces', 'persistentvolumeclaims', 'persistentvolumes', 'replicationcontrollers', 'services'], read),
    rule([''], ['pods'], [...read, 'delete']),
    rule([''], ['bindings', 'pods/binding'], ['create']),
    rule([''], ['pods/status'], ['patch', 'update']),
    rule(['apps'], ['replicasets', 'statefulsets'], read),
    rule(['policy'], ['poddisruptionbudgets'], read),
    rule(['storage.k8s.io'], ['storageclasses', 'csinodes', 'csidrivers', 'csistoragecapacities'], read),
    rule(['authentication.k8s.io'], ['tokenreviews'], ['create']),
    rule(['authorization.k8s.io'], ['subjectaccessreviews'], ['create']),
  ]),
  // kube-proxy's: the Services and endpoints it programs, its node, its events.
  clusterRole('system:node-proxier', [
    rule([''], ['services', 'endpoints'], ['list', 'watch']),
    rule([''], ['nodes'], read),
    rule(['', 'events.k8s.io'], ['events'], ['create', 'patch', 'update']),
    rule(['discovery.k8s.io'], ['endpointslices'], ['list', 'watch']),
  ]),
  // What the scheduler's VolumeBinding plugin writes: a chosen volume's claimRef, a claim's selected node.
  clusterRole('system:volume-scheduler', [
    rule([''], ['persistentvolumes', 'persistentvolumeclaims'], [...read, 'patch', 'update']),
    rule(['storage.k8s.io'], ['storageclasses'], read),
  ]),
  clusterRole('system:kube-controller-manager', [
    rule(['', 'events.k8s.io'], ['events'], ['create', 'patch', 'update']),
    rule(['coordination.k8s.io'], ['leases'], ['create']),
    { ...rule(['coordination.k8s.io'], ['leases'], ['get', 'update']), resourceNames: ['kube-controller-manager'] },
    // Workload, network, storage and lifecycle controllers manage these objects in every namespace.
    rule([''], ['pods', 'services', 'endpoints', 'persistentvolumeclaims', 'persistentvolumes', 'configmaps', 'serviceaccounts', 'namespaces', 'nodes', 'resourcequotas', 'limitranges', 'replicationcontrollers'], [...read, ...write]),
    rule([''], ['pods/status', 'pods/eviction', 'services/status', 'namespaces/status', 'namespaces/finalize', 'nodes/status', 'resourcequotas/status', 'persistentvolumes/status', 'persistentvolumeclaims/status', 'serviceaccounts/token'], ['create', 'patch', 'update']),
    rule([''], ['secrets'], [...read, 'create', 'update', 'delete']),
    rule(['apps'], ['deployments', 'replicasets', 'statefulsets', 'daemonsets', 'controllerrevisions'], [...read, ...write]),
    rule(['apps'], ['deployments/status', 'replicasets/status', 'statefulsets/status', 'daemonsets/status', 'deployments/scale', 'replicasets/scale', 'statefulsets/scale', 'deployments/finalizers', 'replicasets/finalizers', 'statefulsets/finalizers', 'daemonsets/finalizers'], ['update', 'patch', 'get']),
    rule(['batch'], ['jobs', 'cronjobs'], [...read, ...write]),
    rule(['batch'], ['jobs/status', 'cronjobs/status', 'jobs/finalizers'], ['update', 'patch']),
    rule(['autoscaling'], ['horizontalpodautoscalers'], read),
    rule(['autoscaling'], ['horizontalpodautoscalers/status'], ['update', 'patch']),
    // The horizontal pod autoscaler: its targets' scale, and the pods' resource metrics.
    rule(['*'], ['*/scale'], ['get', 'update']),
    rule(['metrics.k8s.io'], ['pods'], ['list']),
    rule(['discovery.k8s.io'], ['endpointslices'], [...read, ...write]),
    rule(['networking.k8s.io'], ['ingresses', 'ingressclasses', 'networkpolicies'], read),
    rule(['networking.k8s.io'], ['ingresses/status'], ['update', 'patch']),
    rule(['policy'], ['poddisruptionbudgets'], read),
    rule(['policy'], ['poddisruptionbudgets/status'], ['update', 'patch']),
    rule(['storage.k8s.io'], ['storageclasses'], read),
    rule(['rbac.authorization.k8s.io'], ['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings'], read),
    // The certificate controllers: issue certificates for Kubernetes' own signers, and clean requests up.
    rule(['certificates.k8s.io'], ['certificatesigningrequests'], [...read, 'delete']),
    rule(['certificates.k8s.io'], ['certificatesigningrequests/status'], ['update', 'patch']),
    { ...rule(['certificates.k8s.io'], ['signers'], ['sign']), resourceNames: ['kubernetes.io/kube-apiserver-client', 'kubernetes.io/kube-apiserver-client-kubelet', 'kubernetes.io/kubelet-serving', 'kubernetes.io/legacy-unknown'] },
    // The garbage collector and namespace controller read and delete any kind.
    rule(['*'], ['*'], ['get', 'list', 'watch', 'delete', 'deletecollection', 'patch', 'update']),
  ]),
];

export const bootstrapClusterRoleBindings: readonly ClusterRoleBinding[] = [
  binding('cluster-admin', 'cluster-admin', [group(groups.masters)]),
  binding('system:discovery', 'system:discovery', [group(groups.authenticated)]),
  binding('system:basic-user', 'system:basic-user', [group(groups.authenticated)]),
  binding('system:public-info-viewer', 'system:public-info-viewer', [group(groups.authenticated), group(groups.unauthenticated)]),
  binding('system:kube-scheduler', 'system:kube-scheduler', [user(users.scheduler)]),
  binding('system:volume-scheduler', 'system:volume-scheduler', [user(users.scheduler)]),
  binding('system:kube-controller-manager', 'system:kube-controller-manager', [user(users.controllerManager)]),
];
