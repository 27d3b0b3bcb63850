// ServiceAccount: a pod runs as a service account (`default` unless it names one), which must
// exist, and unless either opts out it gets the projected token volume mounted into every container.
// See plugin/pkg/admission/serviceaccount/admission.go.
import { isMirrorPod } from '../../api/meta/mirrorPods';
import { admissionForbidden } from './forbidden';
import type { AdmissionPlugin } from './types';

export const serviceAccountMountPath = '/var/run/secrets/kubernetes.io/serviceaccount';

export const serviceAccountAdmission: AdmissionPlugin = {
  name: 'ServiceAccount',
  admit(req, ctx) {
    if (req.operation !== 'CREATE' || req.kind.group !== '' || req.kind.kind !== 'Pod' || req.subresource || !req.object) return;
    const pod = req.object;
    const spec = (pod.spec ??= {});
    // Mirror pods (created by a kubelet from a static manifest) keep no service account.
    if (isMirrorPod(pod)) return;
    spec.serviceAccountName ||= 'default';
    const sa = ctx.get('', 'serviceaccounts', req.namespace, spec.serviceAccountName);
    if (!sa) {
      throw admissionForbidden(req, `error looking up service account ${req.namespace}/${spec.serviceAccountName}: serviceaccount ${JSON.stringify(spec.serviceAccountName)} not found`);
    }
    const automount = spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true;
    if (!automount) return;
    const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
    if (containers.some((c) => (c.volumeMounts ?? []).some((m: { mountPath: string }) => m.mountPath === serviceAccountMountPath))) return;
    const volumeName = `kube-api-access-${ctx.randomSuffix()}`;
    spec.volumes = [
      ...(spec.volumes ?? []),
      {
        name: volumeName,
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
          ],
        },
      },
    ];
    for (const c of containers) c.volumeMounts = [...(c.volumeMounts ?? []), { name: volumeName, readOnly: true, mountPath: serviceAccountMountPath }];
  },
};
