// Structural validation: an object against its OpenAPI schema — types and formats, required fields,
// enums, value constraints of CRD schemas, and unknown fields under the three field-validation modes.
// Messages are the API server's: kube-openapi's for schema violations (as apiextensions-apiserver
// reports them for custom resources), sigs.k8s.io/json's strict-decoding wording for unknown fields,
// and, for the first value a built-in kind's body cannot decode, Go's encoding/json error for it.
// See https://kubernetes.io/docs/reference/using-api/api-concepts/#field-validation
import { FieldPath, fieldError, type FieldError } from '../errors';
import { Quantity, QuantityParseError } from '../quantity';
import type { SchemaConstraints, SchemaNode } from '../schema/node';
import { re2RegExp } from './re2';

/** metav1's fieldValidation: reject (Strict), report (Warn) or silently drop (Ignore) unknown fields. */
export type FieldValidationMode = 'Strict' | 'Warn' | 'Ignore';

export interface StructuralResult {
  errors: FieldError[];
  warnings: FieldError[];
  /** The object without its unknown fields (what the API server persists), when any were dropped. */
  pruned?: unknown;
  /**
   * Some value could not be decoded into its Go type (a wrong JSON type, a malformed quantity, an
   * integer out of range): for a built-in kind the API server rejects such a body before validating it.
   */
  undecodable?: boolean;
  /**
   * For the first value that does not decode, the error kube-apiserver's decoder gives for it (Go's
   * encoding/json, or the Unmarshaler of a Quantity, IntOrString or Time): the message of the 400 a
   * built-in kind's body gets.
   */
  decodeError?: string;
}

type Node = SchemaNode & SchemaConstraints;
type JSONObject = Record<string, unknown>;

interface IntRange {
  readonly min: number;
  readonly max: number;
  /** The exact bounds, which a double cannot print for int64. */
  readonly minText: string;
  readonly maxText: string;
}
const INT32: IntRange = { min: -2147483648, max: 2147483647, minText: '-2147483648', maxText: '2147483647' };
// 2^63 as a double: any parsed number at or beyond it overflows a Go int64.
const INT64: IntRange = { min: -9223372036854775808, max: 9223372036854775807, minText: '-9223372036854775808', maxText: '9223372036854775807' };

/** The Go integer type an integer field decodes into, by its format: undefined for a plain `integer`. */
function integerRange(node: Node): IntRange | undefined {
  return node.format === 'int32' ? INT32 : node.format === 'int64' ? INT64 : undefined;
}

/** Whether `value` is past the top of `range`. (2^63 - 1 rounds to 2^63 as a double, so for int64 reaching the bound is already past it.) */
function aboveRange(value: number, range: IntRange): boolean {
  return value > range.max || (range === INT64 && value >= 2 ** 63);
}

/** The JSON type name kube-openapi reports for a value: "string", "integer", "number", … */
function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const isObject = (v: unknown): v is JSONObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The JSON value as Go's UnmarshalTypeError names it ("string", "bool", "object"…); a number with
 * its literal when it was meant for an integer ("number 1.5"), as the decoder reports a number that
 * does not parse as one.
 */
function goValue(v: unknown, integerTarget: boolean): string {
  if (typeof v === 'number') return integerTarget ? `number ${String(v)}` : 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : String(typeof v);
}

/**
 * The Go type a schema node decodes into, as reflect prints it: `v1.EnvVar` for a definition (its
 * package and name), `[]v1.Container`, `map[string]string`, `int32`. Named scalar and map types
 * (`v1.RestartPolicy`, `v1.ResourceList`) are not in the OpenAPI document: they print as their
 * underlying type (`string`, `map[string]resource.Quantity`).
 */
export function goType(node: SchemaNode): string {
  if (node.definition) {
    const parts = node.definition.split('.');
    return `${parts[parts.length - 2]}.${parts[parts.length - 1]}`;
  }
  switch (node.type) {
    case 'string':
      return node.format === 'byte' ? '[]uint8' : 'string';
    case 'boolean':
      return 'bool';
    case 'integer':
      return node.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return 'float64';
    case 'array': {
      const items = node.items();
      return `[]${items ? goType(items) : 'interface {}'}`;
    }
    case 'object': {
      const values = node.additionalProperties();
      return values ? `map[string]${goType(values)}` : 'map[string]interface {}';
    }
    default:
      return 'interface {}';
  }
}

class Walker {
  readonly errors: FieldError[] = [];
  readonly warnings: FieldError[] = [];
  /** The errors of values that do not decode (wrong type, malformed, out of range, unknown): a subset of `errors`. */
  readonly decoding = new Set<FieldError>();
  dropped = false;
  undecodable = false;
  /**
   * The decoder's first error that ends decoding (an Unmarshaler's: Quantity, IntOrString, Time),
   * and its first error that decoding goes on after (a value of the wrong type, base64): Go's
   * decoder reports the one that ended it, else the first it saved (StructuralResult.decodeError).
   */
  private endingError: string | undefined;
  private savedError: string | undefined;
  get decodeError(): string | undefined {
    return this.endingError ?? this.savedError;
  }
  /** The definition of the Go struct whose fields are being walked, which the decoder's errors name. */
  private goDefinition = '';

  constructor(
    private readonly mode: FieldValidationMode,
    private readonly listTypes: boolean,
    private readonly goTimes: boolean,
  ) {}

  /** `${path} in body …`, kube-openapi's subject for every schema message. */
  private body(path: FieldPath): string {
    return `${path.toString()} in body`;
  }

  /** kube-openapi's InvalidType, reported as apiextensions does: the value shown is the offending type. */
  private wrongType(path: FieldPath, expected: string, value: unknown, node: Node): void {
    const actual = jsonType(value);
    // Types with an Unmarshaler of their own decode the value themselves, without the field's
    // context, and their error ends decoding.
    const ends = node.format === 'quantity' || node.intOrString === true || node.format === 'date-time';
    this.undecodableValue(fieldError.typeInvalid(path, actual, `${this.body(path)} must be of type ${expected}: ${JSON.stringify(actual)}`), () => {
      if (node.format === 'quantity') return quantityError(JSON.stringify(value));
      if (node.intOrString) return `json: cannot unmarshal ${goValue(value, true)} into Go value of type int32`;
      if (node.format === 'date-time') return `json: cannot unmarshal ${goValue(value, false)} into Go value of type string`;
      return this.goFieldError(path, goValue(value, node.type === 'integer'), node);
    }, ends);
  }

  /** What the decoder says of a number its integer cannot hold. */
  private overflowError(path: FieldPath, value: number, node: Node): string {
    return node.intOrString ? `json: cannot unmarshal ${goValue(value, true)} into Go value of type int32` : this.goFieldError(path, goValue(value, true), node);
  }

  /** encoding/json's UnmarshalTypeError for a field of the struct being walked. */
  private goFieldError(path: FieldPath, value: string, node: Node): string {
    const struct = this.goDefinition.slice(this.goDefinition.lastIndexOf('.') + 1);
    return `json: cannot unmarshal ${value} into Go struct field ${struct}.${path.fieldNames()} of type ${goType(node)}`;
  }

  /** A value the decoder rejects: it fails the request wherever it is. */
  private decodingError(e: FieldError): void {
    this.errors.push(e);
    this.decoding.add(e);
  }

  /**
   * A value that does not fit its Go type: for a built-in kind, no validation runs after it.
   * `decoder` words it as kube-apiserver's decoder does, `ends` when that error ends decoding.
   */
  private undecodableValue(e: FieldError, decoder: () => string, ends = false): void {
    this.undecodable = true;
    if (ends) this.endingError ??= decoder();
    else if (this.endingError === undefined) this.savedError ??= decoder();
    this.decodingError(e);
  }

  private unknown(path: FieldPath): void {
    if (this.mode === 'Strict') this.decodingError(fieldError.unknownField(path));
    else if (this.mode === 'Warn') this.warnings.push({ ...fieldError.unknownField(path), warning: true });
    this.dropped = true;
  }

  /** Validates `value` at `path`; returns the value with unknown fields dropped (the same object if none were). */
  walk(value: unknown, node: Node, path: FieldPath): unknown {
    // JSON null decodes to the zero value of a built-in field, and custom resources prune it before
    // validating, so null is never a type error; `required` treats it as absent.
    if (value === null || value === undefined) return value;

    if (node.intOrString) {
      if (typeof value === 'string') return value;
      if (typeof value === 'number' && Number.isInteger(value)) return this.checkNumber(value, node, path, INT32), value;
      this.wrongType(path, 'integer,string', value, node);
      return value;
    }
    if (node.format === 'quantity') {
      if (typeof value !== 'string' && typeof value !== 'number') this.wrongType(path, 'string,number', value, node);
      else {
        try {
          Quantity.parse(value);
        } catch (err) {
          if (!(err instanceof QuantityParseError)) throw err;
          this.undecodableValue(fieldError.invalid(path, value, err.message), () => err.message, true);
        }
      }
      return value;
    }

    switch (node.type) {
      case 'string':
        if (typeof value !== 'string') return this.wrongType(path, 'string', value, node), value;
        this.checkString(value, node, path);
        break;
      case 'boolean':
        if (typeof value !== 'boolean') this.wrongType(path, 'boolean', value, node);
        break;
      case 'integer':
        if (typeof value !== 'number' || !Number.isInteger(value)) return this.wrongType(path, 'integer', value, node), value;
        this.checkNumber(value, node, path, integerRange(node));
        break;
      case 'number':
        if (typeof value !== 'number') return this.wrongType(path, 'number', value, node), value;
        this.checkNumber(value, node, path, undefined);
        break;
      case 'array':
        if (!Array.isArray(value)) return this.wrongType(path, 'array', value, node), value;
        return this.walkArray(value, node, path);
      case 'object':
        if (!isObject(value)) return this.wrongType(path, 'object', value, node), value;
        return this.walkObject(value, node, path);
      default:
        // No type: anything goes (RawExtension, JSON), though declared fields are still checked.
        if (isObject(value) && (node.propertyNames().length || node.additionalProperties())) return this.walkObject(value, node, path);
        if (Array.isArray(value) && node.items()) return this.walkArray(value, node, path);
    }
    if (node.enum && !node.enum.includes(value as string | number)) this.errors.push(fieldError.notSupported(path, value, node.enum.map(String)));
    return value;
  }

  private checkString(value: string, node: Node, path: FieldPath): void {
    if (node.maxLength !== undefined && [...value].length > node.maxLength) this.errors.push(fieldError.tooLong(path, value, node.maxLength));
    if (node.minLength !== undefined && [...value].length < node.minLength) this.errors.push(fieldError.invalid(path, value, `${this.body(path)} should be at least ${node.minLength} chars long`));
    if (node.pattern !== undefined && !safeRegExp(node.pattern)?.test(value)) this.errors.push(fieldError.invalid(path, value, `${this.body(path)} should match '${node.pattern}'`));
    // A built-in kind's time is decoded by Go's time.Parse, which takes no empty string either; a
    // custom resource's is checked as strfmt's date-time, which leaves an empty one alone.
    if (node.format === 'date-time' && (this.goTimes || value !== '')) {
      const goError = this.goTimes ? goTimeParseError(value) : undefined;
      if (this.goTimes ? goError !== undefined : !DATE_TIME.test(value)) {
        const detail = `${this.body(path)} must be of type date-time: ${JSON.stringify(value)}`;
        this.undecodableValue(fieldError.invalid(path, value, detail), () => goError ?? detail, true);
      }
    }
    if (node.format === 'byte') {
      const bad = base64Error(value);
      if (bad !== undefined) {
        // Go's []byte decoding; the value is not echoed, since this is how Secrets hold their data.
        const detail = `illegal base64 data at input byte ${bad}`;
        this.undecodableValue({ field: path.toString(), type: 'Invalid', detail }, () => detail);
      }
    }
  }

  private checkNumber(value: number, node: Node, path: FieldPath, range: IntRange | undefined): void {
    // Beyond the Go type's range the value does not decode at all.
    if (range && aboveRange(value, range)) {
      this.undecodableValue(fieldError.invalid(path, value, `${this.body(path)} should be less than or equal to ${range.maxText}`), () => this.overflowError(path, value, node), node.intOrString);
    } else if (range && value < range.min) {
      this.undecodableValue(fieldError.invalid(path, value, `${this.body(path)} should be greater than or equal to ${range.minText}`), () => this.overflowError(path, value, node), node.intOrString);
    }
    const { maximum: max, minimum: min } = node;
    if (max !== undefined && (node.exclusiveMaximum ? value >= max : value > max)) this.errors.push(fieldError.invalid(path, value, `${this.body(path)} should be less than ${node.exclusiveMaximum ? '' : 'or equal to '}${max}`));
    if (min !== undefined && (node.exclusiveMinimum ? value <= min : value < min)) this.errors.push(fieldError.invalid(path, value, `${this.body(path)} should be greater than ${node.exclusiveMinimum ? '' : 'or equal to '}${min}`));
    if (node.multipleOf && !Number.isInteger(value / node.multipleOf)) this.errors.push(fieldError.invalid(path, value, `${this.body(path)} should be a multiple of ${node.multipleOf}`));
  }

  private walkArray(value: unknown[], node: Node, path: FieldPath): unknown[] {
    if (node.maxItems !== undefined && value.length > node.maxItems) this.errors.push(fieldError.tooMany(path, value.length, node.maxItems));
    if (node.minItems !== undefined && value.length < node.minItems) this.errors.push(fieldError.invalid(path, value.length, `${this.body(path)} should have at least ${node.minItems} items`));
    if (node.uniqueItems || (this.listTypes && node.listType === 'set')) {
      const seen = new Set<string>();
      value.forEach((item, i) => {
        const k = JSON.stringify(item);
        if (seen.has(k)) this.errors.push(fieldError.duplicate(path.index(i), item));
        seen.add(k);
      });
    }
    if (this.listTypes && node.listType === 'map' && node.listMapKeys?.length) {
      // Items of a map-list are identified by their keys: two with the same keys are one item twice.
      const keys = node.listMapKeys;
      const seen = new Set<string>();
      value.forEach((item, i) => {
        if (!isObject(item)) return;
        const id = Object.fromEntries(keys.filter((k) => item[k] !== undefined).map((k) => [k, item[k]]));
        const k = JSON.stringify(id);
        if (seen.has(k)) this.errors.push(fieldError.duplicate(path.index(i), id));
        seen.add(k);
      });
    }
    const items = node.items() as Node | undefined;
    if (!items) return value;
    let out: unknown[] | undefined;
    value.forEach((item, i) => {
      if (nothingToCheck(item, items)) return;
      const v = this.walk(item, items, path.index(i));
      if (v !== item) (out ??= value.slice())[i] = v;
    });
    return out ?? value;
  }

  private walkObject(value: JSONObject, node: Node, path: FieldPath): JSONObject {
    for (const name of node.required ?? []) {
      if (value[name] === undefined || value[name] === null) this.errors.push(fieldError.required(path.child(name), ''));
    }
    if (node.maxProperties !== undefined || node.minProperties !== undefined) {
      const count = Object.keys(value).length;
      if (node.maxProperties !== undefined && count > node.maxProperties) this.errors.push(fieldError.tooMany(path, count, node.maxProperties));
      if (node.minProperties !== undefined && count < node.minProperties) this.errors.push(fieldError.invalid(path, count, `${this.body(path)} should have at least ${node.minProperties} properties`));
    }

    const values = node.additionalProperties() as Node | undefined;
    // Objects that declare fields and no map values reject the rest, unless told to keep unknown fields.
    const closed = !values && !node.preserveUnknownFields;
    let out: JSONObject | undefined;
    const outer = this.goDefinition;
    if (node.definition) this.goDefinition = node.definition;
    // for…in allocates no array of keys; a decoded JSON object has no inherited members to visit.
    for (const key in value) {
      const child = value[key];
      const prop = node.property(key) as Node | undefined;
      let v: unknown;
      if (prop) {
        if (nothingToCheck(child, prop)) continue;
        v = this.walk(child, prop, path.child(key));
      } else if (values) {
        if (nothingToCheck(child, values)) continue;
        v = this.walk(child, values, path.key(key));
      } else if (closed) {
        this.unknown(path.child(key));
        out ??= { ...value };
        delete out[key];
        continue;
      } else continue;
      if (v !== child) (out ??= { ...value })[key] = v;
    }
    this.goDefinition = outer;
    this.checkEmbedded(value, node, path);
    return out ?? value;
  }

  /** `x-kubernetes-embedded-resource`: an object that must say what it is. */
  private checkEmbedded(value: JSONObject, node: Node, path: FieldPath): void {
    if (!node.embeddedResource) return;
    if (!value['apiVersion']) this.errors.push(fieldError.required(path.child('apiVersion'), 'must not be empty'));
    if (!value['kind']) this.errors.push(fieldError.required(path.child('kind'), 'must not be empty'));
  }
}

/**
 * Whether `walk` would find nothing to report of `value` at `node` and return it as it is: null, a
 * string with no constraints or format to check, a boolean, a number its type holds and no bound
 * limits. Such leaves are most of an object's members, and skipping them spares the field path that
 * walking them would make.
 */
function nothingToCheck(value: unknown, node: Node): boolean {
  if (value === null || value === undefined) return true;
  if (node.enum !== undefined || node.format === 'quantity') return false;
  switch (typeof value) {
    case 'string': {
      if (node.intOrString) return true;
      const format = node.format;
      return node.type === 'string' && format !== 'date-time' && format !== 'byte' && node.pattern === undefined && node.maxLength === undefined && node.minLength === undefined;
    }
    case 'boolean':
      return node.type === 'boolean' && !node.intOrString;
    case 'number': {
      if (node.maximum !== undefined || node.minimum !== undefined || node.multipleOf !== undefined) return false;
      // The ranges walk checks: an int-or-string's number is an int32, an integer's its format's.
      const range = node.intOrString ? INT32 : integerRange(node);
      if (node.intOrString || node.type === 'integer') return Number.isInteger(value) && (!range || (!aboveRange(value, range) && value >= range.min));
      return node.type === 'number';
    }
    default:
      return false;
  }
}

/** What ParseQuantity says of `text` (a Quantity's Unmarshaler parses any JSON value's text). */
function quantityError(text: string): string {
  try {
    Quantity.parse(text);
  } catch (err) {
    if (err instanceof QuantityParseError) return err.message;
    throw err;
  }
  return `cannot decode ${text} as a quantity`;
}

/**
 * Where standard, padded base64 (Go's base64.StdEncoding, which skips newlines) goes wrong, as the
 * byte offset Go's CorruptInputError reports; undefined when it decodes.
 */
function base64Error(text: string): number | undefined {
  const s = text.replace(/[\r\n]/g, '');
  const padding = /=*$/.exec(s)![0].length;
  const body = s.length - padding;
  for (let i = 0; i < body; i++) if (!BASE64.test(s[i]!)) return i;
  if (padding > 2 || s.length % 4 !== 0) return s.length - (s.length % 4 || (padding ? 4 : 0));
  return undefined;
}
const BASE64 = /[A-Za-z0-9+/]/;

/** RFC 3339 date-time, as strfmt's DateTime accepts it. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

const patterns = new Map<string, RegExp | undefined>();
/** CRD patterns in Go's RE2 syntax, as apiextensions-apiserver compiles them; one that does not translate matches nothing. */
function safeRegExp(pattern: string): RegExp | undefined {
  if (!patterns.has(pattern)) patterns.set(pattern, re2RegExp(pattern));
  return patterns.get(pattern);
}

export interface StructuralOptions {
  /**
   * Check `x-kubernetes-list-type` set and map lists for duplicate items, as apiextensions-apiserver
   * does for custom resources. Built-in kinds leave that to their own validation (a duplicate
   * container name is reported there, in its words), so it is off by default.
   */
  listTypes?: boolean;
  /**
   * The one top-level field whose schema constraints count (required, enum, lengths, bounds…);
   * elsewhere only what does not decode is an error. A status update's body is decoded whole, then
   * its status strategy keeps the stored object but for `status`: only there do its values matter.
   */
  constraintsOnlyUnder?: string;
  /**
   * Decode date-times as a built-in kind's metav1.Time does, with Go's time.Parse(time.RFC3339),
   * rather than check them as strfmt's date-time, as a custom resource's are.
   */
  goTimes?: boolean;
}

/**
 * Validates `obj` against `schema`. Unknown fields are errors in Strict mode, warnings in Warn mode,
 * and dropped silently in Ignore mode; in every mode `pruned` is the object without them, as the API
 * server would store it.
 */
export function validateStructure(obj: unknown, schema: SchemaNode, mode: FieldValidationMode, options: StructuralOptions = {}): StructuralResult {
  const w = new Walker(mode, options.listTypes ?? false, options.goTimes ?? false);
  const out = w.walk(obj, schema as Node, FieldPath.root());
  const only = options.constraintsOnlyUnder;
  const errors = only === undefined ? w.errors : w.errors.filter((e) => w.decoding.has(e) || underField(e.field, only));
  return { errors, warnings: w.warnings, ...(w.dropped ? { pruned: out } : {}), ...(w.undecodable ? { undecodable: true, decodeError: w.decodeError! } : {}) };
}

/** Whether the field path `field` ("status.conditions[0].type") is `top` or lies below it. */
function underField(field: string, top: string): boolean {
  if (!field.startsWith(top)) return false;
  const next = field[top.length];
  return next === undefined || next === '.' || next === '[';
}

const RFC3339_LAYOUT = '2006-01-02T15:04:05Z07:00';
/** The layout elements after the year: the literal before each, its two-digit number, and its range. */
const TIME_FIELDS: readonly (readonly [string, string, boolean, number, number, string])[] = [
  ['-', '01', true, 1, 12, 'month'],
  ['-', '02', true, 0, 31, 'day'],
  ['T', '15', false, 0, 23, 'hour'],
  [':', '04', true, 0, 59, 'minute'],
  [':', '05', true, 0, 59, 'second'],
];

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

const isDigitAt = (s: string, i: number) => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;

/** The two digits at `i` as a number, or -1 when either is not a digit. */
function twoDigits(s: string, i: number): number {
  return isDigitAt(s, i) && isDigitAt(s, i + 1) ? (s.charCodeAt(i) - 48) * 10 + s.charCodeAt(i + 1) - 48 : -1;
}

/**
 * Whether `value` is a valid time in the form nearly every stored one has,
 * `2006-01-02T15:04:05[.000]Z` or with a `±07:00` offset: read in place, allocating nothing, since
 * every write validates the dozen times a pod carries. Anything else takes goTimeParseError's walk.
 */
function isPlainRFC3339(v: string): boolean {
  if (v.length < 20 || v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45 || v.charCodeAt(10) !== 84 || v.charCodeAt(13) !== 58 || v.charCodeAt(16) !== 58) return false;
  const century = twoDigits(v, 0);
  const yy = twoDigits(v, 2);
  const month = twoDigits(v, 5);
  const day = twoDigits(v, 8);
  if (century < 0 || yy < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(month, century * 100 + yy)) return false;
  const hour = twoDigits(v, 11);
  const minute = twoDigits(v, 14);
  const second = twoDigits(v, 17);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return false;
  let i = 19;
  const sep = v.charCodeAt(i);
  if (sep === 46 || sep === 44) {
    if (!isDigitAt(v, i + 1)) return false;
    i++;
    while (isDigitAt(v, i)) i++;
  }
  const zone = v.charCodeAt(i);
  if (zone === 90) return i + 1 === v.length;
  return (zone === 43 || zone === 45) && i + 6 === v.length && twoDigits(v, i + 1) >= 0 && v.charCodeAt(i + 3) === 58 && twoDigits(v, i + 4) >= 0;
}

/** Go's getnum: one or two digits, exactly two when `fixed`; the number and what follows it. */
function getnum(s: string, fixed: boolean): [number, string] | undefined {
  if (!isDigitAt(s, 0)) return undefined;
  if (!isDigitAt(s, 1)) return fixed ? undefined : [s.charCodeAt(0) - 48, s.slice(1)];
  return [(s.charCodeAt(0) - 48) * 10 + s.charCodeAt(1) - 48, s.slice(2)];
}

/**
 * The error Go's time.Parse(time.RFC3339, value) gives, as metav1.Time's decoder passes it on;
 * undefined when it parses. The layout is walked element by element as Go walks it: a literal or a
 * number that is not there is "cannot parse", a number out of its range is "month out of range"
 * and the like, and what is left after the zone is "extra text".
 */
export function goTimeParseError(value: string): string | undefined {
  if (isPlainRFC3339(value)) return undefined;
  const quote = (s: string) => JSON.stringify(s);
  const cannot = (rest: string, element: string) => `parsing time ${quote(value)} as ${quote(RFC3339_LAYOUT)}: cannot parse ${quote(rest)} as ${quote(element)}`;
  const outOfRange = (what: string) => `parsing time ${quote(value)}: ${what} out of range`;
  let rest = value;
  if (rest.length < 4 || !isDigitAt(rest, 0) || !isDigitAt(rest, 1) || !isDigitAt(rest, 2) || !isDigitAt(rest, 3)) return cannot(rest, '2006');
  const year = Number(rest.slice(0, 4));
  rest = rest.slice(4);
  const parsed: number[] = [];
  for (const [prefix, element, fixed, min, max, name] of TIME_FIELDS) {
    if (!rest.startsWith(prefix)) return cannot(rest, prefix);
    rest = rest.slice(prefix.length);
    const got = getnum(rest, fixed);
    if (!got) return cannot(rest, element);
    if (got[0] < min || got[0] > max) return outOfRange(name);
    parsed.push(got[0]);
    rest = got[1];
  }
  // A fractional second the layout does not name is taken all the same.
  const fraction = /^[.,]\d+/.exec(rest);
  if (fraction) rest = rest.slice(fraction[0].length);
  if (rest.startsWith('Z')) rest = rest.slice(1);
  else if (/^[+-]\d\d:\d\d/.test(rest)) rest = rest.slice(6);
  else return cannot(rest, 'Z07:00');
  if (rest.length) return `parsing time ${quote(value)}: extra text: ${quote(rest)}`;
  const [month, day] = parsed as [number, number];
  if (day < 1 || day > daysIn(month, year)) return outOfRange('day');
  return undefined;
}
