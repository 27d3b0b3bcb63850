// CronJob schedules, parsed as Kubernetes parses them (robfig/cron v3's standard parser: five fields
// or a descriptor, an optional TZ= prefix) with its exact error texts, into schedules that compute
// their next activation in their time zone. Validation reports the errors; the controller runs them.

/** A parsed schedule: robfig's Schedule interface. */
export interface Schedule {
  /** The first activation strictly after `afterMs`, or undefined if there is none within five years. */
  next(afterMs: number): number | undefined;
}

/** A time zone as time.LoadLocation returns it: an IANA name, or UTC. */
export type Location = string;

/**
 * time.LoadLocation: "" and "UTC" are UTC, "Local" is the process's own zone, anything else must be
 * a known IANA zone. The embedded cluster's "Local" is UTC, the zone Kubernetes' control-plane
 * images run in.
 */
export function loadLocation(name: string): Location {
  if (name === '' || name === 'UTC' || name === 'Local') return 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return name;
  } catch {
    throw new Error(`unknown time zone ${name}`);
  }
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const minutes: Bounds = { min: 0, max: 59 };
const hours: Bounds = { min: 0, max: 23 };
const dom: Bounds = { min: 1, max: 31 };
const months: Bounds = { min: 1, max: 12, names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 } };
const dow: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };

/** The values one field allows. */
interface Field {
  values: Set<number>;
  /** robfig's star bit: the field was `*` or `?` (with no step above 1), which changes how the two day fields combine. */
  star: boolean;
}

const maxInt64 = (1n << 63n) - 1n;

/** strconv.Atoi then a sign check (robfig's mustParseInt), with Go's error texts. */
function mustParseInt(expr: string): number {
  if (!/^[+-]?[0-9]+$/.test(expr)) throw new Error(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const big = BigInt(expr);
  if (big > maxInt64 || big < -maxInt64 - 1n) throw new Error(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: value out of range`);
  const n = Number(big);
  if (n < 0) throw new Error(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, names?: Record<string, number>): number {
  const named = names?.[expr.toLowerCase()];
  return named !== undefined ? named : mustParseInt(expr);
}

/** getRange: one comma-separated item, `*`, `?`, `n`, `a-b`, any of them with `/step`. */
function addRange(expr: string, r: Bounds, field: Field): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0]!.split('-');
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    // Only the first part is looked at: robfig reads `*-5` as `*`.
    start = r.min;
    end = r.max;
    star = true;
  } else {
    start = parseIntOrName(lowAndHigh[0]!, r.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1]!, r.names);
    else throw new Error(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]!);
    // "N/step" means "N-max/step".
    if (lowAndHigh.length === 1) end = r.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) throw new Error(`too many slashes: ${expr}`);
  if (start < r.min) throw new Error(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > r.max) throw new Error(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += step) field.values.add(v);
  if (star) field.star = true;
}

/** getField: a comma-separated list of ranges (empty items are skipped). */
function parseField(text: string, r: Bounds): Field {
  const field: Field = { values: new Set(), star: false };
  for (const expr of text.split(',')) if (expr) addRange(expr, r, field);
  return field;
}

/** The five-field form each descriptor stands for (robfig builds the same bits). */
const descriptors: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/**
 * cron.ParseStandard: `[TZ=zone |CRON_TZ=zone ]` then five fields (minute hour day-of-month month
 * day-of-week) or a descriptor (@hourly…, @every <duration>). Throws an Error whose message is
 * robfig's, which the API server returns as is.
 */
export function parseStandard(spec: string): Schedule {
  if (spec.length === 0) throw new Error('empty spec string');
  // robfig's default is time.Local: UTC here (see loadLocation).
  let location: Location = 'UTC';
  if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
    const i = spec.indexOf(' ');
    const name = spec.slice(spec.indexOf('=') + 1, i < 0 ? undefined : i);
    try {
      location = loadLocation(name);
    } catch (err) {
      throw new Error(`provided bad location ${name}: ${(err as Error).message}`);
    }
    spec = i < 0 ? '' : spec.slice(i).trim();
  }
  if (spec.startsWith('@')) {
    const expanded = descriptors[spec];
    if (expanded !== undefined) spec = expanded;
    else if (spec.startsWith('@every ')) {
      try {
        return every(parseDuration(spec.slice('@every '.length)));
      } catch (err) {
        throw new Error(`failed to parse duration ${spec}: ${(err as Error).message}`);
      }
    } else throw new Error(`unrecognized descriptor: ${spec}`);
  }
  const fields = spec.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  return new SpecSchedule(
    parseField(fields[0]!, minutes),
    parseField(fields[1]!, hours),
    parseField(fields[2]!, dom),
    parseField(fields[3]!, months),
    parseField(fields[4]!, dow),
    location,
  );
}

const durationUnits: Record<string, bigint> = {
  ns: 1n,
  us: 1_000n,
  'µs': 1_000n, // U+00B5, micro sign
  'μs': 1_000n, // U+03BC, Greek mu
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** time.ParseDuration, in nanoseconds, with Go's error texts: `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`. */
export function parseDuration(text: string): bigint {
  const invalid = () => new Error(`time: invalid duration ${JSON.stringify(text)}`);
  let s = text;
  let negative = false;
  if (s[0] === '-' || s[0] === '+') {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') throw invalid();
  let total = 0n;
  while (s !== '') {
    const number = /^([0-9]*)(?:\.([0-9]*))?/.exec(s)!;
    const [whole, fraction] = [number[1]!, number[2]];
    // Digits before or after the point, at least one of them.
    if (whole === '' && !fraction) throw invalid();
    s = s.slice(number[0].length);
    const unitText = /^[^0-9.]*/.exec(s)![0];
    if (unitText === '') throw new Error(`time: missing unit in duration ${JSON.stringify(text)}`);
    const unit = durationUnits[unitText];
    if (unit === undefined) throw new Error(`time: unknown unit ${JSON.stringify(unitText)} in duration ${JSON.stringify(text)}`);
    s = s.slice(unitText.length);
    let value = BigInt(whole || '0') * unit;
    if (fraction) value += (BigInt(fraction) * unit) / 10n ** BigInt(fraction.length);
    total += value;
    if (total > maxInt64 + (negative ? 1n : 0n)) throw invalid();
  }
  return negative ? -total : total;
}

/** cron.Every: at least a second, whole seconds only. */
function every(durationNs: bigint): Schedule {
  const delayMs = Number((durationNs < 1_000_000_000n ? 1_000_000_000n : durationNs - (durationNs % 1_000_000_000n)) / 1_000_000n);
  return new ConstantDelaySchedule(delayMs);
}

/** `@every <duration>`: the delay after the start of the current second. */
export class ConstantDelaySchedule implements Schedule {
  constructor(readonly delayMs: number) {}

  next(afterMs: number): number {
    return afterMs - (((afterMs % 1000) + 1000) % 1000) + this.delayMs;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock fields of an instant in a time zone. */
function wallClock(ms: number, location: Location): { y: number; mo: number; d: number; h: number; mi: number; dow: number } {
  if (location === 'UTC') {
    const t = new Date(ms);
    return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes(), dow: t.getUTCDay() };
  }
  let format = formatters.get(location);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone: location, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(location, format);
  }
  const parts = format.formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const y = get('year');
  const mo = get('month');
  const d = get('day');
  return { y, mo, d, h: get('hour'), mi: get('minute'), dow: new Date(Date.UTC(y, mo - 1, d)).getUTCDay() };
}

/** The instant a wall-clock time in `location` denotes (the earlier one across a DST change). */
function instantOf(y: number, mo: number, d: number, h: number, mi: number, location: Location): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  if (location === 'UTC') return guess;
  let t = guess;
  for (let i = 0; i < 3; i++) {
    const w = wallClock(t, location);
    const diff = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi) - guess;
    if (diff === 0) break;
    t -= diff;
  }
  return t;
}

/** Five fields in a time zone: robfig's SpecSchedule (its seconds field is always 0 here). */
export class SpecSchedule implements Schedule {
  constructor(
    private readonly minute: Field,
    private readonly hour: Field,
    private readonly dom: Field,
    private readonly month: Field,
    private readonly dow: Field,
    readonly location: Location,
  ) {}

  /** dayMatches: with either day field a star both must match, otherwise either may. */
  private dayMatches(d: number, dow: number): boolean {
    const domMatch = this.dom.values.has(d);
    const dowMatch = this.dow.values.has(dow);
    return this.dom.star || this.dow.star ? domMatch && dowMatch : domMatch || dowMatch;
  }

  next(afterMs: number): number | undefined {
    // Activations fall on whole minutes: start at the next one.
    let t = Math.floor(afterMs / 60_000) * 60_000 + 60_000;
    const limit = afterMs + 5 * 366 * 24 * 3600_000;
    const loc = this.location;
    while (t <= limit) {
      const w = wallClock(t, loc);
      const from = t;
      if (!this.month.values.has(w.mo)) t = instantOf(w.mo === 12 ? w.y + 1 : w.y, w.mo === 12 ? 1 : w.mo + 1, 1, 0, 0, loc);
      else if (!this.dayMatches(w.d, w.dow)) t = instantOf(w.y, w.mo, w.d + 1, 0, 0, loc);
      else if (!this.hour.values.has(w.h)) t = instantOf(w.y, w.mo, w.d, w.h + 1, 0, loc);
      else if (!this.minute.values.has(w.mi)) t += 60_000;
      else return t;
      // A wall-clock jump that lands no later (a DST change) still moves on a minute.
      if (t <= from) t = from + 60_000;
    }
    return undefined;
  }
}
