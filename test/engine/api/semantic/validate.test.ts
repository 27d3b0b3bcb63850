// validateSemantics, kind by kind: a valid object passes; each broken one fails with the exact field path,
// error type and message a real API server returns for it.

import assert from 'node:assert/strict';
import { formatFieldError } from '../../../../engine/api/errors.js';
import { validateSemantics, type KindRef } from '../../../../engine/api/validation/semantic/index.js';

type Obj = Record<string, any>;

const k = (group: string, version: string, kind: string, namespaced = true): KindRef => ({ group, version, kind, namespaced });
const kinds = {
  Pod: k('', 'v1', 'Pod'),
  Service: k('', 'v1', 'Service'),
  Endpoints: k('', 'v1', 'Endpoints'),
  ConfigMap: k('', 'v1', 'ConfigMap'),
  Secret: k('', 'v1', 'Secret'),
  Namespace: k('', 'v1', 'Namespace', false),
  Node: k('', 'v1', 'Node', false),
  Event: k('', 'v1', 'Event'),
  PersistentVolume: k('', 'v1', 'PersistentVolume', false),
  PersistentVolumeClaim: k('', 'v1', 'PersistentVolumeClaim'),
  ServiceAccount: k('', 'v1', 'ServiceAccount'),
  ResourceQuota: k('', 'v1', 'ResourceQuota'),
  LimitRange: k('', 'v1', 'LimitRange'),
  Deployment: k('apps', 'v1', 'Deployment'),
  ReplicaSet: k('apps', 'v1', 'ReplicaSet'),
  StatefulSet: k('apps', 'v1', 'StatefulSet'),
  DaemonSet: k('apps', 'v1', 'DaemonSet'),
  ControllerRevision: k('apps', 'v1', 'ControllerRevision'),
  Job: k('batch', 'v1', 'Job'),
  CronJob: k('batch', 'v1', 'CronJob'),
  Ingress: k('networking.k8s.io', 'v1', 'Ingress'),
  IngressClass: k('networking.k8s.io', 'v1', 'IngressClass', false),
  NetworkPolicy: k('networking.k8s.io', 'v1', 'NetworkPolicy'),
  EndpointSlice: k('discovery.k8s.io', 'v1', 'EndpointSlice'),
  Lease: k('coordination.k8s.io', 'v1', 'Lease'),
  StorageClass: k('storage.k8s.io', 'v1', 'StorageClass', false),
  HorizontalPodAutoscaler: k('autoscaling', 'v2', 'HorizontalPodAutoscaler'),
  PodDisruptionBudget: k('policy', 'v1', 'PodDisruptionBudget'),
  Role: k('rbac.authorization.k8s.io', 'v1', 'Role'),
  RoleBinding: k('rbac.authorization.k8s.io', 'v1', 'RoleBinding'),
  ClusterRole: k('rbac.authorization.k8s.io', 'v1', 'ClusterRole', false),
  ClusterRoleBinding: k('rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding', false),
  EventsV1Event: k('events.k8s.io', 'v1', 'Event'),
  CustomResourceDefinition: k('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', false),
};

const meta = (name: string, extra: Obj = {}) => ({ name, namespace: 'default', ...extra });
const clusterMeta = (name: string) => ({ name });
const podSpec = (extra: Obj = {}): Obj => ({
  containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }] }],
  restartPolicy: 'Always',
  ...extra,
});
const template = (labels: Obj = { app: 'web' }, spec: Obj = podSpec()) => ({ metadata: { labels }, spec });

/** Deep-merges a patch into a copy of `base`; `undefined` in the patch deletes, arrays replace. */
function patched(base: Obj, patch: Obj): Obj {
  const out: Obj = structuredClone(base);
  for (const [key, v] of Object.entries(patch)) {
    if (v === undefined) delete out[key];
    else if (v && typeof v === 'object' && !Array.isArray(v) && out[key] && typeof out[key] === 'object' && !Array.isArray(out[key])) out[key] = patched(out[key], v);
    else out[key] = v;
  }
  return out;
}

interface Case {
  kind: keyof typeof kinds;
  valid: Obj;
  invalid: [scenario: string, patch: Obj, expected: string[]][];
}

const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const dns1035Msg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const configKeyMsg =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

const deployment: Obj = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: meta('web'),
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: template(),
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
  },
};

const cases: Case[] = [
  {
    kind: 'Pod',
    valid: {
      metadata: meta('web', { labels: { app: 'web' } }),
      spec: podSpec({
        volumes: [{ name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'app', defaultMode: 420 } }],
        containers: [
          {
            name: 'web',
            image: 'nginx:1.27',
            ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
            env: [
              { name: 'MODE', value: 'prod' },
              { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
              { name: 'APP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['app']" } } },
              { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
            ],
            envFrom: [{ configMapRef: { name: 'app' }, prefix: 'APP_' }],
            volumeMounts: [{ name: 'data', mountPath: '/data' }],
            resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
            livenessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 10 },
          },
        ],
      }),
    },
    invalid: [
      ['upper-case name', { metadata: { name: 'Web' } }, [`metadata.name: Invalid value: "Web": ${subdomainMsg}`]],
      ['no containers', { spec: { containers: [] } }, ['spec.containers: Required value']],
      ['no image', { spec: { containers: [{ name: 'web' }] } }, ['spec.containers[0].image: Required value']],
      ['duplicate container names', { spec: { containers: [{ name: 'web', image: 'a' }, { name: 'web', image: 'b' }] } }, ['spec.containers[1].name: Duplicate value: "web"']],
      ['container name not a DNS label', { spec: { containers: [{ name: 'Web_1', image: 'a' }] } }, [`spec.containers[0].name: Invalid value: "Web_1": ${labelMsg}`]],
      [
        'port out of range and unknown protocol',
        { spec: { containers: [{ name: 'web', image: 'a', ports: [{ containerPort: 70000, protocol: 'HTTP' }] }] } },
        ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive', 'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
      ],
      [
        'duplicate port names',
        { spec: { containers: [{ name: 'web', image: 'a', ports: [{ name: 'http', containerPort: 80 }, { name: 'http', containerPort: 81 }] }] } },
        ['spec.containers[0].ports[1].name: Duplicate value: "http"'],
      ],
      [
        'volume mount of an undeclared volume',
        { spec: { volumes: [], containers: [{ name: 'web', image: 'a', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] } },
        ['spec.containers[0].volumeMounts[0].name: Not found: "data"'],
      ],
      [
        'requests above limits',
        { spec: { containers: [{ name: 'web', image: 'a', resources: { requests: { cpu: '600m' }, limits: { cpu: '500m' } } }] } },
        ['spec.containers[0].resources.requests: Invalid value: "600m": must be less than or equal to cpu limit of 500m'],
      ],
      [
        'a GPU requested below its limit',
        { spec: { containers: [{ name: 'web', image: 'a', resources: { requests: { 'nvidia.com/gpu': '1' }, limits: { 'nvidia.com/gpu': '2' } } }] } },
        ['spec.containers[0].resources.requests: Invalid value: "1": must be equal to nvidia.com/gpu limit of 2'],
      ],
      [
        'an unknown resource without a domain',
        { spec: { containers: [{ name: 'web', image: 'a', resources: { limits: { gpu: '1' } } }] } },
        ['spec.containers[0].resources.limits[gpu]: Invalid value: gpu: must be a standard resource for containers'],
      ],
      [
        'a negative quantity',
        { spec: { containers: [{ name: 'web', image: 'a', resources: { limits: { memory: '-1Gi' } } }] } },
        ['spec.containers[0].resources.limits[memory]: Invalid value: "-1Gi": must be greater than or equal to 0'],
      ],
      [
        'a malformed quantity',
        { spec: { containers: [{ name: 'web', image: 'a', resources: { limits: { memory: '1 GB' } } }] } },
        ["spec.containers[0].resources.limits[memory]: Invalid value: \"1 GB\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"],
      ],
      [
        'an environment variable name with =',
        { spec: { containers: [{ name: 'web', image: 'a', env: [{ name: 'A=B', value: '1' }] }] } },
        ['spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than \'=\''],
      ],
      [
        'a node affinity with In and no values',
        { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In' }] }] } } } } },
        ["spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"],
      ],
      [
        'a pod anti-affinity without topologyKey',
        { spec: { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } } }] } } } },
        ['spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty'],
      ],
      [
        'a spread constraint with skew 0 and an unknown action',
        { spec: { topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'Maybe' }] } },
        ['spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero', 'spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"'],
      ],
      [
        'two spread constraints on the same key and action',
        { spec: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }, { maxSkew: 2, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }] } },
        ['spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}: Duplicate value: "{zone, DoNotSchedule}"'],
      ],
      [
        'a host port unlike its container port on the host network',
        { spec: { hostNetwork: true, volumes: [], containers: [{ name: 'web', image: 'a', ports: [{ containerPort: 80, hostPort: 8080 }] }] } },
        ['spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match `containerPort` when `hostNetwork` is true'],
      ],
      [
        'an env var reading a pod field the downward API does not offer',
        { spec: { volumes: [], containers: [{ name: 'web', image: 'a', env: [{ name: 'X', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.hostname' } } }] }] } },
        [
          'spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.hostname": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
        ],
      ],
      [
        'an env var with both a value and a source',
        { spec: { volumes: [], containers: [{ name: 'web', image: 'a', env: [{ name: 'X', value: 'v', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }] } },
        ['spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty'],
      ],
      [
        'an envFrom with no source',
        { spec: { volumes: [], containers: [{ name: 'web', image: 'a', envFrom: [{ prefix: 'APP_' }] }] } },
        ['spec.containers[0].envFrom: Invalid value: "": must specify one of: `configMapRef` or `secretRef`'],
      ],
      [
        'a negative user ID and a privileged container that may not escalate',
        { spec: { securityContext: { runAsUser: -1 }, volumes: [], containers: [{ name: 'web', image: 'a', securityContext: { privileged: true, allowPrivilegeEscalation: false } }] } },
        [
          'spec.containers[0].securityContext: Invalid value: core.SecurityContext{...}: cannot set `allowPrivilegeEscalation` to false and `privileged` to true',
          'spec.securityContext.runAsUser: Invalid value: -1: must be between 0 and 4294967295, inclusive',
        ],
      ],
      ['duplicate volume names', { spec: { volumes: [{ name: 'v', emptyDir: {} }, { name: 'v', emptyDir: {} }], containers: [{ name: 'web', image: 'a' }] } }, ['spec.volumes[1].name: Duplicate value: "v"']],
      ['a volume without a source', { spec: { volumes: [{ name: 'v' }], containers: [{ name: 'web', image: 'a' }] } }, ['spec.volumes[0]: Required value: must specify a volume type']],
      ['unknown restartPolicy', { spec: { restartPolicy: 'Sometimes' } }, ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']],
      [
        'a liveness probe that must succeed twice',
        { spec: { containers: [{ name: 'web', image: 'a', livenessProbe: { tcpSocket: { port: 80 }, successThreshold: 2 } }] } },
        ['spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1'],
      ],
      ['a probe without a handler', { spec: { containers: [{ name: 'web', image: 'a', readinessProbe: { periodSeconds: 5 } }] } }, ['spec.containers[0].readinessProbe: Required value: must specify a handler type']],
      [
        'a toleration with a value and Exists',
        { spec: { tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] } },
        ['spec.tolerations[0].operator: Invalid value: core.Toleration{Key:"k", Operator:"Exists", Value:"v", Effect:"", TolerationSeconds:(*int64)(nil)}: value must be empty when `operator` is \'Exists\''],
      ],
      [
        'a toleration without key that is not Exists',
        { spec: { tolerations: [{ operator: 'Equal', value: 'v' }] } },
        ['spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"'],
      ],
    ],
  },
  {
    kind: 'Service',
    valid: { metadata: meta('web'), spec: { type: 'ClusterIP', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] } },
    invalid: [
      ['a name that is not a DNS-1035 label', { metadata: { name: '1web' } }, [`metadata.name: Invalid value: "1web": ${dns1035Msg}`]],
      ['no ports', { spec: { ports: [] } }, ['spec.ports: Required value']],
      [
        'two unnamed ports',
        { spec: { ports: [{ port: 80, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }] } },
        ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value'],
      ],
      ['port 0', { spec: { ports: [{ name: 'http', port: 0, protocol: 'TCP' }] } }, ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive']],
      [
        'a nodePort on a ClusterIP service',
        { spec: { ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 30080 }] } },
        ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
      ],
      [
        'a nodePort outside 30000-32767',
        { spec: { type: 'NodePort', ports: [{ name: 'http', port: 80, protocol: 'TCP', nodePort: 8080 }] } },
        ['spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767'],
      ],
      ['headless NodePort', { spec: { type: 'NodePort', clusterIP: 'None' } }, ['spec.clusterIPs[0]: Invalid value: "None": may not be set to \'None\' for NodePort services']],
      ['externalTrafficPolicy on a Service nothing outside reaches', { spec: { externalTrafficPolicy: 'Local' } }, ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services']],
      ['unknown type', { spec: { type: 'Internal' } }, ['spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']],
      ['ExternalName without a name', { spec: { type: 'ExternalName', ports: [], selector: undefined } }, ['spec.externalName: Required value']],
      [
        'duplicate port and protocol',
        { spec: { ports: [{ name: 'a', port: 80, protocol: 'TCP', targetPort: 80 }, { name: 'b', port: 80, protocol: 'TCP', targetPort: 80 }] } },
        ['spec.ports[1]: Duplicate value: core.ServicePort{Name:"b", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:80, StrVal:""}, NodePort:0}'],
      ],
    ],
  },
  {
    kind: 'Endpoints',
    valid: { metadata: meta('web'), subsets: [{ addresses: [{ ip: '10.244.0.5' }], ports: [{ port: 80, protocol: 'TCP' }] }] },
    invalid: [['a bad IP', { subsets: [{ addresses: [{ ip: '10.244.0' }], ports: [{ port: 80 }] }] }, ['subsets[0].addresses[0].ip: Invalid value: "10.244.0": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']]],
  },
  {
    kind: 'ConfigMap',
    valid: { metadata: meta('app'), data: { 'app.properties': 'a=b', MODE: 'prod' } },
    invalid: [
      ['a key with a slash', { data: { 'a/b': 'x' } }, [`data[a/b]: Invalid value: "a/b": ${configKeyMsg}`]],
      ['a key in data and binaryData', { data: { k: 'x' }, binaryData: { k: 'eA==' } }, ['data[k]: Invalid value: "k": duplicate of key present in binaryData']],
      ['more than 1 MiB', { data: { big: 'x'.repeat(1024 * 1024 + 1) } }, ['Too long: must have at most 1048576 bytes']],
    ],
  },
  {
    kind: 'Secret',
    valid: { metadata: meta('tls'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'Y3J0', 'tls.key': 'a2V5' } },
    invalid: [
      ['a TLS secret without its key', { data: { 'tls.crt': 'Y3J0', 'tls.key': undefined } }, ['data[tls.key]: Required value']],
      ['a bad key in stringData', { stringData: { '..x': 'y' } }, ['data[..x]: Invalid value: "..x": must not start with \'..\'']],
    ],
  },
  {
    kind: 'Namespace',
    valid: { metadata: clusterMeta('team-a') },
    invalid: [
      ['a dotted name', { metadata: { name: 'team.a' } }, ['metadata.name: Invalid value: "team.a": must not contain dots']],
      ['a namespace on a namespace', { metadata: { namespace: 'x' } }, ['metadata.namespace: Forbidden: not allowed on this type']],
    ],
  },
  {
    kind: 'Node',
    valid: { metadata: clusterMeta('worker-1'), spec: { podCIDR: '10.244.1.0/24', taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } },
    invalid: [
      ['an unknown taint effect', { spec: { taints: [{ key: 'k', effect: 'Never' }] } }, ['spec.taints[0].effect: Unsupported value: "Never": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"']],
      ['a bad pod CIDR', { spec: { podCIDR: '10.244.1.0/33' } }, ['spec.podCIDRs[0]: Invalid value: "10.244.1.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']],
    ],
  },
  {
    kind: 'Event',
    valid: { metadata: meta('web.1'), involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' }, reason: 'Started', message: 'Started container', type: 'Normal' },
    invalid: [['an event about another namespace', { involvedObject: { namespace: 'prod' } }, ['involvedObject.namespace: Invalid value: "prod": does not match event.namespace']]],
  },
  {
    kind: 'PersistentVolume',
    valid: { metadata: clusterMeta('pv-1'), spec: { capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' }, persistentVolumeReclaimPolicy: 'Retain' } },
    invalid: [
      ['no source', { spec: { hostPath: undefined } }, ['spec: Required value: must specify a volume type']],
      ['zero capacity', { spec: { capacity: { storage: '0' } } }, ['spec.capacity[storage]: Invalid value: "0": must be greater than zero']],
    ],
  },
  {
    kind: 'PersistentVolumeClaim',
    valid: { metadata: meta('data'), spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' } },
    invalid: [
      ['no access modes', { spec: { accessModes: [] } }, ['spec.accessModes: Required value: at least 1 access mode is required']],
      [
        'an unknown access mode',
        { spec: { accessModes: ['ReadWriteAll'] } },
        ['spec.accessModes: Unsupported value: "ReadWriteAll": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"'],
      ],
      ['no storage request', { spec: { resources: { requests: { storage: undefined } } } }, ['spec.resources[storage]: Required value']],
    ],
  },
  { kind: 'ServiceAccount', valid: { metadata: meta('builder') }, invalid: [['an underscore in the name', { metadata: { name: 'my_sa' } }, [`metadata.name: Invalid value: "my_sa": ${subdomainMsg}`]]] },
  {
    kind: 'ResourceQuota',
    valid: { metadata: meta('quota'), spec: { hard: { 'requests.cpu': '4', pods: '10' } } },
    invalid: [
      ['a negative limit', { spec: { hard: { pods: '-1' } } }, ['spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0']],
      ['half a pod', { spec: { hard: { pods: '1.5' } } }, ['spec.hard[pods]: Invalid value: 1500m: must be an integer']],
      ['an unknown resource', { spec: { hard: { gpus: '2' } } }, ['spec.hard[gpus]: Invalid value: gpus: must be a standard resource for quota']],
    ],
  },
  {
    kind: 'LimitRange',
    valid: { metadata: meta('limits'), spec: { limits: [{ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '100m' }, max: { cpu: '1' } }] } },
    invalid: [['min above max', { spec: { limits: [{ type: 'Container', min: { cpu: '2' }, max: { cpu: '1' } }] } }, ['spec.limits[0].min[cpu]: Invalid value: 2: min value 2 is greater than max value 1']]],
  },
  {
    kind: 'Deployment',
    valid: deployment,
    invalid: [
      [
        'a selector that does not select the template',
        { spec: { selector: { matchLabels: { app: 'api' } } } },
        ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'],
      ],
      [
        'an empty selector',
        { spec: { selector: { matchLabels: undefined } } },
        ['spec.selector: Invalid value: {}: empty selector is invalid for deployment'],
      ],
      [
        'no selector, which selects nothing',
        { spec: { selector: undefined } },
        ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'],
      ],
      ['restartPolicy OnFailure', { spec: { template: { spec: { restartPolicy: 'OnFailure' } } } }, ['spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"']],
      ['negative replicas', { spec: { replicas: -1 } }, ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']],
      [
        'both surge and unavailability zero',
        { spec: { strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } } },
        ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0'],
      ],
      ['maxUnavailable above 100%', { spec: { strategy: { rollingUpdate: { maxUnavailable: '120%' } } } }, ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 120%: must not be greater than 100%']],
      [
        'an unknown strategy type',
        { spec: { strategy: { type: 'BlueGreen', rollingUpdate: undefined } } },
        ['spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:"BlueGreen", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: "Recreate", "RollingUpdate"'],
      ],
      [
        'rollingUpdate with Recreate',
        { spec: { strategy: { type: 'Recreate' } } },
        ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
      ],
      ['a progress deadline under minReadySeconds', { spec: { minReadySeconds: 30, progressDeadlineSeconds: 10 } }, ['spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds']],
      [
        'bad template labels, reported at template.labels',
        { spec: { selector: { matchLabels: undefined, matchExpressions: [{ key: 'app', operator: 'Exists' }] }, template: { metadata: { labels: { app: '-x' } } } } },
        [
          "spec.template.labels: Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ],
      ],
      [
        'a selector with a bad value: the template is not judged against it',
        { spec: { selector: { matchLabels: { app: '-x' } } } },
        [
          "spec.selector.matchLabels: Invalid value: \"-x\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
          'spec.selector: Invalid value: {"matchLabels":{"app":"-x"}}: invalid label selector',
        ],
      ],
    ],
  },
  {
    kind: 'ReplicaSet',
    valid: { metadata: meta('web-abc'), spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: template() } },
    invalid: [
      ['an activeDeadlineSeconds', { spec: { template: { spec: { activeDeadlineSeconds: 5 } } } }, ['spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported']],
      [
        'a negative minReadySeconds',
        { spec: { minReadySeconds: -1 } },
        ['spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0'],
      ],
    ],
  },
  {
    kind: 'StatefulSet',
    valid: {
      metadata: meta('db'),
      spec: {
        serviceName: 'db',
        replicas: 3,
        selector: { matchLabels: { app: 'db' } },
        template: template({ app: 'db' }),
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    },
    invalid: [
      ['an unknown podManagementPolicy', { spec: { podManagementPolicy: 'Random' } }, ["spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"]],
      ['a dotted name, which no pod hostname could carry', { metadata: { name: 'db.v2' } }, ['metadata.name: Invalid value: "db.v2": must not contain dots']],
      [
        'a selector of other pods',
        { spec: { selector: { matchLabels: { app: 'web' } } } },
        ['spec.template.metadata.labels: Invalid value: {"app":"db"}: `selector` does not match template `labels`'],
      ],
    ],
  },
  {
    kind: 'DaemonSet',
    valid: { metadata: meta('agent'), spec: { selector: { matchLabels: { app: 'agent' } }, template: template({ app: 'agent' }), updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } } } },
    invalid: [
      [
        'a template that its selector does not select',
        { spec: { template: { metadata: { labels: { app: 'other' } } } } },
        ['spec.template.metadata.labels: Invalid value: {"app":"other"}: `selector` does not match template `labels`'],
      ],
      [
        'both surge and unavailability',
        { spec: { updateStrategy: { rollingUpdate: { maxUnavailable: 1, maxSurge: 1 } } } },
        ['spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: 1: may not be set when maxUnavailable is non-zero'],
      ],
      [
        'an empty selector',
        { spec: { selector: { matchLabels: undefined } } },
        ['spec.selector: Invalid value: {}: empty selector is invalid for daemonset'],
      ],
    ],
  },
  {
    kind: 'ControllerRevision',
    valid: { metadata: meta('web-1'), revision: 1, data: { spec: {} } },
    invalid: [['a negative revision', { revision: -1 }, ['revision: Invalid value: -1: must be greater than or equal to 0']]],
  },
  {
    kind: 'Job',
    valid: { metadata: meta('migrate'), spec: { completions: 1, parallelism: 1, backoffLimit: 6, template: template({ job: 'migrate' }, podSpec({ restartPolicy: 'Never' })) } },
    invalid: [
      ['restartPolicy Always', { spec: { template: { spec: { restartPolicy: 'Always' } } } }, ['spec.template.spec.restartPolicy: Unsupported value: "Always": supported values: "OnFailure", "Never"']],
      ['Indexed without completions', { spec: { completionMode: 'Indexed', completions: undefined } }, ['spec.completions: Required value: when completion mode is Indexed']],
      ['a negative backoffLimit', { spec: { backoffLimit: -1 } }, ['spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0']],
    ],
  },
  {
    kind: 'CronJob',
    valid: {
      metadata: meta('nightly'),
      spec: { schedule: '0 3 * * 1-5', timeZone: 'Europe/Paris', concurrencyPolicy: 'Forbid', jobTemplate: { spec: { template: template({}, podSpec({ restartPolicy: 'OnFailure' })) } } },
    },
    invalid: [
      ['four fields', { spec: { schedule: '0 3 * *' } }, ['spec.schedule: Invalid value: "0 3 * *": expected exactly 5 fields, found 4: [0 3 * *]']],
      ['minute 60', { spec: { schedule: '60 * * * *' } }, ['spec.schedule: Invalid value: "60 * * * *": end of range (60) above maximum (59): 60']],
      ['a word', { spec: { schedule: 'x * * * *' } }, ['spec.schedule: Invalid value: "x * * * *": failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax']],
      ['TZ in the schedule', { spec: { schedule: 'TZ=UTC 0 3 * * *', timeZone: undefined } }, ['spec.schedule: Invalid value: "TZ=UTC 0 3 * * *": cannot use TZ or CRON_TZ in schedule, use timeZone field instead']],
      ['an unknown time zone', { spec: { timeZone: 'Mars/Olympus' } }, ['spec.timeZone: Invalid value: "Mars/Olympus": unknown time zone Mars/Olympus']],
      ['an unknown concurrencyPolicy', { spec: { concurrencyPolicy: 'Queue' } }, ['spec.concurrencyPolicy: Unsupported value: "Queue": supported values: "Allow", "Forbid", "Replace"']],
      ['a 53-character name', { metadata: { name: 'n'.repeat(53) } }, [`metadata.name: Invalid value: "${'n'.repeat(53)}": must be no more than 52 characters`]],
      ['no schedule', { spec: { schedule: '' } }, ['spec.schedule: Required value']],
    ],
  },
  {
    kind: 'Ingress',
    valid: {
      metadata: meta('web'),
      spec: {
        ingressClassName: 'nginx',
        rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }],
        tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
      },
    },
    invalid: [
      ['no pathType', { spec: { rules: [{ http: { paths: [{ path: '/', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } }, ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified']],
      [
        'a relative Prefix path',
        { spec: { rules: [{ http: { paths: [{ path: 'api', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } },
        ['spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path'],
      ],
      [
        'an IP host',
        { spec: { rules: [{ host: '10.0.0.1', http: { paths: [{ path: '/', pathType: 'Exact', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } },
        ['spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address'],
      ],
      [
        'a backend without a port',
        { spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web' } } }] } }] } },
        ['spec.rules[0].http.paths[0].backend: Required value: port name or number is required'],
      ],
      ['neither rules nor defaultBackend', { spec: { rules: undefined, tls: undefined } }, ['spec: Invalid value: null: either `defaultBackend` or `rules` must be specified']],
    ],
  },
  {
    kind: 'IngressClass',
    valid: { metadata: clusterMeta('nginx'), spec: { controller: 'k8s.io/ingress-nginx' } },
    invalid: [
      ['no controller', { spec: { controller: '' } }, ['spec.controller: Required value']],
      ['a controller without a domain', { spec: { controller: 'nginx' } }, ['spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")']],
    ],
  },
  {
    kind: 'NetworkPolicy',
    valid: { metadata: meta('db'), spec: { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 5432, protocol: 'TCP' }] }], policyTypes: ['Ingress'] } },
    invalid: [
      ['an empty peer', { spec: { ingress: [{ from: [{}] }] } }, ['spec.ingress[0].from[0]: Required value: must specify a peer']],
      ['endPort below port', { spec: { ingress: [{ ports: [{ port: 100, endPort: 10 }] }] } }, ['spec.ingress[0].ports[0].endPort: Invalid value: 10: must be greater than or equal to `port`']],
    ],
  },
  {
    kind: 'EndpointSlice',
    valid: { metadata: meta('web-abc'), addressType: 'IPv4', endpoints: [{ addresses: ['10.244.0.5'] }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] },
    invalid: [
      ['an IPv6 address in an IPv4 slice', { endpoints: [{ addresses: ['fd00::1'] }] }, ['endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address']],
      ['an endpoint without addresses', { endpoints: [{ addresses: [] }] }, ['endpoints[0].addresses: Required value: must contain at least 1 address']],
      ['an unknown address type', { addressType: 'IPv5', endpoints: [] }, ['addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"']],
    ],
  },
  {
    kind: 'Lease',
    valid: { metadata: meta('kube-scheduler'), spec: { holderIdentity: 'cp-1', leaseDurationSeconds: 15, leaseTransitions: 0 } },
    invalid: [['a zero duration', { spec: { leaseDurationSeconds: 0 } }, ['spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0']]],
  },
  {
    kind: 'StorageClass',
    valid: { metadata: clusterMeta('standard'), provisioner: 'kubeside.dev/hostpath', reclaimPolicy: 'Delete', volumeBindingMode: 'WaitForFirstConsumer' },
    invalid: [
      ['no provisioner', { provisioner: '' }, ['provisioner: Required value']],
      ['an unknown reclaim policy', { reclaimPolicy: 'Recycle' }, ['reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"']],
    ],
  },
  {
    kind: 'HorizontalPodAutoscaler',
    valid: {
      metadata: meta('web'),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        minReplicas: 2,
        maxReplicas: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    },
    invalid: [
      ['max below min', { spec: { maxReplicas: 1 } }, ['spec.maxReplicas: Invalid value: 1: must be greater than or equal to `minReplicas`']],
      ['min zero', { spec: { minReplicas: 0 } }, ['spec.minReplicas: Invalid value: 0: must be greater than or equal to 1']],
      ['no target name', { spec: { scaleTargetRef: { name: '' } } }, ['spec.scaleTargetRef.name: Required value']],
      [
        'a metric of the wrong source',
        { spec: { metrics: [{ type: 'Pods', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }] } },
        ['spec.metrics[0].pods: Required value: must populate information for the given metric source'],
      ],
      [
        'a resource metric without a target value',
        { spec: { metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue' } } }] } },
        ['spec.metrics[0].resource.target.averageUtilization: Required value: must set either a target raw value or a target utilization'],
      ],
    ],
  },
  {
    kind: 'PodDisruptionBudget',
    valid: { metadata: meta('web'), spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } },
    invalid: [
      ['both minAvailable and maxUnavailable', { spec: { maxUnavailable: 1 } }, ['spec: Invalid value: policy.PodDisruptionBudgetSpec{...}: minAvailable and maxUnavailable cannot be both set']],
      ['a bad percent', { spec: { minAvailable: '50 percent' } }, ["spec.minAvailable: Invalid value: 50 percent: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"]],
    ],
  },
  {
    kind: 'Role',
    valid: { metadata: meta('reader'), rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] },
    invalid: [
      ['a rule without verbs', { rules: [{ apiGroups: [''], resources: ['pods'], verbs: [] }] }, ['rules[0].verbs: Required value: verbs must contain at least one value']],
      ['non-resource URLs in a Role', { rules: [{ nonResourceURLs: ['/healthz'], verbs: ['get'] }] }, ['rules[0].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply to non-resource URLs']],
      ['a slash in the name', { metadata: { name: 'a/b' } }, ["metadata.name: Invalid value: \"a/b\": may not contain '/'"]],
    ],
  },
  {
    kind: 'RoleBinding',
    valid: {
      metadata: meta('read-pods'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'builder', namespace: 'default' }, { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'jane' }],
    },
    invalid: [
      ['a roleRef in another group', { roleRef: { apiGroup: 'example.com' } }, ['roleRef.apiGroup: Unsupported value: "example.com": supported values: "rbac.authorization.k8s.io"']],
      ['an unknown subject kind', { subjects: [{ kind: 'Robot', name: 'r2' }] }, ['subjects[0].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group"']],
    ],
  },
  {
    kind: 'ClusterRole',
    valid: { metadata: clusterMeta('system:metrics'), rules: [{ nonResourceURLs: ['/metrics'], verbs: ['get'] }, { apiGroups: ['apps'], resources: ['deployments'], verbs: ['*'] }] },
    invalid: [['a resource rule without api groups', { rules: [{ resources: ['pods'], verbs: ['get'] }] }, ['rules[0].apiGroups: Required value: resource rules must supply at least one api group']]],
  },
  {
    kind: 'ClusterRoleBinding',
    valid: { metadata: clusterMeta('admins'), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'admins' }] },
    invalid: [
      ['a Role reference', { roleRef: { kind: 'Role' } }, ['roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"']],
      ['a service account without namespace', { subjects: [{ kind: 'ServiceAccount', name: 'sa' }] }, ['subjects[0].namespace: Required value']],
    ],
  },
  {
    kind: 'EventsV1Event',
    // events.k8s.io/v1 requests are judged in core/v1's shape (the internal type), converted first.
    valid: {
      metadata: meta('web.17'),
      eventTime: '2026-01-01T00:00:00.000000Z',
      type: 'Normal',
      reason: 'Scheduled',
      action: 'Binding',
      message: 'assigned',
      reportingComponent: 'kubeside.dev/scheduler',
      reportingInstance: 'scheduler-1',
      involvedObject: { kind: 'Pod', name: 'web', namespace: 'default' },
    },
    invalid: [
      ['no eventTime', { eventTime: undefined }, ['eventTime: Required value']],
      ['an unknown type', { type: 'Info' }, ['type: Invalid value: "": has invalid value: Info']],
      ['no action', { action: '' }, ['action: Required value']],
    ],
  },
  {
    kind: 'CustomResourceDefinition',
    valid: {
      metadata: clusterMeta('widgets.example.com'),
      spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget', singular: 'widget', listKind: 'WidgetList' }, versions: [{ name: 'v1', served: true, storage: true }] },
    },
    invalid: [
      ['a name that is not plural.group', { metadata: { name: 'widget.example.com' } }, ['metadata.name: Invalid value: "widget.example.com": must be spec.names.plural+"."+spec.group']],
      [
        'two storage versions',
        { spec: { versions: [{ name: 'v1', served: true, storage: true }, { name: 'v2', served: true, storage: true }] } },
        ['spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{...}: must have exactly one version marked as storage version'],
      ],
      ['an unknown scope', { spec: { scope: 'Global' } }, ['spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"']],
    ],
  },
];

describe('validateSemantics: one valid and several invalid objects per served kind', () => {
  for (const c of cases) {
    describe(c.kind, () => {
      it('accepts a valid object', () => {
        assert.deepEqual(validateSemantics(c.valid, kinds[c.kind]).map(formatFieldError), []);
      });
      for (const [scenario, patch, expected] of c.invalid) {
        it(`rejects ${scenario}`, () => {
          assert.deepEqual(validateSemantics(patched(c.valid, patch), kinds[c.kind]).map(formatFieldError), expected);
        });
      }
    });
  }

  it('a StatefulSet may mount its claim templates: its pod spec is not validated as a Pod', () => {
    const sts = cases.find((c) => c.kind === 'StatefulSet')!.valid;
    const mounting = patched(sts, { spec: { template: { spec: { containers: [{ name: 'db', image: 'postgres', volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql' }] }] } } } });
    assert.deepEqual(validateSemantics(mounting, kinds.StatefulSet).map(formatFieldError), []);
  });

  it('covers every kind the embedded cluster serves', () => {
    assert.deepEqual(new Set(cases.map((c) => c.kind)), new Set(Object.keys(kinds)));
  });
});

describe('validateSemantics for kinds without rules of their own', () => {
  it('checks a custom resource name as a DNS subdomain, as apiextensions does', () => {
    const widget = { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'My_Widget', namespace: 'default' } };
    assert.deepEqual(validateSemantics(widget, k('example.com', 'v1', 'Widget')).map(formatFieldError), [`metadata.name: Invalid value: "My_Widget": ${subdomainMsg}`]);
  });
});

describe('rule coverage', () => {
  it('every kind the embedded cluster serves has its own rules registered', async () => {
    const { kinds: registry } = await import('../../../../engine/api/kinds/index.js');
    const { kindRules } = await import('../../../../engine/api/validation/semantic/registry.js');
    const missing = registry()
      .all()
      .filter((info) => info.served && !kindRules(info.group, info.kind))
      .map((info) => `${info.group || 'core'}/${info.kind}`);
    assert.deepEqual(missing, []);
  });
});
