// NodeRestriction, for pods: a kubelet may create only the mirror pods of its own static pods —
// marked with the `kubernetes.io/config.mirror` annotation, bound to its own node, owned by its
// own Node object as controller, and referencing no other API object (a node's credentials must
// not reach Secrets or ConfigMaps through a pod it makes up). The Node authorizer lets nodes
// create pods at all; this plugin decides which. A kubelet's pod status update may not change the
// pod's labels (the status strategy would take them). Its rules for Node objects and their labels
// are not applied here. See plugin/pkg/admission/noderestriction/admission.go.
import { isMirrorPod, mirrorPodAnnotation } from '../../api/meta/mirrorPods';
import { nodeNameOf } from '../auth/user';
import type { Obj } from '../registry/strategy';
import { admissionForbidden } from './forbidden';
import type { AdmissionPlugin } from './types';

export const nodeRestriction: AdmissionPlugin = {
  name: 'NodeRestriction',
  admit(req, ctx) {
    if (req.kind.group !== '' || req.kind.kind !== 'Pod') return;
    const node = nodeNameOf(req.user);
    if (node === undefined) return;
    const refuse = (why: string) => admissionForbidden(req, why);
    if (req.operation === 'UPDATE' && req.subresource === 'status') {
      if (req.oldObject?.spec?.nodeName !== node) throw refuse(`node ${JSON.stringify(node)} can only update pod status for pods with spec.nodeName set to itself`);
      if (!sameLabels(req.oldObject?.metadata?.labels, req.object?.metadata?.labels)) throw refuse(`node ${JSON.stringify(node)} cannot update labels through pod status`);
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

/** labels.Equals: the same keys and values, an absent map being an empty one. */
function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const keys = Object.keys(a ?? {});
  return keys.length === Object.keys(b ?? {}).length && keys.every((k) => b?.[k] === a?.[k]);
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
