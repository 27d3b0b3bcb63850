// CertificateSigningRequest rules (pkg/apis/certificates/validation): the request must be a PEM
// CERTIFICATE REQUEST whose signature holds, the signer name a domain and a path, usages known and
// not repeated, a requested duration of at least ten minutes; conditions typed, Approved, Denied and
// Failed only True, Approved and Denied never together; an issued certificate PEM CERTIFICATE blocks.
// Updates may not remove Approved, Denied or Failed conditions; only the approval subresource may add
// or change Approved and Denied, only the status subresource may set the certificate, and never
// change one already set. What an object already stored has wrong (a legacy signer, unknown usages,
// duplicate conditions, ...) is tolerated on update, as Kubernetes does for compatibility.
//
// Any name is accepted beyond the generic path-segment rules (ValidateCertificateRequestName).
// The spec is not compared on update: the registry strategy puts the stored spec back (PrepareForUpdate).

import { fieldError, GoValue, type FieldError, FieldPath } from '../../errors.js';
import { checkSignature, parseCertificates, parseCSR, pemDecode } from '../go/x509.js';
import { goQuote } from '../go/quote.js';
import { dns1123LabelMaxLength, dns1123SubdomainMaxLength, isDNS1123Label, isDNS1123Subdomain, validatePathSegmentName } from '../names.js';
import { arr, deepEqual, num, obj, str } from './common.js';
import { registerKindRules, type Obj } from './registry.js';

const specPath = FieldPath.root('spec');
const conditionsPath = FieldPath.root('status').child('conditions');
const certificatePath = FieldPath.root('status').child('certificate');

/** LegacyUnknownSignerName: only the v1beta1 API could set it; v1 keeps it where it is already stored. */
const legacyUnknownSignerName = 'kubernetes.io/legacy-unknown';

/** allValidUsages, sorted as sets.String.List() lists them in "supported values". */
const allValidUsages = [
  'signing',
  'digital signature',
  'content commitment',
  'key encipherment',
  'key agreement',
  'data encipherment',
  'cert sign',
  'crl sign',
  'encipher only',
  'decipher only',
  'any',
  'server auth',
  'client auth',
  'code signing',
  'email protection',
  's/mime',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'timestamping',
  'ocsp signing',
  'microsoft sgc',
  'netscape sgc',
].sort();

/** trueConditionTypes: these conditions may only be True. */
const trueConditionTypes = ['Approved', 'Denied', 'Failed'];
const allStatusValues = ['False', 'True', 'Unknown'];

/** What an update path may do, and what the stored object already gets away with (certificateValidationOptions). */
interface Options {
  allowSettingApprovalConditions: boolean;
  allowSettingCertificate: boolean;
  allowBothApprovedAndDenied: boolean;
  allowResettingCertificate: boolean;
  allowLegacySignerName: boolean;
  allowDuplicateConditionTypes: boolean;
  allowEmptyConditionType: boolean;
  allowArbitraryCertificate: boolean;
  allowUnknownUsages: boolean;
  allowDuplicateUsages: boolean;
}

// ---- reading the object ----

const conditions = (csr: Obj): Obj[] => arr(obj(csr.status).conditions).map(obj);
const usages = (csr: Obj): string[] => arr(obj(csr.spec).usages).map(str);

/** A []byte field: the base64 of the JSON decoded, or undefined when absent (nil). */
function bytesField(v: unknown): Buffer | undefined {
  return typeof v === 'string' ? Buffer.from(v, 'base64') : undefined;
}

/** A []byte in a field error: Go's json.Marshal prints it as its base64, and nil as null. */
const bytesValue = (b: Buffer | undefined): unknown => (b === undefined ? new GoValue('null') : b.toString('base64'));

const certificateOf = (csr: Obj): Buffer => bytesField(obj(csr.status).certificate) ?? Buffer.alloc(0);

// ---- the request ----

/** validateCSR: ParseCSR and CheckSignature; the error, if any, as Kubernetes reports it. */
function validateCSR(request: Buffer | undefined): string | undefined {
  try {
    checkSignature(parseCSR(request ?? Buffer.alloc(0)));
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** ValidateSignerName (pkg/apis/core/validation): `example.com/signer-name`, a domain of labels and a path of subdomains. */
export function validateSignerName(fld: FieldPath, signerName: string): FieldError[] {
  if (!signerName) return [fieldError.required(fld)];
  const segments = signerName.split('/');
  if (segments.length !== 2) return [fieldError.invalid(fld, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const [domain, path] = segments as [string, string];
  const errs: FieldError[] = [];
  if (Buffer.byteLength(domain) > dns1123SubdomainMaxLength) errs.push(fieldError.tooLong(fld, '', dns1123SubdomainMaxLength));
  const domainLabels = domain.split('.');
  // Only the first bad label is reported: later ones would repeat the same messages.
  for (const label of domainLabels) {
    const msgs = isDNS1123Label(label);
    errs.push(...msgs.map((m) => fieldError.invalid(fld, domain, `validating label ${goQuote(label)}: ${m}`)));
    if (msgs.length) break;
  }
  if (domainLabels.length < 2) errs.push(fieldError.invalid(fld, domain, 'should be a domain with at least two segments separated by dots'));
  for (const label of path.split('.')) {
    const msgs = isDNS1123Subdomain(label);
    errs.push(...msgs.map((m) => fieldError.invalid(fld, path, `validating label ${goQuote(label)}: ${m}`)));
    if (msgs.length) break;
  }
  const maxSignerNameLength = dns1123SubdomainMaxLength + (dns1123SubdomainMaxLength + dns1123LabelMaxLength + 1) + 1;
  if (Buffer.byteLength(signerName) > maxSignerNameLength) errs.push(fieldError.tooLong(fld, '', maxSignerNameLength));
  return errs;
}

/** The usages: at least one, each known, none twice (unknown and repeated ones tolerated where already stored). */
function validateUsages(list: string[], opts: Options): FieldError[] {
  const fld = specPath.child('usages');
  const errs: FieldError[] = [];
  if (list.length === 0) errs.push(fieldError.required(fld));
  if (!opts.allowUnknownUsages) list.forEach((u, i) => allValidUsages.includes(u) || errs.push(fieldError.notSupported(fld.index(i), u, allValidUsages)));
  if (!opts.allowDuplicateUsages) list.forEach((u, i) => list.indexOf(u) < i && errs.push(fieldError.duplicate(fld.index(i), u)));
  return errs;
}

// ---- conditions and the issued certificate ----

/** validateConditions: types required and unique, status values allowed per type, Approved xor Denied. */
function validateConditions(csr: Obj, opts: Options): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let hasApproved = false;
  let hasDenied = false;
  conditions(csr).forEach((c, i) => {
    const type = str(c.type);
    const status = str(c.status);
    if (!opts.allowEmptyConditionType && !type) errs.push(fieldError.required(conditionsPath.index(i).child('type')));
    const allowed = trueConditionTypes.includes(type) ? ['True'] : allStatusValues;
    if (!status) errs.push(fieldError.required(conditionsPath.index(i).child('status')));
    else if (!allowed.includes(status)) errs.push(fieldError.notSupported(conditionsPath.index(i).child('status'), status, allowed));
    if (!opts.allowBothApprovedAndDenied) {
      if (type === 'Approved') {
        hasApproved = true;
        if (hasDenied) errs.push(fieldError.invalid(conditionsPath, type, 'Approved and Denied conditions are mutually exclusive'));
      } else if (type === 'Denied') {
        hasDenied = true;
        if (hasApproved) errs.push(fieldError.invalid(conditionsPath, type, 'Approved and Denied conditions are mutually exclusive'));
      }
    }
    if (!opts.allowDuplicateConditionTypes) {
      if (seen.has(type)) errs.push(fieldError.duplicate(conditionsPath.index(i).child('type'), type));
      seen.add(type);
    }
  });
  return errs;
}

/** validateCertificate: empty, or one or more headerless CERTIFICATE PEM blocks of X.509 certificates (text around them is free). */
export function validateCertificate(pemData: Buffer): string | undefined {
  if (pemData.length === 0) return undefined;
  let blocks = 0;
  for (let rest: Buffer = pemData; ; ) {
    const decoded = pemDecode(rest);
    if (!decoded) break;
    const { block } = decoded;
    if (block.type !== 'CERTIFICATE') return `only CERTIFICATE PEM blocks are allowed, found ${goQuote(block.type)}`;
    if (block.headers.size !== 0) return 'no PEM block headers are permitted';
    blocks++;
    try {
      if (parseCertificates(block.bytes) === 0) return 'found CERTIFICATE PEM block containing 0 certificates';
    } catch (e) {
      return (e as Error).message;
    }
    rest = decoded.rest;
  }
  return blocks === 0 ? 'must contain at least one CERTIFICATE PEM block' : undefined;
}

// ---- the whole object ----

/** validateCertificateSigningRequest: everything but metadata, which validateSemantics checks. */
function validateCertificateSigningRequest(csr: Obj, opts: Options): FieldError[] {
  const spec = obj(csr.spec);
  const errs: FieldError[] = [];
  const request = bytesField(spec.request);
  const requestError = validateCSR(request);
  if (requestError) errs.push(fieldError.invalid(specPath.child('request'), bytesValue(request), requestError));
  errs.push(...validateUsages(usages(csr), opts));
  const signerName = str(spec.signerName);
  if (!opts.allowLegacySignerName && signerName === legacyUnknownSignerName) errs.push(fieldError.invalid(specPath.child('signerName'), signerName, 'the legacy signerName is not allowed via this API version'));
  else errs.push(...validateSignerName(specPath.child('signerName'), signerName));
  const expirationSeconds = num(spec.expirationSeconds);
  if (expirationSeconds !== undefined && expirationSeconds < 600) errs.push(fieldError.invalid(specPath.child('expirationSeconds'), expirationSeconds, 'may not specify a duration less than 600 seconds (10 minutes)'));
  errs.push(...validateConditions(csr, opts));
  if (!opts.allowArbitraryCertificate) {
    const err = validateCertificate(certificateOf(csr));
    if (err) errs.push(fieldError.invalid(certificatePath, '<certificate data>', err));
  }
  return errs;
}

/** findConditions: every condition of the type, in order. */
const findConditions = (csr: Obj, type: string): Obj[] => conditions(csr).filter((c) => str(c.type) === type);

/** The internal condition's fields, in struct order, as the modification message lists them. */
const conditionFields: [string, string][] = [
  ['Type', 'type'],
  ['Status', 'status'],
  ['Reason', 'reason'],
  ['Message', 'message'],
  ['LastUpdateTime', 'lastUpdateTime'],
  ['LastTransitionTime', 'lastTransitionTime'],
];

/** A diff of two lists of conditions, field by field, `-` for the stored and `+` for the new values. */
function conditionDiff(oldList: Obj[], newList: Obj[]): string {
  const lines = ['  []certificates.CertificateSigningRequestCondition{'];
  for (let i = 0; i < Math.max(oldList.length, newList.length); i++) {
    lines.push('  \t{');
    for (const [goName, field] of conditionFields) {
      const [a, b] = [str(obj(oldList[i])[field]), str(obj(newList[i])[field])];
      if (a === b) lines.push(`  \t\t${goName}: ${JSON.stringify(a)},`);
      else lines.push(`- \t\t${goName}: ${JSON.stringify(a)},`, `+ \t\t${goName}: ${JSON.stringify(b)},`);
    }
    lines.push('  \t},');
  }
  lines.push('  }');
  return lines.join('\n');
}

/** validateCertificateSigningRequestUpdate: the object again, then what an update may not change. */
function validateCertificateSigningRequestUpdate(newCSR: Obj, oldCSR: Obj, opts: Options): FieldError[] {
  const errs = validateCertificateSigningRequest(newCSR, opts);
  for (const t of ['Approved', 'Denied', 'Failed']) {
    if (findConditions(newCSR, t).length < findConditions(oldCSR, t).length) errs.push(fieldError.forbidden(conditionsPath, `updates may not remove a condition of type ${goQuote(t)}`));
  }
  if (!opts.allowSettingApprovalConditions) {
    for (const t of ['Approved', 'Denied']) {
      const oldConditions = findConditions(oldCSR, t);
      const newConditions = findConditions(newCSR, t);
      if (newConditions.length > oldConditions.length) errs.push(fieldError.forbidden(conditionsPath, `updates may not add a condition of type ${goQuote(t)}`));
      else if (newConditions.length === oldConditions.length && !deepEqual(oldConditions, newConditions))
        errs.push(fieldError.forbidden(conditionsPath, `updates may not modify a condition of type ${goQuote(t)}\n${conditionDiff(oldConditions, newConditions)}`));
    }
  }
  const newCertificate = certificateOf(newCSR);
  const oldCertificate = certificateOf(oldCSR);
  if (!newCertificate.equals(oldCertificate)) {
    if (!opts.allowSettingCertificate) errs.push(fieldError.forbidden(certificatePath, 'updates may not set certificate content'));
    else if (!opts.allowResettingCertificate && oldCertificate.length > 0) errs.push(fieldError.forbidden(certificatePath, 'updates may not modify existing certificate content'));
  }
  return errs;
}

/** Whether a list has a repeated entry. */
const hasDuplicate = (list: string[]): boolean => new Set(list).size !== list.length;

/** getValidationOptions: what the stored object already has wrong is tolerated, for compatibility; subresource rights start off. */
function validationOptions(newCSR: Obj, oldCSR: Obj | undefined): Options {
  const oldTypes = oldCSR ? conditions(oldCSR).map((c) => str(c.type)) : [];
  const sameCertificate = !!oldCSR && certificateOf(newCSR).equals(certificateOf(oldCSR));
  return {
    allowSettingApprovalConditions: false,
    allowSettingCertificate: false,
    allowResettingCertificate: false,
    allowBothApprovedAndDenied: oldTypes.includes('Approved') && oldTypes.includes('Denied'),
    allowLegacySignerName: !!oldCSR && str(obj(oldCSR.spec).signerName) === legacyUnknownSignerName,
    allowDuplicateConditionTypes: hasDuplicate(oldTypes),
    allowEmptyConditionType: oldTypes.includes(''),
    allowArbitraryCertificate: sameCertificate || (!!oldCSR && validateCertificate(certificateOf(oldCSR)) !== undefined),
    allowUnknownUsages: !!oldCSR && usages(oldCSR).some((u) => !allValidUsages.includes(u)),
    allowDuplicateUsages: !!oldCSR && hasDuplicate(usages(oldCSR)),
  };
}

/** ValidateCertificateSigningRequestCreate */
export const validateCertificateSigningRequestCreate = (csr: Obj): FieldError[] => validateCertificateSigningRequest(csr, validationOptions(csr, undefined));

/** ValidateCertificateSigningRequestUpdate: neither approval conditions nor the certificate may be set. */
export const validateCertificateSigningRequestUpdateRules = (newCSR: Obj, oldCSR: Obj): FieldError[] => validateCertificateSigningRequestUpdate(newCSR, oldCSR, validationOptions(newCSR, oldCSR));

/** ValidateCertificateSigningRequestStatusUpdate: the status subresource may set the certificate, once. */
export const validateCertificateSigningRequestStatusUpdate = (newCSR: Obj, oldCSR: Obj): FieldError[] =>
  validateCertificateSigningRequestUpdate(newCSR, oldCSR, { ...validationOptions(newCSR, oldCSR), allowSettingCertificate: true });

/** ValidateCertificateSigningRequestApprovalUpdate: the approval subresource may add or change Approved and Denied. */
export const validateCertificateSigningRequestApprovalUpdate = (newCSR: Obj, oldCSR: Obj): FieldError[] =>
  validateCertificateSigningRequestUpdate(newCSR, oldCSR, { ...validationOptions(newCSR, oldCSR), allowSettingApprovalConditions: true });

registerKindRules('certificates.k8s.io', 'CertificateSigningRequest', {
  name: validatePathSegmentName,
  // An update is validated whole by validateUpdate, with the options the stored object allows.
  validate: (csr, _kind, oldCSR) => (oldCSR ? [] : validateCertificateSigningRequestCreate(csr)),
  validateUpdate: (csr, oldCSR) => validateCertificateSigningRequestUpdateRules(csr, oldCSR),
  validateStatusUpdate: (csr, oldCSR) => validateCertificateSigningRequestStatusUpdate(csr, oldCSR),
  validateApprovalUpdate: (csr, oldCSR) => validateCertificateSigningRequestApprovalUpdate(csr, oldCSR),
});
