import { captureDateOf } from '../../common/capture-date';

describe('captureDateOf: the one rule for capture dates', () => {
  test('the EXIF DateTimeOriginal with its OffsetTimeOriginal wins, in the camera’s own zone', () => {
    expect(
      captureDateOf('2021-03-14T02:30:00', { DateTimeOriginal: '2021-03-14T02:30:00', OffsetTimeOriginal: '+09:00' }),
    ).toEqual({
      captured: '2021-03-14T02:30:00+09:00',
      capturedFrom: 'exif-with-offset',
    });
    // EXIF's own spelling of the date is read too.
    expect(captureDateOf(undefined, { DateTimeOriginal: '2019:08:04 11:28:12', OffsetTimeOriginal: '-03:00' })).toEqual(
      {
        captured: '2019-08-04T11:28:12-03:00',
        capturedFrom: 'exif-with-offset',
      },
    );
  });

  test('without an EXIF offset, SmugMug’s field is Pacific time, daylight saving included', () => {
    const pacific = (text: string) => captureDateOf(text, { DateTimeOriginal: text })?.captured;
    expect(pacific('2021-01-15T12:00:00')).toBe('2021-01-15T12:00:00-08:00');
    expect(pacific('2021-07-15T12:00:00')).toBe('2021-07-15T12:00:00-07:00');
    // March: 02:00 jumps to 03:00. Just before is standard time; the skipped hour moves forward by the gap.
    expect(pacific('2021-03-14T01:59:59')).toBe('2021-03-14T01:59:59-08:00');
    expect(pacific('2021-03-14T02:30:00')).toBe('2021-03-14T03:30:00-07:00');
    expect(pacific('2021-03-14T03:00:00')).toBe('2021-03-14T03:00:00-07:00');
    // November: 01:00–02:00 happens twice. The first (daylight) one is taken; 02:00 is standard time.
    expect(pacific('2021-11-07T00:59:59')).toBe('2021-11-07T00:59:59-07:00');
    expect(pacific('2021-11-07T01:30:00')).toBe('2021-11-07T01:30:00-07:00');
    expect(pacific('2021-11-07T02:00:00')).toBe('2021-11-07T02:00:00-08:00');
    expect(captureDateOf('2021-11-07T01:30:00', undefined)?.capturedFrom).toBe('smugmug-pacific');
  });

  test('a SmugMug time that carries its own offset is taken as written', () => {
    expect(captureDateOf('2020-08-25T21:36:13+00:00', undefined)).toEqual({
      captured: '2020-08-25T21:36:13+00:00',
      capturedFrom: 'smugmug',
    });
    expect(captureDateOf('2020-08-25T21:36:13Z', undefined)?.captured).toBe('2020-08-25T21:36:13+00:00');
    expect(captureDateOf('2020-08-25T21:36:13.250+0530', undefined)?.captured).toBe('2020-08-25T21:36:13+05:30');
  });

  test('no date, or one that cannot be read, gives no capture date rather than a wrong one', () => {
    expect(captureDateOf(undefined, undefined)).toBeUndefined();
    expect(captureDateOf('', { DateTimeOriginal: '' })).toBeUndefined();
    expect(
      captureDateOf('not a date', { DateTimeOriginal: '0000:00:00 00:00:00', OffsetTimeOriginal: '+01:00' }),
    ).toBeUndefined();
    // A malformed EXIF offset is ignored: SmugMug's field decides.
    expect(
      captureDateOf('2021-07-15T12:00:00', { DateTimeOriginal: '2021-07-15T12:00:00', OffsetTimeOriginal: '+9' }),
    ).toEqual({
      captured: '2021-07-15T12:00:00-07:00',
      capturedFrom: 'smugmug-pacific',
    });
  });
});
