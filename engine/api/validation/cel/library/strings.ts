// The part of cel-go's strings extension (version 2, as Kubernetes enables it) the evaluator lacks:
// `<string>.format(<list>)`, printf-style substitution with cel-go's clauses and error texts, and
// `strings.quote(<string>)`. Doubles under `%f` and `%e` are printed as cel-go's en-US printer does.
// See https://kubernetes.io/docs/reference/using-api/cel/
import type { Environment } from '@marcbachmann/cel-js';
import { CelLibraryError, fail } from './errors';
import { registerNamespace } from './namespace';
import { goFixed, goFormatG, goShortestFixed, localizedFixed, localizedScientific } from './numbers';
import { celTypeName, goQuote, isBytes, isCelType, isDuration, isMap, isUint, mapEntries, typeValueName, type CelDuration } from './values';

const defaultPrecision = 6;

const stringClauseError = (type: string): string =>
  `string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given ${type}`;

/** A timestamp as cel-go converts one to a string (RFC 3339, fraction only when there is one). */
function timestampText(t: Date): string {
  return t.toISOString().replace(/\.(\d*?)0*Z$/, (_, frac: string) => (frac ? `.${frac}Z` : 'Z'));
}

/** A duration as cel-go converts one to a string: its seconds, then `s` (`6347s`, `0.000000002s`). */
function durationText(d: CelDuration): string {
  return `${goShortestFixed(Number(d.seconds) + d.nanos / 1e9)}s`;
}

function bytesText(b: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b);
  } catch {
    return fail(`could not convert argument ${goQuote('invalid UTF-8 in bytes, cannot convert to string')} to string`);
  }
}

/** The `%s` clause: a value as text, lists and maps as CEL literals. */
function asString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'boolean' || isUint(v)) return String(v);
  if (typeof v === 'number') return goFormatG(v);
  if (v === null) return 'null';
  if (Array.isArray(v) || v instanceof Set) return listText([...v]);
  if (v instanceof Date) return timestampText(v);
  if (isDuration(v)) return durationText(v);
  if (isBytes(v)) return bytesText(v);
  if (isCelType(v)) return typeValueName(v);
  if (isMap(v)) return mapText(v);
  return fail(stringClauseError(celTypeName(v)));
}

/** A list or map member, written as the CEL literal for it (`"a"`, `b"x"`, `2.500000`, `duration("1s")`). */
function literalText(v: unknown): string {
  if (typeof v === 'string') return goQuote(v);
  if (isBytes(v)) return `b${goQuote(bytesText(v))}`;
  if (typeof v === 'number') return Number.isFinite(v) ? goFixed(v, defaultPrecision) : goQuote(goFixed(v, defaultPrecision));
  if (v instanceof Date) return `timestamp(${goQuote(timestampText(v))})`;
  if (isDuration(v)) return `duration(${goQuote(durationText(v))})`;
  return asString(v);
}

function listText(list: readonly unknown[]): string {
  return `[${list.map(literalText).join(', ')}]`;
}

function mapKeyText(k: unknown): string {
  if (typeof k === 'string') return goQuote(k);
  if (typeof k === 'boolean' || typeof k === 'bigint' || isUint(k)) return String(k);
  return fail(`no formatting function for map key of type ${celTypeName(k)}`);
}

function mapText(map: Map<unknown, unknown> | Record<string, unknown>): string {
  const pairs = mapEntries(map).map(([k, v]) => ({ key: mapKeyText(k), value: literalText(v) }));
  pairs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return `{${pairs.map((p) => `${p.key}:${p.value}`).join(', ')}}`;
}

function integer(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v;
  return isUint(v) ? v.valueOf() : undefined;
}

/** A double for `%f` and `%e`, which also take the strings `NaN`, `Infinity` and `-Infinity`. */
function double(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return undefined;
}

export type Verb = 's' | 'd' | 'f' | 'e' | 'b' | 'x' | 'X' | 'o';

/** What each clause does to its argument; precision counts for `%f` and `%e` only. */
const clauses: Record<Verb, (v: unknown, precision: number) => string> = {
  s: asString,
  d: (v) => String(integer(v) ?? fail(`decimal clause can only be used on integers, was given ${celTypeName(v)}`)),
  f: (v, p) => localizedFixed(double(v) ?? fail(`fixed-point clause can only be used on doubles, was given ${celTypeName(v)}`), p),
  e: (v, p) => localizedScientific(double(v) ?? fail(`scientific clause can only be used on doubles, was given ${celTypeName(v)}`), p),
  b: (v) => {
    if (typeof v === 'boolean') return v ? '1' : '0';
    return (integer(v) ?? fail(`only integers and bools can be formatted as binary, was given ${celTypeName(v)}`)).toString(2);
  },
  x: (v) => hex(v),
  X: (v) => hex(v).toUpperCase(),
  o: (v) => (integer(v) ?? fail(`octal clause can only be used on integers, was given ${celTypeName(v)}`)).toString(8),
};

function hex(v: unknown): string {
  if (typeof v === 'string') return Buffer.from(v, 'utf8').toString('hex');
  if (isBytes(v)) return Buffer.from(v).toString('hex');
  const n = integer(v);
  if (n === undefined) fail(`only integers, byte buffers, and strings can be formatted as hex, was given ${celTypeName(v)}`);
  return n.toString(16);
}

/** The clause character as Go's message shows it: the first byte of its UTF-8, read as a rune. */
const goByteRune = (ch: string): string => String.fromCharCode(Buffer.from(ch, 'utf8')[0]!);

export interface Clause {
  verb: Verb;
  precision: number;
  /** The characters the clause takes after its `%`. */
  length: number;
}

/** Parses the clause after a `%`: an optional `.precision`, then the verb. */
function parseClause(text: string): Clause {
  let i = 0;
  let precision = defaultPrecision;
  if (text[0] === '.') {
    i = 1;
    while (i < text.length && text[i]! >= '0' && text[i]! <= '9') i++;
    if (i >= text.length) fail('error while parsing precision: could not find end of precision specifier');
    const digits = text.slice(1, i);
    if (digits === '') fail(`error while parsing precision: error while converting precision to integer: strconv.Atoi: parsing ${goQuote(digits)}: invalid syntax`);
    precision = Number(digits);
  }
  const verb = String.fromCodePoint(text.codePointAt(i)!);
  if (!Object.hasOwn(clauses, verb)) fail(`unrecognized formatting clause "${goByteRune(verb)}"`);
  return { verb: verb as Verb, precision, length: i + 1 };
}

/** Re-throws a clause's error with the context cel-go gives it. */
function within<T>(context: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof CelLibraryError) err.message = `${context}: ${err.message}`;
    throw err;
  }
}

/**
 * Walks a format string with `count` arguments, as cel-go's parseFormatString does, putting what
 * `substitute` makes of each clause in its place. Evaluation fetches a clause's argument before
 * looking past the `%` (so a missing one is reported first); the compile-time check does not.
 */
export function interpolate(format: string, count: number, substitute: (clause: Clause, index: number) => string, argumentFirst = true): string {
  let out = '';
  let next = 0;
  for (let i = 0; i < format.length; ) {
    if (format[i] !== '%') {
      out += format[i++];
      continue;
    }
    if (format[i + 1] === '%') {
      out += '%';
      i += 2;
      continue;
    }
    if (argumentFirst && next >= count) fail(`index ${next} out of range`);
    if (i + 1 >= format.length) fail('unexpected end of string');
    if (next >= count) fail(`index ${next} out of range`);
    const clause = within('could not parse formatting clause', () => parseClause(format.slice(i + 1)));
    const index = next++;
    out += within('error during formatting', () => substitute(clause, index));
    i += 1 + clause.length;
  }
  return out;
}

/** `<string>.format(<list>)`. */
export function formatString(format: string, args: readonly unknown[]): string {
  return interpolate(format, args.length, (clause, i) => clauses[clause.verb](args[i], clause.precision));
}

const quoteEscapes: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', '"': '\\"' };

/** `strings.quote`: the string in double quotes with CEL's escapes; a lone surrogate becomes U+FFFD. */
export function quote(s: string): string {
  const wellFormed = s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  return `"${wellFormed.replace(/[\x07\b\f\n\r\t\v\\"]/g, (c) => quoteEscapes[c]!)}"`;
}

export function registerStringsLibrary(env: Environment): void {
  env.registerFunction('string.format(list): string', (s: string, args: unknown[]) => formatString(s, args));
  const strings = registerNamespace(env, 'strings');
  env.registerFunction(`${strings}.quote(string): string`, (_: unknown, s: string) => quote(s));
}
