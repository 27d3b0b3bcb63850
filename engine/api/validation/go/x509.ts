// Go's crypto/x509 as Kubernetes reads certificate requests and certificates: ParseCertificateRequest
// (encoding/asn1 decoding of RFC 2986's CertificationRequest, so ASN.1 errors read as encoding/asn1
// words them: `asn1: syntax error: data truncated`), CertificateRequest.CheckSignature, ParseCertificates
// (the cryptobyte parser of parser.go, `x509: malformed certificate`), encoding/pem's Decode, and
// Kubernetes' ParseCSR (pkg/apis/certificates/helpers.go). Signatures are checked with node:crypto:
// RSA PKCS #1 v1.5 and PSS, ECDSA (P-224, P-256, P-384, P-521) and Ed25519, SHA-1 included, as Go
// still accepts it for certificate requests.
import { createPublicKey, constants, verify, type KeyObject } from 'node:crypto';
import { addrString } from './netip';
import { goQuote } from './quote';
import { parseURL, urlString } from './url';

export interface CertificateRequest {
  /** The whole DER. */
  raw: Buffer;
  /** DER of the CertificationRequestInfo (what the signature covers). */
  rawTBS: Buffer;
  /** DER of the subject Name, exactly as sent. */
  rawSubject: Buffer;
  subject: { commonName: string; organization: string[]; organizationalUnit: string[]; country: string[]; locality: string[]; province: string[]; serialNumber: string };
  /** DER of the SubjectPublicKeyInfo, exactly as sent. */
  rawSubjectPublicKeyInfo: Buffer;
  publicKey: KeyObject;
  publicKeyAlgorithm: 'RSA' | 'ECDSA' | 'Ed25519';
  /** Go's names: 'SHA256-RSA', 'ECDSA-SHA256', 'Ed25519', ... ('0' when unknown, as Go prints it). */
  signatureAlgorithm: string;
  signature: Buffer;
  /** From the extensionRequest attribute's subjectAltName, as Go parses them. */
  dnsNames: string[];
  emailAddresses: string[];
  ipAddresses: string[];
  uris: string[];
}

// ---- encoding/asn1: the reflection decoder, for the structures x509 decodes with it ----

const asn1Syntax = (msg: string): Error => new Error(`asn1: syntax error: ${msg}`);
const asn1Structure = (msg: string): Error => new Error(`asn1: structure error: ${msg}`);

interface TagAndLength {
  cls: number;
  tag: number;
  length: number;
  compound: boolean;
}

/** parseBase128Int: a base-128 number, minimal and fitting an int32, as tags and OID arcs are encoded. */
function parseBase128Int(bytes: Buffer, initOffset: number): [number, number] {
  let offset = initOffset;
  let ret = 0;
  for (let shifted = 0; offset < bytes.length; shifted++) {
    if (shifted === 5) throw asn1Structure('base 128 integer too large');
    const b = bytes[offset]!;
    if (shifted === 0 && b === 0x80) throw asn1Syntax('integer is not minimally encoded');
    ret = ret * 128 + (b & 0x7f);
    offset++;
    if ((b & 0x80) === 0) {
      if (ret > 0x7fffffff) throw asn1Structure('base 128 integer too large');
      return [ret, offset];
    }
  }
  throw asn1Syntax('truncated base 128 integer');
}

/** parseTagAndLength: one DER header, with DER's minimal-length rules. */
function parseTagAndLength(bytes: Buffer, initOffset: number): [TagAndLength, number] {
  let offset = initOffset;
  if (offset >= bytes.length) throw new Error('asn1: internal error in parseTagAndLength');
  let b = bytes[offset++]!;
  const ret: TagAndLength = { cls: b >> 6, compound: (b & 0x20) === 0x20, tag: b & 0x1f, length: 0 };
  if (ret.tag === 0x1f) {
    [ret.tag, offset] = parseBase128Int(bytes, offset);
    if (ret.tag < 0x1f) throw asn1Syntax('non-minimal tag');
  }
  if (offset >= bytes.length) throw asn1Syntax('truncated tag or length');
  b = bytes[offset++]!;
  if ((b & 0x80) === 0) {
    ret.length = b & 0x7f;
    return [ret, offset];
  }
  const numBytes = b & 0x7f;
  if (numBytes === 0) throw asn1Syntax('indefinite length found (not DER)');
  for (let i = 0; i < numBytes; i++) {
    if (offset >= bytes.length) throw asn1Syntax('truncated tag or length');
    b = bytes[offset++]!;
    if (ret.length >= 1 << 23) throw asn1Structure('length too large');
    ret.length = ret.length * 256 + b;
    if (ret.length === 0) throw asn1Structure('superfluous leading zeros in length');
  }
  if (ret.length < 0x80) throw asn1Structure('non-minimal length');
  return [ret, offset];
}

/** The Go types x509 decodes into, by what encoding/asn1 expects of each. */
type Asn1Type =
  | { kind: 'struct'; name: string; fields: readonly [Asn1Type, Asn1Params][]; raw?: boolean }
  | { kind: 'slice'; name: string; elem: Asn1Type }
  | { kind: 'int' | 'rawValue' | 'bitString' | 'oid' | 'bool' | 'bytes' | 'any'; name: string };

/** The field tags x509's structures use (`asn1:"optional"`, `asn1:"tag:0"`, `asn1:"set"`). */
interface Asn1Params {
  optional?: boolean;
  tag?: number;
  set?: boolean;
}

export interface RawValue {
  cls: number;
  tag: number;
  compound: boolean;
  bytes: Buffer;
  fullBytes: Buffer;
}

interface BitString {
  bytes: Buffer;
  bitLength: number;
}

/** %+v of a fieldParameters, as "tags don't match" prints it; a set tag is a pointer, printed as an address. */
function paramsText(p: Asn1Params): string {
  const tag = p.tag === undefined ? '<nil>' : '0xc000012345';
  return `{optional:${!!p.optional} explicit:false application:false private:false defaultValue:<nil> tag:${tag} stringType:0 timeType:0 set:${!!p.set} omitEmpty:false}`;
}

/** getUniversalType: the tag and constructedness a Go type expects, or any tag for RawValue. */
function universalType(t: Asn1Type, p: Asn1Params): { matchAny: boolean; tag: number; compound: boolean } {
  switch (t.kind) {
    case 'rawValue':
      return { matchAny: true, tag: 0, compound: false };
    case 'int':
      return { matchAny: false, tag: 2, compound: false };
    case 'bitString':
      return { matchAny: false, tag: 3, compound: false };
    case 'oid':
      return { matchAny: false, tag: 6, compound: false };
    case 'bool':
      return { matchAny: false, tag: 1, compound: false };
    case 'bytes':
      return { matchAny: false, tag: 4, compound: false };
    case 'slice':
      return { matchAny: false, tag: p.set || t.name.endsWith('SET') ? 17 : 16, compound: true };
    default:
      return { matchAny: false, tag: 16, compound: true };
  }
}

/** checkInteger and parseInt64: a minimal two's-complement INTEGER of at most 8 bytes. */
function parseInt64(bytes: Buffer): number {
  if (bytes.length === 0) throw asn1Structure('empty integer');
  if (bytes.length > 1 && ((bytes[0] === 0 && (bytes[1]! & 0x80) === 0) || (bytes[0] === 0xff && (bytes[1]! & 0x80) === 0x80))) throw asn1Structure('integer not minimally-encoded');
  if (bytes.length > 8) throw asn1Structure('integer too large');
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  if (bytes[0]! & 0x80) v -= 1n << BigInt(8 * bytes.length);
  return Number(v);
}

/** parseBitString: the padding count first, at most 7 and with the padding bits zero. */
function parseBitString(bytes: Buffer): BitString {
  if (bytes.length === 0) throw asn1Syntax('zero length BIT STRING');
  const padding = bytes[0]!;
  if (padding > 7 || (bytes.length === 1 && padding > 0) || (bytes[bytes.length - 1]! & ((1 << padding) - 1)) !== 0) throw asn1Syntax('invalid padding bits in BIT STRING');
  return { bytes: bytes.subarray(1), bitLength: (bytes.length - 1) * 8 - padding };
}

/** BitString.RightAlign: the bits shifted so the padding is at the front. */
function rightAlign(b: BitString): Buffer {
  const shift = 8 - (b.bitLength % 8);
  if (shift === 8 || b.bytes.length === 0) return b.bytes;
  const out = Buffer.alloc(b.bytes.length);
  out[0] = b.bytes[0]! >> shift;
  for (let i = 1; i < b.bytes.length; i++) out[i] = ((b.bytes[i - 1]! << (8 - shift)) | (b.bytes[i]! >> shift)) & 0xff;
  return out;
}

/** parseObjectIdentifier: the first arc pair packed as 40*a+b, then base-128 arcs. */
function parseObjectIdentifier(bytes: Buffer): number[] {
  if (bytes.length === 0) throw asn1Syntax('zero length OBJECT IDENTIFIER');
  let [v, offset] = parseBase128Int(bytes, 0);
  const s = v < 80 ? [Math.floor(v / 40), v % 40] : [2, v - 80];
  while (offset < bytes.length) {
    [v, offset] = parseBase128Int(bytes, offset);
    s.push(v);
  }
  return s;
}

/** parseBool: DER's one byte, 0x00 or 0xff. */
function parseBool(bytes: Buffer): boolean {
  if (bytes.length !== 1 || (bytes[0] !== 0 && bytes[0] !== 0xff)) throw asn1Syntax('invalid boolean');
  return bytes[0] === 0xff;
}

/** encoding/asn1's isPrintable, with the '*' and '&' it tolerates in PrintableStrings. */
const asn1Printable = (b: number): boolean => /[a-zA-Z0-9'()+,\-./ :=?*&]/.test(String.fromCharCode(b));

/** The string types an `any` field decodes to a Go string, with encoding/asn1's errors. */
function parseAnyString(tag: number, bytes: Buffer): string | undefined {
  switch (tag) {
    case 19:
      if (!bytes.every(asn1Printable)) throw asn1Syntax('PrintableString contains invalid character');
      return bytes.toString('latin1');
    case 18:
      if (!bytes.every((b) => (b >= 0x30 && b <= 0x39) || b === 0x20)) throw asn1Syntax('NumericString contains invalid character');
      return bytes.toString('latin1');
    case 22:
      if (!bytes.every((b) => b < 0x80)) throw asn1Syntax('IA5String contains invalid character');
      return bytes.toString('latin1');
    case 20:
      return bytes.toString('latin1');
    case 12:
      if (!validUTF8(bytes)) throw new Error('asn1: invalid UTF-8 string');
      return bytes.toString('utf8');
    case 30:
      if (bytes.length % 2 !== 0) throw new Error('pkcs12: odd-length BMP string');
      return Buffer.from(bytes).swap16().toString('utf16le');
    default:
      return undefined;
  }
}

const validUTF8 = (b: Buffer): boolean => Buffer.from(b.toString('utf8'), 'utf8').equals(b);

/** The `any` field of an AttributeTypeAndValue: universal primitives decode, the rest stay nil. */
function parseAny(bytes: Buffer, initOffset: number): [unknown, number] {
  const [t, offset] = parseTagAndLength(bytes, initOffset);
  if (offset + t.length > bytes.length) throw asn1Syntax('data truncated');
  const inner = bytes.subarray(offset, offset + t.length);
  let result: unknown;
  if (!t.compound && t.cls === 0) {
    if (t.tag === 2) result = parseInt64(inner);
    else if (t.tag === 3) result = parseBitString(inner);
    else if (t.tag === 6) result = parseObjectIdentifier(inner);
    else if (t.tag === 4) result = inner;
    else result = parseAnyString(t.tag, inner);
  }
  return [result, offset + t.length];
}

/** parseSequenceOf: every element's header is checked before any element is decoded. */
function parseSequenceOf(bytes: Buffer, elem: Asn1Type): unknown[] {
  const u = universalType(elem, {});
  let count = 0;
  for (let offset = 0; offset < bytes.length; count++) {
    const [t, after] = parseTagAndLength(bytes, offset);
    // Go folds the string and time types together here; none of x509's element types is one.
    if (!u.matchAny && (t.cls !== 0 || t.compound !== u.compound || t.tag !== u.tag)) throw asn1Structure('sequence tag mismatch');
    if (after + t.length > bytes.length) throw asn1Syntax('truncated sequence');
    offset = after + t.length;
  }
  const out: unknown[] = [];
  for (let i = 0, offset = 0; i < count; i++) {
    let v: unknown;
    [v, offset] = parseField(elem, {}, bytes, offset);
    out.push(v);
  }
  return out;
}

/** parseField: one value of type `t` at `initOffset`; structs decode field by field and tolerate trailing elements. */
function parseField(t: Asn1Type, p: Asn1Params, bytes: Buffer, initOffset: number): [unknown, number] {
  if (initOffset === bytes.length) {
    if (!p.optional) throw asn1Syntax('sequence truncated');
    return [undefined, initOffset];
  }
  if (t.kind === 'any') return parseAny(bytes, initOffset);
  const [tl, offset] = parseTagAndLength(bytes, initOffset);
  const u = universalType(t, p);
  let expectedClass = 0;
  let expectedTag = u.tag;
  let matchAnyClassAndTag = u.matchAny;
  if (p.tag !== undefined) {
    expectedClass = 2;
    expectedTag = p.tag;
    matchAnyClassAndTag = false;
  }
  if ((!matchAnyClassAndTag && (tl.cls !== expectedClass || tl.tag !== expectedTag)) || (!u.matchAny && tl.compound !== u.compound)) {
    if (p.optional) return [undefined, initOffset];
    throw asn1Structure(`tags don't match (${expectedTag} vs {class:${tl.cls} tag:${tl.tag} length:${tl.length} isCompound:${tl.compound}}) ${paramsText(p)} ${t.name} @${offset}`);
  }
  if (offset + tl.length > bytes.length) throw asn1Syntax('data truncated');
  const inner = bytes.subarray(offset, offset + tl.length);
  const end = offset + tl.length;
  switch (t.kind) {
    case 'rawValue':
      return [{ cls: tl.cls, tag: tl.tag, compound: tl.compound, bytes: inner, fullBytes: bytes.subarray(initOffset, end) } satisfies RawValue, end];
    case 'oid':
      return [parseObjectIdentifier(inner), end];
    case 'bitString':
      return [parseBitString(inner), end];
    case 'bool':
      return [parseBool(inner), end];
    case 'int':
      return [parseInt64(inner), end];
    case 'bytes':
      return [inner, end];
    case 'slice':
      return [parseSequenceOf(inner, t.elem), end];
    default: {
      const s = t as Extract<Asn1Type, { kind: 'struct' }>;
      const values: unknown[] = [];
      let innerOffset = 0;
      for (const [ft, fp] of s.fields) {
        let v: unknown;
        [v, innerOffset] = parseField(ft, fp, inner, innerOffset);
        values.push(v);
      }
      return [{ raw: bytes.subarray(initOffset, end), values }, end];
    }
  }
}

/** asn1.Unmarshal: the value and what follows it. */
function unmarshal(t: Asn1Type, der: Buffer): { value: unknown; rest: Buffer } {
  const [value, offset] = parseField(t, {}, der, 0);
  return { value, rest: der.subarray(offset) };
}

interface Struct {
  raw: Buffer;
  values: unknown[];
}

// The Go structures of x509.go and pkix, as encoding/asn1 sees them.
const oidType: Asn1Type = { kind: 'oid', name: 'ObjectIdentifier' };
const rawValueType: Asn1Type = { kind: 'rawValue', name: 'RawValue' };
const algorithmIdentifierType: Asn1Type = { kind: 'struct', name: 'AlgorithmIdentifier', fields: [[oidType, {}], [rawValueType, { optional: true }]] };
const bitStringType: Asn1Type = { kind: 'bitString', name: 'BitString' };
const publicKeyInfoType: Asn1Type = { kind: 'struct', name: 'publicKeyInfo', raw: true, fields: [[algorithmIdentifierType, {}], [bitStringType, {}]] };
const tbsCertificateRequestType: Asn1Type = {
  kind: 'struct',
  name: 'tbsCertificateRequest',
  raw: true,
  fields: [[{ kind: 'int', name: 'int' }, {}], [rawValueType, {}], [publicKeyInfoType, {}], [{ kind: 'slice', name: '', elem: rawValueType }, { tag: 0 }]],
};
const certificateRequestType: Asn1Type = { kind: 'struct', name: 'certificateRequest', raw: true, fields: [[tbsCertificateRequestType, {}], [algorithmIdentifierType, {}], [bitStringType, {}]] };
const attributeTypeAndValueType: Asn1Type = { kind: 'struct', name: 'AttributeTypeAndValue', fields: [[oidType, {}], [{ kind: 'any', name: '' }, {}]] };
const rdnSequenceType: Asn1Type = { kind: 'slice', name: 'RDNSequence', elem: { kind: 'slice', name: 'RelativeDistinguishedNameSET', elem: attributeTypeAndValueType } };
const pkcs10AttributeType: Asn1Type = { kind: 'struct', name: 'pkcs10Attribute', fields: [[oidType, {}], [{ kind: 'slice', name: '', elem: rawValueType }, { set: true }]] };
const extensionType: Asn1Type = { kind: 'struct', name: 'Extension', fields: [[oidType, {}], [{ kind: 'bool', name: 'bool' }, { optional: true }], [{ kind: 'bytes', name: '' }, {}]] };
const extensionsType: Asn1Type = { kind: 'slice', name: '', elem: extensionType };

// ---- cryptobyte: the strict DER reader parser.go uses ----

/** A cryptobyte.String: reads advance it; a failed read reports false (undefined) and the caller names the error. */
class DerReader {
  constructor(public s: Buffer) {}

  empty(): boolean {
    return this.s.length === 0;
  }

  peek(tag: number): boolean {
    return this.s.length > 0 && this.s[0] === tag;
  }

  /** readASN1: low tag numbers only, DER lengths (minimal, at most 4 bytes). */
  readAny(): { tag: number; full: Buffer; body: Buffer } | undefined {
    const s = this.s;
    if (s.length < 2) return undefined;
    const tag = s[0]!;
    const lenByte = s[1]!;
    if ((tag & 0x1f) === 0x1f) return undefined;
    let length: number;
    let headerLen: number;
    if ((lenByte & 0x80) === 0) {
      headerLen = 2;
      length = lenByte + 2;
    } else {
      const lenLen = lenByte & 0x7f;
      if (lenLen === 0 || lenLen > 4 || s.length < 2 + lenLen) return undefined;
      let len32 = 0;
      for (let i = 0; i < lenLen; i++) len32 = len32 * 256 + s[2 + i]!;
      if (len32 < 128 || s[2] === 0) return undefined;
      headerLen = 2 + lenLen;
      length = headerLen + len32;
    }
    if (length > s.length) return undefined;
    this.s = s.subarray(length);
    return { tag, full: s.subarray(0, length), body: s.subarray(headerLen, length) };
  }

  /** ReadASN1: the contents of an element with this tag. */
  read(tag: number): Buffer | undefined {
    const e = this.readAny();
    return e && e.tag === tag ? e.body : undefined;
  }

  /** ReadASN1Element: an element with this tag, header included. */
  readElement(tag: number): Buffer | undefined {
    const e = this.readAny();
    return e && e.tag === tag ? e.full : undefined;
  }

  /** ReadOptionalASN1: absent is fine, present must read. */
  readOptional(tag: number): { present: boolean; body: Buffer } | undefined {
    if (!this.peek(tag)) return { present: false, body: Buffer.alloc(0) };
    const body = this.read(tag);
    return body === undefined ? undefined : { present: true, body };
  }

  /** ReadASN1Integer: a minimal two's-complement INTEGER, as its bytes. */
  readInteger(tag = 0x02): Buffer | undefined {
    const b = this.read(tag);
    if (!b || b.length === 0) return undefined;
    if (b.length > 1 && ((b[0] === 0 && (b[1]! & 0x80) === 0) || (b[0] === 0xff && (b[1]! & 0x80) === 0x80))) return undefined;
    return b;
  }

  /** ReadASN1BitString, as parseBitString checks it. */
  readBitString(): BitString | undefined {
    const b = this.read(0x03);
    if (!b || b.length === 0) return undefined;
    const padding = b[0]!;
    const rest = b.subarray(1);
    if (padding > 7 || (rest.length === 0 && padding !== 0) || (rest.length > 0 && (rest[rest.length - 1]! & ((1 << padding) - 1)) !== 0)) return undefined;
    return { bytes: rest, bitLength: rest.length * 8 - padding };
  }

  /** ReadASN1ObjectIdentifier: arcs that fit an int32, minimally encoded. */
  readOID(): number[] | undefined {
    const b = this.read(0x06);
    if (!b || b.length === 0) return undefined;
    const arcs: number[] = [];
    let i = 0;
    while (i < b.length) {
      let v = 0;
      let n = 0;
      for (;;) {
        if (n === 5 || v >= 1 << 24 || i >= b.length) return undefined;
        const c = b[i++]!;
        if (n === 0 && c === 0x80) return undefined;
        v = v * 128 + (c & 0x7f);
        n++;
        if ((c & 0x80) === 0) break;
      }
      if (arcs.length === 0) arcs.push(...(v < 80 ? [Math.floor(v / 40), v % 40] : [2, v - 80]));
      else arcs.push(v);
    }
    return arcs;
  }

  /** ReadASN1Boolean: one byte, 0x00 or 0xff. */
  readBoolean(): boolean | undefined {
    const b = this.read(0x01);
    if (!b || b.length !== 1 || (b[0] !== 0 && b[0] !== 0xff)) return undefined;
    return b[0] === 0xff;
  }
}

/** A non-negative integer's bytes as a bigint, for the sizes and signs parser.go checks. */
function bigIntOf(b: Buffer): bigint {
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return b.length && b[0]! & 0x80 ? v - (1n << BigInt(8 * b.length)) : v;
}

const oidText = (oid: readonly number[]): string => oid.join('.');
const oidEquals = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

// ---- public keys (parser.go parsePublicKey) ----

const oidPublicKeyRSA = [1, 2, 840, 113549, 1, 1, 1];
const oidPublicKeyDSA = [1, 2, 840, 10040, 4, 1];
const oidPublicKeyECDSA = [1, 2, 840, 10045, 2, 1];
const oidPublicKeyEd25519 = [1, 3, 101, 112];
const nullBytes = Buffer.from([0x05, 0x00]);

/** namedCurveFromOID: the NIST curves Go knows, by OID, with their field size in bytes. */
const namedCurves: Record<string, { name: string; bytes: number }> = {
  '1.3.132.0.33': { name: 'P224', bytes: 28 },
  '1.2.840.10045.3.1.7': { name: 'P256', bytes: 32 },
  '1.3.132.0.34': { name: 'P384', bytes: 48 },
  '1.3.132.0.35': { name: 'P521', bytes: 66 },
};

type KeyAlgorithm = 'RSA' | 'DSA' | 'ECDSA' | 'Ed25519' | 'Unknown';

/** getPublicKeyAlgorithmFromOID */
function publicKeyAlgorithmOf(oid: readonly number[]): KeyAlgorithm {
  if (oidEquals(oid, oidPublicKeyRSA)) return 'RSA';
  if (oidEquals(oid, oidPublicKeyDSA)) return 'DSA';
  if (oidEquals(oid, oidPublicKeyECDSA)) return 'ECDSA';
  if (oidEquals(oid, oidPublicKeyEd25519)) return 'Ed25519';
  return 'Unknown';
}

interface ParsedKey {
  algorithm: KeyAlgorithm;
  /** A key node:crypto can verify with (RSA, ECDSA, Ed25519); none for DSA, which Go cannot verify with. */
  key?: KeyObject;
  rsa?: { bits: number; exponent: bigint; modulusOdd: boolean };
}

/** parsePublicKey: the checks Go makes of each key type, then the key as node:crypto holds it. */
function parsePublicKey(spki: Buffer, algorithm: readonly number[], params: Buffer, keyBits: BitString): ParsedKey {
  const data = rightAlign(keyBits);
  const algo = publicKeyAlgorithmOf(algorithm);
  if (algo === 'RSA') {
    if (!params.equals(nullBytes)) throw new Error('x509: RSA key missing NULL parameters');
    const outer = new DerReader(data);
    const seq = outer.read(0x30);
    if (!seq) throw new Error('x509: invalid RSA public key');
    const der = new DerReader(seq);
    const n = der.readInteger();
    if (!n) throw new Error('x509: invalid RSA modulus');
    const e = der.readInteger();
    if (!e || e.length > 8) throw new Error('x509: invalid RSA public exponent');
    const modulus = bigIntOf(n);
    const exponent = bigIntOf(e);
    if (modulus <= 0n) throw new Error('x509: RSA modulus is not a positive number');
    if (exponent <= 0n) throw new Error('x509: RSA public exponent is not a positive number');
    return { algorithm: algo, key: nodeKey(spki, 'x509: invalid RSA public key'), rsa: { bits: modulus.toString(2).length, exponent, modulusOdd: (modulus & 1n) === 1n } };
  }
  if (algo === 'ECDSA') {
    const curveOID = new DerReader(params).readOID();
    if (!curveOID) throw new Error('x509: invalid ECDSA parameters');
    const curve = namedCurves[oidText(curveOID)];
    if (!curve) throw new Error('x509: unsupported elliptic curve');
    // ecdsa.ParseUncompressedPublicKey
    if (data.length < 1 || data[0] !== 4) throw new Error('ecdsa: invalid uncompressed public key');
    if (data.length !== 1 + 2 * curve.bytes) throw new Error(`invalid ${curve.name} point encoding`);
    return { algorithm: algo, key: nodeKey(spki, `${curve.name} point not on curve`) };
  }
  if (algo === 'Ed25519') {
    if (params.length !== 0) throw new Error('x509: Ed25519 key encoded with illegal parameters');
    if (data.length !== 32) throw new Error('x509: wrong Ed25519 public key size');
    return { algorithm: algo, key: nodeKey(spki, 'x509: wrong Ed25519 public key size') };
  }
  if (algo === 'DSA') {
    const y = new DerReader(data).readInteger();
    if (!y) throw new Error('x509: invalid DSA public key');
    const p = new DerReader(params);
    const seq = p.read(0x30);
    const q = seq && new DerReader(seq);
    const parts = q ? [q.readInteger(), q.readInteger(), q.readInteger()] : [];
    if (parts.length !== 3 || parts.some((x) => !x)) throw new Error('x509: invalid DSA parameters');
    if ([y, ...parts].some((x) => bigIntOf(x!) <= 0n)) throw new Error('x509: zero or negative DSA parameter');
    return { algorithm: algo };
  }
  throw new Error('x509: unknown public key algorithm');
}

/** The key as node:crypto holds it; Go's own checks came first, so a refusal here gets the nearest Go message. */
function nodeKey(spki: Buffer, message: string): KeyObject {
  try {
    return createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    throw new Error(message);
  }
}

// ---- signature algorithms (x509.go signatureAlgorithmDetails) ----

type Hash = 'md2' | 'md5' | 'sha1' | 'sha256' | 'sha384' | 'sha512' | '';

interface SignatureAlgorithmDetails {
  name: string;
  oid: readonly number[];
  key: KeyAlgorithm;
  hash: Hash;
  pss?: boolean;
}

const signatureAlgorithms: readonly SignatureAlgorithmDetails[] = [
  { name: 'MD2-RSA', oid: [1, 2, 840, 113549, 1, 1, 2], key: 'RSA', hash: '' },
  { name: 'MD5-RSA', oid: [1, 2, 840, 113549, 1, 1, 4], key: 'RSA', hash: 'md5' },
  { name: 'SHA1-RSA', oid: [1, 2, 840, 113549, 1, 1, 5], key: 'RSA', hash: 'sha1' },
  { name: 'SHA1-RSA', oid: [1, 3, 14, 3, 2, 29], key: 'RSA', hash: 'sha1' },
  { name: 'SHA256-RSA', oid: [1, 2, 840, 113549, 1, 1, 11], key: 'RSA', hash: 'sha256' },
  { name: 'SHA384-RSA', oid: [1, 2, 840, 113549, 1, 1, 12], key: 'RSA', hash: 'sha384' },
  { name: 'SHA512-RSA', oid: [1, 2, 840, 113549, 1, 1, 13], key: 'RSA', hash: 'sha512' },
  { name: 'DSA-SHA1', oid: [1, 2, 840, 10040, 4, 3], key: 'DSA', hash: 'sha1' },
  { name: 'DSA-SHA256', oid: [2, 16, 840, 1, 101, 3, 4, 3, 2], key: 'DSA', hash: 'sha256' },
  { name: 'ECDSA-SHA1', oid: [1, 2, 840, 10045, 4, 1], key: 'ECDSA', hash: 'sha1' },
  { name: 'ECDSA-SHA256', oid: [1, 2, 840, 10045, 4, 3, 2], key: 'ECDSA', hash: 'sha256' },
  { name: 'ECDSA-SHA384', oid: [1, 2, 840, 10045, 4, 3, 3], key: 'ECDSA', hash: 'sha384' },
  { name: 'ECDSA-SHA512', oid: [1, 2, 840, 10045, 4, 3, 4], key: 'ECDSA', hash: 'sha512' },
  { name: 'Ed25519', oid: oidPublicKeyEd25519, key: 'Ed25519', hash: '' },
];

const oidSignatureRSAPSS = [1, 2, 840, 113549, 1, 1, 10];
const oidMGF1 = [1, 2, 840, 113549, 1, 1, 8];
const pssHashes: readonly [number[], Hash, number][] = [
  [[2, 16, 840, 1, 101, 3, 4, 2, 1], 'sha256', 32],
  [[2, 16, 840, 1, 101, 3, 4, 2, 2], 'sha384', 48],
  [[2, 16, 840, 1, 101, 3, 4, 2, 3], 'sha512', 64],
];

/** A parsed AlgorithmIdentifier: the OID and the parameters' full DER (empty when absent). */
interface AlgorithmIdentifier {
  algorithm: number[];
  parameters: Buffer;
}

/** An AlgorithmIdentifier with NULL or absent parameters, inside PSS parameters. */
function readHashAI(der: Buffer | undefined): number[] | undefined {
  if (!der) return undefined;
  const seq = new DerReader(der).read(0x30);
  if (!seq) return undefined;
  const r = new DerReader(seq);
  const oid = r.readOID();
  if (!oid || (!r.empty() && !r.s.equals(nullBytes))) return undefined;
  return oid;
}

/** The RSA-PSS variants Go accepts: MGF1 with the message hash, salt the hash's length, the default trailer. */
function pssAlgorithm(params: Buffer): SignatureAlgorithmDetails | undefined {
  const seq = new DerReader(params).read(0x30);
  if (!seq) return undefined;
  const r = new DerReader(seq);
  const hash = readHashAI(r.read(0xa0));
  const mgf = r.read(0xa1);
  const saltDer = r.read(0xa2);
  const trailer = r.peek(0xa3) ? r.read(0xa3) : undefined;
  if (!hash || !mgf || !saltDer) return undefined;
  const m = new DerReader(new DerReader(mgf).read(0x30) ?? Buffer.alloc(0));
  const mgfOID = m.readOID();
  const mgfHash = readHashAI(m.s);
  const salt = new DerReader(saltDer).readInteger();
  const trailerValue = trailer ? new DerReader(trailer).readInteger() : Buffer.from([1]);
  if (!mgfOID || !oidEquals(mgfOID, oidMGF1) || !mgfHash || !oidEquals(mgfHash, hash) || !salt || !trailerValue || bigIntOf(trailerValue) !== 1n) return undefined;
  const match = pssHashes.find(([oid, , size]) => oidEquals(oid, hash) && bigIntOf(salt) === BigInt(size));
  return match && { name: `${match[1].toUpperCase()}-RSAPSS`, oid: oidSignatureRSAPSS, key: 'RSA', hash: match[1], pss: true };
}

/** getSignatureAlgorithmFromAI: Ed25519 takes no parameters; PSS is known by its parameters. */
function signatureAlgorithmOf(ai: AlgorithmIdentifier): SignatureAlgorithmDetails | undefined {
  if (oidEquals(ai.algorithm, oidPublicKeyEd25519) && ai.parameters.length !== 0) return undefined;
  if (oidEquals(ai.algorithm, oidSignatureRSAPSS)) return pssAlgorithm(ai.parameters);
  return signatureAlgorithms.find((d) => oidEquals(d.oid, ai.algorithm));
}

// ---- names and subject alternative names ----

type Subject = CertificateRequest['subject'];

/** pkix.Name.FillFromRDNSequence: the attributes a Name has fields for, taken when their value is a string. */
function fillFromRDNSequence(rdns: readonly (readonly [number[], unknown])[]): Subject {
  const n: Subject = { commonName: '', organization: [], organizationalUnit: [], country: [], locality: [], province: [], serialNumber: '' };
  for (const [type, value] of rdns) {
    if (typeof value !== 'string' || type.length !== 4 || type[0] !== 2 || type[1] !== 5 || type[2] !== 4) continue;
    if (type[3] === 3) n.commonName = value;
    else if (type[3] === 5) n.serialNumber = value;
    else if (type[3] === 6) n.country.push(value);
    else if (type[3] === 7) n.locality.push(value);
    else if (type[3] === 8) n.province.push(value);
    else if (type[3] === 10) n.organization.push(value);
    else if (type[3] === 11) n.organizationalUnit.push(value);
  }
  return n;
}

/** isIA5String, as the SAN parser uses it: any byte past ASCII fails. */
const isIA5 = (b: Buffer): boolean => b.every((x) => x < 0x80);

/** domainNameValid for SANs: no trailing dot, printable ASCII, no empty label. */
function domainNameValid(s: string): boolean {
  if (s.length === 0) return true;
  if (s.endsWith('.')) return false;
  return s.split('.').every((label) => label.length > 0 && /^[\x21-\x7e]+$/.test(label));
}

interface SANs {
  dnsNames: string[];
  emailAddresses: string[];
  ipAddresses: string[];
  uris: string[];
}

/** parseSANExtension (with forEachSAN): the GeneralNames Go understands; other kinds are skipped. */
function parseSANExtension(value: Buffer): SANs {
  const out: SANs = { dnsNames: [], emailAddresses: [], ipAddresses: [], uris: [] };
  const seq = new DerReader(value).read(0x30);
  if (!seq) throw new Error('x509: invalid subject alternative names');
  const der = new DerReader(seq);
  while (!der.empty()) {
    const e = der.readAny();
    if (!e) throw new Error('x509: invalid subject alternative name');
    const data = e.body;
    const text = data.toString('latin1');
    switch (e.tag ^ 0x80) {
      case 1:
        if (!isIA5(data)) throw new Error('x509: SAN rfc822Name is malformed');
        out.emailAddresses.push(text);
        break;
      case 2:
        if (!isIA5(data)) throw new Error('x509: SAN dNSName is malformed');
        out.dnsNames.push(text);
        break;
      case 6: {
        if (!isIA5(data)) throw new Error('x509: SAN uniformResourceIdentifier is malformed');
        const u = parseURL(text);
        if (typeof u === 'string') throw new Error(`x509: cannot parse URI ${goQuote(text)}: ${u}`);
        if (u.host.length > 0 && !domainNameValid(u.host)) throw new Error(`x509: cannot parse URI ${goQuote(text)}: invalid domain`);
        out.uris.push(urlString(u));
        break;
      }
      case 7:
        if (data.length === 16) {
          if (data.subarray(0, 10).every((b) => b === 0) && data[10] === 0xff && data[11] === 0xff) throw new Error('x509: SAN iPAddress contains IPv4-mapped IPv6 address');
        } else if (data.length !== 4) throw new Error(`x509: cannot parse IP address of length ${data.length}`);
        out.ipAddresses.push(addrString({ bytes: [...data], zone: '' }));
        break;
    }
  }
  return out;
}

// ---- certificate requests (x509.go) ----

const oidExtensionRequest = [1, 2, 840, 113549, 1, 9, 14];
const oidExtensionSubjectAltName = [2, 5, 29, 17];

/** parseCSRExtensions: the extensionRequest attributes' extensions; other attributes, and ones that do not parse, are skipped. */
function parseCSRExtensions(rawAttributes: readonly RawValue[]): [number[], Buffer][] {
  const ret: [number[], Buffer][] = [];
  const seen = new Set<string>();
  for (const attr of rawAttributes) {
    let parsed: { value: unknown; rest: Buffer };
    try {
      parsed = unmarshal(pkcs10AttributeType, attr.fullBytes);
    } catch {
      continue;
    }
    const [id, values] = (parsed.value as Struct).values as [number[], RawValue[]];
    if (parsed.rest.length !== 0 || values.length === 0 || !oidEquals(id, oidExtensionRequest)) continue;
    const extensions = unmarshal(extensionsType, values[0]!.fullBytes).value as Struct[];
    for (const ext of extensions) {
      const [extID, , extValue] = ext.values as [number[], boolean | undefined, Buffer];
      if (seen.has(oidText(extID))) throw new Error('x509: certificate request contains duplicate requested extensions');
      seen.add(oidText(extID));
      ret.push([extID, extValue]);
    }
  }
  return ret;
}

/** The parsed request with what CheckSignature needs, kept out of the exported shape. */
interface Parsed {
  csr: Omit<CertificateRequest, 'publicKey' | 'publicKeyAlgorithm'>;
  key: ParsedKey | undefined;
  sigAlgo: SignatureAlgorithmDetails | undefined;
}

const parsedRequests = new WeakMap<CertificateRequest, Parsed>();

/** x509.ParseCertificateRequest as encoding/asn1 and parseCertificateRequest decode it, without the key check. */
function parseRequest(der: Buffer): Parsed {
  const { value, rest } = unmarshal(certificateRequestType, der);
  if (rest.length !== 0) throw asn1Syntax('trailing data');
  const outer = value as Struct;
  const tbs = outer.values[0] as Struct;
  const sigAI = outer.values[1] as Struct;
  const spki = tbs.values[2] as Struct;
  const keyAI = spki.values[0] as Struct;
  const subject = tbs.values[1] as RawValue;
  const rawAttributes = tbs.values[3] as RawValue[];
  const sigAlgo = signatureAlgorithmOf({ algorithm: sigAI.values[0] as number[], parameters: (sigAI.values[1] as RawValue | undefined)?.fullBytes ?? Buffer.alloc(0) });
  const keyOID = keyAI.values[0] as number[];
  const key = publicKeyAlgorithmOf(keyOID) === 'Unknown' ? undefined : parsePublicKey(spki.raw, keyOID, (keyAI.values[1] as RawValue | undefined)?.fullBytes ?? Buffer.alloc(0), spki.values[1] as BitString);
  const rdns = unmarshal(rdnSequenceType, subject.fullBytes);
  if (rdns.rest.length !== 0) throw new Error('x509: trailing data after X.509 Subject');
  const atvs = (rdns.value as Struct[][]).flatMap((set) => set.map((atv) => atv.values as [number[], unknown]));
  let sans: SANs = { dnsNames: [], emailAddresses: [], ipAddresses: [], uris: [] };
  for (const [id, extValue] of parseCSRExtensions(rawAttributes)) if (oidEquals(id, oidExtensionSubjectAltName)) sans = parseSANExtension(extValue);
  return {
    csr: {
      raw: outer.raw,
      rawTBS: tbs.raw,
      rawSubject: subject.fullBytes,
      subject: fillFromRDNSequence(atvs),
      rawSubjectPublicKeyInfo: spki.raw,
      signatureAlgorithm: sigAlgo?.name ?? '0',
      signature: rightAlign(outer.values[2] as BitString),
      ...sans,
    },
    key,
    sigAlgo,
  };
}

/**
 * x509.ParseCertificateRequest: one DER CertificationRequest, with Go's errors. A request whose key
 * Go parses but cannot verify with (DSA, or an algorithm it does not know) has no key to hand back:
 * it is refused here with the error CheckSignature would give it, so ParseCSR then CheckSignature
 * fail as Kubernetes' validateCSR does.
 */
export function parseCertificateRequest(der: Buffer): CertificateRequest {
  const parsed = parseRequest(der);
  const key = parsed.key;
  if (!key?.key) throw signatureError(parsed, Buffer.alloc(0)) ?? unsupportedAlgorithm();
  const csr: CertificateRequest = { ...parsed.csr, publicKey: key.key, publicKeyAlgorithm: key.algorithm as CertificateRequest['publicKeyAlgorithm'] };
  parsedRequests.set(csr, parsed);
  return csr;
}

const unsupportedAlgorithm = (): Error => new Error('x509: cannot verify signature: algorithm unimplemented');

/** The %T Go prints for a public key in the algorithm mismatch error. */
const goKeyType: Record<KeyAlgorithm, string> = { RSA: '*rsa.PublicKey', ECDSA: '*ecdsa.PublicKey', Ed25519: 'ed25519.PublicKey', DSA: '*dsa.PublicKey', Unknown: '<nil>' };

/** checkSignature (with SHA-1 allowed, as for requests): the error, or undefined when the signature holds. */
function signatureError(parsed: Parsed, signature: Buffer): Error | undefined {
  const algo = parsed.sigAlgo;
  const tbs = parsed.csr.rawTBS;
  if (!algo || (algo.hash === '' && algo.key !== 'Ed25519')) return unsupportedAlgorithm();
  if (algo.hash === 'md5') return new Error(`x509: cannot verify signature: insecure algorithm ${algo.name}`);
  const key = parsed.key;
  if (!key || key.algorithm === 'DSA' || key.algorithm === 'Unknown' || !key.key) return unsupportedAlgorithm();
  if (key.algorithm !== algo.key) return new Error(`x509: signature algorithm specifies an ${algo.key} public key, but have public key of type ${goKeyType[key.algorithm]}`);
  if (key.algorithm === 'RSA') return rsaError(key, algo, tbs, signature);
  const ok = safeVerify(() => verify(algo.hash || null, tbs, key.algorithm === 'ECDSA' ? { key: key.key!, dsaEncoding: 'der' } : key.key!, signature));
  if (ok) return undefined;
  return new Error(key.algorithm === 'ECDSA' ? 'x509: ECDSA verification failure' : 'x509: Ed25519 verification failure');
}

/** rsa.VerifyPKCS1v15 and rsa.VerifyPSS: the key's size and exponent are checked before the signature. */
function rsaError(key: ParsedKey, algo: SignatureAlgorithmDetails, tbs: Buffer, signature: Buffer): Error | undefined {
  const r = key.rsa!;
  if (r.bits < 1024) return new Error(`crypto/rsa: ${r.bits}-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)`);
  if (!r.modulusOdd) return new Error('crypto/rsa: public modulus is even');
  if (r.exponent < 2n) return new Error('crypto/rsa: public exponent too small or negative');
  if ((r.exponent & 1n) === 0n) return new Error('crypto/rsa: public exponent is even');
  const hashLength = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 }[algo.hash as 'sha1'];
  const options = algo.pss ? { key: key.key!, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: hashLength } : key.key!;
  return safeVerify(() => verify(algo.hash, tbs, options, signature)) ? undefined : new Error('crypto/rsa: verification error');
}

/** node:crypto's verify, where a signature it cannot even read is a failed one, as for Go. */
function safeVerify(f: () => boolean): boolean {
  try {
    return f();
  } catch {
    return false;
  }
}

/** (*CertificateRequest).CheckSignature: throws Go's error when the request's signature does not hold. */
export function checkSignature(csr: CertificateRequest): void {
  const parsed = parsedRequests.get(csr) ?? parseRequest(csr.raw);
  const err = signatureError({ ...parsed, csr: { ...parsed.csr, rawTBS: csr.rawTBS } }, csr.signature);
  if (err) throw err;
}

// ---- encoding/pem ----

export interface PEMBlock {
  type: string;
  headers: Map<string, string>;
  bytes: Buffer;
}

/** getLine: one line without its line ending or trailing spaces and tabs, and the rest. */
function getLine(data: string): [string, string] {
  let i = data.indexOf('\n');
  let j: number;
  if (i < 0) {
    i = data.length;
    j = i;
  } else {
    j = i + 1;
    if (i > 0 && data[i - 1] === '\r') i--;
  }
  return [data.slice(0, i).replace(/[ \t]+$/, ''), data.slice(j)];
}

/** base64.StdEncoding.Decode as pem uses it: line breaks skipped, padding required, nothing else tolerated. */
function decodeStdBase64(s: string): Buffer | undefined {
  const clean = s.replace(/[\r\n]/g, '');
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(={0,2})$/.test(clean)) return undefined;
  return Buffer.from(clean, 'base64');
}

/** pem.Decode: the first well-formed PEM block and the data after it, or undefined (skipping malformed ones). */
export function pemDecode(input: Buffer | string): { block: PEMBlock; rest: Buffer } | undefined {
  const data = typeof input === 'string' ? input : input.toString('latin1');
  let rest = data;
  for (;;) {
    if (rest.startsWith('-----BEGIN ')) rest = rest.slice('-----BEGIN '.length);
    else {
      const at = rest.indexOf('\n-----BEGIN ');
      if (at < 0) return undefined;
      rest = rest.slice(at + '\n-----BEGIN '.length);
    }
    let typeLine: string;
    [typeLine, rest] = getLine(rest);
    if (!typeLine.endsWith('-----')) continue;
    typeLine = typeLine.slice(0, -5);
    const headers = new Map<string, string>();
    let truncated = false;
    for (;;) {
      if (rest.length === 0) {
        truncated = true;
        break;
      }
      const [line, next] = getLine(rest);
      const colon = line.indexOf(':');
      if (colon < 0) break;
      headers.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
      rest = next;
    }
    if (truncated) return undefined;
    let endIndex: number;
    let endTrailerIndex: number;
    if (headers.size === 0 && rest.startsWith('-----END ')) {
      endIndex = 0;
      endTrailerIndex = '-----END '.length;
    } else {
      endIndex = rest.indexOf('\n-----END ');
      endTrailerIndex = endIndex + '\n-----END '.length;
    }
    if (endIndex < 0) continue;
    let endTrailer = rest.slice(endTrailerIndex);
    const endTrailerLen = typeLine.length + 5;
    if (endTrailer.length < endTrailerLen) continue;
    const restOfEndLine = endTrailer.slice(endTrailerLen);
    endTrailer = endTrailer.slice(0, endTrailerLen);
    if (!endTrailer.startsWith(typeLine) || !endTrailer.endsWith('-----')) continue;
    if (getLine(restOfEndLine)[0].length !== 0) continue;
    const bytes = decodeStdBase64(rest.slice(0, endIndex).replace(/[ \t]/g, ''));
    if (!bytes) continue;
    const after = getLine(rest.slice(endIndex + '\n-----END '.length - 1))[1];
    return { block: { type: Buffer.from(typeLine, 'latin1').toString('utf8'), headers, bytes }, rest: Buffer.from(after, 'latin1') };
  }
}

/** Kubernetes' ParseCSR: the first PEM block must be a CERTIFICATE REQUEST, parsed as Go parses it. */
export function parseCSR(pem: Buffer | string): CertificateRequest {
  const decoded = pemDecode(pem);
  if (!decoded || decoded.block.type !== 'CERTIFICATE REQUEST') throw new Error('PEM block type must be CERTIFICATE REQUEST');
  return parseCertificateRequest(decoded.block.bytes);
}

// ---- certificates (parser.go parseCertificate) ----

/** parseAI: an OID and, if anything follows, one element of parameters. */
function parseAI(der: Buffer): AlgorithmIdentifier {
  const r = new DerReader(der);
  const algorithm = r.readOID();
  if (!algorithm) throw new Error('x509: malformed OID');
  if (r.empty()) return { algorithm, parameters: Buffer.alloc(0) };
  const params = r.readAny();
  if (!params) throw new Error('x509: malformed parameters');
  return { algorithm, parameters: params.full };
}

/** UTCTime and GeneralizedTime as cryptobyte reads them: digits to the second, then Z or an offset. */
function readTime(r: DerReader): void {
  const utc = r.peek(0x17);
  if (!utc && !r.peek(0x18)) throw new Error('x509: unsupported time format');
  const body = r.read(utc ? 0x17 : 0x18);
  const m = body && (utc ? /^\d{2}(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|[+-]\d{4})$/ : /^\d{4}(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|[+-]\d{4})$/).exec(body.toString('latin1'));
  const [month, day, hour, minute, second] = (m ?? []).slice(1, 6).map(Number);
  if (!m || month! < 1 || month! > 12 || day! < 1 || day! > 31 || hour! > 23 || minute! > 59 || second! > 59) throw new Error(`x509: malformed ${utc ? 'UTCTime' : 'GeneralizedTime'}`);
}

/** parseASN1String: the string types of a Name attribute value, with parser.go's errors. */
function parseASN1String(tag: number, value: Buffer): string {
  const ok =
    tag === 0x14 ||
    (tag === 0x13 && value.every((b) => asn1Printable(b))) ||
    (tag === 0x0c && validUTF8(value)) ||
    (tag === 0x1e && value.length % 2 === 0) ||
    (tag === 0x16 && isIA5(value)) ||
    (tag === 0x12 && value.every((b) => (b >= 0x30 && b <= 0x39) || b === 0x20));
  const names: Record<number, string> = { 0x13: 'PrintableString', 0x0c: 'UTF-8 string', 0x1e: 'BMPString', 0x16: 'IA5String', 0x12: 'NumericString' };
  if (!ok) throw new Error(`invalid ${names[tag]}`);
  return tag === 0x0c ? value.toString('utf8') : value.toString('latin1');
}

/** readASN1Any: an attribute value, checked as its type requires. */
function readASN1Any(r: DerReader): string | undefined {
  const e = r.readAny();
  if (!e) throw new Error('invalid ASN.1 element');
  const one = new DerReader(e.full);
  switch (e.tag) {
    case 0x14:
    case 0x13:
    case 0x0c:
    case 0x1e:
    case 0x16:
    case 0x12:
      return parseASN1String(e.tag, e.body);
    case 0x02:
      if (!one.readInteger() || e.body.length > 8) throw new Error('invalid ASN.1 integer');
      return undefined;
    case 0x03:
      if (!one.readBitString()) throw new Error('invalid ASN.1 BIT STRING');
      return undefined;
    case 0x06:
      if (!one.readOID()) throw new Error('invalid ASN.1 OBJECT IDENTIFIER');
      return undefined;
    case 0x17:
    case 0x18:
      readTime(one);
      return undefined;
    case 0x01:
      if (one.readBoolean() === undefined) throw new Error('invalid ASN.1 BOOLEAN');
      return undefined;
  }
}

/** parseName: an RDNSequence of SETs of type-and-value SEQUENCEs. */
function parseName(raw: Buffer): Subject {
  const seq = new DerReader(raw).read(0x30);
  if (!seq) throw new Error('x509: invalid RDNSequence');
  const r = new DerReader(seq);
  const attributes: [number[], string | undefined][] = [];
  while (!r.empty()) {
    const set = r.read(0x31);
    if (!set) throw new Error('x509: invalid RDNSequence');
    const s = new DerReader(set);
    while (!s.empty()) {
      const atv = s.read(0x30);
      if (!atv) throw new Error('x509: invalid RDNSequence: invalid attribute');
      const a = new DerReader(atv);
      const type = a.readOID();
      if (!type) throw new Error('x509: invalid RDNSequence: invalid attribute type');
      try {
        attributes.push([type, readASN1Any(a)]);
      } catch (e) {
        throw new Error(`x509: invalid RDNSequence: invalid attribute value: ${(e as Error).message}`);
      }
    }
  }
  return fillFromRDNSequence(attributes);
}

/** parseExtension: an OID, an optional critical flag, the value as an OCTET STRING. */
function parseExtension(der: Buffer): { id: number[]; critical: boolean; value: Buffer } {
  const r = new DerReader(der);
  const id = r.readOID();
  if (!id) throw new Error('x509: malformed extension OID field');
  let critical = false;
  if (r.peek(0x01)) {
    const c = r.readBoolean();
    if (c === undefined) throw new Error('x509: malformed extension critical field');
    critical = c;
  }
  const value = r.read(0x04);
  if (!value) throw new Error('x509: malformed extension value field');
  return { id, critical, value };
}

/** A SEQUENCE OF the given reads, or `message` when anything in it does not read. */
function sequenceOf(value: Buffer, message: string, each: (r: DerReader) => boolean): void {
  const seq = new DerReader(value).read(0x30);
  if (!seq) throw new Error(message);
  const r = new DerReader(seq);
  while (!r.empty()) if (!each(r)) throw new Error(message);
}

/** parseBasicConstraintsExtension: a SEQUENCE of an optional BOOLEAN and an optional non-negative INTEGER. */
function basicConstraintsValid(value: Buffer): boolean {
  const seq = new DerReader(value).read(0x30);
  if (!seq) return false;
  const r = new DerReader(seq);
  if (r.peek(0x01) && r.readBoolean() === undefined) return false;
  if (!r.peek(0x02)) return true;
  const i = r.readInteger();
  return !!i && !(i[0]! & 0x80);
}

/** processExtensions: each extension Go understands must be well formed; unknown ones are not read. */
function processExtension(e: { id: number[]; critical: boolean; value: Buffer }): void {
  const v = () => new DerReader(e.value);
  if (e.id.length === 4 && e.id[0] === 2 && e.id[1] === 5 && e.id[2] === 29) {
    switch (e.id[3]) {
      case 15:
        if (!v().readBitString()) throw new Error('x509: invalid key usage');
        return;
      case 19:
        if (!basicConstraintsValid(e.value)) throw new Error('x509: invalid basic constraints');
        return;
      case 17:
        parseSANExtension(e.value);
        return;
      case 30:
        if (!v().read(0x30)) throw new Error('x509: invalid NameConstraints extension');
        return;
      case 31:
        if (!v().read(0x30)) throw new Error('x509: invalid CRL distribution points');
        sequenceOf(e.value, 'x509: invalid CRL distribution point', (r) => r.read(0x30) !== undefined);
        return;
      case 35: {
        if (e.critical) throw new Error('x509: authority key identifier incorrectly marked critical');
        const akid = v().read(0x30);
        if (!akid || (akid[0] === 0x80 && new DerReader(akid).read(0x80) === undefined)) throw new Error('x509: invalid authority key identifier');
        return;
      }
      case 36:
        if (!v().read(0x30)) throw new Error('x509: invalid policy constraints extension');
        return;
      case 37:
        sequenceOf(e.value, 'x509: invalid extended key usages', (r) => r.readOID() !== undefined);
        return;
      case 14:
        if (e.critical) throw new Error('x509: subject key identifier incorrectly marked critical');
        if (!v().read(0x04)) throw new Error('x509: invalid subject key identifier');
        return;
      case 32:
        sequenceOf(e.value, 'x509: invalid certificate policies', (r) => {
          const cp = r.read(0x30);
          return cp !== undefined && new DerReader(cp).readOID() !== undefined;
        });
        return;
      case 33:
        sequenceOf(e.value, 'x509: invalid policy mappings extension', (r) => {
          const m = r.read(0x30);
          const p = m && new DerReader(m);
          return !!p && !!p.readOID() && !!p.readOID();
        });
        return;
      case 54:
        if (!v().readInteger()) throw new Error('x509: invalid inhibit any policy extension');
        return;
    }
    return;
  }
  if (oidEquals(e.id, [1, 3, 6, 1, 5, 5, 7, 1, 1])) {
    if (e.critical) throw new Error('x509: authority info access incorrectly marked critical');
    sequenceOf(e.value, 'x509: invalid authority info access', (r) => {
      const aia = r.read(0x30);
      const a = aia && new DerReader(aia);
      return !!a && !!a.readOID() && (!a.peek(0x86) || a.read(0x86) !== undefined);
    });
  }
}

/** parseCertificate: one certificate from the front of `der`, returning its length. */
function parseOneCertificate(der: Buffer): { length: number; rawSubject: Buffer; subject: Subject } {
  const input = new DerReader(der);
  const raw = input.readElement(0x30);
  if (!raw) throw new Error('x509: malformed certificate');
  const certSeq = new DerReader(raw).read(0x30);
  if (!certSeq) throw new Error('x509: malformed certificate');
  const cert = new DerReader(certSeq);
  const tbsRaw = cert.readElement(0x30);
  if (!tbsRaw) throw new Error('x509: malformed tbs certificate');
  const tbsBody = new DerReader(tbsRaw).read(0x30);
  if (!tbsBody) throw new Error('x509: malformed tbs certificate');
  const tbs = new DerReader(tbsBody);
  let version = 0;
  const v = tbs.readOptional(0xa0);
  if (!v) throw new Error('x509: malformed version');
  if (v.present) {
    const vr = new DerReader(v.body);
    const i = vr.readInteger();
    if (!i || !vr.empty() || i.length > 8) throw new Error('x509: malformed version');
    version = Number(bigIntOf(i));
  }
  if (version < 0 || version > 3) throw new Error('x509: malformed version');
  version++;
  if (version > 3) throw new Error('x509: invalid version');
  const serial = tbs.readInteger();
  if (!serial) throw new Error('x509: malformed serial number');
  if (serial[0]! & 0x80) throw new Error('x509: negative serial number');
  const sigAIElement = tbs.readElement(0x30);
  const sigAISeq = sigAIElement && new DerReader(sigAIElement).read(0x30);
  if (!sigAISeq) throw new Error('x509: malformed signature algorithm identifier');
  const outerSigAI = cert.read(0x30);
  if (!outerSigAI) throw new Error('x509: malformed algorithm identifier');
  if (!outerSigAI.equals(sigAISeq)) throw new Error("x509: inner and outer signature algorithm identifiers don't match");
  parseAI(sigAISeq);
  const issuer = tbs.readElement(0x30);
  if (!issuer) throw new Error('x509: malformed issuer');
  parseName(issuer);
  const validity = tbs.read(0x30);
  if (!validity) throw new Error('x509: malformed validity');
  const vr = new DerReader(validity);
  readTime(vr);
  readTime(vr);
  const rawSubject = tbs.readElement(0x30);
  if (!rawSubject) throw new Error('x509: malformed issuer');
  const subject = parseName(rawSubject);
  parseCertificateKey(tbs);
  if (version > 1) {
    if (tbs.peek(0x81) && tbs.read(0x81) === undefined) throw new Error('x509: malformed issuerUniqueID');
    if (tbs.peek(0x82) && tbs.read(0x82) === undefined) throw new Error('x509: malformed subjectUniqueID');
    if (version === 3) parseCertificateExtensions(tbs);
  }
  if (!cert.readBitString()) throw new Error('x509: malformed signature');
  return { length: raw.length, rawSubject, subject };
}

/** A certificate's SubjectPublicKeyInfo, parsed as a request's is when Go knows the algorithm. */
function parseCertificateKey(tbs: DerReader): void {
  const spki = tbs.readElement(0x30);
  const body = spki && new DerReader(spki).read(0x30);
  if (!spki || !body) throw new Error('x509: malformed spki');
  const r = new DerReader(body);
  const aiSeq = r.read(0x30);
  if (!aiSeq) throw new Error('x509: malformed public key algorithm identifier');
  const ai = parseAI(aiSeq);
  const bits = r.readBitString();
  if (!bits) throw new Error('x509: malformed subjectPublicKey');
  if (publicKeyAlgorithmOf(ai.algorithm) !== 'Unknown') parsePublicKey(spki, ai.algorithm, ai.parameters, bits);
}

/** The [3] extensions of a v3 certificate: each well formed, none twice. */
function parseCertificateExtensions(tbs: DerReader): void {
  const ext = tbs.readOptional(0xa3);
  if (!ext) throw new Error('x509: malformed extensions');
  if (!ext.present) return;
  const seq = new DerReader(ext.body).read(0x30);
  if (!seq) throw new Error('x509: malformed extensions');
  const r = new DerReader(seq);
  const seen = new Set<string>();
  const all: ReturnType<typeof parseExtension>[] = [];
  while (!r.empty()) {
    const one = r.read(0x30);
    if (!one) throw new Error('x509: malformed extension');
    const e = parseExtension(one);
    if (seen.has(oidText(e.id))) throw new Error(`x509: certificate contains duplicate extension with OID ${goQuote(oidText(e.id))}`);
    seen.add(oidText(e.id));
    all.push(e);
  }
  all.forEach(processExtension);
}

/** x509.ParseCertificates: certificates concatenated with nothing between; how many there were. */
export function parseCertificates(der: Buffer): number {
  let count = 0;
  for (let rest = der; rest.length > 0; count++) rest = rest.subarray(parseOneCertificate(rest).length);
  return count;
}

/** x509.ParseCertificate, for what its callers here read: the subject, parsed and as sent (DER). */
export function parseCertificate(der: Buffer): { rawSubject: Buffer; subject: CertificateRequest['subject'] } {
  const { length, rawSubject, subject } = parseOneCertificate(der);
  if (length !== der.length) throw new Error('x509: trailing data');
  return { rawSubject, subject };
}
