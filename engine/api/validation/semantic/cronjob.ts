// CronJob rules (ValidateCronJobCreate/Update): a parseable schedule, a known time zone, a concurrency
// policy, and a job template whose selector the controller generates.

import { loadLocation, parseStandard } from '../../cron.js';
import { fieldError, type FieldError, FieldPath } from '../../errors.js';
import { nameIsDNSSubdomain } from '../names.js';
import { at, jsonLabelSelector, has, isObj, obj, str, validateNonnegativeField } from './common.js';
import { validateJobSpec } from './job.js';
import { type Obj, registerKindRules } from './registry.js';

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
    try {
      parseStandard(schedule);
    } catch (err) {
      errs.push(fieldError.invalid(spec.child('schedule'), schedule, (err as Error).message));
    }
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
    else {
      try {
        loadLocation(tz);
      } catch (err) {
        errs.push(fieldError.invalid(spec.child('timeZone'), tz, (err as Error).message));
      }
    }
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
  if (isObj(jtSpec.selector)) errs.push(fieldError.invalid(at(jtPath, 'spec', 'selector'), jsonLabelSelector(jtSpec.selector), '`selector` will be auto-generated'));
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
