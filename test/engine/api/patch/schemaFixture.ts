// Small hand-built SchemaNodes shaped like Kubernetes' Pod and Deployment schemas (only the fields
// the patch and apply tests walk), with the same x-kubernetes-* extensions the real ones carry.
import type { SchemaNode, SchemaType } from '../../../../engine/api/schema/node';

type Extensions = Partial<Pick<SchemaNode, 'patchStrategy' | 'patchMergeKey' | 'listType' | 'listMapKeys' | 'mapType' | 'definition' | 'default'>>;

function node(type: SchemaType | undefined, ext: Extensions, parts: { props?: Record<string, SchemaNode>; values?: SchemaNode; items?: SchemaNode }): SchemaNode {
  return {
    ...(type ? { type } : {}),
    ...ext,
    propertyNames: () => Object.keys(parts.props ?? {}),
    property: (name) => parts.props?.[name],
    additionalProperties: () => parts.values,
    items: () => parts.items,
  };
}

export const str = node('string', {}, {});
export const int = node('integer', {}, {});
export const bool = node('boolean', {}, {});
export const obj = (props: Record<string, SchemaNode>, ext: Extensions = {}) => node('object', ext, { props });
export const map = (values: SchemaNode, ext: Extensions = {}) => node('object', ext, { values });
export const list = (items: SchemaNode, ext: Extensions = {}) => node('array', ext, { items });

const labelSelector = obj(
  {
    matchLabels: map(str),
    matchExpressions: list(obj({ key: str, operator: str, values: list(str, { listType: 'atomic' }) }), { listType: 'atomic' }),
  },
  { mapType: 'atomic' },
);

export const objectMeta = obj({
  name: str,
  namespace: str,
  generateName: str,
  uid: str,
  labels: map(str),
  annotations: map(str),
  finalizers: list(str, { patchStrategy: 'merge', listType: 'set' }),
  ownerReferences: list(
    obj({ apiVersion: str, kind: str, name: str, uid: str, controller: bool, blockOwnerDeletion: bool }),
    { patchStrategy: 'merge', patchMergeKey: 'uid', listType: 'map', listMapKeys: ['uid'] },
  ),
  managedFields: list(obj({ manager: str, operation: str, apiVersion: str, time: str, fieldsType: str, fieldsV1: obj({}) }), { listType: 'atomic' }),
});

const containerPort = obj({ name: str, containerPort: int, protocol: node('string', { default: 'TCP' }, {}), hostPort: int });
const envVar = obj({ name: str, value: str, valueFrom: obj({ fieldRef: obj({ fieldPath: str }, { mapType: 'atomic' }) }) });

export const container = obj({
  name: str,
  image: str,
  imagePullPolicy: str,
  args: list(str, { listType: 'atomic' }),
  command: list(str, { listType: 'atomic' }),
  ports: list(containerPort, { patchStrategy: 'merge', patchMergeKey: 'containerPort', listType: 'map', listMapKeys: ['containerPort', 'protocol'] }),
  env: list(envVar, { patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] }),
  resources: obj({ limits: map(str), requests: map(str) }),
  volumeMounts: list(obj({ name: str, mountPath: str, readOnly: bool }), { patchStrategy: 'merge', patchMergeKey: 'mountPath', listType: 'map', listMapKeys: ['mountPath'] }),
});

const volume = obj({ name: str, emptyDir: obj({ medium: str }), hostPath: obj({ path: str, type: str }), configMap: obj({ name: str }) });

export const podSpec = obj({
  containers: list(container, { patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] }),
  initContainers: list(container, { patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] }),
  volumes: list(volume, { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] }),
  tolerations: list(obj({ key: str, operator: str, value: str, effect: str }), { listType: 'atomic' }),
  nodeSelector: map(str, { mapType: 'atomic' }),
  nodeName: str,
  restartPolicy: str,
  hostNetwork: bool,
  schedulerName: str,
  serviceAccountName: str,
});

export const configMapSchema = obj({ apiVersion: str, kind: str, metadata: objectMeta, data: map(str), binaryData: map(str), immutable: bool });

export const podSchema = obj({ apiVersion: str, kind: str, metadata: objectMeta, spec: podSpec, status: obj({ phase: str, podIP: str }) }, { definition: 'io.k8s.api.core.v1.Pod' });

export const deploymentSchema = obj(
  {
    apiVersion: str,
    kind: str,
    metadata: objectMeta,
    spec: obj({
      replicas: int,
      selector: labelSelector,
      template: obj({ metadata: objectMeta, spec: podSpec }),
      strategy: obj({ type: str, rollingUpdate: obj({ maxSurge: node(undefined, {}, {}), maxUnavailable: node(undefined, {}, {}) }) }, { patchStrategy: 'retainKeys' }),
      minReadySeconds: int,
    }),
    status: obj({ replicas: int, readyReplicas: int }),
  },
  { definition: 'io.k8s.api.apps.v1.Deployment' },
);
