// batch/v1 rules (pkg/apis/batch/validation): Jobs run pods that stop (restartPolicy OnFailure or Never),
// CronJobs carry a cron schedule that robfig/cron's standard parser accepts, and a Job's template is fixed.

import { fieldError, FieldPath, GoValue, type FieldError } from '../../errors.js';
import { labelSelectorAsSelector, validateLabelSelector } from '../../labels/labelSelector.js';
import { nameIsDNSSubdomain } from '../names.js';
import { at, goLabelSelector, goStringMap, has, isObj, obj, str, validateImmutableField, validateNonnegativeField } from './common.js';
import { validatePodTemplateSpec } from './pod.js';
import { registerKindRules, type Obj } from './registry.js';
import type { LabelSelector } from 'kubernetes-types/meta/v1';

const maxParallelismForIndexedJob = 100000;

/** validateJobSpec: counts, completion mode, selector and template. */
export function validateJobSpec(spec: unknown, fld: FieldPath): FieldError[] {
  const s = obj(spec);
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished'])
    errs.push(...validateNonnegativeField(s[f], fld.child(f)));
  if (has(s, 'completionMode')) {
    if (s.completionMode !== 'NonIndexed' && s.completionMode !== 'Indexed')
      errs.push(fieldError.notSupported(fld.child('completionMode'), s.completionMode, ['NonIndexed', 'Indexed']));
    if (s.completionMode === 'Indexed') {
      if (!has(s, 'completions')) errs.push(fieldError.required(fld.child('completions'), 'when completion mode is Indexed'));
      if (typeof s.parallelism === 'number' && s.parallelism > maxParallelismForIndexedJob)
        errs.push(fieldError.invalid(fld.child('parallelism'), s.parallelism, `must be less than or equal to ${maxParallelismForIndexedJob} when completion mode is Indexed`));
    }
  }
  // The API server generates the selector (controller-uid) before validating; a given one must select the template.
  if (isObj(s.selector)) {
    errs.push(...validateLabelSelector(s.selector as LabelSelector, fld.child('selector')));
    const labels = obj(obj(obj(s.template).metadata).labels) as Record<string, string>;
    try {
      if (!labelSelectorAsSelector(s.selector as LabelSelector).matches(labels))
        errs.push(fieldError.invalid(at(fld, 'template', 'metadata', 'labels'), goStringMap(obj(obj(s.template).metadata).labels), '`selector` does not match template `labels`'));
    } catch {
      // reported by validateLabelSelector
    }
  }
  const tPath = fld.child('template');
  errs.push(...validatePodTemplateSpec(s.template, tPath));
  // Pod templates default to Always, which is exactly what a Job may not use.
  const restartPolicy = obj(obj(s.template).spec).restartPolicy ?? 'Always';
  if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') errs.push(fieldError.notSupported(at(tPath, 'spec', 'restartPolicy'), restartPolicy, ['OnFailure', 'Never']));
  return errs;
}

function validateJobUpdate(n: Obj, o: Obj): FieldError[] {
  const ns = obj(n.spec);
  const os = obj(o.spec);
  const spec = FieldPath.root('spec');
  return [
    ...validateImmutableField(ns.completions, os.completions, spec.child('completions')),
    ...validateImmutableField(ns.selector, os.selector, spec.child('selector'), goLabelSelector),
    // The template's Go struct is printed whole by Kubernetes; only its type is shown here.
    ...validateImmutableField(ns.template, os.template, spec.child('template'), () => new GoValue('core.PodTemplateSpec{...}')),
    ...validateImmutableField(ns.completionMode, os.completionMode, spec.child('completionMode')),
    ...validateImmutableField(ns.podFailurePolicy, os.podFailurePolicy, spec.child('podFailurePolicy'), () => new GoValue('&batch.PodFailurePolicy{...}')),
    ...validateImmutableField(ns.backoffLimitPerIndex, os.backoffLimitPerIndex, spec.child('backoffLimitPerIndex')),
  ];
}

registerKindRules('batch', 'Job', { name: nameIsDNSSubdomain, validate: (job) => validateJobSpec(job.spec, FieldPath.root('spec')), validateUpdate: validateJobUpdate });

// ---- CronJob ----

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const cronFields: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 } },
  { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } },
];

/** strconv.Atoi then a sign check, with Go's error text. */
function mustParseInt(expr: string): number {
  if (!/^[+-]?[0-9]+$/.test(expr)) throw new Error(`failed to parse int from ${expr}: strconv.Atoi: parsing ${JSON.stringify(expr)}: invalid syntax`);
  const n = Number(expr);
  if (n < 0) throw new Error(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, names?: Record<string, number>): number {
  const named = names?.[expr.toLowerCase()];
  return named !== undefined ? named : mustParseInt(expr);
}

function checkRange(expr: string, r: Bounds): void {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  let start: number;
  let end: number;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = r.min;
    end = r.max;
  } else {
    start = parseIntOrName(lowAndHigh[0], r.names);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseIntOrName(lowAndHigh[1], r.names);
    else throw new Error(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = mustParseInt(rangeAndStep[1]);
    // "N/step" means "N-max/step".
    if (lowAndHigh.length === 1) end = r.max;
  } else if (rangeAndStep.length > 2) throw new Error(`too many slashes: ${expr}`);
  if (start < r.min) throw new Error(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > r.max) throw new Error(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`);
}

const descriptors = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** cron.ParseStandard (robfig/cron v3): returns its error text, or undefined when the schedule parses. */
export function cronParseStandardError(schedule: string): string | undefined {
  let spec = schedule;
  if (spec.length === 0) return 'empty spec string';
  try {
    if (spec.startsWith('TZ=') || spec.startsWith('CRON_TZ=')) {
      const i = spec.indexOf(' ');
      const tz = spec.slice(spec.indexOf('=') + 1, i < 0 ? undefined : i);
      if (!isKnownTimeZone(tz)) return `provided bad location ${tz}: unknown time zone ${tz}`;
      spec = i < 0 ? '' : spec.slice(i).trim();
    }
    if (spec.startsWith('@')) {
      if (descriptors.has(spec)) return undefined;
      if (spec.startsWith('@every ')) {
        const d = spec.slice('@every '.length);
        return /^([0-9]*(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$/.test(d) && /[0-9]/.test(d) ? undefined : `failed to parse duration ${spec}: time: invalid duration ${JSON.stringify(d)}`;
      }
      return `unrecognized descriptor: ${spec}`;
    }
    const fields = spec.split(/\s+/).filter(Boolean);
    if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
    fields.forEach((f, i) => {
      for (const expr of f.split(',').filter(Boolean)) checkRange(expr, cronFields[i]);
    });
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function isKnownTimeZone(tz: string): boolean {
  if (tz === 'UTC' || tz === 'Local') return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function validateCronJob(cj: Obj, old?: Obj): FieldError[] {
  const s = obj(cj.spec);
  const spec = FieldPath.root('spec');
  const errs: FieldError[] = [];
  const name = str(obj(cj.metadata).name);
  // The controller names Jobs `<cronjob>-<minutes since epoch>`: 11 more characters within a 63-character label.
  if (!old && name.length > 52) errs.push(fieldError.invalid(FieldPath.root('metadata').child('name'), name, 'must be no more than 52 characters'));
  const schedule = str(s.schedule);
  if (!schedule) errs.push(fieldError.required(spec.child('schedule')));
  else {
    const err = cronParseStandardError(schedule);
    if (err) errs.push(fieldError.invalid(spec.child('schedule'), schedule, err));
    const allowTZ = old !== undefined && str(obj(old.spec).schedule).includes('TZ');
    if (allowTZ && schedule.includes('TZ') && has(s, 'timeZone'))
      errs.push(fieldError.invalid(spec.child('schedule'), schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    else if (!allowTZ && schedule.includes('TZ'))
      errs.push(fieldError.invalid(spec.child('schedule'), schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
  }
  errs.push(...validateNonnegativeField(s.startingDeadlineSeconds, spec.child('startingDeadlineSeconds')));
  if (typeof s.timeZone === 'string' && (!old || obj(old.spec).timeZone !== s.timeZone)) {
    const tz = s.timeZone;
    if (tz === '') errs.push(fieldError.invalid(spec.child('timeZone'), tz, 'timeZone must be nil or non-empty string'));
    else if (tz.toLowerCase() === 'local') errs.push(fieldError.invalid(spec.child('timeZone'), tz, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
    else if (!isKnownTimeZone(tz)) errs.push(fieldError.invalid(spec.child('timeZone'), tz, `unknown time zone ${tz}`));
  }
  if (has(s, 'concurrencyPolicy')) {
    const cp = str(s.concurrencyPolicy);
    if (cp === '') errs.push(fieldError.required(spec.child('concurrencyPolicy')));
    else if (!['Allow', 'Forbid', 'Replace'].includes(cp)) errs.push(fieldError.notSupported(spec.child('concurrencyPolicy'), cp, ['Allow', 'Forbid', 'Replace']));
  }
  const jt = obj(s.jobTemplate);
  const jtSpec = obj(jt.spec);
  const jtPath = spec.child('jobTemplate');
  errs.push(...validateJobSpec(jtSpec, jtPath.child('spec')));
  // The Job controller generates each Job's selector from its uid.
  if (isObj(jtSpec.selector)) errs.push(fieldError.invalid(at(jtPath, 'spec', 'selector'), goLabelSelector(jtSpec.selector), '`selector` will be auto-generated'));
  if (jtSpec.manualSelector === true) errs.push(fieldError.notSupported(at(jtPath, 'spec', 'manualSelector'), true, ['nil', 'false']));
  errs.push(...validateNonnegativeField(s.successfulJobsHistoryLimit, spec.child('successfulJobsHistoryLimit')));
  errs.push(...validateNonnegativeField(s.failedJobsHistoryLimit, spec.child('failedJobsHistoryLimit')));
  return errs;
}

registerKindRules('batch', 'CronJob', {
  name: nameIsDNSSubdomain,
  // On update the schedule is checked with the old one in view: TZ= stays allowed only if it was there.
  validate: (cj, _kind, old) => validateCronJob(cj, old),
});
