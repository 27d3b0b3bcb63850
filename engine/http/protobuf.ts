// Request bodies in Kubernetes' protobuf encoding (application/vnd.kubernetes.protobuf), which
// client-go's typed clients send for built-in kinds (`kubectl create secret`, `kubectl auth can-i`).
// The server answers in JSON, which those clients accept; this decodes the kinds and fields they
// send (kubectl's create generators, reviews, evictions, token requests, and the Pods of `kubectl
// debug`: a whole PodSpec, since --copy-to copies any pod), from the field numbers of k8s.io/api's
// generated.proto files. An unlisted field holding a Go zero value is passed over (Go writes every
// plain field, set or not); any other unlisted field or kind is refused with 415 rather than
// silently dropped. Envelope: "k8s\0" + runtime.Unknown.
// See https://kubernetes.io/docs/reference/using-api/api-concepts/#protobuf-encoding
import { statusErrors } from '../api/errors';
import { rfc3339 } from '../util/clock';

type FieldKind = 'string' | 'bytes' | 'bool' | 'int' | 'time' | 'message' | 'inline' | 'stringMap' | 'bytesMap' | 'quantityMap' | 'quantity' | 'intOrString' | 'fieldsV1' | 'serverSet';

interface Field {
  name: string;
  kind: FieldKind;
  repeated?: boolean;
  message?: () => Message;
  /**
   * A pointer field in Go, so present only when set, and a zero value means zero. Plain Go fields
   * are always encoded, and their zero value (``, 0, false, the zero time) means unset.
   */
  pointer?: boolean;
}

interface Message {
  name: string;
  fields: Record<number, Field>;
}

const f = (name: string, kind: FieldKind, extra: Partial<Field> = {}): Field => ({ name, kind, ...extra });
const msg = (name: string, message: () => Message, repeated = false): Field => ({ name, kind: 'message', message, ...(repeated ? { repeated } : {}) });

// ---- k8s.io/apimachinery/pkg/apis/meta/v1 ----

const ownerReference: Message = {
  name: 'OwnerReference',
  fields: { 1: f('kind', 'string'), 3: f('name', 'string'), 4: f('uid', 'string'), 5: f('apiVersion', 'string'), 6: f('controller', 'bool', { pointer: true }), 7: f('blockOwnerDeletion', 'bool', { pointer: true }) },
};

/** What a client read and sends back (kubectl's read-modify-write of an object, as `certificate approve` does). */
const managedFieldsEntry: Message = {
  name: 'ManagedFieldsEntry',
  fields: { 1: f('manager', 'string'), 2: f('operation', 'string'), 3: f('apiVersion', 'string'), 4: f('time', 'time'), 6: f('fieldsType', 'string'), 7: f('fieldsV1', 'fieldsV1'), 8: f('subresource', 'string') },
};

const objectMeta: Message = {
  name: 'ObjectMeta',
  fields: {
    1: f('name', 'string'),
    2: f('generateName', 'string'),
    3: f('namespace', 'string'),
    4: f('selfLink', 'string'),
    5: f('uid', 'string'),
    6: f('resourceVersion', 'string'),
    7: f('generation', 'int'),
    8: f('creationTimestamp', 'time'),
    9: f('deletionTimestamp', 'time'),
    10: f('deletionGracePeriodSeconds', 'int', { pointer: true }),
    11: f('labels', 'stringMap'),
    12: f('annotations', 'stringMap'),
    13: msg('ownerReferences', () => ownerReference, true),
    14: f('finalizers', 'string', { repeated: true }),
    17: msg('managedFields', () => managedFieldsEntry, true),
  },
};
const metadata = msg('metadata', () => objectMeta);

// ---- the kinds ----

const localObjectReference: Message = { name: 'LocalObjectReference', fields: { 1: f('name', 'string') } };
const objectReference: Message = {
  name: 'ObjectReference',
  fields: { 1: f('kind', 'string'), 2: f('namespace', 'string'), 3: f('name', 'string'), 4: f('uid', 'string'), 5: f('apiVersion', 'string'), 6: f('resourceVersion', 'string'), 7: f('fieldPath', 'string') },
};

const deleteOptions: Message = {
  name: 'DeleteOptions',
  fields: {
    1: f('gracePeriodSeconds', 'int', { pointer: true }),
    2: msg('preconditions', () => ({ name: 'Preconditions', fields: { 1: f('uid', 'string', { pointer: true }), 2: f('resourceVersion', 'string', { pointer: true }) } })),
    3: f('orphanDependents', 'bool', { pointer: true }),
    4: f('propagationPolicy', 'string', { pointer: true }),
    5: f('dryRun', 'string', { repeated: true }),
  },
};

// ---- what kubectl's generators (create deployment, job, cronjob, service, role, rolebinding) set ----

const labelSelector: Message = {
  name: 'LabelSelector',
  fields: {
    1: f('matchLabels', 'stringMap'),
    2: msg('matchExpressions', () => ({ name: 'LabelSelectorRequirement', fields: { 1: f('key', 'string'), 2: f('operator', 'string'), 3: f('values', 'string', { repeated: true }) } }), true),
  },
};

// ---- the Pod (core/v1), as typed clients send it: `kubectl debug` creates one (a node's debugging
// pod, or a copy of a pod with --copy-to), and the workload generators send its template ----

const ptr = { pointer: true } as const;
const many = { repeated: true } as const;
/** An embedded LocalObjectReference (`name`, inline in JSON). */
const localRef: Field = { name: 'localObjectReference', kind: 'inline', message: () => localObjectReference };
const keyToPath: Message = { name: 'KeyToPath', fields: { 1: f('key', 'string'), 2: f('path', 'string'), 3: f('mode', 'int', ptr) } };
const objectFieldSelector: Message = { name: 'ObjectFieldSelector', fields: { 1: f('apiVersion', 'string'), 2: f('fieldPath', 'string') } };
const resourceFieldSelector: Message = { name: 'ResourceFieldSelector', fields: { 1: f('containerName', 'string'), 2: f('resource', 'string'), 3: f('divisor', 'quantity') } };
const downwardAPIVolumeFile: Message = {
  name: 'DownwardAPIVolumeFile',
  fields: { 1: f('path', 'string'), 2: msg('fieldRef', () => objectFieldSelector), 3: msg('resourceFieldRef', () => resourceFieldSelector), 4: f('mode', 'int', ptr) },
};
const containerPort: Message = { name: 'ContainerPort', fields: { 1: f('name', 'string'), 2: f('hostPort', 'int'), 3: f('containerPort', 'int'), 4: f('protocol', 'string'), 5: f('hostIP', 'string') } };
const envVar: Message = {
  name: 'EnvVar',
  fields: {
    1: f('name', 'string'),
    2: f('value', 'string'),
    3: msg('valueFrom', () => ({
      name: 'EnvVarSource',
      fields: {
        1: msg('fieldRef', () => objectFieldSelector),
        2: msg('resourceFieldRef', () => resourceFieldSelector),
        3: msg('configMapKeyRef', () => ({ name: 'ConfigMapKeySelector', fields: { 1: localRef, 2: f('key', 'string'), 3: f('optional', 'bool', ptr) } })),
        4: msg('secretKeyRef', () => ({ name: 'SecretKeySelector', fields: { 1: localRef, 2: f('key', 'string'), 3: f('optional', 'bool', ptr) } })),
      },
    })),
  },
};
const envFromSource: Message = {
  name: 'EnvFromSource',
  fields: {
    1: f('prefix', 'string'),
    2: msg('configMapRef', () => ({ name: 'ConfigMapEnvSource', fields: { 1: localRef, 2: f('optional', 'bool', ptr) } })),
    3: msg('secretRef', () => ({ name: 'SecretEnvSource', fields: { 1: localRef, 2: f('optional', 'bool', ptr) } })),
  },
};
const resourceRequirements: Message = {
  name: 'ResourceRequirements',
  fields: { 1: f('limits', 'quantityMap'), 2: f('requests', 'quantityMap'), 3: msg('claims', () => ({ name: 'ResourceClaim', fields: { 1: f('name', 'string'), 2: f('request', 'string') } }), true) },
};
const execAction: Message = { name: 'ExecAction', fields: { 1: f('command', 'string', many) } };
const httpGetAction: Message = {
  name: 'HTTPGetAction',
  fields: { 1: f('path', 'string'), 2: f('port', 'intOrString'), 3: f('host', 'string'), 4: f('scheme', 'string'), 5: msg('httpHeaders', () => ({ name: 'HTTPHeader', fields: { 1: f('name', 'string'), 2: f('value', 'string') } }), true) },
};
const tcpSocketAction: Message = { name: 'TCPSocketAction', fields: { 1: f('port', 'intOrString'), 2: f('host', 'string') } };
const probe: Message = {
  name: 'Probe',
  fields: {
    1: {
      name: 'handler',
      kind: 'inline',
      message: () => ({
        name: 'ProbeHandler',
        fields: { 1: msg('exec', () => execAction), 2: msg('httpGet', () => httpGetAction), 3: msg('tcpSocket', () => tcpSocketAction), 4: msg('grpc', () => ({ name: 'GRPCAction', fields: { 1: f('port', 'int'), 2: f('service', 'string', ptr) } })) },
      }),
    },
    2: f('initialDelaySeconds', 'int'),
    3: f('timeoutSeconds', 'int'),
    4: f('periodSeconds', 'int'),
    5: f('successThreshold', 'int'),
    6: f('failureThreshold', 'int'),
    7: f('terminationGracePeriodSeconds', 'int', ptr),
  },
};
const lifecycleHandler: Message = {
  name: 'LifecycleHandler',
  fields: { 1: msg('exec', () => execAction), 2: msg('httpGet', () => httpGetAction), 3: msg('tcpSocket', () => tcpSocketAction), 4: msg('sleep', () => ({ name: 'SleepAction', fields: { 1: f('seconds', 'int') } })) },
};
const seLinuxOptions: Message = { name: 'SELinuxOptions', fields: { 1: f('user', 'string'), 2: f('role', 'string'), 3: f('type', 'string'), 4: f('level', 'string') } };
const windowsOptions: Message = {
  name: 'WindowsSecurityContextOptions',
  fields: { 1: f('gmsaCredentialSpecName', 'string', ptr), 2: f('gmsaCredentialSpec', 'string', ptr), 3: f('runAsUserName', 'string', ptr), 4: f('hostProcess', 'bool', ptr) },
};
const seccompProfile: Message = { name: 'SeccompProfile', fields: { 1: f('type', 'string'), 2: f('localhostProfile', 'string', ptr) } };
const appArmorProfile: Message = { name: 'AppArmorProfile', fields: { 1: f('type', 'string'), 2: f('localhostProfile', 'string', ptr) } };
const securityContext: Message = {
  name: 'SecurityContext',
  fields: {
    1: msg('capabilities', () => ({ name: 'Capabilities', fields: { 1: f('add', 'string', many), 2: f('drop', 'string', many) } })),
    2: f('privileged', 'bool', ptr),
    3: msg('seLinuxOptions', () => seLinuxOptions),
    4: f('runAsUser', 'int', ptr),
    5: f('runAsNonRoot', 'bool', ptr),
    6: f('readOnlyRootFilesystem', 'bool', ptr),
    7: f('allowPrivilegeEscalation', 'bool', ptr),
    8: f('runAsGroup', 'int', ptr),
    9: f('procMount', 'string', ptr),
    10: msg('windowsOptions', () => windowsOptions),
    11: msg('seccompProfile', () => seccompProfile),
    12: msg('appArmorProfile', () => appArmorProfile),
  },
};
/** Container and EphemeralContainerCommon: the same fields under the same numbers. */
const containerFields: Record<number, Field> = {
  1: f('name', 'string'),
  2: f('image', 'string'),
  3: f('command', 'string', many),
  4: f('args', 'string', many),
  5: f('workingDir', 'string'),
  6: msg('ports', () => containerPort, true),
  7: msg('env', () => envVar, true),
  8: msg('resources', () => resourceRequirements),
  9: msg('volumeMounts', () => ({
    name: 'VolumeMount',
    fields: { 1: f('name', 'string'), 2: f('readOnly', 'bool'), 3: f('mountPath', 'string'), 4: f('subPath', 'string'), 5: f('mountPropagation', 'string', ptr), 6: f('subPathExpr', 'string'), 7: f('recursiveReadOnly', 'string', ptr) },
  }), true),
  10: msg('livenessProbe', () => probe),
  11: msg('readinessProbe', () => probe),
  12: msg('lifecycle', () => ({ name: 'Lifecycle', fields: { 1: msg('postStart', () => lifecycleHandler), 2: msg('preStop', () => lifecycleHandler), 3: f('stopSignal', 'string', ptr) } })),
  13: f('terminationMessagePath', 'string'),
  14: f('imagePullPolicy', 'string'),
  15: msg('securityContext', () => securityContext),
  16: f('stdin', 'bool'),
  17: f('stdinOnce', 'bool'),
  18: f('tty', 'bool'),
  19: msg('envFrom', () => envFromSource, true),
  20: f('terminationMessagePolicy', 'string'),
  21: msg('volumeDevices', () => ({ name: 'VolumeDevice', fields: { 1: f('name', 'string'), 2: f('devicePath', 'string') } }), true),
  22: msg('startupProbe', () => probe),
  23: msg('resizePolicy', () => ({ name: 'ContainerResizePolicy', fields: { 1: f('resourceName', 'string'), 2: f('restartPolicy', 'string') } }), true),
  24: f('restartPolicy', 'string', ptr),
};
const container: Message = { name: 'Container', fields: containerFields };
const ephemeralContainer: Message = {
  name: 'EphemeralContainer',
  fields: { 1: { name: 'ephemeralContainerCommon', kind: 'inline', message: () => ({ name: 'EphemeralContainerCommon', fields: containerFields }) }, 2: f('targetContainerName', 'string') },
};
const volumeResources: Message = { name: 'VolumeResourceRequirements', fields: { 1: f('limits', 'quantityMap'), 2: f('requests', 'quantityMap') } };
const volumeSource: Message = {
  name: 'VolumeSource',
  fields: {
    1: msg('hostPath', () => ({ name: 'HostPathVolumeSource', fields: { 1: f('path', 'string'), 2: f('type', 'string', ptr) } })),
    2: msg('emptyDir', () => ({ name: 'EmptyDirVolumeSource', fields: { 1: f('medium', 'string'), 2: f('sizeLimit', 'quantity', ptr) } })),
    6: msg('secret', () => ({ name: 'SecretVolumeSource', fields: { 1: f('secretName', 'string'), 2: msg('items', () => keyToPath, true), 3: f('defaultMode', 'int', ptr), 4: f('optional', 'bool', ptr) } })),
    7: msg('nfs', () => ({ name: 'NFSVolumeSource', fields: { 1: f('server', 'string'), 2: f('path', 'string'), 3: f('readOnly', 'bool') } })),
    10: msg('persistentVolumeClaim', () => ({ name: 'PersistentVolumeClaimVolumeSource', fields: { 1: f('claimName', 'string'), 2: f('readOnly', 'bool') } })),
    16: msg('downwardAPI', () => ({ name: 'DownwardAPIVolumeSource', fields: { 1: msg('items', () => downwardAPIVolumeFile, true), 2: f('defaultMode', 'int', ptr) } })),
    19: msg('configMap', () => ({ name: 'ConfigMapVolumeSource', fields: { 1: localRef, 2: msg('items', () => keyToPath, true), 3: f('defaultMode', 'int', ptr), 4: f('optional', 'bool', ptr) } })),
    26: msg('projected', () => ({
      name: 'ProjectedVolumeSource',
      fields: {
        1: msg('sources', () => ({
          name: 'VolumeProjection',
          fields: {
            1: msg('secret', () => ({ name: 'SecretProjection', fields: { 1: localRef, 2: msg('items', () => keyToPath, true), 4: f('optional', 'bool', ptr) } })),
            2: msg('downwardAPI', () => ({ name: 'DownwardAPIProjection', fields: { 1: msg('items', () => downwardAPIVolumeFile, true) } })),
            3: msg('configMap', () => ({ name: 'ConfigMapProjection', fields: { 1: localRef, 2: msg('items', () => keyToPath, true), 4: f('optional', 'bool', ptr) } })),
            4: msg('serviceAccountToken', () => ({ name: 'ServiceAccountTokenProjection', fields: { 1: f('audience', 'string'), 2: f('expirationSeconds', 'int', ptr), 3: f('path', 'string') } })),
          },
        }), true),
        2: f('defaultMode', 'int', ptr),
      },
    })),
    28: msg('csi', () => ({
      name: 'CSIVolumeSource',
      fields: { 1: f('driver', 'string'), 2: f('readOnly', 'bool', ptr), 3: f('fsType', 'string', ptr), 4: f('volumeAttributes', 'stringMap'), 5: msg('nodePublishSecretRef', () => localObjectReference) },
    })),
    29: msg('ephemeral', () => ({
      name: 'EphemeralVolumeSource',
      fields: {
        1: msg('volumeClaimTemplate', () => ({
          name: 'PersistentVolumeClaimTemplate',
          fields: {
            1: metadata,
            2: msg('spec', () => ({
              name: 'PersistentVolumeClaimSpec',
              fields: {
                1: f('accessModes', 'string', many),
                2: msg('resources', () => volumeResources),
                3: f('volumeName', 'string'),
                4: msg('selector', () => labelSelector),
                5: f('storageClassName', 'string', ptr),
                6: f('volumeMode', 'string', ptr),
                9: f('volumeAttributesClassName', 'string', ptr),
              },
            })),
          },
        })),
      },
    })),
  },
};
const nodeSelectorTerm: Message = {
  name: 'NodeSelectorTerm',
  fields: (() => {
    const requirement = () => ({ name: 'NodeSelectorRequirement', fields: { 1: f('key', 'string'), 2: f('operator', 'string'), 3: f('values', 'string', many) } });
    return { 1: msg('matchExpressions', requirement, true), 2: msg('matchFields', requirement, true) };
  })(),
};
const podAffinityTerm: Message = {
  name: 'PodAffinityTerm',
  fields: { 1: msg('labelSelector', () => labelSelector), 2: f('namespaces', 'string', many), 3: f('topologyKey', 'string'), 4: msg('namespaceSelector', () => labelSelector), 5: f('matchLabelKeys', 'string', many), 6: f('mismatchLabelKeys', 'string', many) },
};
const podAffinity = (name: string): Message => ({
  name,
  fields: {
    1: msg('requiredDuringSchedulingIgnoredDuringExecution', () => podAffinityTerm, true),
    2: msg('preferredDuringSchedulingIgnoredDuringExecution', () => ({ name: 'WeightedPodAffinityTerm', fields: { 1: f('weight', 'int'), 2: msg('podAffinityTerm', () => podAffinityTerm) } }), true),
  },
});
const affinity: Message = {
  name: 'Affinity',
  fields: {
    1: msg('nodeAffinity', () => ({
      name: 'NodeAffinity',
      fields: {
        1: msg('requiredDuringSchedulingIgnoredDuringExecution', () => ({ name: 'NodeSelector', fields: { 1: msg('nodeSelectorTerms', () => nodeSelectorTerm, true) } })),
        2: msg('preferredDuringSchedulingIgnoredDuringExecution', () => ({ name: 'PreferredSchedulingTerm', fields: { 1: f('weight', 'int'), 2: msg('preference', () => nodeSelectorTerm) } }), true),
      },
    })),
    2: msg('podAffinity', () => podAffinity('PodAffinity')),
    3: msg('podAntiAffinity', () => podAffinity('PodAntiAffinity')),
  },
};
const podSecurityContext: Message = {
  name: 'PodSecurityContext',
  fields: {
    1: msg('seLinuxOptions', () => seLinuxOptions),
    2: f('runAsUser', 'int', ptr),
    3: f('runAsNonRoot', 'bool', ptr),
    4: f('supplementalGroups', 'int', many),
    5: f('fsGroup', 'int', ptr),
    6: f('runAsGroup', 'int', ptr),
    7: msg('sysctls', () => ({ name: 'Sysctl', fields: { 1: f('name', 'string'), 2: f('value', 'string') } }), true),
    8: msg('windowsOptions', () => windowsOptions),
    9: f('fsGroupChangePolicy', 'string', ptr),
    10: msg('seccompProfile', () => seccompProfile),
    11: msg('appArmorProfile', () => appArmorProfile),
  },
};
const podSpec: Message = {
  name: 'PodSpec',
  fields: {
    1: msg('volumes', () => ({ name: 'Volume', fields: { 1: f('name', 'string'), 2: { name: 'volumeSource', kind: 'inline', message: () => volumeSource } } }), true),
    2: msg('containers', () => container, true),
    3: f('restartPolicy', 'string'),
    4: f('terminationGracePeriodSeconds', 'int', ptr),
    5: f('activeDeadlineSeconds', 'int', ptr),
    6: f('dnsPolicy', 'string'),
    7: f('nodeSelector', 'stringMap'),
    8: f('serviceAccountName', 'string'),
    9: f('serviceAccount', 'string'),
    10: f('nodeName', 'string'),
    11: f('hostNetwork', 'bool'),
    12: f('hostPID', 'bool'),
    13: f('hostIPC', 'bool'),
    14: msg('securityContext', () => podSecurityContext),
    15: msg('imagePullSecrets', () => localObjectReference, true),
    16: f('hostname', 'string'),
    17: f('subdomain', 'string'),
    18: msg('affinity', () => affinity),
    19: f('schedulerName', 'string'),
    20: msg('initContainers', () => container, true),
    21: f('automountServiceAccountToken', 'bool', ptr),
    22: msg('tolerations', () => ({ name: 'Toleration', fields: { 1: f('key', 'string'), 2: f('operator', 'string'), 3: f('value', 'string'), 4: f('effect', 'string'), 5: f('tolerationSeconds', 'int', ptr) } }), true),
    23: msg('hostAliases', () => ({ name: 'HostAlias', fields: { 1: f('ip', 'string'), 2: f('hostnames', 'string', many) } }), true),
    24: f('priorityClassName', 'string'),
    25: f('priority', 'int', ptr),
    26: msg('dnsConfig', () => ({
      name: 'PodDNSConfig',
      fields: { 1: f('nameservers', 'string', many), 2: f('searches', 'string', many), 3: msg('options', () => ({ name: 'PodDNSConfigOption', fields: { 1: f('name', 'string'), 2: f('value', 'string', ptr) } }), true) },
    })),
    27: f('shareProcessNamespace', 'bool', ptr),
    28: msg('readinessGates', () => ({ name: 'PodReadinessGate', fields: { 1: f('conditionType', 'string') } }), true),
    29: f('runtimeClassName', 'string', ptr),
    30: f('enableServiceLinks', 'bool', ptr),
    31: f('preemptionPolicy', 'string', ptr),
    32: f('overhead', 'quantityMap'),
    33: msg('topologySpreadConstraints', () => ({
      name: 'TopologySpreadConstraint',
      fields: {
        1: f('maxSkew', 'int'),
        2: f('topologyKey', 'string'),
        3: f('whenUnsatisfiable', 'string'),
        4: msg('labelSelector', () => labelSelector),
        5: f('minDomains', 'int', ptr),
        6: f('nodeAffinityPolicy', 'string', ptr),
        7: f('nodeTaintsPolicy', 'string', ptr),
        8: f('matchLabelKeys', 'string', many),
      },
    }), true),
    34: msg('ephemeralContainers', () => ephemeralContainer, true),
    35: f('setHostnameAsFQDN', 'bool', ptr),
    36: msg('os', () => ({ name: 'PodOS', fields: { 1: f('name', 'string') } })),
    37: f('hostUsers', 'bool', ptr),
    38: msg('schedulingGates', () => ({ name: 'PodSchedulingGate', fields: { 1: f('name', 'string') } }), true),
  },
};
const podTemplateSpec: Message = { name: 'PodTemplateSpec', fields: { 1: metadata, 2: msg('spec', () => podSpec) } };
const jobSpec: Message = {
  name: 'JobSpec',
  fields: { 1: f('parallelism', 'int', { pointer: true }), 2: f('completions', 'int', { pointer: true }), 3: f('activeDeadlineSeconds', 'int', { pointer: true }), 4: msg('selector', () => labelSelector), 6: msg('template', () => podTemplateSpec), 7: f('backoffLimit', 'int', { pointer: true }) },
};
const policyRule: Message = {
  name: 'PolicyRule',
  fields: { 1: f('verbs', 'string', { repeated: true }), 2: f('apiGroups', 'string', { repeated: true }), 3: f('resources', 'string', { repeated: true }), 4: f('resourceNames', 'string', { repeated: true }), 5: f('nonResourceURLs', 'string', { repeated: true }) },
};
const roleBinding = (name: string): Message => ({
  name,
  fields: {
    1: metadata,
    2: msg('subjects', () => ({ name: 'Subject', fields: { 1: f('kind', 'string'), 2: f('apiGroup', 'string'), 3: f('name', 'string'), 4: f('namespace', 'string') } }), true),
    3: msg('roleRef', () => ({ name: 'RoleRef', fields: { 1: f('apiGroup', 'string'), 2: f('kind', 'string'), 3: f('name', 'string') } })),
  },
});

const ingressBackend: Message = {
  name: 'IngressBackend',
  fields: {
    3: msg('resource', () => ({ name: 'TypedLocalObjectReference', fields: { 1: f('apiGroup', 'string', { pointer: true }), 2: f('kind', 'string'), 3: f('name', 'string') } })),
    4: msg('service', () => ({ name: 'IngressServiceBackend', fields: { 1: f('name', 'string'), 2: msg('port', () => ({ name: 'ServiceBackendPort', fields: { 1: f('name', 'string'), 2: f('number', 'int') } })) } })),
  },
};
const ingressSpec: Message = {
  name: 'IngressSpec',
  fields: {
    1: msg('defaultBackend', () => ingressBackend),
    2: msg('tls', () => ({ name: 'IngressTLS', fields: { 1: f('hosts', 'string', { repeated: true }), 2: f('secretName', 'string') } }), true),
    3: msg('rules', () => ({
      name: 'IngressRule',
      fields: {
        1: f('host', 'string'),
        2: {
          name: 'ingressRuleValue',
          kind: 'inline',
          message: () => ({
            name: 'IngressRuleValue',
            fields: { 1: msg('http', () => ({ name: 'HTTPIngressRuleValue', fields: { 1: msg('paths', () => ({ name: 'HTTPIngressPath', fields: { 1: f('path', 'string'), 2: msg('backend', () => ingressBackend), 3: f('pathType', 'string', { pointer: true }) } }), true) } })) },
          }),
        },
      },
    }), true),
    4: f('ingressClassName', 'string', { pointer: true }),
  },
};

// What `kubectl autoscale` sets: the target, the bounds, and resource metrics.
const metricTarget: Message = {
  name: 'MetricTarget',
  fields: { 1: f('type', 'string'), 2: f('value', 'quantity', { pointer: true }), 3: f('averageValue', 'quantity', { pointer: true }), 4: f('averageUtilization', 'int', { pointer: true }) },
};
const crossVersionObjectReference: Message = { name: 'CrossVersionObjectReference', fields: { 1: f('kind', 'string'), 2: f('name', 'string'), 3: f('apiVersion', 'string') } };
const horizontalPodAutoscalerSpecV1: Message = {
  name: 'HorizontalPodAutoscalerSpec',
  fields: { 1: msg('scaleTargetRef', () => crossVersionObjectReference), 2: f('minReplicas', 'int', { pointer: true }), 3: f('maxReplicas', 'int'), 4: f('targetCPUUtilizationPercentage', 'int', { pointer: true }) },
};
const horizontalPodAutoscalerSpec: Message = {
  name: 'HorizontalPodAutoscalerSpec',
  fields: {
    1: msg('scaleTargetRef', () => crossVersionObjectReference),
    2: f('minReplicas', 'int', { pointer: true }),
    3: f('maxReplicas', 'int'),
    4: msg('metrics', () => ({
      name: 'MetricSpec',
      fields: {
        1: f('type', 'string'),
        4: msg('resource', () => ({ name: 'ResourceMetricSource', fields: { 1: f('name', 'string'), 2: msg('target', () => metricTarget) } })),
        7: msg('containerResource', () => ({ name: 'ContainerResourceMetricSource', fields: { 1: f('name', 'string'), 2: msg('target', () => metricTarget), 3: f('container', 'string') } })),
      },
    }), true),
  },
};

const kindsByApiVersion: Record<string, Message> = {
  'v1/Pod': { name: 'Pod', fields: { 1: metadata, 2: msg('spec', () => podSpec), 3: f('status', 'serverSet') } },
  'apps/v1/Deployment': {
    name: 'Deployment',
    fields: { 1: metadata, 2: msg('spec', () => ({ name: 'DeploymentSpec', fields: { 1: f('replicas', 'int', { pointer: true }), 2: msg('selector', () => labelSelector), 3: msg('template', () => podTemplateSpec) } })), 3: f('status', 'serverSet') },
  },
  'batch/v1/Job': { name: 'Job', fields: { 1: metadata, 2: msg('spec', () => jobSpec), 3: f('status', 'serverSet') } },
  'batch/v1/CronJob': {
    name: 'CronJob',
    fields: {
      1: metadata,
      2: msg('spec', () => ({ name: 'CronJobSpec', fields: { 1: f('schedule', 'string'), 5: msg('jobTemplate', () => ({ name: 'JobTemplateSpec', fields: { 1: metadata, 2: msg('spec', () => jobSpec) } })) } })),
      3: f('status', 'serverSet'),
    },
  },
  'v1/Service': {
    name: 'Service',
    fields: {
      1: metadata,
      2: msg('spec', () => ({
        name: 'ServiceSpec',
        fields: {
          1: msg('ports', () => ({ name: 'ServicePort', fields: { 1: f('name', 'string'), 2: f('protocol', 'string'), 3: f('port', 'int'), 4: f('targetPort', 'intOrString'), 5: f('nodePort', 'int') } }), true),
          2: f('selector', 'stringMap'),
          3: f('clusterIP', 'string'),
          4: f('type', 'string'),
          10: f('externalName', 'string'),
        },
      })),
      3: f('status', 'serverSet'),
    },
  },
  'v1/ResourceQuota': {
    name: 'ResourceQuota',
    fields: { 1: metadata, 2: msg('spec', () => ({ name: 'ResourceQuotaSpec', fields: { 1: f('hard', 'quantityMap'), 2: f('scopes', 'string', { repeated: true }) } })), 3: f('status', 'serverSet') },
  },
  'policy/v1/PodDisruptionBudget': {
    name: 'PodDisruptionBudget',
    fields: {
      1: metadata,
      2: msg('spec', () => ({ name: 'PodDisruptionBudgetSpec', fields: { 1: f('minAvailable', 'intOrString', { pointer: true }), 2: msg('selector', () => labelSelector), 3: f('maxUnavailable', 'intOrString', { pointer: true }) } })),
      3: f('status', 'serverSet'),
    },
  },
  'autoscaling/v2/HorizontalPodAutoscaler': { name: 'HorizontalPodAutoscaler', fields: { 1: metadata, 2: msg('spec', () => horizontalPodAutoscalerSpec), 3: f('status', 'serverSet') } },
  // What an older `kubectl autoscale` sends (1.32's): the v1 spec, its one target a CPU percentage.
  'autoscaling/v1/HorizontalPodAutoscaler': { name: 'HorizontalPodAutoscaler', fields: { 1: metadata, 2: msg('spec', () => horizontalPodAutoscalerSpecV1), 3: f('status', 'serverSet') } },
  'networking.k8s.io/v1/Ingress': { name: 'Ingress', fields: { 1: metadata, 2: msg('spec', () => ingressSpec), 3: f('status', 'serverSet') } },
  'rbac.authorization.k8s.io/v1/Role': { name: 'Role', fields: { 1: metadata, 2: msg('rules', () => policyRule, true) } },
  'rbac.authorization.k8s.io/v1/ClusterRole': { name: 'ClusterRole', fields: { 1: metadata, 2: msg('rules', () => policyRule, true) } },
  'rbac.authorization.k8s.io/v1/RoleBinding': roleBinding('RoleBinding'),
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': roleBinding('ClusterRoleBinding'),
  // Eviction (kubectl drain) and Binding carry what the subresource acts on.
  'policy/v1/Eviction': { name: 'Eviction', fields: { 1: metadata, 2: msg('deleteOptions', () => deleteOptions) } },
  'v1/Binding': { name: 'Binding', fields: { 1: metadata, 2: msg('target', () => objectReference) } },
  'v1/Secret': { name: 'Secret', fields: { 1: metadata, 2: f('data', 'bytesMap'), 3: f('type', 'string'), 4: f('stringData', 'stringMap'), 5: f('immutable', 'bool', { pointer: true }) } },
  'v1/ConfigMap': { name: 'ConfigMap', fields: { 1: metadata, 2: f('data', 'stringMap'), 3: f('binaryData', 'bytesMap'), 4: f('immutable', 'bool', { pointer: true }) } },
  'v1/Namespace': {
    name: 'Namespace',
    fields: { 1: metadata, 2: msg('spec', () => ({ name: 'NamespaceSpec', fields: { 1: f('finalizers', 'string', { repeated: true }) } })), 3: msg('status', () => ({ name: 'NamespaceStatus', fields: { 1: f('phase', 'string') } })) },
  },
  'v1/ServiceAccount': {
    name: 'ServiceAccount',
    fields: { 1: metadata, 2: msg('secrets', () => objectReference, true), 3: msg('imagePullSecrets', () => localObjectReference, true), 4: f('automountServiceAccountToken', 'bool', { pointer: true }) },
  },
  'authorization.k8s.io/v1/SelfSubjectAccessReview': {
    name: 'SelfSubjectAccessReview',
    fields: {
      1: metadata,
      2: msg('spec', () => ({
        name: 'SelfSubjectAccessReviewSpec',
        fields: {
          1: msg('resourceAttributes', () => ({
            name: 'ResourceAttributes',
            fields: { 1: f('namespace', 'string'), 2: f('verb', 'string'), 3: f('group', 'string'), 4: f('version', 'string'), 5: f('resource', 'string'), 6: f('subresource', 'string'), 7: f('name', 'string') },
          })),
          2: msg('nonResourceAttributes', () => ({ name: 'NonResourceAttributes', fields: { 1: f('path', 'string'), 2: f('verb', 'string') } })),
        },
      })),
      3: f('status', 'serverSet'),
    },
  },
  // `kubectl create token`: what to sign, for whom, and for how long.
  'authentication.k8s.io/v1/TokenRequest': {
    name: 'TokenRequest',
    fields: {
      1: metadata,
      2: msg('spec', () => ({
        name: 'TokenRequestSpec',
        fields: {
          1: f('audiences', 'string', { repeated: true }),
          3: msg('boundObjectRef', () => ({ name: 'BoundObjectReference', fields: { 1: f('kind', 'string'), 2: f('apiVersion', 'string'), 3: f('name', 'string'), 4: f('uid', 'string') } })),
          4: f('expirationSeconds', 'int', { pointer: true }),
        },
      })),
      3: f('status', 'serverSet'),
    },
  },
  'authentication.k8s.io/v1/TokenReview': {
    name: 'TokenReview',
    fields: { 1: metadata, 2: msg('spec', () => ({ name: 'TokenReviewSpec', fields: { 1: f('token', 'string'), 2: f('audiences', 'string', { repeated: true }) } })), 3: f('status', 'serverSet') },
  },
  'authentication.k8s.io/v1/SelfSubjectReview': { name: 'SelfSubjectReview', fields: { 1: metadata, 2: f('status', 'serverSet') } },
  // `kubectl certificate approve|deny` sends the request back with its conditions through /approval.
  'certificates.k8s.io/v1/CertificateSigningRequest': {
    name: 'CertificateSigningRequest',
    fields: {
      1: metadata,
      2: msg('spec', () => ({
        name: 'CertificateSigningRequestSpec',
        fields: {
          1: f('request', 'bytes'),
          2: f('username', 'string'),
          3: f('uid', 'string'),
          4: f('groups', 'string', { repeated: true }),
          5: f('usages', 'string', { repeated: true }),
          // The requestor's extra attributes: the API server sets them at creation and keeps them, whatever a write says.
          6: f('extra', 'serverSet'),
          7: f('signerName', 'string'),
          8: f('expirationSeconds', 'int', { pointer: true }),
        },
      })),
      3: msg('status', () => ({
        name: 'CertificateSigningRequestStatus',
        fields: {
          1: msg('conditions', () => ({
            name: 'CertificateSigningRequestCondition',
            fields: { 1: f('type', 'string'), 2: f('reason', 'string'), 3: f('message', 'string'), 4: f('lastUpdateTime', 'time'), 5: f('lastTransitionTime', 'time'), 6: f('status', 'string') },
          }), true),
          2: f('certificate', 'bytes'),
        },
      })),
    },
  },
};

// ---- the wire format ----

class Reader {
  pos = 0;
  constructor(private readonly buf: Buffer) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  /** A varint as int64 (two's complement for negatives, as Go writes them), as a number. */
  varint(): number {
    let result = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return Number(BigInt.asIntN(64, result));
    }
    throw new Error('varint too long');
  }
  bytes(): Buffer {
    const n = this.varint();
    if (this.pos + n > this.buf.length) throw new Error('truncated length-delimited field');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wireType}`);
    if (this.pos > this.buf.length) throw new Error('truncated field');
  }
}

/**
 * Reads one field's value and tells whether it is a Go zero value: 0, an empty string, or a
 * message all of whose fields are zero (a struct left at its zero value).
 */
function isZero(wireType: number, r: Reader): boolean {
  if (wireType === 0) return r.varint() === 0;
  if (wireType !== 2) {
    r.skip(wireType);
    return false;
  }
  const payload = r.bytes();
  if (payload.length === 0) return true;
  try {
    let zero = true;
    fields(payload, (_n, w, inner) => {
      if (!isZero(w, inner)) zero = false;
    });
    return zero;
  } catch {
    return false;
  }
}

function fields(buf: Buffer, each: (field: number, wireType: number, r: Reader) => void): void {
  const r = new Reader(buf);
  while (!r.done) {
    const tag = r.varint();
    each(Math.floor(tag / 8), tag & 7, r);
  }
}

/** time.Time{}.Unix(): January 1 of year 1, UTC. */
const goZeroTimeSeconds = -62135596800;

function decodeMessage(buf: Buffer, message: Message): Record<string, unknown> {
  const out: Record<string, any> = {};
  fields(buf, (number, wireType, r) => {
    const field = message.fields[number];
    if (!field) {
      // Go writes every plain field, set or not: an unknown field holding a zero value says nothing.
      if (isZero(wireType, r)) return;
      throw statusErrors.unsupportedMediaType(`field ${number} of ${message.name} in protobuf is not understood by this server: send the object as JSON`);
    }
    const expected = field.kind === 'bool' || field.kind === 'int' ? 0 : 2;
    if (wireType !== expected) throw new Error(`field ${number} of ${message.name} has wire type ${wireType}, expected ${expected}`);
    let value: unknown;
    switch (field.kind) {
      case 'serverSet':
        // What only the server writes (a review's status): a client's value is not read.
        r.bytes();
        return;
      case 'string':
        value = r.bytes().toString('utf8');
        break;
      case 'bytes':
        value = r.bytes().toString('base64');
        break;
      case 'bool':
        value = r.varint() !== 0;
        break;
      case 'int':
        value = r.varint();
        break;
      case 'time': {
        // metav1.Time: seconds = 1, nanos = 2; serialized to the second, as RFC 3339.
        let seconds = 0;
        fields(r.bytes(), (n, w, tr) => (n === 1 ? (seconds = tr.varint()) : tr.skip(w)));
        // Go's zero time (year 1) is an unset timestamp.
        value = seconds <= goZeroTimeSeconds ? undefined : rfc3339(seconds * 1000);
        break;
      }
      case 'message':
        value = decodeMessage(r.bytes(), field.message!());
        break;
      case 'fieldsV1': {
        // metav1.FieldsV1: its JSON, as bytes in field 1.
        let raw: Buffer | undefined;
        fields(r.bytes(), (n, w, fr) => (n === 1 ? (raw = fr.bytes()) : fr.skip(w)));
        value = raw ? JSON.parse(raw.toString('utf8')) : undefined;
        break;
      }
      case 'quantity': {
        // resource.Quantity travels as its string form: message { string = 1 }.
        let text = '';
        fields(r.bytes(), (n, w, qr) => (n === 1 ? (text = qr.bytes().toString('utf8')) : qr.skip(w)));
        value = text;
        break;
      }
      case 'inline':
        // An embedded Go struct (json:",inline"): its fields are the parent's in JSON.
        Object.assign(out, decodeMessage(r.bytes(), field.message!()));
        return;
      case 'intOrString': {
        // intstr.IntOrString: type = 1 (0 Int, 1 String), intVal = 2, strVal = 3; JSON is the bare value.
        let type = 0;
        let intVal = 0;
        let strVal = '';
        fields(r.bytes(), (n, w, ir) => {
          if (n === 1 && w === 0) type = ir.varint();
          else if (n === 2 && w === 0) intVal = ir.varint();
          else if (n === 3 && w === 2) strVal = ir.bytes().toString('utf8');
          else ir.skip(w);
        });
        // A zero IntOrString is the integer 0, which a plain field treats as unset.
        value = type === 1 ? strVal : intVal;
        break;
      }
      case 'stringMap':
      case 'bytesMap':
      case 'quantityMap': {
        let key = '';
        let v = '';
        fields(r.bytes(), (n, w, er) => {
          if (n === 1) key = er.bytes().toString('utf8');
          else if (n === 2 && field.kind === 'quantityMap') {
            // resource.Quantity travels as its string form: message { string = 1 }.
            fields(er.bytes(), (qn, qw, qr) => (qn === 1 ? (v = qr.bytes().toString('utf8')) : qr.skip(qw)));
          } else if (n === 2) v = field.kind === 'stringMap' ? er.bytes().toString('utf8') : er.bytes().toString('base64');
          else er.skip(w);
        });
        (out[field.name] ??= {})[key] = v;
        return;
      }
    }
    if (field.repeated) (out[field.name] ??= []).push(value);
    else if (value === undefined || (!field.pointer && (value === '' || value === 0 || value === false))) delete out[field.name];
    else out[field.name] = value;
  });
  return out;
}

const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** `apps/v1/Deployment` as kubectl names a kind of a version: `Deployment.v1.apps` (`Pod.v1` in the core group). */
function asKindVersion(key: string): string {
  const [kind, version, group] = key.split('/').reverse();
  return [kind, version, group].filter(Boolean).join('.');
}

/** Decodes a protobuf request body into the object's JSON form (with apiVersion and kind). */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < 4 || !body.subarray(0, 4).equals(magic)) throw statusErrors.badRequest('protobuf body does not start with the Kubernetes protobuf prefix');
  try {
    let apiVersion = '';
    let kind = '';
    let raw: Buffer | undefined;
    fields(body.subarray(4), (n, w, r) => {
      if (n === 1) {
        fields(r.bytes(), (tn, tw, tr) => {
          if (tn === 1) apiVersion = tr.bytes().toString('utf8');
          else if (tn === 2) kind = tr.bytes().toString('utf8');
          else tr.skip(tw);
        });
      } else if (n === 2) raw = r.bytes();
      else r.skip(w);
    });
    // A typed client's DELETE body is DeleteOptions in whichever group the client is for.
    const message = kind === 'DeleteOptions' ? deleteOptions : kindsByApiVersion[`${apiVersion}/${kind}`];
    if (!message) throw statusErrors.unsupportedMediaType(`this server decodes protobuf bodies of ${[...Object.keys(kindsByApiVersion).map(asKindVersion), 'DeleteOptions'].join(', ')} only, not ${kind ? asKindVersion(`${apiVersion}/${kind}`) : 'an object without a kind'}: send it as JSON`);
    return { apiVersion, kind, ...decodeMessage(raw ?? Buffer.alloc(0), message) };
  } catch (err) {
    if (err instanceof Error && err.name === 'StatusError') throw err;
    throw statusErrors.badRequest(`the protobuf body could not be decoded: ${err instanceof Error ? err.message : String(err)}`);
  }
}
