// How the Kubernetes CEL libraries see the evaluator's values: their CEL type names (as cel-go spells
// them in messages: `int`, `null_type`, `google.protobuf.Duration`), CEL equality across numeric
// types (`1 == 1.0 == 1u`), and Go's string quoting (strconv.Quote), which several messages use.
// See https://kubernetes.io/docs/reference/using-api/cel/
import { goQuote } from '../../go/quote';
import { Environment, Optional } from '@marcbachmann/cel-js';

// The evaluator does not export its uint, duration and type classes: they are taken from values it makes.
const probe = new Environment();
const UintClass = (probe.evaluate('1u') as object).constructor;
const DurationClass = (probe.evaluate('duration("1s")') as object).constructor;
const TypeClass = (probe.evaluate('type(1)') as object).constructor;

/** A CEL uint as the evaluator holds it. */
export interface CelUint {
  valueOf(): bigint;
}

/** A CEL duration as the evaluator holds it. */
export interface CelDuration {
  readonly seconds: bigint;
  readonly nanos: number;
}

/** A value of one of the libraries' own types (Quantity, URL, IP, CIDR, Semver, Format). */
export interface LibraryValue {
  readonly celTypeName: string;
  equals(other: unknown): boolean;
}

export const isUint = (v: unknown): v is CelUint => v instanceof UintClass;
export const isDuration = (v: unknown): v is CelDuration => v instanceof DurationClass;
export const isCelType = (v: unknown): v is { readonly name: string } => v instanceof TypeClass;
export const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array;
export const isLibraryValue = (v: unknown): v is LibraryValue =>
  typeof v === 'object' && v !== null && typeof (v as Partial<LibraryValue>).celTypeName === 'string';
export const isMap = (v: unknown): v is Map<unknown, unknown> | Record<string, unknown> =>
  v instanceof Map || (typeof v === 'object' && v !== null && (v.constructor === Object || v.constructor === undefined));

/** The name of a type value, as cel-go prints it (`null_type`, not `null`). */
export function typeValueName(t: { readonly name: string }): string {
  return t.name === 'null' ? 'null_type' : t.name;
}

/** The CEL type of a value, by cel-go's name for it. */
export function celTypeName(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'bigint':
      return 'int';
    case 'number':
      return 'double';
    case 'boolean':
      return 'bool';
  }
  if (v === null || v === undefined) return 'null_type';
  if (isUint(v)) return 'uint';
  if (isBytes(v)) return 'bytes';
  if (Array.isArray(v) || v instanceof Set) return 'list';
  if (v instanceof Date) return 'google.protobuf.Timestamp';
  if (isDuration(v)) return 'google.protobuf.Duration';
  if (isCelType(v)) return 'type';
  if (v instanceof Optional) return 'optional_type';
  if (isLibraryValue(v)) return v.celTypeName;
  if (isMap(v)) return 'map';
  return (v as object).constructor?.name ?? 'unknown';
}

/** A map's entries, whether it is a Map or a plain object. */
export function mapEntries(m: Map<unknown, unknown> | Record<string, unknown>): [unknown, unknown][] {
  return m instanceof Map ? [...m.entries()] : Object.entries(m);
}

function numeric(v: unknown): bigint | number | undefined {
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  return isUint(v) ? v.valueOf() : undefined;
}

/** CEL equality: numbers compare by value across int, uint and double; lists and maps element-wise. */
export function celEquals(a: unknown, b: unknown): boolean {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined || nb !== undefined) return na !== undefined && nb !== undefined && na == nb;
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (isLibraryValue(a)) return a.equals(b);
  if (isBytes(a) || isBytes(b)) return isBytes(a) && isBytes(b) && Buffer.compare(a, b) === 0;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => celEquals(v, b[i]));
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (isDuration(a) || isDuration(b)) return isDuration(a) && isDuration(b) && a.seconds === b.seconds && a.nanos === b.nanos;
  if (isCelType(a) || isCelType(b)) return isCelType(a) && isCelType(b) && a.name === b.name;
  if (a instanceof Optional || b instanceof Optional) return optionalEquals(a, b);
  if (isMap(a) && isMap(b)) return mapEquals(a, b);
  return false;
}

function optionalEquals(a: unknown, b: unknown): boolean {
  if (!(a instanceof Optional && b instanceof Optional)) return false;
  return a.hasValue() === b.hasValue() && (!a.hasValue() || celEquals(a.value(), b.value()));
}

function mapEquals(a: Map<unknown, unknown> | Record<string, unknown>, b: Map<unknown, unknown> | Record<string, unknown>): boolean {
  const ea = mapEntries(a);
  const eb = mapEntries(b);
  return ea.length === eb.length && ea.every(([k, v]) => eb.some(([k2, v2]) => celEquals(k, k2) && celEquals(v, v2)));
}

/** Whether `list` holds a value CEL-equal to `v` (the `in` operator). */
export const celContains = (list: readonly unknown[], v: unknown): boolean => list.some((e) => celEquals(e, v));

export { goQuote };
