// The API Priority and Fairness configuration kube-apiserver creates when it starts (the apiserver's
// flowcontrol bootstrap package): the mandatory PriorityLevelConfigurations and FlowSchemas ("exempt"
// and "catch-all"), which must always exist with exactly this spec, and the suggested ones, which an
// administrator may change or delete. Each object carries `apf.kubernetes.io/autoupdate-spec: "true"`,
// which tells the apiserver it may keep the spec in line with these values on upgrades.
//
// The objects are plain flowcontrol.apiserver.k8s.io/v1 JSON, already in their defaulted form (v1
// defaulting leaves them unchanged), so they can be created as they are. The objects are shared:
// copy one before storing or changing it.

type Obj = Record<string, unknown>;

const apiVersion = 'flowcontrol.apiserver.k8s.io/v1';
/** Marks an object the apiserver maintains (and may overwrite) itself. */
export const autoUpdateAnnotation = 'apf.kubernetes.io/autoupdate-spec';

// Well-known user, group and namespace names these objects match on.
const systemMasters = 'system:masters';
const allAuthenticated = 'system:authenticated';
const allUnauthenticated = 'system:unauthenticated';
const nodesGroup = 'system:nodes';
const allServiceAccounts = 'system:serviceaccounts';
const kubeControllerManager = 'system:kube-controller-manager';
const kubeScheduler = 'system:kube-scheduler';
const kubeSystem = 'kube-system';

const metadata = (name: string): Obj => ({ name, annotations: { [autoUpdateAnnotation]: 'true' } });

// ---- priority levels ----

function priorityLevel(name: string, spec: Obj): Obj {
  return { apiVersion, kind: 'PriorityLevelConfiguration', metadata: metadata(name), spec };
}

/** A Limited level that queues: shares, the share others may borrow, and its shuffle-sharding queues. */
function queuingLevel(name: string, shares: number, lendablePercent: number, queues: number, handSize: number): Obj {
  return priorityLevel(name, {
    type: 'Limited',
    limited: {
      nominalConcurrencyShares: shares,
      lendablePercent,
      limitResponse: { type: 'Queue', queuing: { queues, handSize, queueLengthLimit: 50 } },
    },
  });
}

export const mandatoryPriorityLevels: readonly Obj[] = [
  // "catch-all" gets a minimal share: it is only reached if the suggested "global-default" is deleted.
  priorityLevel('catch-all', {
    type: 'Limited',
    limited: { nominalConcurrencyShares: 5, lendablePercent: 0, limitResponse: { type: 'Reject' } },
  }),
  // "exempt" requests are never limited; only its `exempt` block may be changed.
  priorityLevel('exempt', { type: 'Exempt', exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } }),
];

export const suggestedPriorityLevels: readonly Obj[] = [
  // System components that keep the cluster and its running pods healthy (kubelets, kube-proxy).
  queuingLevel('system', 30, 33, 64, 6),
  // Node health reporting, apart from "system" so nodes can report even under pod-startup load.
  queuingLevel('node-high', 40, 25, 64, 6),
  // Controllers' leader election, on which every controller's availability depends.
  queuingLevel('leader-election', 10, 0, 16, 4),
  // Important workloads whose failure does not directly hurt running pods (scheduler, controllers).
  queuingLevel('workload-high', 40, 50, 128, 6),
  // Lower-priority workloads.
  queuingLevel('workload-low', 100, 90, 128, 6),
  // Everything the other suggested flow schemas do not claim.
  queuingLevel('global-default', 20, 50, 128, 6),
];

// ---- flow schemas ----

const group = (name: string): Obj => ({ kind: 'Group', group: { name } });
const user = (name: string): Obj => ({ kind: 'User', user: { name } });
const kubeSystemServiceAccount = (name: string): Obj => ({ kind: 'ServiceAccount', serviceAccount: { name, namespace: kubeSystem } });

function resourceRule(verbs: string[], apiGroups: string[], resources: string[], namespaces: string[], clusterScope: boolean): Obj {
  // v1 omits a false clusterScope.
  return { verbs, apiGroups, resources, ...(clusterScope ? { clusterScope } : {}), namespaces };
}

/** Every verb on every resource, namespaced or not. */
const allResources = (): Obj => resourceRule(['*'], ['*'], ['*'], ['*'], true);
/** Every verb on every non-resource URL. */
const allNonResources = (): Obj => ({ verbs: ['*'], nonResourceURLs: ['*'] });

function flowSchema(name: string, priorityLevel: string, matchingPrecedence: number, distinguisher: string, rule: Obj): Obj {
  return {
    apiVersion,
    kind: 'FlowSchema',
    metadata: metadata(name),
    spec: {
      priorityLevelConfiguration: { name: priorityLevel },
      matchingPrecedence,
      ...(distinguisher ? { distinguisherMethod: { type: distinguisher } } : {}),
      rules: [rule],
    },
  };
}

/** A schema that matches everything its subjects ask for. */
function matchAll(name: string, priorityLevel: string, matchingPrecedence: number, distinguisher: string, subjects: Obj[]): Obj {
  return flowSchema(name, priorityLevel, matchingPrecedence, distinguisher, { subjects, resourceRules: [allResources()], nonResourceRules: [allNonResources()] });
}

const leaseRule = (verbs: string[]): Obj => resourceRule(verbs, ['coordination.k8s.io'], ['leases'], ['*'], false);
const getCreateUpdate = ['get', 'create', 'update'];

export const mandatoryFlowSchemas: readonly Obj[] = [
  // Cluster administrators are never throttled, so they can always repair an overloaded cluster.
  matchAll('exempt', 'exempt', 1, '', [group(systemMasters)]),
  matchAll('catch-all', 'catch-all', 10000, 'ByUser', [group(allUnauthenticated), group(allAuthenticated)]),
];

export const suggestedFlowSchemas: readonly Obj[] = [
  matchAll('system-nodes', 'system', 500, 'ByUser', [group(nodesGroup)]),
  flowSchema('system-node-high', 'node-high', 400, 'ByUser', {
    subjects: [group(nodesGroup)],
    resourceRules: [resourceRule(['*'], [''], ['nodes', 'nodes/status'], ['*'], true), leaseRule(['*'])],
  }),
  // Health probes go unthrottled, so an overloaded apiserver is not also declared dead.
  flowSchema('probes', 'exempt', 2, '', {
    subjects: [group(allUnauthenticated), group(allAuthenticated)],
    nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/readyz', '/livez'] }],
  }),
  flowSchema('system-leader-election', 'leader-election', 100, 'ByUser', {
    subjects: [user(kubeControllerManager), user(kubeScheduler), kubeSystemServiceAccount('*')],
    resourceRules: [leaseRule(getCreateUpdate)],
  }),
  // Leader election through endpoints and configmaps, which older controllers still use.
  flowSchema('workload-leader-election', 'leader-election', 200, 'ByUser', {
    subjects: [kubeSystemServiceAccount('*')],
    resourceRules: [resourceRule(getCreateUpdate, [''], ['endpoints', 'configmaps'], ['*'], false), leaseRule(getCreateUpdate)],
  }),
  // Ahead of workload-leader-election, so the endpoints controllers' own writes are not taken for elections.
  flowSchema('endpoint-controller', 'workload-high', 150, 'ByUser', {
    subjects: [user(kubeControllerManager), kubeSystemServiceAccount('endpoint-controller'), kubeSystemServiceAccount('endpointslicemirroring-controller')],
    resourceRules: [resourceRule(getCreateUpdate, [''], ['endpoints'], ['*'], false)],
  }),
  matchAll('kube-controller-manager', 'workload-high', 800, 'ByNamespace', [user(kubeControllerManager)]),
  matchAll('kube-scheduler', 'workload-high', 800, 'ByNamespace', [user(kubeScheduler)]),
  matchAll('kube-system-service-accounts', 'workload-high', 900, 'ByNamespace', [kubeSystemServiceAccount('*')]),
  matchAll('service-accounts', 'workload-low', 9000, 'ByUser', [group(allServiceAccounts)]),
  matchAll('global-default', 'global-default', 9900, 'ByUser', [group(allUnauthenticated), group(allAuthenticated)]),
];
