// NamespaceLifecycle: nothing is created in a namespace that does not exist or is being
// terminated, and the namespaces the cluster itself needs cannot be deleted.
import { statusErrors } from '../../api/errors';
import { admissionForbidden } from './forbidden';
import type { AdmissionPlugin } from './types';

export const immortalNamespaces = new Set(['default', 'kube-system', 'kube-public']);

export const namespaceLifecycle: AdmissionPlugin = {
  name: 'NamespaceLifecycle',
  validate(req, ctx) {
    if (req.kind.group === '' && req.kind.kind === 'Namespace') {
      if (req.operation === 'DELETE' && immortalNamespaces.has(req.name)) throw admissionForbidden(req, 'this namespace may not be deleted');
      return;
    }
    if (!req.kind.namespaced || req.operation !== 'CREATE') return;
    const ns = ctx.get('', 'namespaces', '', req.namespace);
    if (!ns) throw statusErrors.notFound('namespaces', '', req.namespace);
    // Events and subresources that report on the namespace's own contents (e.g. a pod's binding, an eviction)
    // are still allowed while it terminates, so its contents can be cleaned up.
    if (ns.status?.phase === 'Terminating' && !req.subresource && !(req.kind.kind === 'Event')) {
      throw admissionForbidden(req, `unable to create new content in namespace ${req.namespace} because it is being terminated`, { reason: 'NamespaceTerminating', field: 'metadata.namespace' });
    }
  },
};
