import { Temporal } from '@js-temporal/polyfill';
import { z } from 'zod';

/** SmugMug's staff: a SmugMug time without a zone is Pacific time (its servers' zone, DST included). */
export const SMUGMUG_TIME_ZONE = 'America/Los_Angeles';

/** Where a capture date came from; kept beside it in `album.json` so a reader can judge it. */
export const CaptureDateSource = z.enum([
  /** The file's own EXIF DateTimeOriginal with its OffsetTimeOriginal: the camera's local time and zone. */
  'exif-with-offset',
  /** SmugMug's DateTimeOriginal, which carried its own offset. */
  'smugmug',
  /** SmugMug's DateTimeOriginal without a zone, read as Pacific time. */
  'smugmug-pacific',
]);
export type CaptureDateSource = z.infer<typeof CaptureDateSource>;

export interface CaptureDate {
  /** ISO 8601 with its UTC offset, e.g. `2021-03-14T02:30:00+09:00`. */
  captured: string;
  capturedFrom: CaptureDateSource;
}

const OFFSET = /^[+-](?:[01]\d|2[0-3]):[0-5]\d$/;
const HAS_ZONE = /(?:Z|[+-]\d{2}:?\d{2})$/i;

/** A date-time as ISO (`2019-08-04T11:28:12`) or as EXIF writes it (`2019:08:04 11:28:12`). */
function plainDateTime(text: string): Temporal.PlainDateTime | undefined {
  const iso = text.trim().replace(/^(\d{4}):(\d{2}):(\d{2})[ T]/, '$1-$2-$3T');
  try {
    return Temporal.PlainDateTime.from(iso.replace(HAS_ZONE, ''));
  } catch {
    return undefined;
  }
}

const withOffset = (time: Temporal.PlainDateTime, offset: string) =>
  `${time.toString({ smallestUnit: 'second' })}${offset}`;

/**
 * The one rule for a photo's capture date:
 * 1. the EXIF `DateTimeOriginal` of `!metadata` with its `OffsetTimeOriginal`, when both are there;
 * 2. otherwise SmugMug's `DateTimeOriginal`: as written when it carries an offset, else as Pacific
 *    time. A Pacific time that does not exist (the hour skipped in March) moves forward by the gap;
 *    one that happens twice (the hour repeated in November) is the first, daylight time
 *    (Temporal's `compatible` disambiguation, as calendars do);
 * 3. otherwise no capture date (videos, scans, files without EXIF).
 */
export function captureDateOf(
  smugmugDateTimeOriginal: string | undefined,
  exif: { DateTimeOriginal?: string; OffsetTimeOriginal?: string } | undefined,
): CaptureDate | undefined {
  const exifTime = exif?.DateTimeOriginal ? plainDateTime(exif.DateTimeOriginal) : undefined;
  const exifOffset = exif?.OffsetTimeOriginal?.trim();
  if (exifTime && exifOffset && OFFSET.test(exifOffset))
    return { captured: withOffset(exifTime, exifOffset), capturedFrom: 'exif-with-offset' };

  const text = smugmugDateTimeOriginal?.trim();
  const time = text ? plainDateTime(text) : undefined;
  if (!text || !time) return undefined;
  const zone = HAS_ZONE.exec(text)?.[0];
  if (zone) {
    const offset = zone.toUpperCase() === 'Z' ? '+00:00' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
    return { captured: withOffset(time, offset), capturedFrom: 'smugmug' };
  }
  const pacific = time.toZonedDateTime(SMUGMUG_TIME_ZONE, { disambiguation: 'compatible' });
  return {
    captured: pacific.toString({ smallestUnit: 'second', timeZoneName: 'never' }),
    capturedFrom: 'smugmug-pacific',
  };
}
