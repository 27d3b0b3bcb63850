// X.509 certificates for the cluster's own PKI, built with node:crypto alone: Node can make keys and
// signatures but not certificates, so the few DER structures of RFC 5280 a CA, a serving
// certificate and the certificates the cluster's signers issue need are encoded here (signed by an
// ECDSA P-256 key, ecdsa-with-SHA256).
import { createHash, type KeyObject, randomBytes, sign } from 'node:crypto';

// ---- DER (X.690), only what certificates use ----

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let length: Buffer;
  if (n < 0x80) length = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    length = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

const sequence = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));
const set = (...parts: Buffer[]) => tlv(0x31, Buffer.concat(parts));
const explicit = (n: number, content: Buffer) => tlv(0xa0 + n, content);
const octetString = (b: Buffer) => tlv(0x04, b);
const utf8String = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const booleanTrue = () => tlv(0x01, Buffer.from([0xff]));
/** A BIT STRING whose last `unused` bits are padding (key usage flags). */
const bitString = (b: Buffer, unused = 0) => tlv(0x03, Buffer.concat([Buffer.from([unused]), b]));

/** A non-negative INTEGER from big-endian bytes: minimal, with a 0 byte when the top bit is set. */
function integer(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  let b = bytes.subarray(i);
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

function objectIdentifier(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const n of rest) {
    const groups = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v & 0x7f) | 0x80);
    out.push(...groups);
  }
  return tlv(0x06, Buffer.from(out));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050, always in UTC to the second. */
function time(ms: number): Buffer {
  const iso = new Date(ms).toISOString();
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z';
  const year = Number(iso.slice(0, 4));
  return year < 2050 ? tlv(0x17, Buffer.from(digits.slice(2), 'ascii')) : tlv(0x18, Buffer.from(digits, 'ascii'));
}

// ---- certificate structures ----

const oids = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
};

/** The key usages of RFC 5280 §4.2.1.3, by bit. */
export const keyUsageBits = {
  digitalSignature: 0,
  contentCommitment: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;
export type KeyUsage = keyof typeof keyUsageBits;

/** The extended key usages (RFC 5280 §4.2.1.12 and the ones Go knows), by OID. */
export const extKeyUsageOIDs = {
  any: '2.5.29.37.0',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  ipsecEndSystem: '1.3.6.1.5.5.7.3.5',
  ipsecTunnel: '1.3.6.1.5.5.7.3.6',
  ipsecUser: '1.3.6.1.5.5.7.3.7',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  microsoftServerGatedCrypto: '1.3.6.1.4.1.311.10.3.3',
  netscapeServerGatedCrypto: '2.16.840.1.113730.4.1',
} as const;
export type ExtKeyUsage = keyof typeof extKeyUsageOIDs;

/** A KeyUsage BIT STRING: bit 0 first, trailing zero bits left out (DER's named bit list). */
function keyUsageBitString(usages: readonly KeyUsage[]): Buffer {
  const bits = usages.map((u) => keyUsageBits[u]);
  const length = Math.max(...bits) + 1;
  const bytes = Buffer.alloc(Math.ceil(length / 8));
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  return bitString(bytes, bytes.length * 8 - length);
}

function name(commonName: string, organization?: string): Buffer {
  const rdn = (oid: string, value: string) => set(sequence(objectIdentifier(oid), utf8String(value)));
  return sequence(...(organization ? [rdn(oids.organization, organization)] : []), rdn(oids.commonName, commonName));
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return sequence(objectIdentifier(oid), ...(critical ? [booleanTrue()] : []), octetString(value));
}

/** A key identifier: any stable digest of the public key serves (RFC 5280 §4.2.1.2). */
function keyIdentifier(publicKey: KeyObject): Buffer {
  return createHash('sha1').update(publicKey.export({ type: 'spki', format: 'der' })).digest();
}

export interface CertificateRequest {
  /** The key the certificate certifies. */
  publicKey: KeyObject;
  commonName: string;
  organization?: string;
  notBefore: number;
  notAfter: number;
  /** A CA certificate (may sign others) or a TLS serving certificate. */
  isCA: boolean;
  /** Serving certificates: the DNS names and IP addresses clients dial. */
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  /** Who signs: omitted for a self-signed certificate, whose own private key must then be given. */
  issuer?: { commonName: string; organization?: string; publicKey: KeyObject };
  signingKey: KeyObject;
}

function ipBytes(ip: string): Buffer {
  if (ip.includes(':')) {
    const [head, tail = ''] = ip.split('::');
    const h = head ? head.split(':') : [];
    const t = ip.includes('::') && tail ? tail.split(':') : [];
    const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
  }
  return Buffer.from(ip.split('.').map(Number));
}

/** A DER certificate, PEM-encoded: the cluster's CA, or a serving certificate it signs. */
export function createCertificate(req: CertificateRequest): string {
  const issuer = req.issuer ?? { commonName: req.commonName, organization: req.organization, publicKey: req.publicKey };
  return issueCertificate({
    subject: name(req.commonName, req.organization),
    subjectPublicKeyInfo: req.publicKey.export({ type: 'spki', format: 'der' }),
    issuer: { name: name(issuer.commonName, issuer.organization), publicKey: issuer.publicKey },
    signingKey: req.signingKey,
    notBefore: req.notBefore,
    notAfter: req.notAfter,
    isCA: req.isCA,
    // A CA signs certificates (and lists); an ECDSA serving key only signs the TLS handshake, it never enciphers keys.
    keyUsages: req.isCA ? ['digitalSignature', 'keyCertSign', 'cRLSign'] : ['digitalSignature'],
    extKeyUsages: req.isCA ? [] : ['serverAuth'],
    dnsNames: req.dnsNames ?? [],
    ipAddresses: req.ipAddresses ?? [],
    subjectKeyId: true,
  });
}

/** What a certificate says and who signs it, in DER where it is copied from a request as sent. */
export interface CertificateTemplate {
  /** DER of the subject Name. */
  subject: Buffer;
  /** DER of the SubjectPublicKeyInfo the certificate certifies. */
  subjectPublicKeyInfo: Buffer;
  issuer: { name: Buffer; publicKey: KeyObject };
  /** The issuer's private key (ECDSA P-256). */
  signingKey: KeyObject;
  notBefore: number;
  notAfter: number;
  isCA: boolean;
  keyUsages: readonly KeyUsage[];
  extKeyUsages: readonly ExtKeyUsage[];
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  emailAddresses?: readonly string[];
  uris?: readonly string[];
  /** Whether to add a subject key identifier (Go adds one to CA certificates only). */
  subjectKeyId?: boolean;
}

/** Signs `t` into a certificate: PEM of the DER. */
export function issueCertificate(t: CertificateTemplate): string {
  const algorithm = sequence(objectIdentifier(oids.ecdsaWithSHA256));
  const extensions: Buffer[] = [];
  if (t.keyUsages.length) extensions.push(extension(oids.keyUsage, true, keyUsageBitString(t.keyUsages)));
  if (t.extKeyUsages.length) extensions.push(extension(oids.extKeyUsage, false, sequence(...t.extKeyUsages.map((u) => objectIdentifier(extKeyUsageOIDs[u])))));
  extensions.push(extension(oids.basicConstraints, true, t.isCA ? sequence(booleanTrue()) : sequence()));
  const names = [
    ...(t.dnsNames ?? []).map((d) => tlv(0x82, Buffer.from(d, 'ascii'))),
    ...(t.emailAddresses ?? []).map((e) => tlv(0x81, Buffer.from(e, 'ascii'))),
    ...(t.uris ?? []).map((u) => tlv(0x86, Buffer.from(u, 'ascii'))),
    ...(t.ipAddresses ?? []).map((ip) => tlv(0x87, ipBytes(ip))),
  ];
  if (names.length) extensions.push(extension(oids.subjectAltName, false, sequence(...names)));
  if (t.subjectKeyId) extensions.push(extension(oids.subjectKeyIdentifier, false, octetString(createHash('sha1').update(t.subjectPublicKeyInfo).digest())));
  const self = t.issuer.name.equals(t.subject) && t.issuer.publicKey.export({ type: 'spki', format: 'der' }).equals(t.subjectPublicKeyInfo);
  if (!self) extensions.push(extension(oids.authorityKeyIdentifier, false, sequence(tlv(0x80, keyIdentifier(t.issuer.publicKey)))));

  // A random positive serial of 128 bits, as RFC 5280 allows up to 20 octets.
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))), // v3
    integer(serial),
    algorithm,
    t.issuer.name,
    sequence(time(t.notBefore), time(t.notAfter)),
    t.subject,
    t.subjectPublicKeyInfo,
    explicit(3, sequence(...extensions)),
  );
  const signature = sign('sha256', tbs, t.signingKey);
  const der = sequence(tbs, algorithm, bitString(signature));
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
