import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * S3 prices per storage class and region, in one dated table. Storage and STANDARD request prices
 * from AWS's price list of 2025-10-28 (us-east-1); the other classes' request and retrieval prices,
 * restore times and the archive overheads from AWS's storage-class and restore documentation of the
 * same time (data transfer out to the internet, $0.09 per GB for the first 10 TB a month, comes on
 * top of any retrieval and is not in the table). A deployment that
 * knows better (another region, a newer list, a negotiated rate) sets S3_PRICES_FILE to a JSON
 * file of the same shape, and every estimate names the table and date it used.
 */
/**
 * One way of getting objects of a class back: the retrieval fee per GB and per 1,000 requests, and
 * how long until the bytes can be read (an archive class's restore; milliseconds for the others).
 */
export const RetrievalTier = z.object({
  tier: z.enum(['Instant', 'Expedited', 'Standard', 'Bulk']),
  perGb: z.number().nonnegative(),
  per1000Requests: z.number().nonnegative(),
  /** Hours until readable: "within" `maxHours`, from `minHours` (0 for an instant read). */
  minHours: z.number().nonnegative(),
  maxHours: z.number().nonnegative(),
});
export type RetrievalTier = z.infer<typeof RetrievalTier>;

export const StorageClassPrice = z.object({
  /** $ per GB-month (GB = 2^30 bytes, as AWS bills). */
  storagePerGbMonth: z.number().nonnegative(),
  /** $ per 1,000 PUT/COPY/POST/LIST requests. */
  putPer1000: z.number().nonnegative(),
  /** Objects smaller than this are billed as this big (128 KB for the IA and Glacier IR classes). */
  minimumBillableBytes: z.number().int().nonnegative().default(0),
  /** Days billed at least, whenever an object is deleted earlier. */
  minimumDays: z.number().int().nonnegative().default(0),
  /** Per-object overhead billed at this class's rate (32 KB of index for Glacier Flexible and Deep Archive). */
  overheadBytes: z.number().int().nonnegative().default(0),
  /** Per-object overhead billed at STANDARD's rate (8 KB of metadata for Glacier Flexible and Deep Archive). */
  standardOverheadBytes: z.number().int().nonnegative().default(0),
  /** Intelligent-Tiering's monitoring fee, $ per 1,000 objects a month, for objects of at least `monitoredFromBytes`. */
  monitoringPer1000: z.number().nonnegative().default(0),
  monitoredFromBytes: z.number().int().nonnegative().default(0),
  /** Getting objects back, by tier; an archive class must restore first (RestoreObject), at a tier's fee and wait. */
  retrieval: z.array(RetrievalTier).default([]),
});
export type StorageClassPrice = z.infer<typeof StorageClassPrice>;

export const STORAGE_CLASSES = [
  'STANDARD',
  'STANDARD_IA',
  'ONEZONE_IA',
  'GLACIER_IR',
  'GLACIER',
  'DEEP_ARCHIVE',
  'INTELLIGENT_TIERING',
] as const;
export type StorageClass = (typeof STORAGE_CLASSES)[number];

export const PriceTable = z.object({
  /** Where the prices come from, and as of when: every estimate repeats both. */
  source: z.string(),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  regions: z.record(
    z.string(),
    z.object(
      Object.fromEntries(STORAGE_CLASSES.map((c) => [c, StorageClassPrice])) as Record<
        StorageClass,
        typeof StorageClassPrice
      >,
    ),
  ),
});
export type PriceTable = z.infer<typeof PriceTable>;

const KB = 1024;

/** A class read at once (no restore): its retrieval fee per GB and its GET price per 1,000. */
const instant = (perGb: number, per1000Requests: number): z.input<typeof RetrievalTier> => ({
  tier: 'Instant',
  perGb,
  per1000Requests,
  minHours: 0,
  maxHours: 0,
});

/** The built-in table. */
export const BUILT_IN_PRICES: PriceTable = PriceTable.parse({
  source: 'built-in: AWS S3 price list (us-east-1), storage-class documentation',
  date: '2025-10-28',
  regions: {
    'us-east-1': {
      STANDARD: { storagePerGbMonth: 0.023, putPer1000: 0.005, retrieval: [instant(0, 0.0004)] },
      STANDARD_IA: {
        storagePerGbMonth: 0.0125,
        putPer1000: 0.01,
        minimumBillableBytes: 128 * KB,
        minimumDays: 30,
        retrieval: [instant(0.01, 0.001)],
      },
      ONEZONE_IA: {
        storagePerGbMonth: 0.01,
        putPer1000: 0.01,
        minimumBillableBytes: 128 * KB,
        minimumDays: 30,
        retrieval: [instant(0.01, 0.001)],
      },
      GLACIER_IR: {
        storagePerGbMonth: 0.004,
        putPer1000: 0.02,
        minimumBillableBytes: 128 * KB,
        minimumDays: 90,
        retrieval: [instant(0.03, 0.01)],
      },
      GLACIER: {
        storagePerGbMonth: 0.0036,
        putPer1000: 0.03,
        minimumDays: 90,
        overheadBytes: 32 * KB,
        standardOverheadBytes: 8 * KB,
        retrieval: [
          { tier: 'Expedited', perGb: 0.03, per1000Requests: 10, minHours: 1 / 60, maxHours: 5 / 60 },
          { tier: 'Standard', perGb: 0.01, per1000Requests: 0.05, minHours: 3, maxHours: 5 },
          { tier: 'Bulk', perGb: 0, per1000Requests: 0, minHours: 5, maxHours: 12 },
        ],
      },
      DEEP_ARCHIVE: {
        storagePerGbMonth: 0.00099,
        putPer1000: 0.05,
        minimumDays: 180,
        overheadBytes: 32 * KB,
        standardOverheadBytes: 8 * KB,
        retrieval: [
          { tier: 'Standard', perGb: 0.02, per1000Requests: 0.1, minHours: 0, maxHours: 12 },
          { tier: 'Bulk', perGb: 0.0025, per1000Requests: 0.025, minHours: 0, maxHours: 48 },
        ],
      },
      // Everything starts in the frequent tier; objects under 128 KB are never monitored, nor moved.
      INTELLIGENT_TIERING: {
        storagePerGbMonth: 0.023,
        putPer1000: 0.005,
        monitoringPer1000: 0.0025,
        monitoredFromBytes: 128 * KB,
        retrieval: [instant(0, 0.0004)],
      },
    },
  },
});

/** The price table in force: S3_PRICES_FILE's when set (checked against the same schema), else the built-in one. */
export function loadPriceTable(env: NodeJS.ProcessEnv = process.env): PriceTable {
  const file = env.S3_PRICES_FILE;
  if (!file) return BUILT_IN_PRICES;
  const parsed = PriceTable.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new Error(
      `S3_PRICES_FILE ${file} is not a price table: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return { ...parsed.data, source: `${parsed.data.source} (S3_PRICES_FILE ${file})` };
}
