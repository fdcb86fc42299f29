import {
  type PriceTable,
  type RetrievalTier,
  STORAGE_CLASSES,
  type StorageClass,
  type StorageClassPrice,
} from './s3-prices';

/** AWS bills storage per GB of 2^30 bytes. */
const GB = 2 ** 30;
/** A month as AWS prorates minimum durations. */
const DAYS_PER_MONTH = 30;
/** Days a file read back before archiving stays in STANDARD: a lifecycle transition's shortest wait. */
const STAGING_DAYS = 1;

/** How the service writes a file: whole up to the threshold, in parts above it (Create + parts + Complete). */
export interface UploadShape {
  largeFileThresholdBytes: number;
  partSizeBytes: number;
}

export interface ClassEstimate {
  storageClass: StorageClass;
  /** Bytes billed each month: sizes raised to the class's minimum, plus per-object overheads. */
  billableBytes: number;
  monthlyStorageUsd: number;
  /** Intelligent-Tiering's monitoring fee, a month. */
  monthlyMonitoringUsd: number;
  monthlyUsd: number;
  /** What deleting everything before the minimum duration still costs: that many days of storage. */
  minimumDays: number;
  minimumChargeUsd: number;
  /** The one-off requests of writing every object once. */
  putRequests: number;
  putRequestsUsd: number;
  firstYearUsd: number;
  /** Getting every object back once, by tier: fees, and the hours until readable (a restore for archive classes). */
  retrieval: RetrievalEstimate[];
  /**
   * An archive class only (one S3 will not read back): what it costs more to have every file read
   * back first, written in STANDARD, verified with `deep: all`, then moved by a lifecycle
   * transition a day later (docs/bucket-and-storage.md): the STANDARD PUTs, a day of STANDARD
   * storage, and the GETs of the read-back. The transitions cost what writing into the class does.
   */
  readBackFirstUsd?: number;
}

export interface RetrievalEstimate {
  tier: RetrievalTier['tier'];
  usd: number;
  minHours: number;
  maxHours: number;
  /** The wait in words: "at once", "1-5 min", "3-5 h", "within 48 h". */
  wait: string;
}

export interface CostEstimate {
  region: string;
  prices: { source: string; date: string };
  objects: number;
  bytes: number;
  classes: ClassEstimate[];
  /** The SmugMug plan the person named, beside the cheapest class a month. */
  smugmug?: { plan: string; monthlyUsd: number; cheapestClass: StorageClass; cheapestMonthlyUsd: number };
}

/** PUT-class requests to write one file of `size` bytes as the service does. */
export function putRequestsFor(size: number, shape: UploadShape): number {
  if (size <= shape.largeFileThresholdBytes) return 1;
  return 2 + Math.ceil(size / shape.partSizeBytes);
}

function estimateClass(
  storageClass: StorageClass,
  price: StorageClassPrice,
  standard: StorageClassPrice,
  sizes: number[],
  shape: UploadShape,
): ClassEstimate {
  let billable = 0;
  let standardBillable = 0;
  let monitored = 0;
  let putRequests = 0;
  for (const size of sizes) {
    billable += Math.max(size, price.minimumBillableBytes) + price.overheadBytes;
    standardBillable += price.standardOverheadBytes;
    if (price.monitoringPer1000 > 0 && size >= price.monitoredFromBytes) monitored += 1;
    putRequests += putRequestsFor(size, shape);
  }
  const monthlyStorageUsd =
    (billable / GB) * price.storagePerGbMonth + (standardBillable / GB) * standard.storagePerGbMonth;
  const monthlyMonitoringUsd = (monitored / 1000) * price.monitoringPer1000;
  const monthlyUsd = monthlyStorageUsd + monthlyMonitoringUsd;
  const putRequestsUsd = (putRequests / 1000) * price.putPer1000;
  const bytes = sizes.reduce((a, b) => a + b, 0);
  const archived = price.retrieval.length > 0 && price.retrieval.every((t) => t.tier !== 'Instant');
  const standardGetPer1000 = standard.retrieval.find((t) => t.tier === 'Instant')?.per1000Requests ?? 0;
  return {
    storageClass,
    billableBytes: billable + standardBillable,
    monthlyStorageUsd,
    monthlyMonitoringUsd,
    monthlyUsd,
    minimumDays: price.minimumDays,
    minimumChargeUsd: monthlyStorageUsd * (price.minimumDays / DAYS_PER_MONTH),
    putRequests,
    putRequestsUsd,
    firstYearUsd: monthlyUsd * 12 + putRequestsUsd,
    retrieval: retrievalOf(price, sizes),
    readBackFirstUsd: archived
      ? (putRequests / 1000) * standard.putPer1000 +
        (bytes / GB) * standard.storagePerGbMonth * (STAGING_DAYS / DAYS_PER_MONTH) +
        (sizes.length / 1000) * standardGetPer1000
      : undefined,
  };
}

/** What getting these objects of a class back costs and how long it takes, by tier. */
function retrievalOf(price: StorageClassPrice, sizes: number[]): RetrievalEstimate[] {
  const bytes = sizes.reduce((a, b) => a + b, 0);
  return price.retrieval.map((t) => ({
    tier: t.tier,
    usd: (bytes / GB) * t.perGb + (sizes.length / 1000) * t.per1000Requests,
    minHours: t.minHours,
    maxHours: t.maxHours,
    wait: waitText(t),
  }));
}

/**
 * The restore tiers of objects of an archive class (GLACIER: Expedited, Standard, Bulk; DEEP_ARCHIVE:
 * Standard, Bulk), with what restoring these sizes costs and how long it takes; none for a class
 * read at once. Undefined when the price table has no prices for the region.
 */
export function estimateRestore(
  storageClass: StorageClass,
  sizes: number[],
  opts: { prices: PriceTable; region: string },
): RetrievalEstimate[] | undefined {
  const price = opts.prices.regions[opts.region]?.[storageClass];
  return price && retrievalOf(price, sizes).filter((t) => t.tier !== 'Instant');
}

/**
 * What keeping these objects in S3 costs, per storage class: monthly storage with each class's
 * minimum object size and per-object overheads (which dominate for many small photos), the
 * minimum-duration charge, the one-off PUTs of the copy, and what getting everything back costs and
 * how long it takes, by retrieval tier.
 */
export function estimateCosts(
  sizes: number[],
  opts: { prices: PriceTable; region: string; upload: UploadShape; smugmug?: { plan: string; monthlyUsd: number } },
): CostEstimate {
  const regionPrices = opts.prices.regions[opts.region];
  if (!regionPrices)
    throw new Error(
      `The price table (${opts.prices.source}, ${opts.prices.date}) has no prices for region ${opts.region}: set S3_PRICES_FILE to one that has`,
    );
  const classes = STORAGE_CLASSES.map((c) =>
    estimateClass(c, regionPrices[c], regionPrices.STANDARD, sizes, opts.upload),
  );
  const cheapest = classes.reduce((a, b) => (b.monthlyUsd < a.monthlyUsd ? b : a));
  return {
    region: opts.region,
    prices: { source: opts.prices.source, date: opts.prices.date },
    objects: sizes.length,
    bytes: sizes.reduce((a, b) => a + b, 0),
    classes,
    smugmug: opts.smugmug && {
      ...opts.smugmug,
      cheapestClass: cheapest.storageClass,
      cheapestMonthlyUsd: cheapest.monthlyUsd,
    },
  };
}

/** SmugMug's Medium rendition of a photo is some tens of kilobytes: the size of one it gives none for. */
const PREVIEW_GUESS_BYTES = 50_000;

/**
 * What the previews cost: SmugMug's Medium renditions kept in STANDARD (a rendition without a size
 * counts as PREVIEW_GUESS_BYTES). Undefined when there are none.
 */
export function estimatePreviews(
  sizes: Array<number | undefined>,
  opts: { prices: PriceTable; region: string; upload: UploadShape },
): { objects: number; bytes: number; estimate: ClassEstimate } | undefined {
  const regionPrices = opts.prices.regions[opts.region];
  if (sizes.length === 0 || !regionPrices) return undefined;
  const known = sizes.map((s) => s ?? PREVIEW_GUESS_BYTES);
  return {
    objects: known.length,
    bytes: known.reduce((a, b) => a + b, 0),
    estimate: estimateClass('STANDARD', regionPrices.STANDARD, regionPrices.STANDARD, known, opts.upload),
  };
}

/** The second copy's cost: its class in its region where the price table knows them (AWS), or why not. */
export interface ReplicaEstimate {
  connection: string;
  bucket: string;
  by: 'copy' | 'replication';
  region: string;
  storageClass: StorageClass;
  /** Absent where the price table has no prices for it (another provider, another region). */
  estimate?: ClassEstimate;
  note: string;
}

/**
 * What a second copy of the same objects costs: storage and PUTs of its class in its region (AWS
 * prices; another provider's are not in the table). Writing it costs no transfer from the worker;
 * S3 replication bills transfer between regions per GB besides, which the note says.
 */
export function estimateReplica(
  sizes: number[],
  replica: Omit<ReplicaEstimate, 'estimate' | 'note'> & { endpoint?: string },
  opts: { prices: PriceTable; upload: UploadShape },
): ReplicaEstimate {
  const { endpoint, ...where } = replica;
  const regionPrices = endpoint ? undefined : opts.prices.regions[replica.region];
  const estimate =
    regionPrices &&
    estimateClass(replica.storageClass, regionPrices[replica.storageClass], regionPrices.STANDARD, sizes, opts.upload);
  const note = !regionPrices
    ? endpoint
      ? `at ${endpoint}: another provider's prices are not in the price table`
      : `the price table has no prices for ${replica.region}`
    : replica.by === 'replication'
      ? 'S3 replication also bills the transfer between regions per GB (not included)'
      : 'written by the worker from the same download: no transfer billed';
  return { ...where, estimate, note };
}

/** How long until restored objects can be read, as people say it ("3-5 h", "within 48 h", "at once"). */
function waitText(tier: Pick<RetrievalTier, 'minHours' | 'maxHours'>): string {
  if (tier.maxHours === 0) return 'at once';
  if (tier.maxHours < 1) return `${Math.round(tier.minHours * 60)}-${Math.round(tier.maxHours * 60)} min`;
  return tier.minHours > 0 ? `${tier.minHours}-${tier.maxHours} h` : `within ${tier.maxHours} h`;
}
