// Kubernetes' quantity library (k8s.io/apiserver/pkg/cel/library/quantity.go): `quantity(<string>)`,
// `isQuantity(<string>)`, and on a quantity isGreaterThan, isLessThan, compareTo, add and sub (of a
// quantity or an int), sign, isInteger, asInteger and asApproximateFloat.
// Besides its exact value, each quantity keeps the form resource.Quantity holds it in, because
// two answers depend on it: an int64 mantissa with a decimal scale (`50k` is 50 × 10^3) when
// ParseQuantity's fast path took it, an arbitrary-precision decimal otherwise (`1.5Gi`, or after
// an int64 overflow). Only the first form converts with asInteger — and only when its scale is not
// negative, so `quantity("1000m").isInteger()` is false, as it is in Kubernetes — and
// asApproximateFloat multiplies that mantissa by its power of ten in floating point.
// See https://kubernetes.io/docs/reference/using-api/cel/#kubernetes-quantity-library
import type { Environment } from '@marcbachmann/cel-js';
import { Quantity, QuantityParseError } from '../../../quantity';
import { fail } from './errors';
import type { LibraryValue } from './values';

const minInt64 = -(2n ** 63n);
const maxInt64 = 2n ** 63n - 1n;
const fitsInt64 = (v: bigint): boolean => v >= minInt64 && v <= maxInt64;

/** The value unscaled × 10^exponent, and whether resource.Quantity holds it as int64Amount. */
interface Form {
  readonly int64: boolean;
  readonly unscaled: bigint;
  readonly exponent: number;
}

const decimalExponents: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binaryExponents: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

/** The form ParseQuantity gives a text that parsed to q. */
function parsedForm(text: string, q: Quantity): Form {
  const m = /^([+-]?)0*([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(text)!;
  const negative = m[1] === '-';
  const num = m[2] || '0';
  const denom = m[3] ?? '';
  const suffix = m[4]!;
  const digits = BigInt(num + denom) * (negative ? -1n : 1n);
  const binary = binaryExponents[suffix];
  if (binary !== undefined) {
    const precision = 15 - num.length - Math.trunc((binary * 3) / 10) - 1;
    const value = digits << BigInt(binary);
    if (denom === '' && precision >= 0 && fitsInt64(value)) return { int64: true, unscaled: value, exponent: 0 };
    // Off the fast path a binary quantity is capped at the largest int64.
    if (q.nanos === maxInt64 * 1_000_000_000n) return { int64: false, unscaled: maxInt64, exponent: 0 };
  } else {
    const exponent = decimalExponents[suffix] ?? Number(suffix.slice(1));
    const scale = exponent - denom.length;
    if (18 - (num.length + denom.length) >= 0 && scale >= -9) return { int64: true, unscaled: digits, exponent: scale };
  }
  // inf.Dec, rounded up to nano precision (a zero is left alone).
  return q.nanos === 0n ? { int64: false, unscaled: 0n, exponent: 0 } : { int64: false, unscaled: q.nanos, exponent: -9 };
}

/** int64Amount.Add: aligned on the smaller scale; false on overflow. */
function addInt64(a: Form, b: Form): Form | undefined {
  if (b.unscaled === 0n) return a;
  if (a.unscaled === 0n) return b;
  const exponent = Math.min(a.exponent, b.exponent);
  const x = a.unscaled * 10n ** BigInt(a.exponent - exponent);
  const y = b.unscaled * 10n ** BigInt(b.exponent - exponent);
  if (!fitsInt64(x) || !fitsInt64(y) || !fitsInt64(x + y)) return undefined;
  return { int64: true, unscaled: x + y, exponent };
}

/** inf.Dec addition: exact, on the larger inf.Dec scale (the smaller power of ten). */
function addDecimal(a: Form, b: Form): Form {
  const exponent = Math.min(a.exponent, b.exponent);
  const sum = a.unscaled * 10n ** BigInt(a.exponent - exponent) + b.unscaled * 10n ** BigInt(b.exponent - exponent);
  return { int64: false, unscaled: sum, exponent };
}

function addForms(a: Form, b: Form): Form {
  return (a.int64 && b.int64 && addInt64(a, b)) || addDecimal(a, b);
}

const negated = (f: Form): Form => ({ ...f, unscaled: -f.unscaled });

/** 10^n as Go's math.Pow computes it for the exponents a quantity has: exact, or its reciprocal. */
const pow10 = (n: number): number => (n >= 0 ? Number(`1e${n}`) : 1 / Number(`1e${-n}`));

/** A kubernetes.Quantity value. */
export class CelQuantity implements LibraryValue {
  get celTypeName(): string {
    return 'kubernetes.Quantity';
  }

  constructor(
    readonly quantity: Quantity,
    private readonly form: Form,
  ) {}

  static parse(text: string): CelQuantity {
    try {
      const q = Quantity.parse(text);
      return new CelQuantity(q, parsedForm(text, q));
    } catch (err) {
      if (err instanceof QuantityParseError) fail(err.message);
      throw err;
    }
  }

  /** resource.NewQuantity(n, DecimalExponent). */
  static fromInt(n: bigint): CelQuantity {
    return new CelQuantity(Quantity.fromValue(n, 'DecimalExponent'), { int64: true, unscaled: n, exponent: 0 });
  }

  equals(other: unknown): boolean {
    return other instanceof CelQuantity && this.quantity.cmp(other.quantity) === 0;
  }

  compareTo(other: CelQuantity): bigint {
    return BigInt(this.quantity.cmp(other.quantity));
  }

  add(other: CelQuantity): CelQuantity {
    return new CelQuantity(this.quantity.add(other.quantity), addForms(this.form, other.form));
  }

  sub(other: CelQuantity): CelQuantity {
    return new CelQuantity(this.quantity.sub(other.quantity), addForms(this.form, negated(other.form)));
  }

  sign(): bigint {
    return BigInt(this.quantity.sign());
  }

  /** AsInt64: only an int64Amount converts, and only without a negative scale. */
  asInt64(): bigint | undefined {
    const f = this.form;
    if (!f.int64 || f.exponent < 0) return undefined;
    const v = f.unscaled * 10n ** BigInt(f.exponent);
    return fitsInt64(v) ? v : undefined;
  }

  /** AsApproximateFloat64: the unscaled value times its power of ten, in floating point. */
  asApproximateFloat(): number {
    const base = Number(this.form.unscaled);
    return this.form.exponent === 0 ? base : base * pow10(this.form.exponent);
  }
}

function isQuantity(s: string): boolean {
  try {
    Quantity.parse(s);
    return true;
  } catch (err) {
    if (err instanceof QuantityParseError) return false;
    throw err;
  }
}

export function registerQuantityLibrary(env: Environment): void {
  const Q = 'kubernetes.Quantity';
  env
    .registerType(Q, CelQuantity)
    .registerOperator(`${Q} == ${Q}`, (a: CelQuantity, b: CelQuantity) => a.equals(b))
    .registerFunction(`quantity(string): ${Q}`, (s: string) => CelQuantity.parse(s))
    .registerFunction('isQuantity(string): bool', isQuantity)
    .registerFunction(`${Q}.sign(): int`, (q: CelQuantity) => q.sign())
    .registerFunction(`${Q}.isGreaterThan(${Q}): bool`, (a: CelQuantity, b: CelQuantity) => a.compareTo(b) === 1n)
    .registerFunction(`${Q}.isLessThan(${Q}): bool`, (a: CelQuantity, b: CelQuantity) => a.compareTo(b) === -1n)
    .registerFunction(`${Q}.compareTo(${Q}): int`, (a: CelQuantity, b: CelQuantity) => a.compareTo(b))
    .registerFunction(`${Q}.asApproximateFloat(): double`, (q: CelQuantity) => q.asApproximateFloat())
    .registerFunction(`${Q}.asInteger(): int`, (q: CelQuantity) => q.asInt64() ?? fail('cannot convert value to integer'))
    .registerFunction(`${Q}.isInteger(): bool`, (q: CelQuantity) => q.asInt64() !== undefined)
    .registerFunction(`${Q}.add(${Q}): ${Q}`, (a: CelQuantity, b: CelQuantity) => a.add(b))
    .registerFunction(`${Q}.add(int): ${Q}`, (a: CelQuantity, n: bigint) => a.add(CelQuantity.fromInt(n)))
    .registerFunction(`${Q}.sub(${Q}): ${Q}`, (a: CelQuantity, b: CelQuantity) => a.sub(b))
    .registerFunction(`${Q}.sub(int): ${Q}`, (a: CelQuantity, n: bigint) => a.sub(CelQuantity.fromInt(n)));
}
