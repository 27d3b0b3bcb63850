import assert from 'node:assert/strict';
import { CronSchedule } from '../../../engine/controllers/util/cron';

const at = (s: string) => Date.parse(s);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('Cron schedules', () => {
  it('steps, ranges and lists: the next activation strictly after a time', () => {
    assert.equal(iso(new CronSchedule('*/15 * * * *').next(at('2026-11-23T12:07:30Z'))), '2026-11-23T12:15:00.000Z');
    assert.equal(iso(new CronSchedule('*/15 * * * *').next(at('2026-11-23T12:15:00Z'))), '2026-11-23T12:30:00.000Z');
    assert.equal(iso(new CronSchedule('0 9 * * 1-5').next(at('2026-11-21T10:00:00Z'))), '2026-11-23T09:00:00.000Z', 'Saturday → Monday');
    assert.equal(iso(new CronSchedule('30 2 1,15 * *').next(at('2026-11-16T00:00:00Z'))), '2026-12-01T02:30:00.000Z');
    assert.equal(iso(new CronSchedule('0 0 1 jan *').next(at('2026-11-23T00:00:00Z'))), '2027-01-01T00:00:00.000Z');
  });

  it('descriptors stand for their five-field schedules', () => {
    assert.equal(iso(new CronSchedule('@hourly').next(at('2026-11-23T12:00:00Z'))), '2026-11-23T13:00:00.000Z');
    assert.equal(iso(new CronSchedule('@weekly').next(at('2026-11-23T12:00:00Z'))), '2026-11-29T00:00:00.000Z');
  });

  it('day of month and day of week: either may match when both are restricted, both must when one is *', () => {
    // The 13th, or any Friday: 2026-11-27 is a Friday, before December 13th.
    assert.equal(iso(new CronSchedule('0 0 13 * 5').next(at('2026-11-23T00:00:00Z'))), '2026-11-27T00:00:00.000Z');
    assert.equal(iso(new CronSchedule('0 0 * * 5').next(at('2026-11-23T00:00:00Z'))), '2026-11-27T00:00:00.000Z');
  });

  it('a time zone moves the activation with its offset, across daylight saving time', () => {
    assert.equal(iso(new CronSchedule('0 9 * * *', 'America/New_York').next(at('2026-11-23T00:00:00Z'))), '2026-11-23T14:00:00.000Z');
    assert.equal(iso(new CronSchedule('0 9 * * *', 'America/New_York').next(at('2026-07-01T00:00:00Z'))), '2026-07-01T13:00:00.000Z');
  });
});
