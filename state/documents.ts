import { z } from 'zod';
import { CaptureDateSource } from '../common/capture-date';
import { AuditFinding, AuditTotals } from '../common/audit';
import { AlbumApproval, AlbumRef } from '../common/records';
import { AlbumRestoreOutcome, RestoreCheck, RestoreTarget } from '../common/smugmug-restore';

/** The migration's documents in the bucket (state/layout.ts says where each lives), one schema each. */

/** The albums a discovery found, in the order they run (`albums.json`). */
export const AlbumRefList = z.array(AlbumRef);

/**
 * A file of an image's library asset other than the image's own (SmugMug Source's RAW file beside
 * the JPEG, or another component), copied beside it under the same name with its own extension.
 */
export const PlannedComponent = z.object({
  /** SmugMug's ComponentKey, or the extension when SmugMug gives none: one image's components differ by it. */
  id: z.string(),
  /** SmugMug's ComponentType (`svi` for Source's files). */
  type: z.string(),
  /** Upper case, as SmugMug gives it (`RW2`). */
  extension: z.string(),
  /** A camera RAW format (the photographer's "RAW file"), or another kind of component. */
  raw: z.boolean(),
  /** Why this copy cannot be proven identical (SmugMug gave no MD5 or no size): copied, and its image held. */
  unproven: z.string().optional(),
});
export type PlannedComponent = z.infer<typeof PlannedComponent>;

/** One file of an album plan (an image's own file, or a component of it), as stored in the plan's batch objects in the bucket. */
export const PlanEntry = z.object({
  imageKey: z.string(),
  serial: z.number().int(),
  albumKey: z.string(),
  fileName: z.string(),
  key: z.string(),
  /**
   * `original` is ArchivedUri; `largest-video` is SmugMug's transcode, for videos without an
   * original; `component` is a file of the image's library asset (`component` says which).
   */
  source: z.enum(['original', 'largest-video', 'component']),
  url: z.string(),
  size: z.number().int().min(0),
  /** SmugMug's MD5 of the file; absent only for a component SmugMug gives none for (`component.unproven`). */
  md5: z
    .string()
    .regex(/^[0-9a-f]{32}$/)
    .optional(),
  component: PlannedComponent.optional(),
  format: z.string(),
  isVideo: z.boolean(),
  /** Already in the bucket (and in the replica, when the worker writes one): verified, not copied. */
  present: z.boolean(),
  /** SmugMug's Medium rendition, kept as the image's preview (never as an original); absent with previews off. */
  preview: z.object({ url: z.string(), size: z.number().int().min(0).optional() }).optional(),
  /** In the bucket already, and only the replica lacks it (a replica named later): copied there only. */
  replicaOnly: z.boolean().optional(),
  metadata: z.object({
    title: z.string(),
    caption: z.string(),
    keywords: z.array(z.string()),
    uploaded: z.string().optional(),
    /** ISO 8601 with offset, by the rule of common/capture-date.ts, which `capturedFrom` names. */
    captured: z.string().optional(),
    capturedFrom: CaptureDateSource.optional(),
    lastUpdated: z.string().optional(),
    latitude: z.number().optional(),
    longitude: z.number().optional(),
    altitude: z.number().optional(),
    origin: z.string().optional(),
    hidden: z.boolean(),
    webUri: z.string().optional(),
  }),
});
export type PlanEntry = z.infer<typeof PlanEntry>;

/** What tells one planned file from the others: its image, and for a component, which one. */
export const fileIdOf = (file: { imageKey: string; component?: string | { id: string } }) =>
  file.component === undefined
    ? file.imageKey
    : `${file.imageKey}/${typeof file.component === 'string' ? file.component : file.component.id}`;

/** What a photographer calls a component's file: "RAW file", or "RW2 file" for another kind. */
export const componentNoun = (component: Pick<PlannedComponent, 'raw' | 'extension'>) =>
  component.raw ? 'RAW file' : `${component.extension} file`;

export const PlanBatch = z.object({ index: z.number().int(), entries: z.array(PlanEntry) });
export type PlanBatch = z.infer<typeof PlanBatch>;

/** An image with nothing to copy, and why. */
export const UnavailableEntry = z.object({
  imageKey: z.string(),
  serial: z.number().int().optional(),
  fileName: z.string(),
  reason: z.string(),
  /** A component of the image (its RAW) SmugMug offers no bytes for; the image's own file may be copied. */
  component: PlannedComponent.omit({ unproven: true }).optional(),
});
export type UnavailableEntry = z.infer<typeof UnavailableEntry>;

export const AlbumPlanRecord = z.object({
  album: z.object({
    albumKey: z.string(),
    name: z.string(),
    path: z.array(z.string()),
    nodeId: z.string(),
    description: z.string().optional(),
    keywords: z.array(z.string()).optional(),
    webUri: z.string().optional(),
    lastUpdated: z.string().optional(),
    /** Its UrlName and who could see it (Public, Unlisted, Private), as SmugMug said: what the way back re-creates. */
    urlName: z.string().optional(),
    privacy: z.string().optional(),
  }),
  albumFolderKey: z.string(),
  batches: z.number().int(),
  unavailable: z.array(UnavailableEntry),
});
export type AlbumPlanRecord = z.infer<typeof AlbumPlanRecord>;

/**
 * Why an item stays on SmugMug after an approval unless the approval names it (`includeHeld`):
 * its copy is SmugMug's transcode, not the original; its bytes are the original's but do not open
 * as the format says; nothing was copied (still processing, failed, no MD5); or a file of its
 * asset (its RAW) was not copied, or cannot be proven identical (`component-not-safe`).
 */
export const HeldKind = z.enum(['transcode', 'does-not-open', 'not-copied', 'component-not-safe']);
export type HeldKind = z.infer<typeof HeldKind>;

export const HeldItem = z.object({ imageKey: z.string(), fileName: z.string(), kind: HeldKind, reason: z.string() });
export type HeldItem = z.infer<typeof HeldItem>;

/**
 * How a copy was proven identical to the original: its bytes read back and hashed (`read-back`);
 * the checksum S3 stored equal to the CRC32 the worker computed over the bytes whose MD5 is
 * SmugMug's (`checksum-chain`: what proves an archived object, which cannot be read); or, for a
 * copy made before checksums were recorded, its size, recorded MD5 and a stored checksum
 * (`stored-checksum`).
 */
export const ProvenBy = z.enum(['read-back', 'checksum-chain', 'stored-checksum']);
export type ProvenBy = z.infer<typeof ProvenBy>;

/** The object as verified, which an audit at rest expects to find, in a file's check and in `album.json`. */
const ObjectAsVerified = z.object({
  /** Its class, version (when versioned) and ETag. */
  storageClass: z.string().optional(),
  versionId: z.string().optional(),
  etag: z.string().optional(),
  /** Its Object Lock, when it has one: the mode and the date until which no one may delete it. */
  lockMode: z.string().optional(),
  retainUntil: z.string().optional(),
});

/** The check of one planned file: `ok` when the bucket holds exactly the bytes SmugMug gave. */
export const FileCheck = z.object({
  imageKey: z.string(),
  /** For a component of the image (its RAW), the component's id (PlannedComponent.id). */
  component: z.string().optional(),
  key: z.string(),
  ok: z.boolean(),
  problem: z.string().optional(),
  /** Bytes faithful, but something about the original itself the photographer should know. */
  warning: z.string().optional(),
  checksum: z.string().optional(),
  deep: z.boolean().optional(),
  /** Absent in reports from before the checksum chain. */
  provenBy: ProvenBy.optional(),
  ...ObjectAsVerified.shape,
  /** Its copy in the replica (`target.replica`), checked the same way once this one holds. */
  replica: ObjectAsVerified.extend({
    ok: z.boolean(),
    problem: z.string().optional(),
    checksum: z.string().optional(),
    deep: z.boolean().optional(),
    provenBy: ProvenBy.optional(),
  }).optional(),
});
export type FileCheck = z.infer<typeof FileCheck>;

/**
 * What protects an album's copies beyond versioning: how many of its verified originals are under
 * Object Lock, in which mode(s), and the earliest date any lock ends (when all are locked).
 */
export const ArchiveProtection = z.object({
  files: z.number().int(),
  locked: z.number().int(),
  lockModes: z.array(z.string()),
  /** The earliest retain-until date among its files; absent when any verified file is unlocked. */
  lockedUntil: z.string().optional(),
  /** Its replica, when the migration names one: where, and how many verified files have a verified copy there. */
  replica: z.object({ connection: z.string(), bucket: z.string(), files: z.number().int() }).optional(),
});
export type ArchiveProtection = z.infer<typeof ArchiveProtection>;

/** An album's protection in words, for the review page, the CLI and refusals. */
export function protectionWords(p: ArchiveProtection | undefined): string {
  if (!p) return 'not recorded (verified before Object Lock was recorded)';
  if (p.files === 0) return 'no verified file';
  const lock = p.lockedUntil
    ? `Object Lock (${p.lockModes.join(', ')}) on every file until ${p.lockedUntil.slice(0, 10)} at least`
    : p.locked > 0
      ? `Object Lock on ${p.locked} of ${p.files} files only`
      : p.replica
        ? 'no Object Lock'
        : 'versioning only: no Object Lock';
  if (!p.replica) return lock;
  const where = `s3://${p.replica.bucket} (${p.replica.connection})`;
  return p.replica.files === p.files
    ? `${lock}; a verified second copy of every file in ${where}`
    : `${lock}; a verified second copy of ${p.replica.files} of ${p.files} files only, in ${where}`;
}

/** Why an album's copies lack the verified replica a migration requires, or undefined when they have it. */
export function replicaShortfall(p: ArchiveProtection | undefined): string | undefined {
  if (!p?.replica)
    return 'its verification found no replica (verified without one): verify it again with target.replica';
  if (p.replica.files < p.files)
    return `${p.files - p.replica.files} of its ${p.files} verified files have no verified copy in the replica`;
  return undefined;
}

/**
 * Why an album's copies do not meet a required Object Lock (every verified file locked, at least
 * `minDaysLeft` days left), or undefined when they do.
 */
export function lockShortfall(p: ArchiveProtection | undefined, minDaysLeft: number, now: Date): string | undefined {
  if (!p) return 'its verification recorded no Object Lock (verified before locks were recorded): verify it again';
  if (!p.lockedUntil) return `${p.files - p.locked} of its ${p.files} verified files have no Object Lock`;
  const left = Math.floor((Date.parse(p.lockedUntil) - now.getTime()) / (24 * 3600 * 1000));
  if (left < minDaysLeft)
    return `its earliest lock ends ${p.lockedUntil.slice(0, 10)}, ${left} days from now (at least ${minDaysLeft} required)`;
  return undefined;
}

/** What a migration requires of the archive before deleting on SmugMug (its `deletion`'s requirements). */
export interface ProtectionRequired {
  requireObjectLock?: { minDaysLeft: number };
  requireReplica?: boolean;
}

/** Why an album's copies lack what the migration requires before deleting, or undefined when they have it all. */
export function protectionShortfall(
  p: ArchiveProtection | undefined,
  required: ProtectionRequired,
  now: Date,
): string | undefined {
  const reasons = [
    required.requireObjectLock ? lockShortfall(p, required.requireObjectLock.minDaysLeft, now) : undefined,
    required.requireReplica ? replicaShortfall(p) : undefined,
  ].filter((r) => r !== undefined);
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

/** The protection of an album from its files' checks (only the verified ones count). */
export function protectionOf(
  results: FileCheck[],
  replica?: { connection: string; bucket: string },
): ArchiveProtection {
  const verified = results.filter((r) => r.ok);
  const locked = verified.filter((r) => r.retainUntil);
  const earliest = locked.map((r) => r.retainUntil!).sort()[0];
  return {
    files: verified.length,
    locked: locked.length,
    lockModes: [...new Set(locked.map((r) => r.lockMode!))].sort(),
    lockedUntil: locked.length === verified.length && verified.length > 0 ? earliest : undefined,
    ...(replica
      ? {
          replica: {
            connection: replica.connection,
            bucket: replica.bucket,
            files: verified.filter((r) => r.replica?.ok).length,
          },
        }
      : {}),
  };
}

/** An album's verification report (`verification.json` under its plan prefix). */
export const AlbumVerificationReport = z.object({
  album: AlbumPlanRecord.shape.album,
  checkedAt: z.string(),
  passed: z.boolean(),
  verified: z.number(),
  failed: z.array(FileCheck),
  deep: z.object({ deep: z.string(), sampleSize: z.number() }),
  unavailable: z.array(UnavailableEntry),
  results: z.array(FileCheck),
  /** Written since held items exist; reports from before read as none (the deletion derives them again). */
  held: z.array(HeldItem).default([]),
  warnings: z.array(z.object({ imageKey: z.string(), fileName: z.string(), warning: z.string() })).default([]),
  /** Reports from before Object Lock was recorded have none. */
  protection: ArchiveProtection.optional(),
});
export type AlbumVerificationReport = z.infer<typeof AlbumVerificationReport>;
export type AlbumVerificationReportInput = z.input<typeof AlbumVerificationReport>;

/**
 * What an approval deletes of an album by default: the files whose object is the original, verified
 * byte for byte, and not held. Held items go only when the approval includes them.
 */
export function heldItemsOf(
  entries: PlanEntry[],
  report: Pick<AlbumVerificationReport, 'held' | 'unavailable'> & { results?: FileCheck[] },
): HeldItem[] {
  const held = new Map(report.held.map((h) => [h.imageKey, h]));
  const hold = (item: HeldItem) => {
    if (!held.has(item.imageKey)) held.set(item.imageKey, item);
  };
  const checks = new Map((report.results ?? []).map((r) => [fileIdOf(r), r]));
  for (const e of entries) {
    if (e.source === 'largest-video')
      hold({ imageKey: e.imageKey, fileName: e.fileName, kind: 'transcode', reason: transcodeReason });
    if (e.component) {
      const reason = componentNotSafe(e.component, checks.get(fileIdOf(e)));
      if (reason) hold({ imageKey: e.imageKey, fileName: e.fileName, kind: 'component-not-safe', reason });
    }
  }
  for (const u of report.unavailable)
    hold(
      u.component
        ? {
            imageKey: u.imageKey,
            fileName: u.fileName,
            kind: 'component-not-safe',
            reason: `its ${componentNoun(u.component)} was not copied: ${u.reason}`,
          }
        : { imageKey: u.imageKey, fileName: u.fileName, kind: 'not-copied', reason: `not copied: ${u.reason}` },
    );
  return [...held.values()];
}

/** Why an image stays on SmugMug for its component (its RAW), or undefined when the component is safe. */
function componentNotSafe(component: PlannedComponent, check: FileCheck | undefined): string | undefined {
  const noun = componentNoun(component);
  if (!check?.ok) return `its ${noun} was not copied${check?.problem ? `: ${check.problem}` : ''}`;
  if (component.unproven) return `its ${noun} was copied but cannot be proven identical: ${component.unproven}`;
  return undefined;
}

export const transcodeReason =
  "only SmugMug's transcode was copied (no original offered): a lossy re-encode, not the original";

/** The marker of an album whose last run failed (`failed-albums/<AlbumKey>.json` in the migration's state). */
export const FailedAlbumRecord = z.object({
  albumKey: z.string(),
  path: z.array(z.string()),
  workflowId: z.string(),
  error: z.string(),
  failedAt: z.string(),
});
export type FailedAlbumRecord = z.infer<typeof FailedAlbumRecord>;

/**
 * Progress of one multipart upload, saved in the bucket after every part: the UploadId, how far it
 * got, and the MD5 state of the bytes so far, so a retried attempt goes on from the next part with
 * a Range request. (Heartbeat details are throttled by the SDK and may lag several parts.)
 */
export const Checkpoint = z.object({
  /** The first destination's upload (the bucket's, unless only the replica is written). */
  uploadId: z.string(),
  /** One upload per destination, in the order written; absent in checkpoints from before replicas (the bucket's only). */
  uploads: z.array(z.object({ to: z.enum(['primary', 'replica']), uploadId: z.string() })).optional(),
  key: z.string(),
  partSize: z.number().int().positive(),
  nextPart: z.number().int().min(1),
  bytesDone: z.number().int().min(0),
  /** hash-wasm's saved MD5 state after `bytesDone` bytes, base64; empty before the first part. */
  md5State: z.string(),
  /**
   * The whole-file CRC32 of the first `bytesDone` bytes (zlib's running value). Absent in checkpoints
   * from before the checksum chain: their uploads store a composite checksum, so they begin again.
   */
  crc32: z.number().int().min(0).optional(),
});
export type Checkpoint = z.infer<typeof Checkpoint>;

/**
 * A large file's link in the checksum chain: the whole-file CRC32 (base64) the worker computed over
 * the bytes whose MD5 equals SmugMug's, recorded before S3 completes the object with it.
 */
export const ChecksumRecord = z.object({ key: z.string(), crc32: z.string() });
export type ChecksumRecord = z.infer<typeof ChecksumRecord>;

/** One album's line in the migration report. */
export const MigrationReportAlbum = z.object({
  albumKey: z.string(),
  path: z.array(z.string()),
  passed: z.boolean(),
  verified: z.number(),
  checkedAt: z.string().optional(),
  failed: z.number(),
  unavailable: z.number(),
  problems: z.array(z.object({ imageKey: z.string(), problem: z.string().optional() })),
  held: z.array(HeldItem).default([]),
  warnings: AlbumVerificationReport.shape.warnings,
  protection: ArchiveProtection.optional(),
});

/** What every report of a migration starts with: whose, where to, and when. */
const ReportHeader = {
  migrationId: z.string(),
  account: z.string(),
  bucket: z.string(),
  prefix: z.string(),
  generatedAt: z.string(),
};

/** The migration's verification report (`report.json`); approvals name the SHA-256 of its bytes. */
export const MigrationReport = z.object({
  ...ReportHeader,
  // Reports from before held items exist read with none.
  totals: z.object({
    albums: z.number(),
    passed: z.number(),
    verifiedFiles: z.number(),
    held: z.number().default(0),
    warnings: z.number().default(0),
  }),
  /** What an approval leaves on SmugMug unless it names it (`includeHeld`), and why. */
  held: z.array(HeldItem.extend({ albumKey: z.string(), path: z.array(z.string()) })).default([]),
  albums: z.array(MigrationReportAlbum),
});
export type MigrationReport = z.infer<typeof MigrationReport>;

const DeletedImage = z.object({ imageKey: z.string(), serial: z.number(), fileName: z.string() });

/** An album's deletion record (`deletion.json`): the latest approval's, with the earlier ones; a dry run's lists what would go. */
export const DeletionLog = z
  .object({
    albumKey: z.string(),
    approval: AlbumApproval,
    finishedAt: z.string(),
    deleted: z.array(z.string()).optional(),
    alreadyGone: z.array(z.string()).optional(),
    wouldDelete: z.array(DeletedImage).optional(),
    heldKept: z.array(HeldItem),
    heldIncluded: z.array(HeldItem.extend({ includedBy: z.record(z.string(), z.unknown()) })),
    earlier: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .loose();
export type DeletionLog = z.infer<typeof DeletionLog>;

/** What `album.json` keeps of a file's check, for each image and each component. */
const VerifiedObject = ObjectAsVerified.extend({
  s3Checksum: z.string().optional(),
  /** How the copy was proven (absent in manifests from before the checksum chain). */
  provenBy: ProvenBy.optional(),
  verified: z.boolean(),
  /** Its copy in the replica, as verified (absent without a replica). */
  replica: FileCheck.shape.replica,
});

/** A component of an image (its RAW file) in `album.json`: where it is and how it was checked. */
export const ManifestComponent = PlannedComponent.extend({
  fileName: z.string(),
  s3Key: z.string(),
  size: z.number(),
  md5: z.string().optional(),
  ...VerifiedObject.shape,
  problem: z.string().optional(),
});
export type ManifestComponent = z.infer<typeof ManifestComponent>;

/** `album.json` in every album's folder: the album's metadata and every image with its S3 key and verification. */
export const AlbumManifest = z.object({
  album: AlbumPlanRecord.shape.album,
  migratedAt: z.string(),
  verified: z.boolean(),
  images: z.array(
    PlanEntry.shape.metadata.extend({
      imageKey: z.string(),
      serial: z.number(),
      fileName: z.string(),
      s3Key: z.string(),
      size: z.number(),
      md5: z.string(),
      source: PlanEntry.shape.source,
      identicalToOriginal: z.boolean(),
      format: z.string(),
      isVideo: z.boolean(),
      ...VerifiedObject.shape,
      warning: z.string().optional(),
      /** Its XMP sidecar beside it (`<file name>.xmp`), unless sidecars are off. */
      sidecarKey: z.string().optional(),
      /** Its preview (SmugMug's Medium rendition, in STANDARD): for browsing, never an original. */
      previewKey: z.string().optional(),
      /** The other files of its library asset (SmugMug Source's RAW), each copied beside it and checked as it is. */
      components: z.array(ManifestComponent).optional(),
    }),
  ),
  unavailable: z.array(UnavailableEntry),
});
export type AlbumManifest = z.infer<typeof AlbumManifest>;

/** A file an archive holds for an image: its own, or one of its components (its RAW). */
export interface ArchivedFile {
  key: string;
  versionId?: string;
  storageClass?: string;
  size?: number;
}

/** An image's own file as its manifest records it. */
export const originalOf = (image: AlbumManifest['images'][number]): ArchivedFile => ({
  key: image.s3Key,
  versionId: image.versionId,
  storageClass: image.storageClass,
  size: image.size,
});

/** Every file of an image's original as its manifest records them: its own, and its components. */
export const filesOf = (image: AlbumManifest['images'][number]): ArchivedFile[] => [
  originalOf(image),
  ...(image.components ?? []).map((c) => ({
    key: c.s3Key,
    versionId: c.versionId,
    storageClass: c.storageClass,
    size: c.size,
  })),
];

/** Where an album's manifest is (`_index/<AlbumKey>.json`), written with it: the archive's pages read these. */
export const AlbumIndexEntry = z.object({ manifestKey: z.string(), writtenAt: z.string() });
export type AlbumIndexEntry = z.infer<typeof AlbumIndexEntry>;

/**
 * A share link: who may see which originals of which archive until when. Anyone with the link
 * sees the previews and downloads the originals through URLs minted at each request, so revoking
 * it or its expiry ends access at once. The bucket itself stays private.
 */
export const ShareRecord = z.object({
  /** The first characters of the secret's hash: how the app names the share (never the secret). */
  id: z.string(),
  title: z.string(),
  archive: z.object({ bucket: z.string(), prefix: z.string() }),
  /** Whole albums, or the images picked in one album. */
  albums: z.array(z.object({ albumKey: z.string(), imageKeys: z.array(z.string()).optional() })).min(1),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().optional(),
});
export type ShareRecord = z.infer<typeof ShareRecord>;

const ClassEstimate = z.object({
  storageClass: z.string(),
  billableBytes: z.number(),
  monthlyStorageUsd: z.number(),
  monthlyMonitoringUsd: z.number(),
  monthlyUsd: z.number(),
  minimumDays: z.number(),
  minimumChargeUsd: z.number(),
  putRequests: z.number(),
  putRequestsUsd: z.number(),
  firstYearUsd: z.number(),
  /** An archive class: the extra cost of a read-back before archiving (plans/cost-estimate.ts). */
  readBackFirstUsd: z.number().optional(),
  /** Plans from before retrieval costs read as none. */
  retrieval: z
    .array(
      z.object({ tier: z.string(), usd: z.number(), minHours: z.number(), maxHours: z.number(), wait: z.string() }),
    )
    .default([]),
});

/** The plan of a dry run (`plan-report.json`): what a migration would copy, hold and cost (plans/plan-report.ts). */
export const PlanReport = z.object({
  ...ReportHeader,
  totals: z.object({
    albums: z.number(),
    files: z.number(),
    bytes: z.number(),
    photos: z.number(),
    videos: z.number(),
    /** SmugMug Source's RAW files beside the photos, and other components (plans from before read as none). */
    rawFiles: z.number().default(0),
    rawBytes: z.number().default(0),
    otherComponents: z.number().default(0),
    held: z.number(),
    alreadyPresent: z.number(),
    /** Images counted once however many albums hold them (collected copies). */
    uniqueImages: z.number(),
    /** Images whose bytes another image has too (same MD5, another ImageKey), and the bytes they repeat. */
    duplicateImages: z.number(),
    duplicateBytes: z.number(),
  }),
  albums: z.array(
    z.object({
      albumKey: z.string(),
      path: z.array(z.string()),
      files: z.number(),
      bytes: z.number(),
      photos: z.number(),
      videos: z.number(),
      rawFiles: z.number().default(0),
      rawBytes: z.number().default(0),
      otherComponents: z.number().default(0),
      alreadyPresent: z.number(),
      held: z.number(),
    }),
  ),
  duplicates: z.array(
    z.object({
      md5: z.string(),
      images: z.array(z.object({ imageKey: z.string(), albumKey: z.string(), fileName: z.string(), size: z.number() })),
    }),
  ),
  largest: z.array(z.object({ albumKey: z.string(), imageKey: z.string(), fileName: z.string(), bytes: z.number() })),
  costs: z.object({
    region: z.string(),
    prices: z.object({ source: z.string(), date: z.string() }),
    objects: z.number(),
    bytes: z.number(),
    classes: z.array(ClassEstimate),
    /** The second copy's cost, when the migration names a replica (plans/cost-estimate.ts). */
    replica: z
      .object({
        connection: z.string(),
        bucket: z.string(),
        by: z.enum(['copy', 'replication']),
        region: z.string(),
        storageClass: z.string(),
        estimate: ClassEstimate.optional(),
        note: z.string(),
      })
      .optional(),
    /** The previews' cost (SmugMug's Medium renditions, always in STANDARD); absent with previews off. */
    previews: z.object({ objects: z.number(), bytes: z.number(), estimate: ClassEstimate }).optional(),
  }),
});
export type PlanReport = z.infer<typeof PlanReport>;

/** A plan's previews and their cost in words, for the CLI's plan and the plan page. */
export function previewCostWords(
  previews: NonNullable<PlanReport['costs']['previews']>,
  usd: (amount: number) => string,
): string {
  const megabytes = (previews.bytes / 2 ** 20).toFixed(1);
  const { monthlyUsd, firstYearUsd } = previews.estimate;
  return `Previews for browsing the archive: ${previews.objects} small images (${megabytes} MB) in STANDARD, ${usd(monthlyUsd)} a month, ${usd(firstYearUsd)} the first year.`;
}

/** A plan's second copy and its cost in words, for the CLI's plan and the plan page. */
export function replicaCostWords(
  replica: NonNullable<PlanReport['costs']['replica']>,
  usd: (amount: number) => string,
): string {
  const where = `s3://${replica.bucket} (${replica.connection}, ${replica.region}), ${replica.storageClass}, ${replica.by === 'copy' ? 'written by the worker' : 'written by S3 replication'}`;
  const cost = replica.estimate
    ? `: ${usd(replica.estimate.monthlyUsd)} a month, ${usd(replica.estimate.firstYearUsd)} the first year`
    : '';
  return `Second copy in ${where}${cost}; ${replica.note}`;
}

/** An audit of the archive at rest (`_audits/<auditId>.json` beside the migrations' state): every finding, with its album. */
export const AuditReport = AuditTotals.extend({
  findings: z.array(AuditFinding),
  /** Findings counted but not listed, past the report's limit. */
  findingsNotListed: z.number().int(),
  /** Whether the bucket uses Object Lock, so each file's retention was checked. */
  objectLock: z.boolean(),
});
export type AuditReport = z.infer<typeof AuditReport>;

/**
 * What a restore to SmugMug made for an album so far, written before and after each album it makes:
 * a retried attempt finds its albums here instead of making them twice (`pending`: the UrlName an
 * album was being made under when the attempt ended, adopted if SmugMug has it).
 */
export const RestoreJournal = z.object({
  targets: z.array(RestoreTarget),
  pending: z.object({ part: z.number().int(), parentNodeUri: z.string(), urlName: z.string() }).optional(),
});
export type RestoreJournal = z.infer<typeof RestoreJournal>;

/** An album's restore, image by image: how each came back, and where. */
export const RestoreAlbumReport = AlbumRestoreOutcome.omit({ reportKey: true }).extend({
  restoreId: z.string(),
  checkedAt: z.string(),
  items: z.array(
    z.object({
      imageKey: z.string(),
      fileName: z.string(),
      part: z.number().int(),
      check: RestoreCheck,
      /** The image on SmugMug now (its new ImageKey: old links to the image do not follow). */
      imageUri: z.string().optional(),
      /** What is not as archived, or the Uploader's refusal. */
      problem: z.string().optional(),
    }),
  ),
});
export type RestoreAlbumReport = z.infer<typeof RestoreAlbumReport>;

/** A restore to SmugMug's report: each album's outcome, and what no restore can bring back. */
export const SmugMugRestoreReport = z.object({
  restoreId: z.string(),
  account: z.string(),
  bucket: z.string(),
  prefix: z.string(),
  finishedAt: z.string(),
  albums: z.array(AlbumRestoreOutcome),
  failed: z.array(z.object({ albumKey: z.string(), name: z.string(), error: z.string() })),
  notRestorable: z.array(z.string()),
});
export type SmugMugRestoreReport = z.infer<typeof SmugMugRestoreReport>;
