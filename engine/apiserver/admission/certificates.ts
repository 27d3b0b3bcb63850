// kube-apiserver's three admission plugins for CertificateSigningRequests
// (plugin/pkg/admission/certificates): who may approve a request, who may issue its certificate,
// and a guard that keeps the API server's client signer from minting system:masters identities.
// Approving and signing are permissions on the signer, not on the request: the verbs `approve` and
// `sign` on `signers` in certificates.k8s.io, named by the signer or by its domain with `/*`.
import { deepEqual } from '../../api/patch/jsonValue';
import { parseCSR } from '../../api/validation/go/x509';
import { groups, type UserInfo } from '../auth/user';
import { admissionForbidden } from './forbidden';
import type { AdmissionContext, AdmissionPlugin, AdmissionRequest } from './types';

export const kubeAPIServerClientSignerName = 'kubernetes.io/kube-apiserver-client';

const isCSR = (req: AdmissionRequest) => req.kind.group === 'certificates.k8s.io' && req.kind.plural === 'certificatesigningrequests';

/** IsAuthorizedForSignerName: `verb` on the signer itself, or on every signer of its domain (`example.com/*`). */
export function authorizedForSigner(ctx: AdmissionContext, user: UserInfo, verb: string, signerName: string): boolean {
  const ask = (name: string) => ctx.authorize({ user, verb, resource: { group: 'certificates.k8s.io', resource: 'signers', subresource: '', namespace: '', name } }).allowed;
  return ask(signerName) || ask(`${signerName.split('/')[0]}/*`);
}

/** CertificateApproval: an update through `/approval` needs `approve` on the request's signer (as stored). */
export const certificateApproval: AdmissionPlugin = {
  name: 'CertificateApproval',
  validate(req, ctx) {
    if (req.operation !== 'UPDATE' || req.subresource !== 'approval' || !isCSR(req)) return;
    const signerName: string = req.oldObject?.spec?.signerName ?? '';
    if (!authorizedForSigner(ctx, req.user, 'approve', signerName)) throw admissionForbidden(req, `user not permitted to approve requests with signerName ${JSON.stringify(signerName)}`);
  },
};

/** CertificateSigning: changing `status.certificate` through `/status` needs `sign` on the request's signer. */
export const certificateSigning: AdmissionPlugin = {
  name: 'CertificateSigning',
  validate(req, ctx) {
    if (req.operation !== 'UPDATE' || req.subresource !== 'status' || !isCSR(req)) return;
    if (deepEqual(req.oldObject?.status?.certificate, req.object?.status?.certificate)) return;
    const signerName: string = req.oldObject?.spec?.signerName ?? '';
    if (!authorizedForSigner(ctx, req.user, 'sign', signerName)) throw admissionForbidden(req, `user not permitted to sign requests with signerName ${JSON.stringify(signerName)}`);
  },
};

/** CertificateSubjectRestriction: no request to the API server's client signer may name the system:masters group. */
export const certificateSubjectRestriction: AdmissionPlugin = {
  name: 'CertificateSubjectRestriction',
  validate(req) {
    if (req.operation !== 'CREATE' || req.subresource || !isCSR(req)) return;
    const spec = req.object?.spec;
    if (spec?.signerName !== kubeAPIServerClientSignerName) return;
    let organizations: string[];
    try {
      organizations = parseCSR(Buffer.from(String(spec.request ?? ''), 'base64')).subject.organization;
    } catch (err) {
      throw admissionForbidden(req, `failed to parse CSR: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (organizations.includes(groups.masters)) throw admissionForbidden(req, `use of ${spec.signerName} signer with ${groups.masters} group is not allowed`);
  },
};
