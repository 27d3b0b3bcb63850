// resource.Quantity (k8s.io/apimachinery/pkg/api/resource): parsing, exact arithmetic and the canonical
// text Kubernetes stores (`1.5Gi` → `1536Mi`, `0.5` → `500m`). Values are held exactly as BigInt nano-units,
// since a Quantity never keeps precision below 1n (finer values are rounded up, away from zero).

export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

const splitREString = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

/** The errors ParseQuantity returns, with apimachinery's exact text. */
export const quantityErrors = {
  formatWrong: `quantities must match the regular expression '${splitREString}'`,
  numeric: 'unable to parse numeric part of quantity',
  suffix: "unable to parse quantity's suffix",
} as const;

export class QuantityParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityParseError';
  }
}

const NANO = 1_000_000_000n;
const maxInt64 = (1n << 63n) - 1n;

const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalSuffixByExponent = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binarySuffixByExponent = new Map(Object.entries(binarySuffixes).map(([s, e]) => [e, s]));

const pow10 = (n: number): bigint => 10n ** BigInt(n);
const isDigit = (c: string): boolean => c >= '0' && c <= '9';

interface Scanned {
  positive: boolean;
  /** The numeric text with sign, as inf.Dec would read it. */
  value: string;
  /** Integer digits without leading zeros ("0" when none). */
  num: string;
  /** Fraction digits. */
  denom: string;
  suffix: string;
}

/** parseQuantityString: a scanner more permissive than the regex in its message, as the original is. */
function scan(str: string): Scanned {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (pos < end && (str[0] === '-' || str[0] === '+')) {
    positive = str[0] !== '-';
    pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  let num = str.slice(pos, i);
  if (i >= end) return { positive, value: str, num: num || '0', denom: '', suffix: '' };
  pos = i;
  if (!num) num = '0';
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: '' };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  while (pos < end && 'eEinumkKMGTP'.includes(str[pos])) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) throw new QuantityParseError(quantityErrors.formatWrong);
  return { positive, value, num, denom, suffix: str.slice(suffixStart) };
}

interface Interpreted {
  base: 2 | 10;
  exponent: number;
  format: QuantityFormat;
}

function interpret(suffix: string): Interpreted | undefined {
  if (suffix in decimalSuffixes) return { base: 10, exponent: decimalSuffixes[suffix], format: 'DecimalSI' };
  if (suffix in binarySuffixes) return { base: 2, exponent: binarySuffixes[suffix], format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    // strconv.ParseInt: an optional sign, then decimal digits, within int64.
    if (!/^[+-]?[0-9]+$/.test(suffix.slice(1))) return undefined;
    const e = BigInt(suffix.slice(1));
    if (e > maxInt64 || e < -maxInt64 - 1n) return undefined;
    return { base: 10, exponent: Number(e), format: 'DecimalExponent' };
  }
  return undefined;
}

/** Divides rounding away from zero, as inf.RoundUp does on the magnitude. */
function divAwayFromZero(n: bigint, d: bigint): bigint {
  const q = n / d;
  return q * d === n ? q : n < 0n ? q - 1n : q + 1n;
}

/** Quantities parsed lately, by their text; emptied when full. */
const parsedQuantities = new Map<string, Quantity>();
const parsedQuantitiesLimit = 1024;

export class Quantity {
  private constructor(
    /** The exact value in units of 10^-9. */
    readonly nanos: bigint,
    readonly format: QuantityFormat,
    /** The original text, kept when ParseQuantity judged it already canonical (and so printed as written). */
    private readonly text?: string,
    /** The decimal scale of the int64 form ParseQuantity's fast path chose; undefined off that path. */
    private readonly scale?: number,
  ) {}

  /** ParseQuantity. Throws QuantityParseError with Kubernetes' message. */
  static parse(input: string | number): Quantity {
    const str = typeof input === 'number' ? String(input) : input;
    // Quantities are immutable, and the same few texts ("100m", "128Mi") recur in every pod and node.
    const seen = parsedQuantities.get(str);
    if (seen) return seen;
    const q = Quantity.parseText(str);
    if (parsedQuantities.size >= parsedQuantitiesLimit) parsedQuantities.clear();
    parsedQuantities.set(str, q);
    return q;
  }

  private static parseText(str: string): Quantity {
    if (str.length === 0) throw new QuantityParseError(quantityErrors.formatWrong);
    if (str === '0') return new Quantity(0n, 'DecimalSI', '0');
    const s = scan(str);
    const it = interpret(s.suffix);
    if (!it) throw new QuantityParseError(quantityErrors.suffix);

    const fast = fastPath(str, s, it);
    // Off the int64 fast path the number is read as an inf.Dec, which needs at least one digit.
    if (!fast.taken && !/[0-9]/.test(s.value)) throw new QuantityParseError(quantityErrors.numeric);
    // The exact value, from the digits: sign × (num.denom) × base^exponent.
    const digits = BigInt(s.num + s.denom);
    let nanos: bigint;
    if (it.base === 10) {
      const shift = it.exponent - s.denom.length + 9;
      nanos = shift >= 0 ? digits * pow10(shift) : divAwayFromZero(digits, pow10(-shift));
    } else {
      nanos = divAwayFromZero(digits * (1n << BigInt(it.exponent)) * NANO, pow10(s.denom.length));
    }
    let format = it.format;
    if (format === 'BinarySI') {
      if (nanos > maxInt64 * NANO) nanos = maxInt64 * NANO;
      if (nanos > 0n && nanos < NANO) format = 'DecimalSI';
    }
    if (!s.positive) nanos = -nanos;
    return new Quantity(nanos, format, fast.text, fast.taken ? fast.scale : undefined);
  }

  /**
   * A quantity field's value as the API server decodes it (Quantity.UnmarshalJSON): a string with its
   * surrounding whitespace trimmed, or a JSON number. Throws QuantityParseError like parse.
   */
  static fromJSON(input: unknown): Quantity {
    if (typeof input === 'number') return Quantity.parse(input);
    if (typeof input === 'string') return Quantity.parse(input.trim());
    throw new QuantityParseError(quantityErrors.formatWrong);
  }

  /** fromJSON, or undefined when the value is not a quantity. */
  static tryParse(input: unknown): Quantity | undefined {
    // Most callers pass an optional field: no error (and its stack) is built for one left out.
    if (typeof input !== 'number' && typeof input !== 'string') return undefined;
    try {
      return Quantity.fromJSON(input);
    } catch {
      return undefined;
    }
  }

  static zero(format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(0n, format);
  }

  /** resource.NewMilliQuantity */
  static fromMilli(milli: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(milli) * 1_000_000n, format);
  }

  /** resource.NewQuantity */
  static fromValue(value: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(BigInt(value) * NANO, format);
  }

  isZero(): boolean {
    return this.nanos === 0n;
  }

  sign(): -1 | 0 | 1 {
    return this.nanos === 0n ? 0 : this.nanos < 0n ? -1 : 1;
  }

  cmp(other: Quantity): -1 | 0 | 1 {
    return this.nanos === other.nanos ? 0 : this.nanos < other.nanos ? -1 : 1;
  }

  /** Sum; a zero receiver takes the other's format, as Quantity.Add does. */
  add(other: Quantity): Quantity {
    return new Quantity(this.nanos + other.nanos, this.nanos === 0n ? other.format : this.format);
  }

  sub(other: Quantity): Quantity {
    return new Quantity(this.nanos - other.nanos, this.nanos === 0n ? other.format : this.format);
  }

  mul(factor: bigint | number): Quantity {
    return new Quantity(this.nanos * BigInt(factor), this.format);
  }

  neg(): Quantity {
    return new Quantity(-this.nanos, this.format);
  }

  /**
   * RoundUp(scale) for scale ≥ -9: the value rounded away from zero to a multiple of 10^scale. As in
   * apimachinery, a text already at that precision is kept; any other is re-canonicalized.
   */
  roundUp(scale: number): Quantity {
    if (this.scale !== undefined && this.scale >= scale) return this;
    const unit = pow10(scale + 9);
    return new Quantity(divAwayFromZero(this.nanos, unit) * unit, this.format);
  }

  /** ScaledValue: ceil(q / 10^scale), rounding away from zero. */
  scaledValue(scale: number): bigint {
    const shift = scale + 9;
    return shift >= 0 ? divAwayFromZero(this.nanos, pow10(shift)) : this.nanos * pow10(-shift);
  }

  /** Value(): whole units, rounded up (1500m → 2). */
  value(): number {
    return Number(this.scaledValue(0));
  }

  /** MilliValue(): milli-units, rounded up (1n → 1). */
  milliValue(): number {
    return Number(this.scaledValue(-3));
  }

  /** The value as a float, for display and ratios only. */
  asApproximateFloat64(): number {
    return Number(this.nanos) / 1e9;
  }

  /** The canonical text (Quantity.String). */
  toString(): string {
    return this.text ?? canonicalize(this.nanos, this.format);
  }

  /** Quantities serialize as their string form. */
  toJSON(): string {
    return this.toString();
  }
}

/**
 * ParseQuantity's int64 fast path reuses the input text when it already looks canonical, so Kubernetes prints
 * e.g. `+1k` or `012Mi` back as written. This reproduces exactly the conditions under which it does.
 */
function fastPath(str: string, s: Scanned, it: Interpreted): { taken: boolean; scale?: number; text?: string } {
  const shifted = s.num + s.denom;
  if (it.format === 'BinarySI') {
    if (it.exponent < 0 || s.denom.length > 0) return { taken: false };
    const precision = 15 - s.num.length - Math.trunc((it.exponent * 3) / 10) - 1;
    if (precision < 0) return { taken: false };
    const value = BigInt(s.num);
    if (value * (1n << BigInt(it.exponent)) > maxInt64) return { taken: false };
    return { taken: true, scale: 0, text: it.exponent % 10 === 0 && (value & 7n) !== 0n ? str : undefined };
  }
  const precision = 18 - (s.num.length + s.denom.length);
  const scale = it.exponent - s.denom.length;
  if (precision < 0 || scale < -9) return { taken: false };
  return { taken: true, scale, text: scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0' ? str : undefined };
}

/** CanonicalizeBytes: the shortest exact text in the quantity's format family. */
function canonicalize(nanos: bigint, format: QuantityFormat): string {
  if (nanos === 0n) return '0';
  let fmt = format;
  if (fmt === 'BinarySI') {
    // Small values and fractions would need rounding in base 1024; show them as DecimalSI instead.
    if ((nanos > -1024n * NANO && nanos < 1024n * NANO) || nanos % NANO !== 0n) fmt = 'DecimalSI';
  }
  if (fmt === 'BinarySI') {
    let amount = nanos / NANO;
    let exponent = 0;
    const negative = amount < 0n;
    if (negative) amount = -amount;
    while (amount >= 1024n && amount % 1024n === 0n) {
      amount /= 1024n;
      exponent += 10;
    }
    return `${negative ? '-' : ''}${amount}${binarySuffixByExponent.get(exponent) ?? ''}`;
  }
  // Move all factors of ten into the exponent, then lower it to a multiple of three.
  let mantissa = nanos;
  let exponent = -9;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent++;
  }
  while (((exponent % 3) + 3) % 3 !== 0) {
    mantissa *= 10n;
    exponent--;
  }
  if (fmt === 'DecimalExponent') return `${mantissa}${exponent === 0 ? '' : `e${exponent}`}`;
  return `${mantissa}${decimalSuffixByExponent.get(exponent) ?? ''}`;
}

/** Kubernetes' canonical text for a quantity given as text or number, or undefined if it does not parse. */
export function canonicalQuantity(input: unknown): string | undefined {
  return Quantity.tryParse(input)?.toString();
}
