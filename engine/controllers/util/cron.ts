// Cron schedules as CronJobs use them (robfig/cron v3's standard parser and SpecSchedule.Next):
// five fields (minute hour day-of-month month day-of-week) with lists, ranges, steps and names, or
// a descriptor (@hourly…), evaluated in a time zone (UTC unless the CronJob names one). Validation
// has already rejected malformed schedules; this only computes activation times.

interface Field {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const fields: Field[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 } },
  { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } },
];

const descriptors: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

interface ParsedField {
  values: Set<number>;
  /** The field was `*` or `?`: robfig's star bit, which changes how day-of-month and day-of-week combine. */
  star: boolean;
}

function parseField(text: string, f: Field): ParsedField {
  const values = new Set<number>();
  let star = false;
  const num = (s: string) => f.names?.[s.toLowerCase()] ?? Number(s);
  for (const expr of text.split(',')) {
    const [range, stepText] = expr.split('/');
    const [lo, hi] = range!.split('-');
    let start: number;
    let end: number;
    if (lo === '*' || lo === '?') {
      start = f.min;
      end = f.max;
      if (stepText === undefined) star = true;
    } else {
      start = num(lo!);
      end = hi !== undefined ? num(hi) : stepText !== undefined ? f.max : start;
    }
    const step = stepText !== undefined ? Number(stepText) : 1;
    for (let v = start; v <= end; v += step) values.add(v);
  }
  return { values, star };
}

/** Wall-clock fields of an instant in a time zone. */
function wallClock(ms: number, timeZone: string | undefined): { y: number; mo: number; d: number; h: number; mi: number; dow: number } {
  if (!timeZone || timeZone === 'UTC') {
    const t = new Date(ms);
    return { y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(), h: t.getUTCHours(), mi: t.getUTCMinutes(), dow: t.getUTCDay() };
  }
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' }).formatToParts(new Date(ms));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const y = get('year');
  const mo = get('month');
  const d = get('day');
  return { y, mo, d, h: get('hour'), mi: get('minute'), dow: new Date(Date.UTC(y, mo - 1, d)).getUTCDay() };
}

/** The instant a wall-clock time in `timeZone` denotes (the earlier one across a DST change). */
function instantOf(y: number, mo: number, d: number, h: number, mi: number, timeZone: string | undefined): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  if (!timeZone || timeZone === 'UTC') return guess;
  let t = guess;
  for (let i = 0; i < 3; i++) {
    const w = wallClock(t, timeZone);
    const diff = Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi) - guess;
    if (diff === 0) break;
    t -= diff;
  }
  return t;
}

export class CronSchedule {
  private readonly minute: ParsedField;
  private readonly hour: ParsedField;
  private readonly dom: ParsedField;
  private readonly month: ParsedField;
  private readonly dow: ParsedField;

  constructor(spec: string, readonly timeZone?: string) {
    const text = descriptors[spec.trim()] ?? spec.trim();
    const parts = text.split(/\s+/);
    [this.minute, this.hour, this.dom, this.month, this.dow] = parts.map((p, i) => parseField(p, fields[i]!)) as [ParsedField, ParsedField, ParsedField, ParsedField, ParsedField];
  }

  /** dayMatches: with either day field a star both must match, otherwise either may. */
  private dayMatches(d: number, dow: number): boolean {
    const domMatch = this.dom.values.has(d);
    const dowMatch = this.dow.values.has(dow) || (dow === 0 && this.dow.values.has(7));
    return this.dom.star || this.dow.star ? domMatch && dowMatch : domMatch || dowMatch;
  }

  /** The first activation strictly after `afterMs`, or undefined within five years (robfig's limit). */
  next(afterMs: number): number | undefined {
    // Activations fall on whole minutes: start at the next one.
    let t = Math.floor(afterMs / 60_000) * 60_000 + 60_000;
    const limit = afterMs + 5 * 366 * 24 * 3600_000;
    while (t <= limit) {
      const w = wallClock(t, this.timeZone);
      const from = t;
      if (!this.month.values.has(w.mo)) {
        t = instantOf(w.mo === 12 ? w.y + 1 : w.y, w.mo === 12 ? 1 : w.mo + 1, 1, 0, 0, this.timeZone);
        // A wall-clock jump that lands no later (a DST change) still moves on a minute.
        if (t <= from) t = from + 60_000;
        continue;
      }
      if (!this.dayMatches(w.d, w.dow)) {
        t = instantOf(w.y, w.mo, w.d + 1, 0, 0, this.timeZone);
        // A wall-clock jump that lands no later (a DST change) still moves on a minute.
        if (t <= from) t = from + 60_000;
        continue;
      }
      if (!this.hour.values.has(w.h)) {
        t = instantOf(w.y, w.mo, w.d, w.h + 1, 0, this.timeZone);
        // A wall-clock jump that lands no later (a DST change) still moves on a minute.
        if (t <= from) t = from + 60_000;
        continue;
      }
      if (!this.minute.values.has(w.mi)) {
        t += 60_000;
        continue;
      }
      return t;
    }
    return undefined;
  }
}
