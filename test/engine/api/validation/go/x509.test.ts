// Go's crypto/x509 certificate-request parsing and signature check, and Kubernetes' ParseCSR: requests
// made by openssl from keys node:crypto generates, read back as Go reads them, with Go's errors for
// tampered and malformed input.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkSignature, parseCertificateRequest, parseCertificates, parseCSR, pemDecode } from '../../../../../engine/api/validation/go/x509.js';

let dir: string;
before(() => (dir = mkdtempSync(path.join(tmpdir(), 'x509-test-'))));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A PEM certificate request for `key`, as `openssl req -new` makes one. */
function opensslCSR(key: KeyObject, subject: string, ...extra: string[]): string {
  const keyFile = path.join(dir, 'key.pem');
  writeFileSync(keyFile, key.export({ type: 'pkcs8', format: 'pem' }));
  return execFileSync('openssl', ['req', '-new', '-key', keyFile, '-subj', subject, ...extra], { encoding: 'utf8' });
}

/** DER built by hand, for requests openssl would not make. */
const tlv = (tag: number, body: Buffer): Buffer => Buffer.concat([Buffer.from(body.length < 0x80 ? [tag, body.length] : [tag, 0x81, body.length]), body]);
const seq = (...parts: Buffer[]): Buffer => tlv(0x30, Buffer.concat(parts));
const oid = (hex: string): Buffer => tlv(0x06, Buffer.from(hex, 'hex'));
const derOf = (pem: string): Buffer => pemDecode(pem)!.block.bytes;
const errorOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return 'no error';
};

const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const ec = (namedCurve: string) => generateKeyPairSync('ec', { namedCurve }).privateKey;
const ed25519 = () => generateKeyPairSync('ed25519').privateKey;
const san = 'subjectAltName=DNS:a.example,IP:10.0.0.1,IP:2001:db8::1,email:j@example.com,URI:https://x.example/p';

describe('x509.ParseCertificateRequest and CheckSignature', () => {
  const cases: [string, () => KeyObject, string[], string, string][] = [
    ['RSA with SHA-256', rsa, [], 'RSA', 'SHA256-RSA'],
    ['RSA with SHA-384', rsa, ['-sha384'], 'RSA', 'SHA384-RSA'],
    ['RSA with SHA-512', rsa, ['-sha512'], 'RSA', 'SHA512-RSA'],
    ['RSA with SHA-1 (still accepted for requests)', rsa, ['-sha1'], 'RSA', 'SHA1-RSA'],
    ['RSA-PSS', rsa, ['-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:digest'], 'RSA', 'SHA256-RSAPSS'],
    ['ECDSA P-256', () => ec('P-256'), [], 'ECDSA', 'ECDSA-SHA256'],
    ['ECDSA P-384 with SHA-384', () => ec('P-384'), ['-sha384'], 'ECDSA', 'ECDSA-SHA384'],
    ['ECDSA P-521 with SHA-512', () => ec('P-521'), ['-sha512'], 'ECDSA', 'ECDSA-SHA512'],
    ['Ed25519', ed25519, [], 'Ed25519', 'Ed25519'],
  ];
  for (const [name, key, extra, keyAlgorithm, signatureAlgorithm] of cases) {
    it(`reads and verifies ${name}`, () => {
      const csr = parseCSR(opensslCSR(key(), '/CN=jane/O=devs/O=admins/OU=eng/C=NL', ...extra));
      assert.equal(csr.publicKeyAlgorithm, keyAlgorithm);
      assert.equal(csr.signatureAlgorithm, signatureAlgorithm);
      assert.deepEqual(csr.subject, { commonName: 'jane', organization: ['devs', 'admins'], organizationalUnit: ['eng'], country: ['NL'], locality: [], province: [], serialNumber: '' });
      assert.deepEqual([csr.dnsNames, csr.emailAddresses, csr.ipAddresses, csr.uris], [[], [], [], []]);
      checkSignature(csr);
    });
  }

  it('keeps the raw parts: the signed info, the subject and the public key, exactly as sent', () => {
    const key = ec('P-256');
    const csr = parseCSR(opensslCSR(key, '/CN=jane/O=devs'));
    assert.equal(csr.raw[0], 0x30);
    assert.ok(csr.raw.includes(csr.rawTBS) && csr.rawTBS.includes(csr.rawSubject) && csr.rawTBS.includes(csr.rawSubjectPublicKeyInfo));
    assert.deepEqual(csr.rawSubjectPublicKeyInfo, createPublicKey(key).export({ type: 'spki', format: 'der' }));
    assert.ok(csr.publicKey.equals(createPublicKey(key)));
  });

  it('reads the requested subjectAltName as Go lists it', () => {
    const csr = parseCSR(opensslCSR(rsa(), '/CN=jane', '-addext', san));
    assert.deepEqual(csr.dnsNames, ['a.example']);
    assert.deepEqual(csr.ipAddresses, ['10.0.0.1', '2001:db8::1']);
    assert.deepEqual(csr.emailAddresses, ['j@example.com']);
    assert.deepEqual(csr.uris, ['https://x.example/p']);
    checkSignature(csr);
  });

  it('refuses a request whose signature was tampered with', () => {
    for (const [key, message] of [
      [ec('P-256'), 'x509: ECDSA verification failure'],
      [rsa(), 'crypto/rsa: verification error'],
      [ed25519(), 'x509: Ed25519 verification failure'],
    ] as const) {
      const der = Buffer.from(derOf(opensslCSR(key, '/CN=jane')));
      der[der.length - 5] ^= 0x01;
      assert.equal(errorOf(() => checkSignature(parseCertificateRequest(der))), message);
    }
  });

  it('refuses a request whose signed info was changed after signing', () => {
    const der = Buffer.from(derOf(opensslCSR(rsa(), '/CN=jane')));
    const at = der.indexOf(Buffer.from('jane'));
    der.write('joan', at, 'latin1');
    const csr = parseCertificateRequest(der);
    assert.equal(csr.subject.commonName, 'joan');
    assert.equal(errorOf(() => checkSignature(csr)), 'crypto/rsa: verification error');
  });

  it("refuses a key of one type under another type's signature algorithm", () => {
    const csr = parseCSR(opensslCSR(ec('P-256'), '/CN=jane'));
    const resigned = (algorithm: Buffer) => parseCertificateRequest(seq(csr.rawTBS, algorithm, tlv(0x03, Buffer.concat([Buffer.from([0]), csr.signature]))));
    assert.equal(errorOf(() => checkSignature(resigned(seq(oid('2a864886f70d01010b'), tlv(0x05, Buffer.alloc(0)))))), 'x509: signature algorithm specifies an RSA public key, but have public key of type *ecdsa.PublicKey');
    assert.equal(errorOf(() => checkSignature(resigned(seq(oid('2a8648ce3d040303'))))), 'x509: ECDSA verification failure');
    assert.equal(errorOf(() => checkSignature(resigned(seq(oid('2a864886f70d010104'))))), 'x509: cannot verify signature: insecure algorithm MD5-RSA');
    assert.equal(errorOf(() => checkSignature(resigned(seq(oid('2a03'))))), 'x509: cannot verify signature: algorithm unimplemented');
    assert.equal(resigned(seq(oid('2a03'))).signatureAlgorithm, '0');
    checkSignature(resigned(seq(oid('2a8648ce3d040302'))));
  });

  it("gives encoding/asn1's errors for malformed DER", () => {
    const der = derOf(opensslCSR(ec('P-256'), '/CN=jane'));
    assert.equal(errorOf(() => parseCertificateRequest(der.subarray(0, der.length - 10))), 'asn1: syntax error: data truncated');
    assert.equal(errorOf(() => parseCertificateRequest(Buffer.alloc(0))), 'asn1: syntax error: sequence truncated');
    assert.equal(errorOf(() => parseCertificateRequest(Buffer.concat([der, Buffer.from([0])]))), 'asn1: syntax error: trailing data');
    assert.equal(
      errorOf(() => parseCertificateRequest(Buffer.from([0x02, 0x01, 0x00]))),
      "asn1: structure error: tags don't match (16 vs {class:0 tag:2 length:1 isCompound:false}) {optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> stringType:0 timeType:0 set:false omitEmpty:false} certificateRequest @2",
    );
    assert.equal(errorOf(() => parseCertificateRequest(Buffer.from([0x30, 0x80]))), 'asn1: syntax error: indefinite length found (not DER)');
    assert.equal(errorOf(() => parseCertificateRequest(Buffer.from([0x30, 0x81, 0x05, 0, 0, 0, 0, 0]))), 'asn1: structure error: non-minimal length');
  });

  it('checks the public key as Go does', () => {
    const request = (spki: Buffer) => seq(seq(tlv(0x02, Buffer.from([0])), seq(), spki, tlv(0xa0, Buffer.alloc(0))), seq(oid('2b6570')), tlv(0x03, Buffer.alloc(65)));
    const ed25519Key = (n: number) => seq(seq(oid('2b6570')), tlv(0x03, Buffer.alloc(n + 1)));
    assert.equal(errorOf(() => parseCertificateRequest(request(ed25519Key(31)))), 'x509: wrong Ed25519 public key size');
    assert.equal(errorOf(() => parseCertificateRequest(request(seq(seq(oid('2b6570'), tlv(0x05, Buffer.alloc(0))), tlv(0x03, Buffer.alloc(33)))))), 'x509: Ed25519 key encoded with illegal parameters');
    assert.equal(errorOf(() => parseCertificateRequest(request(seq(seq(oid('2a864886f70d010101')), tlv(0x03, Buffer.alloc(3)))))), 'x509: RSA key missing NULL parameters');
    assert.equal(errorOf(() => parseCertificateRequest(request(seq(seq(oid('2a8648ce3d0201'), oid('2a8648ce3d030101')), tlv(0x03, Buffer.alloc(3)))))), 'x509: unsupported elliptic curve');
    // A key algorithm Go does not know parses, but leaves nothing to verify with.
    assert.equal(errorOf(() => parseCertificateRequest(request(seq(seq(oid('2a03')), tlv(0x03, Buffer.alloc(3)))))), 'x509: cannot verify signature: algorithm unimplemented');
    // An all-zero key of the right size is not a point on the curve.
    assert.equal(errorOf(() => checkSignature(parseCertificateRequest(request(ed25519Key(32))))), 'x509: Ed25519 verification failure');
  });
});

describe("Kubernetes' ParseCSR", () => {
  it('wants the first PEM block to be a CERTIFICATE REQUEST', () => {
    const pem = opensslCSR(ec('P-256'), '/CN=jane');
    assert.equal(errorOf(() => parseCSR(pem.replace(/CERTIFICATE REQUEST/g, 'CERTIFICATE'))), 'PEM block type must be CERTIFICATE REQUEST');
    assert.equal(errorOf(() => parseCSR('not PEM at all')), 'PEM block type must be CERTIFICATE REQUEST');
    assert.equal(errorOf(() => parseCSR(Buffer.alloc(0))), 'PEM block type must be CERTIFICATE REQUEST');
    assert.equal(parseCSR(`explanatory text\n${pem}trailing text\n`).subject.commonName, 'jane');
  });

  it('reports what is wrong inside the block in Go words', () => {
    const body = Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]).toString('base64');
    assert.equal(
      errorOf(() => parseCSR(`-----BEGIN CERTIFICATE REQUEST-----\n${body}\n-----END CERTIFICATE REQUEST-----\n`)),
      "asn1: structure error: tags don't match (16 vs {class:0 tag:2 length:1 isCompound:false}) {optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> stringType:0 timeType:0 set:false omitEmpty:false} tbsCertificateRequest @2",
    );
  });
});

describe('encoding/pem Decode', () => {
  it('skips blocks whose base64 does not decode, and keeps headers', () => {
    const pem = '-----BEGIN X-----\n!!!!\n-----END X-----\n-----BEGIN Y-----\nProc-Type: 4,ENCRYPTED\n\nAAEC\n-----END Y-----\nrest';
    const d = pemDecode(pem)!;
    assert.equal(d.block.type, 'Y');
    assert.deepEqual([...d.block.headers], [['Proc-Type', '4,ENCRYPTED']]);
    assert.deepEqual([...d.block.bytes], [0, 1, 2]);
    assert.equal(d.rest.toString(), 'rest');
  });

  it('needs a matching END line', () => {
    assert.equal(pemDecode('-----BEGIN X-----\nAAEC\n-----END Y-----\n'), undefined);
  });
});

describe('x509.ParseCertificates', () => {
  it('reads certificates openssl makes, one or several concatenated', () => {
    const keyFile = path.join(dir, 'ca.pem');
    writeFileSync(keyFile, ec('P-256').export({ type: 'pkcs8', format: 'pem' }));
    const cert = execFileSync('openssl', ['req', '-x509', '-new', '-key', keyFile, '-subj', '/CN=ca', '-days', '1', '-addext', san], { encoding: 'utf8' });
    const der = derOf(cert);
    assert.equal(parseCertificates(der), 1);
    assert.equal(parseCertificates(Buffer.concat([der, der])), 2);
    assert.equal(parseCertificates(Buffer.alloc(0)), 0);
  });

  it("gives parser.go's errors for what is not a certificate", () => {
    assert.equal(errorOf(() => parseCertificates(Buffer.from('garbage'))), 'x509: malformed certificate');
    // A request read as a certificate: its subject stands where the signature algorithm should.
    assert.equal(errorOf(() => parseCertificates(derOf(opensslCSR(ec('P-256'), '/CN=jane')))), "x509: inner and outer signature algorithm identifiers don't match");
    assert.equal(errorOf(() => parseCertificates(seq(seq(tlv(0xa0, tlv(0x02, Buffer.from([5]))))))), 'x509: malformed version');
  });
});
