// NodeRestriction (plugin/pkg/admission/noderestriction/admission.go): what a kubelet, acting as
// `system:node:<name>`, may write beyond what the Node authorizer lets it reach.
// - Pods: only the mirror pods of its own static pods — marked with the `kubernetes.io/config.mirror`
//   annotation, bound to its own node, owned by its own Node object as controller, and referencing
//   no other API object (a node's credentials must not reach Secrets or ConfigMaps through a pod it
//   makes up). A pod status update may not change the pod's labels (the status strategy takes them).
// - Its own Node only. It registers with labels of its own (`kubernetes.io/hostname`, os, arch,
//   topology, instance type, and the `kubelet.kubernetes.io` and `node.kubernetes.io` namespaces),
//   never other `kubernetes.io` or `k8s.io` labels such as `node-role.kubernetes.io/*`, which an
//   administrator (kubeadm) sets; afterwards it may change only those labels, and never its taints,
//   through the Node or its status. A compromised node cannot steer workloads to itself.
// - Its own CSINode only.
import { isMirrorPod, mirrorPodAnnotation } from '../../api/meta/mirrorPods';
import { kubeletMaySetLabel } from '../../api/meta/nodeLabels';
import { deepEqual } from '../../api/patch/jsonValue';
import { nodeNameOf } from '../auth/user';
import type { Obj } from '../registry/strategy';
import { admissionForbidden } from './forbidden';
import type { AdmissionPlugin, AdmissionRequest } from './types';

export const nodeRestriction: AdmissionPlugin = {
  name: 'NodeRestriction',
  admit(req, ctx) {
    const node = nodeNameOf(req.user);
    if (node === undefined) return;
    const refuse = (why: string) => admissionForbidden(req, why);
    if (req.kind.group === 'storage.k8s.io' && req.kind.kind === 'CSINode') {
      const name = req.name || req.object?.metadata?.name || '';
      if (name !== node) throw refuse(`node ${JSON.stringify(node)} is not allowed to modify object ${JSON.stringify(name)}`);
      return;
    }
    if (req.kind.group !== '' || (req.kind.kind !== 'Pod' && req.kind.kind !== 'Node')) return;
    if (req.kind.kind === 'Node') return admitNode(req, node, refuse);
    if (req.operation === 'UPDATE' && req.subresource === 'status') {
      if (req.oldObject?.spec?.nodeName !== node) throw refuse(`node ${JSON.stringify(node)} can only update pod status for pods with spec.nodeName set to itself`);
      if (modifiedLabels(req.oldObject?.metadata?.labels, req.object?.metadata?.labels).length) throw refuse(`node ${JSON.stringify(node)} cannot update labels through pod status`);
      return;
    }
    if (req.operation !== 'CREATE' || req.subresource || !req.object) return;
    const pod = req.object;
    if (!isMirrorPod(pod)) {
      throw refuse(`pod does not have ${JSON.stringify(mirrorPodAnnotation)} annotation, node ${JSON.stringify(node)} can only create mirror pods`);
    }
    if (pod.spec?.nodeName !== node) throw refuse(`node ${JSON.stringify(node)} can only create pods with spec.nodeName set to itself`);
    const owners: Obj[] = pod.metadata?.ownerReferences ?? [];
    if (owners.length > 1) throw refuse(`node ${JSON.stringify(node)} can only create pods with a single owner reference set to itself`);
    const owner = owners[0];
    if (!owner || owner.apiVersion !== 'v1' || owner.kind !== 'Node' || owner.name !== node) {
      throw refuse(`node ${JSON.stringify(node)} can only create pods with an owner reference set to itself`);
    }
    if (owner.controller !== true) throw refuse(`node ${JSON.stringify(node)} can only create pods with a controller owner reference set to itself`);
    if (owner.blockOwnerDeletion === true) throw refuse(`node ${JSON.stringify(node)} must not set blockOwnerDeletion on an owner reference`);
    const registered = ctx.get('', 'nodes', '', node);
    if (!registered) throw refuse(`error looking up node ${node} to verify uid: nodes ${JSON.stringify(node)} not found`);
    if (owner.uid !== registered.metadata?.uid) throw refuse(`node ${node} UID mismatch: expected ${registered.metadata?.uid} got ${owner.uid}`);
    const referenced = referencedResource(pod);
    if (referenced) throw refuse(`node ${JSON.stringify(node)} can not create pods that reference ${referenced}`);
  },
};

/** A kubelet's writes to Node objects: its own, with its own labels, and the taints it registered with. */
function admitNode(req: AdmissionRequest, node: string, refuse: (why: string) => Error): void {
  const name = req.name || req.object?.metadata?.name;
  if (name !== node) throw refuse(`node ${JSON.stringify(node)} is not allowed to modify node ${JSON.stringify(name ?? '')}`);
  if (req.operation === 'CREATE') {
    const forbidden = forbiddenLabels(modifiedLabels(req.object?.metadata?.labels, undefined));
    if (forbidden.length) throw refuse(`node ${JSON.stringify(node)} is not allowed to set the following labels: ${forbidden.join(', ')}`);
  }
  if (req.operation === 'UPDATE') {
    if (!deepEqual(req.object?.spec?.taints ?? [], req.oldObject?.spec?.taints ?? [])) throw refuse(`node ${JSON.stringify(node)} is not allowed to modify taints`);
    const forbidden = forbiddenLabels(modifiedLabels(req.object?.metadata?.labels, req.oldObject?.metadata?.labels));
    if (forbidden.length) throw refuse(`is not allowed to modify labels: ${forbidden.join(', ')}`);
  }
}

/** The keys whose values differ between two label maps (getModifiedLabels; none is labels.Equals, an absent map being an empty one). */
function modifiedLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): string[] {
  const keys = new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})]);
  return [...keys].filter((k) => a?.[k] !== b?.[k]);
}

/** getForbiddenLabels, sorted. */
function forbiddenLabels(keys: string[]): string[] {
  return keys.filter((key) => !kubeletMaySetLabel(key)).sort();
}

/** The first kind of API object a pod refers to, in the order the plugin checks them. */
function referencedResource(pod: Obj): string | undefined {
  const spec = pod.spec ?? {};
  if (spec.serviceAccountName) return 'a service account';
  const containers: Obj[] = [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
  const volumes: Obj[] = spec.volumes ?? [];
  const projected = volumes.flatMap((v) => v.projected?.sources ?? []);
  const usesSecret =
    (spec.imagePullSecrets ?? []).length > 0 ||
    volumes.some((v) => v.secret) ||
    projected.some((s: Obj) => s.secret) ||
    containers.some((c) => (c.envFrom ?? []).some((e: Obj) => e.secretRef) || (c.env ?? []).some((e: Obj) => e.valueFrom?.secretKeyRef));
  if (usesSecret) return 'secrets';
  const usesConfigMap =
    volumes.some((v) => v.configMap) ||
    projected.some((s: Obj) => s.configMap) ||
    containers.some((c) => (c.envFrom ?? []).some((e: Obj) => e.configMapRef) || (c.env ?? []).some((e: Obj) => e.valueFrom?.configMapKeyRef));
  if (usesConfigMap) return 'configmaps';
  if (volumes.some((v) => v.persistentVolumeClaim || v.ephemeral)) return 'persistentvolumeclaims';
  return undefined;
}
