// apimachinery's name and syntax checks: the same verdicts and the same words as Kubernetes.

import assert from 'node:assert/strict';
import { FieldPath, formatFieldError } from '../../../engine/api/errors.js';
import {
  isCIdentifier,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isValidCIDR,
  isValidIP,
  isValidLabelValue,
  isValidPercent,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
  nameIsDNSSubdomain,
  validateAnnotations,
  validateLabels,
  validateObjectMeta,
  validatePathSegmentName,
} from '../../../engine/api/validation/names.js';

const subdomainMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const labelMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

describe('apimachinery name rules', () => {
  it('DNS-1123 subdomain: accepts dotted lower-case names, explains the rule otherwise', () => {
    for (const ok of ['a', 'ab', 'a-b', '0', 'a.b', '1.2.3', 'a'.repeat(253)]) assert.deepEqual(isDNS1123Subdomain(ok), [], ok);
    assert.deepEqual(isDNS1123Subdomain('Web'), [subdomainMsg]);
    assert.deepEqual(isDNS1123Subdomain('a..b'), [subdomainMsg]);
    assert.deepEqual(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
  });

  it('DNS-1123 label: a subdomain with dots is told about its dots', () => {
    assert.deepEqual(isDNS1123Label('my-name'), []);
    assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
    assert.deepEqual(isDNS1123Label('-a'), [labelMsg]);
    assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
  });

  it('DNS-1035 label: must start with a letter', () => {
    assert.deepEqual(isDNS1035Label('web'), []);
    assert.deepEqual(isDNS1035Label('1web'), [
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
  });

  it('qualified names: optional DNS prefix, 63-character name part', () => {
    for (const ok of ['simple', 'now-with-dashes', '1-starts-with-num', 'example.com/MyName', 'k8s.io/a_b.c']) assert.deepEqual(isQualifiedName(ok), [], ok);
    assert.deepEqual(isQualifiedName('/name'), ['prefix part must be non-empty']);
    assert.deepEqual(isQualifiedName('Example.com/x'), [`prefix part ${subdomainMsg}`]);
    assert.deepEqual(isQualifiedName('a/b/c'), [
      "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]);
    assert.deepEqual(isQualifiedName('x/'), [
      'name part must be non-empty',
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]);
    assert.deepEqual(isQualifiedName('a'.repeat(64)), ['name part must be no more than 63 characters']);
  });

  it('label values may be empty but not start with a dash', () => {
    assert.deepEqual(isValidLabelValue(''), []);
    assert.deepEqual(isValidLabelValue('v1.2_x'), []);
    assert.deepEqual(isValidLabelValue('-x'), [
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]);
  });

  it('ports: numbers 1–65535, IANA service names', () => {
    assert.deepEqual(isValidPortNum(80), []);
    assert.deepEqual(isValidPortNum(0), ['must be between 1 and 65535, inclusive']);
    assert.deepEqual(isValidPortNum(65536), ['must be between 1 and 65535, inclusive']);
    assert.deepEqual(isValidPortName('http'), []);
    assert.deepEqual(isValidPortName('8080'), ['must contain at least one letter (a-z)']);
    assert.deepEqual(isValidPortName('-a--b'), ['must not contain consecutive hyphens', 'must not begin or end with a hyphen']);
    assert.deepEqual(isValidPortName('Http'), ['must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)']);
    assert.deepEqual(isValidPortName('a-very-long-port-name'), ['must be no more than 15 characters']);
  });

  it('environment variable names, config keys and C identifiers', () => {
    assert.deepEqual(isEnvVarName('MY_ENV.NAME'), []);
    assert.equal(isEnvVarName('1X').length, 1);
    assert.deepEqual(isEnvVarName('..x'), ["must not start with '..'"]);
    assert.deepEqual(isConfigMapKey('app.properties'), []);
    assert.deepEqual(isConfigMapKey('a/b'), [
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
    assert.deepEqual(isConfigMapKey('..'), ["must not be '..'"]);
    assert.deepEqual(isCIdentifier('_ok1'), []);
    assert.equal(isCIdentifier('1no').length, 1);
  });

  it('percent, wildcard hosts, IPs and CIDRs', () => {
    assert.deepEqual(isValidPercent('25%'), []);
    assert.equal(isValidPercent('25').length, 1);
    assert.deepEqual(isWildcardDNS1123Subdomain('*.example.com'), []);
    assert.equal(isWildcardDNS1123Subdomain('*.*.example.com').length, 1);
    for (const ok of ['10.0.0.1', '010.000.000.001', '::1', '2001:db8::ffff', '::ffff:1.2.3.4', 'fe80:0:0:0:0:0:0:1']) assert.deepEqual(isValidIP(ok), [], ok);
    for (const bad of ['1.2.3', '256.1.1.1', '1:2:3:4:5:6:7:8:9', 'a::b::c', 'x']) assert.equal(isValidIP(bad).length, 1, bad);
    for (const ok of ['::1.2.3.4', '1::1.2.3.4', '1:2:3:4:5:6:1.2.3.4']) assert.deepEqual(isValidIP(ok), [], ok);
    for (const bad of ['1:2:3:4:5:6:7:1.2.3.4', '::1.2.3', ':::1']) assert.equal(isValidIP(bad).length, 1, bad);
    assert.deepEqual(isValidCIDR('10.0.0.0/8'), []);
    assert.deepEqual(isValidCIDR('fd00::/64'), []);
    assert.equal(isValidCIDR('10.0.0.0/33').length, 1);
  });

  it('path-segment names (RBAC) forbid only "/", "%", "." and ".."', () => {
    assert.deepEqual(validatePathSegmentName('system:controller:x', false), []);
    assert.deepEqual(validatePathSegmentName('..', false), ["may not be '..'"]);
    assert.deepEqual(validatePathSegmentName('a/b%c', false), ["may not contain '/'", "may not contain '%'"]);
  });

  it('a generateName may end with a dash', () => {
    assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
    assert.deepEqual(nameIsDNSSubdomain('web-', false), [subdomainMsg]);
  });
});

describe('ObjectMeta validation', () => {
  const meta = FieldPath.root('metadata');
  const fmt = (errs: ReturnType<typeof validateLabels>) => errs.map(formatFieldError);

  it('a well-formed namespaced object passes', () => {
    assert.deepEqual(
      validateObjectMeta({ name: 'web', namespace: 'default', labels: { app: 'web', 'app.kubernetes.io/name': 'web' }, annotations: { 'Example.com/Note': 'x' } }, true, nameIsDNSSubdomain),
      [],
    );
  });

  it('reports name, namespace and label errors at their metadata paths', () => {
    assert.deepEqual(fmt(validateObjectMeta({ name: 'Web', labels: { app: '-web' } }, true, nameIsDNSSubdomain)), [
      `metadata.name: Invalid value: "Web": ${subdomainMsg}`,
      'metadata.namespace: Required value',
      `metadata.labels: Invalid value: "-web": ${isValidLabelValue('-web')[0]}`,
    ]);
    assert.deepEqual(fmt(validateObjectMeta({}, false, nameIsDNSSubdomain)), ['metadata.name: Required value: name or generateName is required']);
    assert.deepEqual(fmt(validateObjectMeta({ name: 'n', namespace: 'x' }, false, nameIsDNSSubdomain)), ['metadata.namespace: Forbidden: not allowed on this type']);
  });

  it('annotations together may not exceed 256 KiB', () => {
    assert.deepEqual(validateAnnotations({ a: 'x'.repeat(262143) }, meta.child('annotations')), []);
    assert.deepEqual(fmt(validateAnnotations({ a: 'x'.repeat(262144) }, meta.child('annotations'))), ['metadata.annotations: Too long: must have at most 262144 bytes']);
  });

  it('only one owner reference may be the controller', () => {
    const refs = [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: true },
    ];
    const errs = validateObjectMeta({ name: 'p', namespace: 'd', ownerReferences: refs }, true, nameIsDNSSubdomain);
    assert.equal(errs.length, 1);
    assert.equal(errs[0].field, 'metadata.ownerReferences');
    assert.equal(errs[0].detail, 'Only one reference can have Controller set to true. Found "true" in references for a and b');
  });
});
