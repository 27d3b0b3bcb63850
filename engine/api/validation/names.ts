// apimachinery's syntax checks (k8s.io/apimachinery/pkg/util/validation, api/validate/content and
// api/validation/objectmeta.go): each returns Kubernetes' exact messages, so errors read as a real API server's.

import { FieldError, FieldPath, fieldError } from '../errors.js';

// ---- message builders (validation.go: RegexError, MaxLenError, EmptyError, InclusiveRangeError) ----

export function regexError(msg: string, fmt: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${fmt}')`;
  return `${msg} (e.g. ${examples.map((e) => `'${e}', `).join(' or ')}regex used for validation is '${fmt}')`;
}

export const maxLenError = (length: number): string => `must be no more than ${length} characters`;
export const emptyError = (): string => 'must be non-empty';
export const inclusiveRangeError = (lo: number, hi: number): string => `must be between ${lo} and ${hi}, inclusive`;

/** Go's len(string) counts UTF-8 bytes, not UTF-16 code units. */
const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

function anchored(fmt: string): RegExp {
  return new RegExp(`^(?:${fmt})$`);
}

// ---- label keys ("qualified names") and values ----

const labelKeyFmt = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const labelKeyErrMsg = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const labelKeyMaxLength = 63;
const labelKeyRegexp = anchored(labelKeyFmt);

/** IsQualifiedName (content.IsLabelKey): an optional DNS subdomain prefix and `/`, then a name of at most 63 characters. */
export function isQualifiedName(value: string): string[] {
  const errs: string[] = [];
  const parts = value.split('/');
  let name: string;
  switch (parts.length) {
    case 1:
      name = parts[0];
      break;
    case 2: {
      const prefix = parts[0];
      name = parts[1];
      if (prefix.length === 0) errs.push(`prefix part ${emptyError()}`);
      else errs.push(...isDNS1123Subdomain(prefix).map((m) => `prefix part ${m}`));
      break;
    }
    default:
      return [
        `a valid label key ${regexError(labelKeyErrMsg, labelKeyFmt, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
      ];
  }
  if (name.length === 0) errs.push(`name part ${emptyError()}`);
  else if (byteLength(name) > labelKeyMaxLength) errs.push(`name part ${maxLenError(labelKeyMaxLength)}`);
  if (!labelKeyRegexp.test(name)) errs.push(`name part ${regexError(labelKeyErrMsg, labelKeyFmt, 'MyName', 'my.name', '123-abc')}`);
  return errs;
}

const labelValueFmt = `(${labelKeyFmt})?`;
const labelValueErrMsg =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
export const labelValueMaxLength = 63;
const labelValueRegexp = anchored(labelValueFmt);

export function isValidLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > labelValueMaxLength) errs.push(maxLenError(labelValueMaxLength));
  if (!labelValueRegexp.test(value)) errs.push(regexError(labelValueErrMsg, labelValueFmt, 'MyValue', 'my_value', '12345'));
  return errs;
}

// ---- DNS names ----

const dns1123LabelFmt = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const dns1123LabelErrMsg =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
export const dns1123LabelMaxLength = 63;
const dns1123LabelRegexp = anchored(dns1123LabelFmt);

const dns1123SubdomainFmt = `${dns1123LabelFmt}(\\.${dns1123LabelFmt})*`;
const dns1123SubdomainErrorMsg =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
export const dns1123SubdomainMaxLength = 253;
const dns1123SubdomainRegexp = anchored(dns1123SubdomainFmt);

export function isDNS1123Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > dns1123LabelMaxLength) errs.push(maxLenError(dns1123LabelMaxLength));
  if (!dns1123LabelRegexp.test(value)) {
    // A valid subdomain that is not a valid label (length was checked above) can only differ by its dots.
    if (dns1123SubdomainRegexp.test(value)) errs.push('must not contain dots');
    else errs.push(regexError(dns1123LabelErrMsg, dns1123LabelFmt, 'my-name', '123-abc'));
  }
  return errs;
}

export function isDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > dns1123SubdomainMaxLength) errs.push(maxLenError(dns1123SubdomainMaxLength));
  if (!dns1123SubdomainRegexp.test(value)) errs.push(regexError(dns1123SubdomainErrorMsg, dns1123SubdomainFmt, 'example.com'));
  return errs;
}

const dns1035LabelFmt = '[a-z]([-a-z0-9]*[a-z0-9])?';
const dns1035LabelErrMsg =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
export const dns1035LabelMaxLength = 63;
const dns1035LabelRegexp = anchored(dns1035LabelFmt);

export function isDNS1035Label(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > dns1035LabelMaxLength) errs.push(maxLenError(dns1035LabelMaxLength));
  if (!dns1035LabelRegexp.test(value)) errs.push(regexError(dns1035LabelErrMsg, dns1035LabelFmt, 'my-name', 'abc-123'));
  return errs;
}

const wildcardDNS1123SubdomainFmt = `\\*\\.${dns1123SubdomainFmt}`;
const wildcardDNS1123SubdomainErrMsg =
  "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character";

/** RFC 1034 §4.3.3 wildcards as Ingress hosts allow them: `*.example.com`, never `*.*.x` or `f*.x`. */
export function isWildcardDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > dns1123SubdomainMaxLength) errs.push(maxLenError(dns1123SubdomainMaxLength));
  if (!anchored(wildcardDNS1123SubdomainFmt).test(value)) errs.push(regexError(wildcardDNS1123SubdomainErrMsg, wildcardDNS1123SubdomainFmt, '*.example.com'));
  return errs;
}

// ---- identifiers, ports, numbers ----

const cIdentifierFmt = '[A-Za-z_][A-Za-z0-9_]*';
const identifierErrMsg = "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_'";

export function isCIdentifier(value: string): string[] {
  return anchored(cIdentifierFmt).test(value) ? [] : [regexError(identifierErrMsg, cIdentifierFmt, 'my_name', 'MY_NAME', 'MyName')];
}

export function isValidPortNum(port: number): string[] {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? [] : [inclusiveRangeError(1, 65535)];
}

export function isInRange(value: number, min: number, max: number): string[] {
  return value >= min && value <= max ? [] : [inclusiveRangeError(min, max)];
}

export function isValidUserID(uid: number): string[] {
  return uid >= 0 && uid <= 0xffffffff ? [] : [inclusiveRangeError(0, 0xffffffff)];
}
export const isValidGroupID = isValidUserID;

/**
 * An IANA service name (RFC 6335): at most 15 characters of [-a-z0-9], at least one letter, no leading,
 * trailing or doubled hyphen. Only lower case, although the RFC is case-insensitive.
 */
export function isValidPortName(port: string): string[] {
  const errs: string[] = [];
  if (byteLength(port) > 15) errs.push(maxLenError(15));
  if (!/^[-a-z0-9]+$/.test(port)) errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  if (!/[a-z]/.test(port)) errs.push('must contain at least one letter (a-z)');
  if (port.includes('--')) errs.push('must not contain consecutive hyphens');
  if (port.length > 0 && (port.startsWith('-') || port.endsWith('-'))) errs.push('must not begin or end with a hyphen');
  return errs;
}

const percentFmt = '[0-9]+%';
export function isValidPercent(percent: string): string[] {
  return anchored(percentFmt).test(percent)
    ? []
    : [regexError("a valid percent string must be a numeric string followed by an ending '%'", percentFmt, '1%', '93%')];
}

const httpHeaderNameFmt = '[-A-Za-z0-9]+';
export function isHTTPHeaderName(value: string): string[] {
  return anchored(httpHeaderNameFmt).test(value)
    ? []
    : [regexError("a valid HTTP header must consist of alphanumeric characters or '-'", httpHeaderNameFmt, 'X-Header-Name')];
}

function hasChDirPrefix(value: string): string[] {
  if (value === '.') return ["must not be '.'"];
  if (value === '..') return ["must not be '..'"];
  if (value.startsWith('..')) return ["must not start with '..'"];
  return [];
}

const envVarNameFmt = '[-._a-zA-Z][-._a-zA-Z0-9]*';
const envVarNameFmtErrMsg =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit";

export function isEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (!anchored(envVarNameFmt).test(value)) errs.push(regexError(envVarNameFmtErrMsg, envVarNameFmt, 'my.env-name', 'MY_ENV.NAME', 'MyEnvName1'));
  errs.push(...hasChDirPrefix(value));
  return errs;
}

/**
 * The RelaxedEnvironmentVariableValidation rule (on by default since Kubernetes 1.32): any printable ASCII
 * but '='.
 */
export function isRelaxedEnvVarName(value: string): string[] {
  const errs: string[] = [];
  if (value.length === 0) errs.push(`environment variable name ${emptyError()}`);
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (c > 0x7e || c < 0x20 || ch === '=') {
      errs.push("a valid environment variable name must consist only of printable ASCII characters other than '='");
      break;
    }
  }
  return errs;
}

const configMapKeyFmt = '[-._a-zA-Z0-9]+';
/** A ConfigMap or Secret data key: also a file name when the object is mounted as a volume. */
export function isConfigMapKey(value: string): string[] {
  const errs: string[] = [];
  if (byteLength(value) > dns1123SubdomainMaxLength) errs.push(maxLenError(dns1123SubdomainMaxLength));
  if (!anchored(configMapKeyFmt).test(value))
    errs.push(regexError("a valid config key must consist of alphanumeric characters, '-', '_' or '.'", configMapKeyFmt, 'key.name', 'KEY_NAME', 'key-name'));
  errs.push(...hasChDirPrefix(value));
  return errs;
}

// ---- IP addresses (validation/ip.go) ----

/**
 * IPv4 as netutils.ParseIPSloppy reads it: four decimal octets, leading zeros allowed (Kubernetes only
 * warns about them).
 */
export function isIPv4(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 4 && parts.every((p) => /^[0-9]+$/.test(p) && Number(p) <= 255);
}

/** The eight 16-bit groups of an IPv6 address (an IPv4 tail counts as two), or undefined if it is not one. */
function ipv6Groups(value: string): number[] | undefined {
  if (!value.includes(':') || value.includes('%')) return undefined;
  let v = value;
  const tailGroups: number[] = [];
  const lastColon = v.lastIndexOf(':');
  const tail = v.slice(lastColon + 1);
  if (tail.includes('.')) {
    if (!isIPv4(tail)) return undefined;
    const o = tail.split('.').map(Number);
    tailGroups.push(o[0] * 256 + o[1], o[2] * 256 + o[3]);
    // Drop the tail and its separator, keeping a '::' that ends right before it.
    v = v.slice(0, lastColon);
    if (v.endsWith(':')) v += ':';
  }
  const halves = v.split('::');
  if (halves.length > 2) return undefined;
  const parse = (h: string): number[] | undefined => {
    if (h === '') return [];
    const g = h.split(':');
    return g.every((x) => /^[0-9a-fA-F]{1,4}$/.test(x)) ? g.map((x) => parseInt(x, 16)) : undefined;
  };
  const left = parse(halves[0]);
  const right = halves.length === 2 ? parse(halves[1]) : [];
  if (!left || !right) return undefined;
  const given = left.length + right.length + tailGroups.length;
  if (halves.length === 2 ? given > 7 : given !== 8) return undefined;
  return [...left, ...new Array(8 - given).fill(0), ...right, ...tailGroups];
}

export function isIPv6(value: string): boolean {
  return ipv6Groups(value) !== undefined;
}

/** IsValidIP (sloppy parsing, as Kubernetes validates IP fields). */
export function isValidIP(value: string): string[] {
  return isIPv4(value) || isIPv6(value) ? [] : ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'];
}

/** An IPv4 address written in IPv6 form (`::ffff:1.2.3.4`), which Go treats as IPv4. */
function isIPv4Mapped(value: string): boolean {
  const g = ipv6Groups(value);
  return g !== undefined && g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
}

export function isValidIPv4Address(fld: FieldPath, value: string): FieldError[] {
  return isIPv4(value) || (isIPv6(value) && isIPv4Mapped(value)) ? [] : [fieldError.invalid(fld, value, 'must be a valid IPv4 address')];
}

export function isValidIPv6Address(fld: FieldPath, value: string): FieldError[] {
  return isIPv6(value) && !isIPv4Mapped(value) ? [] : [fieldError.invalid(fld, value, 'must be a valid IPv6 address')];
}

/** IsValidCIDR: `10.0.0.0/8`, `fd00::/64`. */
export function isValidCIDR(value: string): string[] {
  const slash = value.indexOf('/');
  if (slash >= 0) {
    const ip = value.slice(0, slash);
    const bits = value.slice(slash + 1);
    const max = isIPv4(ip) ? 32 : isIPv6(ip) ? 128 : -1;
    if (max > 0 && /^[0-9]+$/.test(bits) && Number(bits) <= max && !(bits.length > 1 && bits.startsWith('0'))) return [];
  }
  return ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'];
}

// ---- object names (apimachinery/pkg/api/validation/generic.go and path) ----

/** A kind's name rule: `prefix` is true when validating a generateName, which may end with '-'. */
export type ValidateNameFunc = (name: string, prefix: boolean) => string[];

/** A generateName may end in '-' since a random suffix follows; validate it as if it ended in a letter. */
function maskTrailingDash(name: string): string {
  return name.length > 1 && name.endsWith('-') ? `${name.slice(0, -2)}a` : name;
}

export const nameIsDNSSubdomain: ValidateNameFunc = (name, prefix) => isDNS1123Subdomain(prefix ? maskTrailingDash(name) : name);
export const nameIsDNSLabel: ValidateNameFunc = (name, prefix) => isDNS1123Label(prefix ? maskTrailingDash(name) : name);
export const nameIsDNS1035Label: ValidateNameFunc = (name, prefix) => isDNS1035Label(prefix ? maskTrailingDash(name) : name);

/** Names used as a single URL path segment (RBAC objects, and any kind without a stricter rule). */
export const validatePathSegmentName: ValidateNameFunc = (name, prefix) => {
  if (!prefix) {
    for (const illegal of ['.', '..']) if (name === illegal) return [`may not be '${illegal}'`];
  }
  const errs: string[] = [];
  for (const illegal of ['/', '%']) if (name.includes(illegal)) errs.push(`may not contain '${illegal}'`);
  return errs;
};

export const validateNamespaceName = nameIsDNSLabel;

// ---- ObjectMeta (apimachinery/pkg/api/validation/objectmeta.go) ----

export const totalAnnotationSizeLimitB = 256 * (1 << 10);

export function validateLabelName(name: string, fld: FieldPath): FieldError[] {
  return isQualifiedName(name).map((m) => fieldError.invalid(fld, name, m));
}

/** Labels are reported on the map's own path (`metadata.labels`), with the offending key or value as the value. */
export function validateLabels(labels: unknown, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!isStringMap(labels)) return errs;
  for (const [k, v] of Object.entries(labels)) {
    errs.push(...validateLabelName(k, fld));
    if (typeof v === 'string') errs.push(...isValidLabelValue(v).map((m) => fieldError.invalid(fld, v, m)));
  }
  return errs;
}

/** Annotation keys are qualified names compared case-insensitively; keys and values together stay under 256 KiB. */
export function validateAnnotations(annotations: unknown, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!isStringMap(annotations)) return errs;
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    errs.push(...isQualifiedName(k.toLowerCase()).map((m) => fieldError.invalid(fld, k, m)));
    total += byteLength(k) + (typeof v === 'string' ? byteLength(v) : 0);
  }
  if (total > totalAnnotationSizeLimitB) errs.push(tooLongBytes(fld, totalAnnotationSizeLimitB));
  return errs;
}

/** field.TooLong as Kubernetes prints it: the value is never echoed, only the limit. */
export function tooLongBytes(fld: FieldPath | string, max: number): FieldError {
  return { field: String(fld), type: 'TooLong', detail: `must have at most ${max} bytes` };
}

export function validateFinalizers(finalizers: unknown, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!Array.isArray(finalizers)) return errs;
  finalizers.forEach((f, i) => {
    if (typeof f === 'string') errs.push(...isQualifiedName(f).map((m) => fieldError.invalid(fld.index(i), f, m)));
  });
  return errs;
}

export function validateOwnerReferences(refs: unknown, fld: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!Array.isArray(refs)) return errs;
  let controllerName = '';
  for (const raw of refs) {
    const ref = (raw ?? {}) as Record<string, unknown>;
    const apiVersion = str(ref.apiVersion);
    // schema.FromAPIVersionAndKind: "v1" is the core group's version; "a/b/c" has no parsable version.
    const parts = apiVersion.split('/');
    const version = parts.length === 1 ? parts[0] : parts.length === 2 ? parts[1] : '';
    if (!version) errs.push(fieldError.invalid(fld.child('apiVersion'), apiVersion, 'version must not be empty'));
    if (!str(ref.kind)) errs.push(fieldError.invalid(fld.child('kind'), str(ref.kind), 'kind must not be empty'));
    if (!str(ref.name)) errs.push(fieldError.invalid(fld.child('name'), str(ref.name), 'name must not be empty'));
    if (!str(ref.uid)) errs.push(fieldError.invalid(fld.child('uid'), str(ref.uid), 'uid must not be empty'));
    if (ref.controller === true) {
      if (controllerName)
        errs.push(
          fieldError.invalid(fld, refs, `Only one reference can have Controller set to true. Found "true" in references for ${controllerName} and ${str(ref.name)}`),
        );
      else controllerName = str(ref.name);
    }
  }
  return errs;
}

/** ValidateObjectMeta: name (by the kind's rule), namespace, labels, annotations, finalizers, owners. */
export function validateObjectMeta(meta: unknown, requiresNamespace: boolean, nameFn: ValidateNameFunc, fld: FieldPath = FieldPath.root('metadata')): FieldError[] {
  const m = (isObject(meta) ? meta : {}) as Record<string, unknown>;
  const errs: FieldError[] = [];
  const generateName = str(m.generateName);
  if (generateName) errs.push(...nameFn(generateName, true).map((msg) => fieldError.invalid(fld.child('generateName'), generateName, msg)));
  const name = str(m.name);
  if (!name) errs.push(fieldError.required(fld.child('name'), 'name or generateName is required'));
  else errs.push(...nameFn(name, false).map((msg) => fieldError.invalid(fld.child('name'), name, msg)));
  const namespace = str(m.namespace);
  if (requiresNamespace) {
    if (!namespace) errs.push(fieldError.required(fld.child('namespace')));
    else errs.push(...validateNamespaceName(namespace, false).map((msg) => fieldError.invalid(fld.child('namespace'), namespace, msg)));
  } else if (namespace) {
    errs.push(fieldError.forbidden(fld.child('namespace'), 'not allowed on this type'));
  }
  if (typeof m.generation === 'number' && m.generation < 0)
    errs.push(fieldError.invalid(fld.child('generation'), m.generation, 'must be greater than or equal to 0'));
  errs.push(...validateLabels(m.labels, fld.child('labels')));
  errs.push(...validateAnnotations(m.annotations, fld.child('annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, fld.child('ownerReferences')));
  errs.push(...validateFinalizers(m.finalizers, fld.child('finalizers')));
  return errs;
}

/** ValidateObjectMetaUpdate: identity fields never change once an object exists. */
export function validateObjectMetaUpdate(meta: unknown, oldMeta: unknown, fld: FieldPath = FieldPath.root('metadata')): FieldError[] {
  const m = (isObject(meta) ? meta : {}) as Record<string, unknown>;
  const o = (isObject(oldMeta) ? oldMeta : {}) as Record<string, unknown>;
  const errs: FieldError[] = [];
  for (const f of ['name', 'namespace', 'uid', 'creationTimestamp'] as const) {
    // An update that omits uid or creationTimestamp keeps the stored ones; only a different value is a change.
    if ((f === 'uid' || f === 'creationTimestamp') && m[f] === undefined) continue;
    if ((m[f] ?? '') !== (o[f] ?? '')) errs.push(fieldError.invalid(fld.child(f), m[f] ?? '', 'field is immutable'));
  }
  if (typeof m.generation === 'number' && m.generation < 0)
    errs.push(fieldError.invalid(fld.child('generation'), m.generation, 'must be greater than or equal to 0'));
  errs.push(...validateLabels(m.labels, fld.child('labels')));
  errs.push(...validateAnnotations(m.annotations, fld.child('annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, fld.child('ownerReferences')));
  errs.push(...validateFinalizers(m.finalizers, fld.child('finalizers')));
  return errs;
}

// ---- small shared guards ----

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringMap(v: unknown): v is Record<string, unknown> {
  return isObject(v);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
