// Short names and categories are not in the OpenAPI spec: each kind's REST storage declares them
// (the ShortNames() and Categories() methods under kubernetes/pkg/registry). This table copies
// those declarations, keyed by group and resource, and applies to every version of the resource.

export const shortNames: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  '': {
    componentstatuses: ['cs'],
    configmaps: ['cm'],
    endpoints: ['ep'],
    events: ['ev'],
    limitranges: ['limits'],
    namespaces: ['ns'],
    nodes: ['no'],
    persistentvolumeclaims: ['pvc'],
    persistentvolumes: ['pv'],
    pods: ['po'],
    replicationcontrollers: ['rc'],
    resourcequotas: ['quota'],
    serviceaccounts: ['sa'],
    services: ['svc'],
  },
  apps: { daemonsets: ['ds'], deployments: ['deploy'], replicasets: ['rs'], statefulsets: ['sts'] },
  autoscaling: { horizontalpodautoscalers: ['hpa'] },
  batch: { cronjobs: ['cj'] },
  'apiextensions.k8s.io': { customresourcedefinitions: ['crd', 'crds'] },
  'certificates.k8s.io': { certificatesigningrequests: ['csr'] },
  'events.k8s.io': { events: ['ev'] },
  'networking.k8s.io': { ingresses: ['ing'], networkpolicies: ['netpol'] },
  policy: { poddisruptionbudgets: ['pdb'] },
  'scheduling.k8s.io': { priorityclasses: ['pc'] },
  'storage.k8s.io': { storageclasses: ['sc'], volumeattributesclasses: ['vac'] },
};

/** The `all` category is what `kubectl get all` lists. */
export const categories: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  '': { pods: ['all'], replicationcontrollers: ['all'], services: ['all'] },
  apps: { daemonsets: ['all'], deployments: ['all'], replicasets: ['all'], statefulsets: ['all'] },
  autoscaling: { horizontalpodautoscalers: ['all'] },
  batch: { cronjobs: ['all'], jobs: ['all'] },
};
