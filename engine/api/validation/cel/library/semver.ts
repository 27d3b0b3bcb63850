// Kubernetes' semver library (k8s.io/apiserver/pkg/cel/library/semverlib.go, version 1): `semver(<string>)`
// and `isSemver(<string>)`, each with an optional `normalize` flag, and major, minor, patch,
// isGreaterThan, isLessThan and compareTo on a version. Versions are parsed and ordered as
// github.com/blang/semver/v4 does, with its error texts.
// See https://kubernetes.io/docs/reference/using-api/cel/#kubernetes-semver-library
import type { Environment } from '@marcbachmann/cel-js';
import { fail } from './errors';
import { goQuote, type LibraryValue } from './values';

type PreRelease = bigint | string;

const maxUint64 = 2n ** 64n - 1n;
const numeric = /^[0-9]*$/;
const alphanumeric = /^[0-9A-Za-z-]*$/;
const hasLeadingZeroes = (s: string): boolean => s.length > 1 && s[0] === '0';

/** strconv.ParseUint(s, 10, 64), for a string of digits (which may be empty). */
function parseUint(s: string): bigint {
  if (s === '') fail(`strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax`);
  const n = BigInt(s);
  return n > maxUint64 ? fail(`strconv.ParseUint: parsing ${goQuote(s)}: value out of range`) : n;
}

/** A version number part: digits, without leading zeroes. */
function versionNumber(s: string, name: string): bigint {
  if (!numeric.test(s)) fail(`Invalid character(s) found in ${name} number ${goQuote(s)}`);
  if (hasLeadingZeroes(s)) fail(`${name.charAt(0).toUpperCase()}${name.slice(1)} number must not contain leading zeroes ${goQuote(s)}`);
  return parseUint(s);
}

function preRelease(s: string): PreRelease {
  if (s === '') fail('Prerelease is empty');
  if (numeric.test(s)) {
    if (hasLeadingZeroes(s)) fail(`Numeric PreRelease version must not contain leading zeroes ${goQuote(s)}`);
    return parseUint(s);
  }
  if (!alphanumeric.test(s)) fail(`Invalid character(s) found in prerelease ${goQuote(s)}`);
  return s;
}

function buildMetadata(s: string): string {
  if (s === '') fail('Build meta data is empty');
  if (!alphanumeric.test(s)) fail(`Invalid character(s) found in build meta data ${goQuote(s)}`);
  return s;
}

const cmp = <T extends bigint | string | number>(a: T, b: T): number => (a < b ? -1 : a > b ? 1 : 0);

/** Numeric identifiers order before alphanumeric ones. */
function comparePreRelease(a: PreRelease, b: PreRelease): number {
  if (typeof a === typeof b) return cmp(a, b);
  return typeof a === 'bigint' ? -1 : 1;
}

export class CelSemver implements LibraryValue {
  get celTypeName(): string {
    return 'kubernetes.Semver';
  }

  constructor(
    readonly major: bigint,
    readonly minor: bigint,
    readonly patch: bigint,
    readonly pre: readonly PreRelease[],
    readonly build: readonly string[],
  ) {}

  /** semver.Parse. */
  static parse(s: string): CelSemver {
    if (s === '') fail('Version string empty');
    const parts = splitN(s, '.', 3);
    if (parts.length !== 3) fail('No Major.Minor.Patch elements found');
    const major = versionNumber(parts[0]!, 'major');
    const minor = versionNumber(parts[1]!, 'minor');
    let patch = parts[2]!;
    let build: string[] = [];
    let pre: string[] = [];
    const plus = patch.indexOf('+');
    if (plus >= 0) {
      build = patch.slice(plus + 1).split('.');
      patch = patch.slice(0, plus);
    }
    const dash = patch.indexOf('-');
    if (dash >= 0) {
      pre = patch.slice(dash + 1).split('.');
      patch = patch.slice(0, dash);
    }
    return new CelSemver(major, minor, versionNumber(patch, 'patch'), pre.map(preRelease), build.map(buildMetadata));
  }

  /**
   * Kubernetes' normalizeAndParse: no leading `v`, no leading zeros, and missing minor and patch
   * numbers filled with 0 (`v1.2` is `1.2.0`).
   */
  static normalizeAndParse(input: string): CelSemver {
    const s = input.startsWith('v') ? input.slice(1) : input;
    const parts = splitN(s, '.', 3).map((p) => {
      if (p.length <= 1) return p;
      const stripped = p.replace(/^0+/, '');
      return stripped === '' || !/[0-9]/.test(stripped[0]!) ? `0${stripped}` : stripped;
    });
    if (parts.length < 3) {
      if (/[+-]/.test(parts.at(-1)!)) fail('short version cannot contain PreRelease/Build meta data');
      while (parts.length < 3) parts.push('0');
    }
    return CelSemver.parse(parts.join('.'));
  }

  compareTo(o: CelSemver): number {
    const byNumber = cmp(this.major, o.major) || cmp(this.minor, o.minor) || cmp(this.patch, o.patch);
    if (byNumber) return byNumber;
    // A release orders after its pre-releases.
    if (this.pre.length === 0 || o.pre.length === 0) return cmp(o.pre.length, this.pre.length);
    for (let i = 0; i < Math.min(this.pre.length, o.pre.length); i++) {
      const c = comparePreRelease(this.pre[i]!, o.pre[i]!);
      if (c) return c;
    }
    return cmp(this.pre.length, o.pre.length);
  }

  equals(other: unknown): boolean {
    return other instanceof CelSemver && this.compareTo(other) === 0;
  }
}

/** strings.SplitN: at most n parts, the last holding the rest. */
function splitN(s: string, sep: string, n: number): string[] {
  const parts = s.split(sep);
  return parts.length <= n ? parts : [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function parseSemver(s: string, normalize: boolean): CelSemver {
  return normalize ? CelSemver.normalizeAndParse(s) : CelSemver.parse(s);
}

function isSemver(s: string, normalize: boolean): boolean {
  try {
    parseSemver(s, normalize);
    return true;
  } catch {
    return false;
  }
}

/** A uint64 version number as the int CEL returns (Go's int64 conversion wraps). */
const asInt = (n: bigint): bigint => BigInt.asIntN(64, n);

export function registerSemverLibrary(env: Environment): void {
  const S = 'kubernetes.Semver';
  env
    .registerType(S, CelSemver)
    .registerOperator(`${S} == ${S}`, (a: CelSemver, b: CelSemver) => a.equals(b))
    .registerFunction(`semver(string): ${S}`, (s: string) => parseSemver(s, false))
    .registerFunction(`semver(string, bool): ${S}`, parseSemver)
    .registerFunction('isSemver(string): bool', (s: string) => isSemver(s, false))
    .registerFunction('isSemver(string, bool): bool', isSemver)
    .registerFunction(`${S}.major(): int`, (v: CelSemver) => asInt(v.major))
    .registerFunction(`${S}.minor(): int`, (v: CelSemver) => asInt(v.minor))
    .registerFunction(`${S}.patch(): int`, (v: CelSemver) => asInt(v.patch))
    .registerFunction(`${S}.isGreaterThan(${S}): bool`, (a: CelSemver, b: CelSemver) => a.compareTo(b) === 1)
    .registerFunction(`${S}.isLessThan(${S}): bool`, (a: CelSemver, b: CelSemver) => a.compareTo(b) === -1)
    .registerFunction(`${S}.compareTo(${S}): int`, (a: CelSemver, b: CelSemver) => BigInt(a.compareTo(b)));
}
