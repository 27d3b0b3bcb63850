// CertificateSigningRequest validation: what kube-apiserver refuses on create, update and through the
// status and approval subresources, with its exact field paths and messages.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { formatFieldError } from '../../../../../engine/api/errors.js';
import { validateSemantics, type KindRef } from '../../../../../engine/api/validation/semantic/index.js';

type Obj = Record<string, any>;

const kind: KindRef = { group: 'certificates.k8s.io', version: 'v1', kind: 'CertificateSigningRequest', namespaced: false };
const errors = (obj: Obj, old?: Obj, subresource?: string): string[] => validateSemantics(obj, kind, old, subresource).map(formatFieldError);
const b64 = (s: string): string => Buffer.from(s).toString('base64');

let dir: string;
let request: string;
let certificate: string;

/** openssl, on a fresh EC key in the scratch directory. */
function openssl(...args: string[]): string {
  const keyFile = path.join(dir, 'key.pem');
  writeFileSync(keyFile, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return execFileSync('openssl', [...args, '-key', keyFile], { encoding: 'utf8' });
}

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'csr-test-'));
  request = openssl('req', '-new', '-subj', '/CN=jane/O=devs');
  certificate = openssl('req', '-x509', '-new', '-subj', '/CN=jane', '-days', '1');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const csr = (): Obj => ({
  apiVersion: 'certificates.k8s.io/v1',
  kind: 'CertificateSigningRequest',
  metadata: { name: 'jane', resourceVersion: '1' },
  spec: { request: b64(request), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], expirationSeconds: 3600 },
});

/** A copy of `base` changed by `edit`. */
function edited(base: Obj, edit: (o: Obj) => void): Obj {
  const o = structuredClone(base);
  edit(o);
  return o;
}

const approved = (reason = 'AutoApproved') => ({ type: 'Approved', status: 'True', reason, message: 'ok', lastUpdateTime: '2026-01-01T00:00:00Z' });

describe('CertificateSigningRequest validation on create', () => {
  it('accepts a request signed by its key, with any name', () => {
    assert.deepEqual(errors(csr()), []);
    assert.deepEqual(errors(edited(csr(), (c) => (c.metadata.name = 'Jane:Client@Example'))), []);
    assert.deepEqual(errors(edited(csr(), (c) => delete c.spec.expirationSeconds)), []);
  });

  it('refuses a request that is not a PEM CERTIFICATE REQUEST, or whose signature does not hold', () => {
    const notPEM = edited(csr(), (c) => (c.spec.request = b64('hello')));
    assert.deepEqual(errors(notPEM), [`spec.request: Invalid value: "${b64('hello')}": PEM block type must be CERTIFICATE REQUEST`]);
    const der = Buffer.from(request.split('\n').slice(1, -2).join(''), 'base64');
    der[der.length - 3] ^= 0xff;
    const forged = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString('base64')}\n-----END CERTIFICATE REQUEST-----\n`;
    assert.deepEqual(errors(edited(csr(), (c) => (c.spec.request = b64(forged)))), [`spec.request: Invalid value: "${b64(forged)}": x509: ECDSA verification failure`]);
    assert.deepEqual(errors(edited(csr(), (c) => delete c.spec.request)), ['spec.request: Invalid value: null: PEM block type must be CERTIFICATE REQUEST']);
  });

  it('requires a signer name of the form example.com/signer-name', () => {
    assert.deepEqual(errors(edited(csr(), (c) => delete c.spec.signerName)), ['spec.signerName: Required value']);
    assert.deepEqual(errors(edited(csr(), (c) => (c.spec.signerName = 'example.com'))), ['spec.signerName: Invalid value: "example.com": must be a fully qualified domain and path of the form \'example.com/signer-name\'']);
    assert.deepEqual(errors(edited(csr(), (c) => (c.spec.signerName = 'example/signer'))), ['spec.signerName: Invalid value: "example": should be a domain with at least two segments separated by dots']);
    assert.deepEqual(errors(edited(csr(), (c) => (c.spec.signerName = 'Example.com/signer'))), [
      `spec.signerName: Invalid value: "Example.com": validating label "Example": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    ]);
    assert.deepEqual(errors(edited(csr(), (c) => (c.spec.signerName = 'kubernetes.io/legacy-unknown'))), ['spec.signerName: Invalid value: "kubernetes.io/legacy-unknown": the legacy signerName is not allowed via this API version']);
  });

  it('wants usages, known ones, each once', () => {
    assert.deepEqual(errors(edited(csr(), (c) => (c.spec.usages = []))), ['spec.usages: Required value']);
    const [bad] = errors(edited(csr(), (c) => (c.spec.usages = ['client auth', 'client-auth'])));
    assert.match(bad!, /^spec\.usages\[1\]: Unsupported value: "client-auth": supported values: "any", "cert sign", "client auth", "code signing", .*"s\/mime", "server auth", "signing", "timestamping"$/);
    assert.deepEqual(errors(edited(csr(), (c) => (c.spec.usages = ['client auth', 'digital signature', 'client auth']))), ['spec.usages[2]: Duplicate value: "client auth"']);
  });

  it('wants at least ten minutes of requested duration', () => {
    assert.deepEqual(errors(edited(csr(), (c) => (c.spec.expirationSeconds = 599))), ['spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 600 seconds (10 minutes)']);
    assert.deepEqual(errors(edited(csr(), (c) => (c.spec.expirationSeconds = 600))), []);
  });

  it('checks each condition: a type, a status the type allows, each type once, never Approved and Denied together', () => {
    const withConditions = (...conditions: Obj[]) => errors(edited(csr(), (c) => (c.status = { conditions })));
    assert.deepEqual(withConditions({ status: 'True' }), ['status.conditions[0].type: Required value']);
    assert.deepEqual(withConditions({ type: 'Approved' }), ['status.conditions[0].status: Required value']);
    assert.deepEqual(withConditions({ type: 'Approved', status: 'False' }), ['status.conditions[0].status: Unsupported value: "False": supported values: "True"']);
    assert.deepEqual(withConditions({ type: 'Custom', status: 'Maybe' }), ['status.conditions[0].status: Unsupported value: "Maybe": supported values: "False", "True", "Unknown"']);
    assert.deepEqual(withConditions({ type: 'Custom', status: 'False' }, { type: 'Failed', status: 'True' }), []);
    assert.deepEqual(withConditions(approved(), { type: 'Approved', status: 'True' }), ['status.conditions[1].type: Duplicate value: "Approved"']);
    assert.deepEqual(withConditions(approved(), { type: 'Denied', status: 'True' }), ['status.conditions: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive']);
  });

  it('wants an issued certificate to be CERTIFICATE PEM blocks', () => {
    const withCertificate = (pem: string) => errors(edited(csr(), (c) => (c.status = { certificate: b64(pem) })));
    assert.deepEqual(withCertificate(certificate), []);
    assert.deepEqual(withCertificate(`issued by the test CA\n${certificate}${certificate}`), []);
    assert.deepEqual(withCertificate('garbage'), ['status.certificate: Invalid value: "<certificate data>": must contain at least one CERTIFICATE PEM block']);
    assert.deepEqual(withCertificate(request), ['status.certificate: Invalid value: "<certificate data>": only CERTIFICATE PEM blocks are allowed, found "CERTIFICATE REQUEST"']);
    assert.deepEqual(withCertificate('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), ['status.certificate: Invalid value: "<certificate data>": x509: malformed certificate']);
    assert.deepEqual(withCertificate('-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n'), ['status.certificate: Invalid value: "<certificate data>": found CERTIFICATE PEM block containing 0 certificates']);
    assert.deepEqual(withCertificate(certificate.replace('-----BEGIN CERTIFICATE-----\n', '-----BEGIN CERTIFICATE-----\nComment: x\n\n')), ['status.certificate: Invalid value: "<certificate data>": no PEM block headers are permitted']);
  });
});

describe('CertificateSigningRequest validation on update', () => {
  const stored = (): Obj => edited(csr(), (c) => (c.status = { conditions: [approved()] }));

  it('does not compare the spec: the strategy puts the stored one back', () => {
    // ValidateCertificateSigningRequestUpdate has no spec rule; the registry strategy resets the spec
    // in PrepareForUpdate, so a changed spec never reaches validation.
    assert.deepEqual(errors(edited(stored(), (c) => (c.spec.usages = ['server auth'])), stored()), []);
  });

  it('may not remove an Approved, Denied or Failed condition, nor add or change Approved and Denied', () => {
    assert.deepEqual(errors(edited(stored(), (c) => (c.status.conditions = [])), stored()), ['status.conditions: Forbidden: updates may not remove a condition of type "Approved"']);
    const denied = edited(csr(), (c) => (c.status = { conditions: [{ type: 'Denied', status: 'True' }] }));
    assert.deepEqual(errors(denied, csr()), ['status.conditions: Forbidden: updates may not add a condition of type "Denied"']);
    const [modified] = errors(edited(stored(), (c) => (c.status.conditions[0].reason = 'ManuallyApproved')), stored());
    assert.match(modified!, /^status\.conditions: Forbidden: updates may not modify a condition of type "Approved"\n/);
    assert.match(modified!, /- \t\tReason: "AutoApproved",\n\+ \t\tReason: "ManuallyApproved",/);
  });

  it('may not set the certificate except through the status subresource, and never change it', () => {
    const issued = edited(stored(), (c) => (c.status.certificate = b64(certificate)));
    assert.deepEqual(errors(issued, stored()), ['status.certificate: Forbidden: updates may not set certificate content']);
    assert.deepEqual(errors(issued, stored(), 'status'), []);
    const reissued = edited(issued, (c) => (c.status.certificate = b64(`${certificate}${certificate}`)));
    assert.deepEqual(errors(reissued, issued, 'status'), ['status.certificate: Forbidden: updates may not modify existing certificate content']);
    assert.deepEqual(errors(edited(stored(), (c) => (c.status.certificate = b64('garbage'))), stored(), 'status'), [
      'status.certificate: Invalid value: "<certificate data>": must contain at least one CERTIFICATE PEM block',
    ]);
  });

  it('lets the status subresource add a Failed condition but not an Approved one', () => {
    assert.deepEqual(errors(edited(stored(), (c) => c.status.conditions.push({ type: 'Failed', status: 'True' })), stored(), 'status'), []);
    assert.deepEqual(errors(edited(csr(), (c) => (c.status = { conditions: [approved()] })), csr(), 'status'), ['status.conditions: Forbidden: updates may not add a condition of type "Approved"']);
  });

  it('tolerates what the stored object already has wrong', () => {
    const legacy = edited(stored(), (c) => {
      c.spec.signerName = 'kubernetes.io/legacy-unknown';
      c.spec.usages = ['client auth', 'client auth', 'made up'];
      c.status.conditions.push({ type: 'Denied', status: 'True' }, { type: 'Denied', status: 'True' });
      c.status.certificate = b64('garbage');
    });
    assert.deepEqual(errors(edited(legacy, (c) => (c.metadata.labels = { a: 'b' })), legacy), []);
  });
});

describe('CertificateSigningRequest approval subresource', () => {
  it('may add Approved or Denied, with a status of True', () => {
    assert.deepEqual(errors(edited(csr(), (c) => (c.status = { conditions: [approved()] })), csr(), 'approval'), []);
    assert.deepEqual(errors(edited(csr(), (c) => (c.status = { conditions: [{ type: 'Denied', status: 'False' }] })), csr(), 'approval'), [
      'status.conditions[0].status: Unsupported value: "False": supported values: "True"',
    ]);
  });

  it('may change an Approved condition but not remove it, nor add Denied next to it', () => {
    const stored = edited(csr(), (c) => (c.status = { conditions: [approved()] }));
    assert.deepEqual(errors(edited(stored, (c) => (c.status.conditions[0].reason = 'Again')), stored, 'approval'), []);
    assert.deepEqual(errors(edited(stored, (c) => (c.status.conditions = [])), stored, 'approval'), ['status.conditions: Forbidden: updates may not remove a condition of type "Approved"']);
    assert.deepEqual(errors(edited(stored, (c) => c.status.conditions.push({ type: 'Denied', status: 'True' })), stored, 'approval'), [
      'status.conditions: Invalid value: "Denied": Approved and Denied conditions are mutually exclusive',
    ]);
  });

  it('checks the metadata update first, as for status', () => {
    const renamed = edited(csr(), (c) => (c.metadata.name = 'joan'));
    assert.deepEqual(errors(renamed, csr(), 'approval'), ['metadata.name: Invalid value: "joan": field is immutable']);
  });
});
