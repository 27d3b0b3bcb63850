// Go's printing of doubles, as cel-go's string.format shows them: `%g` (how a double converts to a
// string), fmt's `%.6f` (a double inside a formatted list or map), and golang.org/x/text's en-US
// printer behind the `%f` and `%e` clauses, which groups thousands (`1,234.50`) and writes the
// exponent in superscript (`1.052033 × 10⁰³`). Rounding is Go's: exact, half to even on a tie.
// See https://kubernetes.io/docs/reference/using-api/cel/

/** A double's exact decimal value: 0.digits × 10^point, as Go's strconv holds one. */
interface Decimal {
  negative: boolean;
  digits: string;
  point: number;
}

/** The exact decimal expansion of a finite double (every double is a finite binary fraction). */
function exact(x: number): Decimal {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exponent = -1074;
  if (biased !== 0) {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  const negative = bits >> 63n === 1n;
  if (mantissa === 0n) return { negative, digits: '', point: 0 };
  // m × 2^-k = m × 5^k / 10^k.
  const text = exponent >= 0 ? (mantissa << BigInt(exponent)).toString() : (mantissa * 5n ** BigInt(-exponent)).toString();
  const point = text.length + Math.min(exponent, 0);
  return trimmed({ negative, digits: text, point });
}

/** The shortest digits that read back as x (what Go's strconv prints with precision -1). */
function shortest(x: number): Decimal {
  if (x === 0) return { negative: Object.is(x, -0), digits: '', point: 0 };
  const [mantissa, exp] = Math.abs(x).toExponential().split('e');
  return { negative: x < 0, digits: mantissa!.replace('.', ''), point: Number(exp) + 1 };
}

function trimmed(d: Decimal): Decimal {
  const digits = d.digits.replace(/^0+/, '');
  const point = d.point - (d.digits.length - digits.length);
  return { ...d, digits: digits.replace(/0+$/, ''), point: digits === '' ? 0 : point };
}

/** Rounds to n significant digits, half to even on an exact tie (strconv's decimal.Round). */
function round(d: Decimal, n: number): Decimal {
  if (n >= d.digits.length) return d;
  if (n < 0) return { ...d, digits: '', point: 0 };
  const next = d.digits[n]!;
  const tie = next === '5' && n + 1 === d.digits.length;
  const up = next > '5' || (next === '5' && !tie) || (tie && n > 0 && Number(d.digits[n - 1]) % 2 === 1);
  if (!up) return trimmed({ ...d, digits: d.digits.slice(0, n) });
  const bumped = (BigInt(d.digits.slice(0, n) || '0') + 1n).toString();
  // 999 + 1 carries into a new leading digit.
  const carry = bumped.length > n ? 1 : 0;
  return trimmed({ ...d, digits: bumped, point: d.point + carry });
}

const digitAt = (d: Decimal, i: number): string => (i >= 0 && i < d.digits.length ? d.digits[i]! : '0');

/** %.{prec}f of a decimal: its integer digits and, with a point, prec fraction digits. */
function layoutFixed(d: Decimal, prec: number): { integer: string; fraction: string } {
  let integer = '';
  for (let i = 0; i < d.point; i++) integer += digitAt(d, i);
  let fraction = '';
  for (let i = 0; i < prec; i++) fraction += digitAt(d, d.point + i);
  return { integer: integer || '0', fraction };
}

/** x rounded to prec fraction digits. */
function fixed(x: number, prec: number): { negative: boolean; integer: string; fraction: string } {
  const d = exact(x);
  const rounded = round(d, d.point + prec);
  return { negative: d.negative, ...layoutFixed(rounded, prec) };
}

function signed(negative: boolean, s: string): string {
  return negative ? `-${s}` : s;
}

/** fmt's %.{prec}f: `+Inf`, `-Inf` and `NaN` for the non-finite. */
export function goFixed(x: number, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const { negative, integer, fraction } = fixed(x, prec);
  return signed(negative, prec > 0 ? `${integer}.${fraction}` : integer);
}

/** The exponent of %e: a sign and at least two digits. */
const goExponent = (exp: number): string => `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;

/** %e's mantissa and exponent for prec fraction digits. */
function scientific(x: number, prec: number): { negative: boolean; mantissa: string; exp: number } {
  const d = round(exact(x), prec + 1);
  const exp = d.digits === '' ? 0 : d.point - 1;
  let fraction = '';
  for (let i = 1; i <= prec; i++) fraction += digitAt(d, i);
  return { negative: d.negative, mantissa: prec > 0 ? `${digitAt(d, 0)}.${fraction}` : digitAt(d, 0), exp };
}

/** The %g of a double, as cel-go converts one to a string (`2.5`, `1e+06`, `2e-09`, `+Inf`). */
export function goFormatG(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const d = shortest(x);
  if (d.digits === '') return signed(d.negative, '0');
  const exp = d.point - 1;
  // With the shortest digits Go switches to an exponent from 10^6 up, and below 10^-4.
  if (exp < -4 || exp >= 6) {
    const rest = d.digits.slice(1);
    return signed(d.negative, `${d.digits[0]}${rest ? `.${rest}` : ''}e${goExponent(exp)}`);
  }
  const { integer, fraction } = layoutFixed(d, Math.max(d.digits.length - d.point, 0));
  return signed(d.negative, fraction ? `${integer}.${fraction}` : integer);
}

/** strconv.FormatFloat(x, 'f', -1, 64): the shortest digits, never with an exponent. */
export function goShortestFixed(x: number): string {
  const d = shortest(x);
  const { integer, fraction } = layoutFixed(d, Math.max(d.digits.length - d.point, 0));
  return signed(d.negative, fraction ? `${integer}.${fraction}` : integer);
}

const groupThousands = (integer: string): string => integer.replace(/\B(?=(\d{3})+$)/g, ',');

/** The en-US printer's %.{prec}f: thousands grouped, `∞` for infinity. */
export function localizedFixed(x: number, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  const { negative, integer, fraction } = fixed(x, prec);
  return signed(negative, prec > 0 ? `${groupThousands(integer)}.${fraction}` : groupThousands(integer));
}

const superscripts = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** The en-US printer's %.{prec}e: `2.718280 × 10⁰⁰`, with narrow no-break spaces around the ×. */
export function localizedScientific(x: number, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '-∞';
  const { negative, mantissa, exp } = scientific(x, prec);
  const power = [...String(Math.abs(exp)).padStart(2, '0')].map((c) => superscripts[Number(c)]).join('');
  return signed(negative, `${mantissa}\u202f×\u202f10${exp < 0 ? '⁻' : ''}${power}`);
}
