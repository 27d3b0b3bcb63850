// kube-controller-manager's certificate controllers (pkg/controller/certificates): the signers that
// issue a certificate for every approved CertificateSigningRequest addressed to one of Kubernetes'
// own signers, with the cluster CA (csrsigning), and the cleaner that deletes requests once they are
// done with (csrcleaner). What a signer issues is what the API server accepts as a client
// certificate: `kubernetes.io/kube-apiserver-client` makes a user of the request's subject.
import type { KeyObject } from 'node:crypto';
import { X509Certificate } from 'node:crypto';
import type { Obj } from '../apiserver/registry/strategy';
import { type CertificateRequest, checkSignature, parseCertificate, parseCSR } from '../api/validation/go/x509';
import { rfc3339 } from '../util/clock';
import { type ExtKeyUsage, issueCertificate, type KeyUsage } from '../util/x509';
import { Controller, type ControllerContext, isNotFound } from './runtime/controller';
import { resources } from './runtime/sharedInformerFactory';

/** The CA the signers issue with (--cluster-signing-cert-file, --cluster-signing-key-file). */
export interface SigningCA {
  /** PEM of the CA certificate. */
  cert: string;
  key: KeyObject;
}

const hour = 60 * 60 * 1000;
/** --cluster-signing-duration: the longest a certificate is issued for (a year). */
const clusterSigningDurationMs = 365 * 24 * hour;
/** Issued certificates start this far back, so a client whose clock is a little behind accepts them. */
const backdateMs = 5 * 60 * 1000;
/** A certificate shorter than this keeps its whole requested life after now: the backdating is not taken from it. */
const shortMs = 8 * hour;

type Condition = { type?: string; status?: string; lastUpdateTime?: string };
const conditions = (csr: Obj): Condition[] => csr.status?.conditions ?? [];
const hasCondition = (csr: Obj, type: string) => conditions(csr).some((c) => c.type === type);
const hasTrueCondition = (csr: Obj, type: string) => conditions(csr).some((c) => c.type === type && c.status === 'True');
/** IsCertificateRequestApproved: approved and not denied. */
const approved = (csr: Obj) => hasCondition(csr, 'Approved') && !hasCondition(csr, 'Denied');

const keyUsages: Record<string, KeyUsage> = {
  signing: 'digitalSignature',
  'digital signature': 'digitalSignature',
  'content commitment': 'contentCommitment',
  'key encipherment': 'keyEncipherment',
  'key agreement': 'keyAgreement',
  'data encipherment': 'dataEncipherment',
  'cert sign': 'keyCertSign',
  'crl sign': 'cRLSign',
  'encipher only': 'encipherOnly',
  'decipher only': 'decipherOnly',
};
const extKeyUsages: Record<string, ExtKeyUsage> = {
  any: 'any',
  'server auth': 'serverAuth',
  'client auth': 'clientAuth',
  'code signing': 'codeSigning',
  'email protection': 'emailProtection',
  's/mime': 'emailProtection',
  'ipsec end system': 'ipsecEndSystem',
  'ipsec tunnel': 'ipsecTunnel',
  'ipsec user': 'ipsecUser',
  timestamping: 'timeStamping',
  'ocsp signing': 'ocspSigning',
  'microsoft sgc': 'microsoftServerGatedCrypto',
  'netscape sgc': 'netscapeServerGatedCrypto',
};

/** keyUsagesFromStrings: the request's usages as X.509 key usages and extended key usages. */
function x509Usages(usages: readonly string[]): { keyUsages: KeyUsage[]; extKeyUsages: ExtKeyUsage[] } {
  const ku = new Set<KeyUsage>();
  const eku = new Set<ExtKeyUsage>();
  for (const u of usages) {
    if (keyUsages[u]) ku.add(keyUsages[u]);
    else if (extKeyUsages[u]) eku.add(extKeyUsages[u]);
    else throw new Error(`unrecognized usage: ${u}`);
  }
  return { keyUsages: [...ku], extKeyUsages: [...eku] };
}

const setEquals = (a: ReadonlySet<string>, b: readonly string[]) => a.size === b.length && b.every((x) => a.has(x));
const sortedList = (usages: readonly string[]) => `[${[...usages].sort().join(' ')}]`;
const kubeletClientUsages = ['digital signature', 'key encipherment', 'client auth'];
const kubeletClientUsagesNoRSA = ['digital signature', 'client auth'];
const kubeletServingUsages = ['digital signature', 'key encipherment', 'server auth'];
const kubeletServingUsagesNoRSA = ['digital signature', 'server auth'];
const systemNodes = (req: CertificateRequest) => req.subject.organization.length === 1 && req.subject.organization[0] === 'system:nodes';

/** validAPIServerClientUsages: client auth, and at most digital signature and key encipherment besides. */
function validateAPIServerClientUsages(usages: readonly string[]): void {
  for (const u of usages) {
    if (u !== 'digital signature' && u !== 'key encipherment' && u !== 'client auth') throw new Error(`invalid usage for client certificate: ${u}`);
  }
  if (!usages.includes('client auth')) throw new Error('missing required usage for client certificate: client auth');
}

/** ValidateKubeletClientCSR: a node's client certificate, system:node:<name> in system:nodes and nothing else. */
function validateKubeletClientCSR(req: CertificateRequest, usages: readonly string[]): void {
  if (!systemNodes(req)) throw new Error('subject organization is not system:nodes');
  if (req.dnsNames.length) throw new Error('DNS subjectAltNames are not allowed');
  if (req.emailAddresses.length) throw new Error('Email subjectAltNames are not allowed');
  if (req.ipAddresses.length) throw new Error('IP subjectAltNames are not allowed');
  if (req.uris.length) throw new Error('URI subjectAltNames are not allowed');
  if (!req.subject.commonName.startsWith('system:node:')) throw new Error('subject common name does not begin with system:node:');
  const set = new Set(usages);
  if (!setEquals(set, kubeletClientUsages) && !setEquals(set, kubeletClientUsagesNoRSA)) throw new Error(`usages did not match ${sortedList(kubeletClientUsages)}`);
}

/** ValidateKubeletServingCSR: a node's serving certificate, for its DNS names or addresses. */
function validateKubeletServingCSR(req: CertificateRequest, usages: readonly string[]): void {
  if (!systemNodes(req)) throw new Error('subject organization is not system:nodes');
  if (!req.dnsNames.length && !req.ipAddresses.length) throw new Error('DNS or IP subjectAltName is required');
  if (req.emailAddresses.length) throw new Error('Email subjectAltNames are not allowed');
  if (req.uris.length) throw new Error('URI subjectAltNames are not allowed');
  const set = new Set(usages);
  if (!setEquals(set, kubeletServingUsages) && !setEquals(set, kubeletServingUsagesNoRSA)) throw new Error(`usages did not match ${sortedList(kubeletServingUsages)}`);
  if (!req.subject.commonName.startsWith('system:node:')) throw new Error('subject common name does not begin with system:node:');
}

/** The signers kube-controller-manager runs, each with what it requires of a request. */
const signers: Record<string, (req: CertificateRequest, usages: readonly string[]) => void> = {
  'kubernetes.io/kube-apiserver-client': (_req, usages) => validateAPIServerClientUsages(usages),
  'kubernetes.io/kube-apiserver-client-kubelet': validateKubeletClientCSR,
  'kubernetes.io/kubelet-serving': validateKubeletServingCSR,
};

/**
 * The csrsigning controller: every approved request to one of the signers above, without a
 * certificate and not failed, gets one signed by the cluster CA; a request the signer cannot honour
 * gets a Failed condition (SignerValidationFailure) saying why.
 */
export class CSRSigningController extends Controller {
  readonly name = 'certificatesigningrequest-signing-controller';
  private readonly csrs;
  /** The CA as the certificates it signs name it, and the end of its own validity (read once). */
  private readonly issuer: { name: Buffer; publicKey: KeyObject; notAfter: number };

  constructor(ctx: ControllerContext, private readonly ca: SigningCA) {
    super(ctx);
    const caCert = new X509Certificate(ca.cert);
    this.issuer = { name: parseCertificate(caCert.raw).rawSubject, publicKey: caCert.publicKey, notAfter: Date.parse(caCert.validTo) };
    this.csrs = ctx.informers.informerFor(resources.certificatesigningrequests);
    const changed = (csr: Obj) => {
      if (!csr.status?.certificate && approved(csr) && signers[csr.spec?.signerName]) this.enqueue(csr);
    };
    this.csrs.addEventHandler({ onAdd: changed, onUpdate: (_o, csr) => changed(csr) });
  }

  async sync(key: string): Promise<void> {
    const csr = this.csrs.store.get(key);
    // Nothing to do once it has a certificate; nothing before it is approved, or after it failed.
    if (!csr || csr.status?.certificate || !approved(csr) || hasTrueCondition(csr, 'Failed')) return;
    const validate = signers[csr.spec.signerName];
    if (!validate) return;
    const request = parseCSR(Buffer.from(csr.spec.request, 'base64'));
    const usages: string[] = csr.spec.usages ?? [];
    let update: Obj;
    let refusal: string | undefined;
    try {
      validate(request, usages);
    } catch (err) {
      refusal = err instanceof Error ? err.message : String(err);
    }
    if (refusal !== undefined) {
      // A request the signer does not honour fails for good; a failure to sign is retried (the queue's back-off).
      const failed = { type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message: refusal, lastUpdateTime: rfc3339(this.ctx.clock.now()) };
      update = { ...csr, status: { ...csr.status, conditions: [...conditions(csr), failed] } };
    } else {
      update = { ...csr, status: { ...csr.status, certificate: Buffer.from(this.sign(request, usages, csr.spec.expirationSeconds)).toString('base64') } };
    }
    try {
      await this.ctx.client.update(resources.certificatesigningrequests, undefined, update, {}, 'status');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** authority.Sign with the PermissiveSigningPolicy: the request's subject, key and names, for the duration asked (10 minutes to a year). */
  private sign(request: CertificateRequest, usages: readonly string[], expirationSeconds: number | undefined): string {
    checkSignature(request);
    const now = this.ctx.clock.now();
    const ttl = expirationSeconds === undefined ? clusterSigningDurationMs : Math.min(clusterSigningDurationMs, Math.max(2 * backdateMs, expirationSeconds * 1000));
    const notBefore = now - backdateMs;
    const notAfter = Math.min(ttl < shortMs ? now + ttl : notBefore + ttl, this.issuer.notAfter);
    if (now >= this.issuer.notAfter) throw new Error(`refusing to sign a certificate that expired in the past: NotAfter=${new Date(this.issuer.notAfter).toISOString()}`);
    return issueCertificate({
      subject: request.rawSubject,
      subjectPublicKeyInfo: request.rawSubjectPublicKeyInfo,
      issuer: { name: this.issuer.name, publicKey: this.issuer.publicKey },
      signingKey: this.ca.key,
      notBefore,
      notAfter,
      isCA: false,
      ...x509Usages(usages),
      dnsNames: request.dnsNames,
      ipAddresses: request.ipAddresses,
      emailAddresses: request.emailAddresses,
      uris: request.uris,
    });
  }
}

const approvedExpirationMs = hour;
const deniedExpirationMs = hour;
const failedExpirationMs = hour;
const pendingExpirationMs = 24 * hour;

/**
 * The csrcleaner controller: once an hour, deletes the requests that are done with: issued,
 * denied or failed more than an hour ago, pending for more than a day, or whose certificate has
 * expired, so requests made by automation do not pile up.
 */
export class CSRCleanerController extends Controller {
  readonly name = 'certificatesigningrequest-cleaner-controller';
  private readonly csrs;

  constructor(ctx: ControllerContext) {
    super(ctx);
    this.csrs = ctx.informers.informerFor(resources.certificatesigningrequests);
    this.every(hour, () => {
      for (const csr of this.csrs.store.list()) if (this.done(csr)) this.enqueue(csr);
    });
  }

  async sync(key: string): Promise<void> {
    const csr = this.csrs.store.get(key);
    if (!csr || !this.done(csr)) return;
    try {
      await this.ctx.client.delete(resources.certificatesigningrequests, undefined, csr.metadata.name, { preconditions: { uid: csr.metadata.uid } });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private done(csr: Obj): boolean {
    const now = this.ctx.clock.now();
    const olderThan = (time: string | undefined, ms: number) => !!time && now - Date.parse(time) > ms;
    const issued = !!csr.status?.certificate;
    const cs = conditions(csr);
    if (issued && cs.some((c) => c.type === 'Approved' && olderThan(c.lastUpdateTime, approvedExpirationMs))) return true;
    if (cs.some((c) => c.type === 'Denied' && olderThan(c.lastUpdateTime, deniedExpirationMs))) return true;
    if (cs.some((c) => c.type === 'Failed' && olderThan(c.lastUpdateTime, failedExpirationMs))) return true;
    if (cs.length === 0 && olderThan(csr.metadata.creationTimestamp, pendingExpirationMs)) return true;
    if (issued && cs.some((c) => c.type === 'Approved')) {
      try {
        return now > Date.parse(new X509Certificate(Buffer.from(csr.status.certificate, 'base64')).validTo);
      } catch {
        return false;
      }
    }
    return false;
  }
}
