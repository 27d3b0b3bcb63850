// Kubernetes' format library (k8s.io/apiserver/pkg/cel/library/format.go): named string formats to
// validate against, `format.named(<string>)` (an optional) or `format.<name>()`, and
// `<format>.validate(<string>)`, which is optional.none() for a valid string and otherwise the list
// of what is wrong with it, in the API server's words.
// See https://kubernetes.io/docs/reference/using-api/cel/#kubernetes-format-library
import { Optional, type Environment } from '@marcbachmann/cel-js';
import { isQualifiedName, isValidLabelValue, nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain } from '../../names';
import { registerNamespace } from './namespace';
import { parseRequestURI } from '../../go/url';
import type { LibraryValue } from './values';

/** strfmt's uuid: hex groups, dashes optional, either case. */
const uuid = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
/** govalidator's base64: complete groups of four, padded. */
const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/;
/** strfmt's time of day after the `T` of a date-time. */
const timeOfDay = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$/;

/** time.Parse("2006-01-02", s): four-digit year, and a day that exists in its month. */
function isDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return daysInMonth !== undefined && day >= 1 && day <= daysInMonth;
}

/** strfmt's IsDateTime: a date, a `T` (either case), then a time of day with a zone. */
function isDateTime(s: string): boolean {
  if (s.length < 4) return false;
  const parts = s.toLowerCase().split('t');
  if (parts.length < 2 || !isDate(parts[0]!)) return false;
  const m = timeOfDay.exec(parts[1]!);
  return m !== null && m[1]! <= '23' && m[2]! <= '59' && m[3]! <= '59';
}

const check = (ok: (s: string) => boolean, message: string) => (s: string) => (ok(s) ? [] : [message]);

/** The formats by their names in the library, each with its validation. */
const formats: Record<string, { name: string; validate: (s: string) => string[] }> = {
  dns1123Label: { name: 'DNS1123Label', validate: (s) => nameIsDNSLabel(s, false) },
  dns1123Subdomain: { name: 'DNS1123Subdomain', validate: (s) => nameIsDNSSubdomain(s, false) },
  dns1035Label: { name: 'DNS1035Label', validate: (s) => nameIsDNS1035Label(s, false) },
  qualifiedName: { name: 'QualifiedName', validate: isQualifiedName },
  dns1123LabelPrefix: { name: 'DNS1123LabelPrefix', validate: (s) => nameIsDNSLabel(s, true) },
  dns1123SubdomainPrefix: { name: 'DNS1123SubdomainPrefix', validate: (s) => nameIsDNSSubdomain(s, true) },
  dns1035LabelPrefix: { name: 'DNS1035LabelPrefix', validate: (s) => nameIsDNS1035Label(s, true) },
  labelValue: { name: 'LabelValue', validate: isValidLabelValue },
  uri: {
    name: 'URI',
    validate: (s) => {
      const url = parseRequestURI(s);
      return typeof url === 'string' ? [url] : [];
    },
  },
  uuid: { name: 'uuid', validate: check((s) => uuid.test(s), 'does not match the UUID format') },
  byte: { name: 'byte', validate: check((s) => base64.test(s), 'invalid base64') },
  date: { name: 'date', validate: check(isDate, 'invalid date') },
  datetime: { name: 'datetime', validate: check(isDateTime, 'invalid datetime') },
};

export class CelFormat implements LibraryValue {
  get celTypeName(): string {
    return 'kubernetes.NamedFormat';
  }

  constructor(
    readonly name: string,
    private readonly check: (s: string) => string[],
  ) {}

  equals(other: unknown): boolean {
    return other instanceof CelFormat && other.name === this.name;
  }

  validate(s: string): Optional<string[]> {
    const errors = this.check(s);
    return errors.length === 0 ? Optional.none() : Optional.of(errors);
  }
}

const byKey = new Map(Object.entries(formats).map(([key, f]) => [key, new CelFormat(f.name, f.validate)]));

export function registerFormatsLibrary(env: Environment): void {
  const F = 'kubernetes.NamedFormat';
  const format = registerNamespace(env, 'format');
  env
    .registerType(F, CelFormat)
    .registerOperator(`${F} == ${F}`, (a: CelFormat, b: CelFormat) => a.equals(b))
    .registerFunction(`${F}.validate(string): optional<list<string>>`, (f: CelFormat, s: string) => f.validate(s))
    .registerFunction(`${format}.named(string): optional<${F}>`, (_: unknown, name: string) => {
      const f = byKey.get(name);
      return f ? Optional.of(f) : Optional.none();
    });
  for (const [key, f] of byKey) env.registerFunction(`${format}.${key}(): ${F}`, () => f);
}
