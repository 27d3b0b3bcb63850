import assert from 'node:assert/strict';
import { parseDuration, parseStandard } from '../../../engine/api/cron';

const at = (s: string) => Date.parse(s);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('Cron schedules', () => {
  it('steps, ranges and lists: the next activation strictly after a time', () => {
    assert.equal(iso(parseStandard('*/15 * * * *').next(at('2026-11-23T12:07:30Z'))), '2026-11-23T12:15:00.000Z');
    assert.equal(iso(parseStandard('*/15 * * * *').next(at('2026-11-23T12:15:00Z'))), '2026-11-23T12:30:00.000Z');
    assert.equal(iso(parseStandard('0 9 * * 1-5').next(at('2026-11-21T10:00:00Z'))), '2026-11-23T09:00:00.000Z', 'Saturday → Monday');
    assert.equal(iso(parseStandard('30 2 1,15 * *').next(at('2026-11-16T00:00:00Z'))), '2026-12-01T02:30:00.000Z');
    assert.equal(iso(parseStandard('0 0 1 jan *').next(at('2026-11-23T00:00:00Z'))), '2027-01-01T00:00:00.000Z');
  });

  it('descriptors stand for their five-field schedules', () => {
    assert.equal(iso(parseStandard('@hourly').next(at('2026-11-23T12:00:00Z'))), '2026-11-23T13:00:00.000Z');
    assert.equal(iso(parseStandard('@weekly').next(at('2026-11-23T12:00:00Z'))), '2026-11-29T00:00:00.000Z');
  });

  it('day of month and day of week: either may match when both are restricted, both must when one is *', () => {
    // The 13th, or any Friday: 2026-11-27 is a Friday, before December 13th.
    assert.equal(iso(parseStandard('0 0 13 * 5').next(at('2026-11-23T00:00:00Z'))), '2026-11-27T00:00:00.000Z');
    assert.equal(iso(parseStandard('0 0 * * 5').next(at('2026-11-23T00:00:00Z'))), '2026-11-27T00:00:00.000Z');
  });

  it('a time zone moves the activation with its offset, across daylight saving time', () => {
    assert.equal(iso(parseStandard('TZ=America/New_York 0 9 * * *').next(at('2026-11-23T00:00:00Z'))), '2026-11-23T14:00:00.000Z');
    assert.equal(iso(parseStandard('TZ=America/New_York 0 9 * * *').next(at('2026-07-01T00:00:00Z'))), '2026-07-01T13:00:00.000Z');
  });

  it('a wall-clock time that daylight saving skips does not run that day; one it repeats runs twice, as robfig does', () => {
    const newYork = (spec: string) => parseStandard(`TZ=America/New_York ${spec}`);
    // 2026-03-08 02:30 does not exist in New York: the next run is the 9th's, 02:30 EDT.
    assert.equal(iso(newYork('30 2 * * *').next(at('2026-03-08T00:00:00Z'))), '2026-03-09T06:30:00.000Z');
    // 2026-11-01 01:30 happens in EDT, then again in EST.
    assert.equal(iso(newYork('30 1 * * *').next(at('2026-11-01T00:00:00Z'))), '2026-11-01T05:30:00.000Z');
    assert.equal(iso(newYork('30 1 * * *').next(at('2026-11-01T05:30:00Z'))), '2026-11-01T06:30:00.000Z');
  });

  it('a step above 1 on * restricts the day field, so day of month and day of week may match either way', () => {
    // */2 is not a star for robfig: the 13th (odd) or any Friday (2026-11-27); */1 still is one.
    assert.equal(iso(parseStandard('0 0 */2 * 5').next(at('2026-11-23T00:00:00Z'))), '2026-11-25T00:00:00.000Z');
    assert.equal(iso(parseStandard('0 0 */1 * 5').next(at('2026-11-23T00:00:00Z'))), '2026-11-27T00:00:00.000Z');
  });

  it('@every runs a whole number of seconds after the current second, at least one', () => {
    assert.equal(iso(parseStandard('@every 1h30m').next(at('2026-11-23T12:00:00.250Z'))), '2026-11-23T13:30:00.000Z');
    assert.equal(iso(parseStandard('@every 1.5s').next(at('2026-11-23T12:00:00Z'))), '2026-11-23T12:00:01.000Z');
    assert.equal(iso(parseStandard('@every 10ms').next(at('2026-11-23T12:00:00Z'))), '2026-11-23T12:00:01.000Z');
  });

  it('rejects what robfig/cron rejects, with its words', () => {
    const cases: [string, string][] = [
      ['', 'empty spec string'],
      ['0 3 * *', 'expected exactly 5 fields, found 4: [0 3 * *]'],
      ['60 * * * *', 'end of range (60) above maximum (59): 60'],
      ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
      ['* * * * 7', 'end of range (7) above maximum (6): 7'],
      ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
      ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
      ['*/2/3 * * * *', 'too many slashes: */2/3'],
      ['*/0 * * * *', 'step of range should be a positive number: */0'],
      ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
      ['99999999999999999999 * * * *', 'failed to parse int from 99999999999999999999: strconv.Atoi: parsing "99999999999999999999": value out of range'],
      ['@fortnightly', 'unrecognized descriptor: @fortnightly'],
      ['@every 5x', 'failed to parse duration @every 5x: time: unknown unit "x" in duration "5x"'],
      ['TZ=Mars/Olympus 0 * * * *', 'provided bad location Mars/Olympus: unknown time zone Mars/Olympus'],
    ];
    for (const [spec, message] of cases) {
      let thrown: Error | undefined;
      try {
        parseStandard(spec);
      } catch (err) {
        thrown = err as Error;
      }
      assert.equal(thrown?.message, message, spec);
    }
  });

  it('accepts names in any case, ? for *, and lists with empty items', () => {
    assert.equal(iso(parseStandard('0 0 ? JAN,,jul MON').next(at('2026-11-23T00:00:00Z'))), '2027-01-04T00:00:00.000Z');
  });
});

describe('Durations (time.ParseDuration)', () => {
  it('reads signed, fractional, multi-unit durations in nanoseconds', () => {
    assert.equal(parseDuration('1h2m3.5s'), 3_723_500_000_000n);
    assert.equal(parseDuration('-1.5µs'), -1_500n);
    assert.equal(parseDuration('0'), 0n);
  });

  it('rejects what Go rejects, with its words', () => {
    assert.throws(() => parseDuration('1'), { message: 'time: missing unit in duration "1"' });
    assert.throws(() => parseDuration('.s'), { message: 'time: invalid duration ".s"' });
    assert.throws(() => parseDuration(''), { message: 'time: invalid duration ""' });
    assert.throws(() => parseDuration('9999999999h'), { message: 'time: invalid duration "9999999999h"' });
  });
});
