import { GetObjectCommand, HeadObjectCommand, type HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import type { MigrationInput, MigrationTarget } from '../common/migration-input';
import type { VerificationSummary } from '../common/migration-types';
import {
  AlbumManifest,
  ChecksumRecord,
  AlbumVerificationReport,
  type FileCheck,
  fileIdOf,
  heldItemsOf,
  type ManifestComponent,
  type PlanEntry,
  protectionOf,
} from '../state/documents';
import { writeSidecars } from '../metadata/xmp-sidecar';
import { joinKey, MANIFEST_NAME } from '../s3/keys';
import { checksumRecordKey, verificationKey } from '../state/layout';
import { isArchived, isArchivedRefusal, storedChecksumOf } from '../s3/archive';
import { lockOf } from '../s3/object-lock';
import { RECORDED_CRC32 } from '../s3/object-settings';
import { StateStore } from '../state/store';
import { MediaProbe } from '../transfer/media-probe';
import type { ActivityDeps } from './deps';
import { withHeartbeats } from './keep-alive';
import { migrationMetrics } from './migration-metrics';

/**
 * The sample reads files back whole; it leaves out the large ones, whose bytes were hashed end to
 * end while streaming and checked part by part by S3 (deep: 'all' reads them too).
 */
const SAMPLE_MAX_BYTES = 64 * 2 ** 20;

export interface VerifyAlbumInput {
  planPrefix: string;
  target: MigrationTarget;
  verification: MigrationInput['verification'];
  /** Absent in calls from runs started before sidecars existed: XMP, the default. */
  sidecars?: MigrationInput['metadata']['sidecars'];
}

/**
 * Proves an album: every planned file is in the bucket with the original's size and MD5, and the
 * checksum S3 stored equals the one recorded while copying (the checksum chain); a sample (or all)
 * is read back whole, hashed, and checked to open, except archived objects, which S3 will not read
 * and the chain proves. The report says how each file was proven. Writes the
 * report and the album's album.json manifest; returns only the totals.
 */
export function verifyAlbum({ s3, config }: ActivityDeps) {
  return async function verifyAlbum(input: VerifyAlbumInput): Promise<VerificationSummary> {
    const { bucket } = input.target;
    const store = new StateStore(s3, bucket);
    const { record: plan, entries } = await store.plan(input.planPrefix);

    const deepKeys = new Set(
      input.verification.deep === 'all'
        ? entries.map(fileIdOf)
        : input.verification.deep === 'sample'
          ? [...entries]
              .filter((e) => e.size <= SAMPLE_MAX_BYTES && e.md5)
              .sort((a, b) => a.md5!.localeCompare(b.md5!))
              .slice(0, input.verification.sampleSize)
              .map(fileIdOf)
          : [],
    );

    const largeBytes = config.LARGE_FILE_THRESHOLD_MB * 2 ** 20;
    /**
     * The CRC32 the worker recorded while copying: in the object's metadata, or a large file's
     * record. The record is looked for where it may be: above this worker's threshold, or for any
     * archived object (copied perhaps under another threshold, and with no other proof).
     */
    const recordedCrc32 = async (entry: PlanEntry, head: HeadObjectCommandOutput) =>
      head.Metadata?.[RECORDED_CRC32] ??
      (entry.size > largeBytes || isArchived(head)
        ? (await store.get(checksumRecordKey(input.target.prefix, entry), ChecksumRecord))?.crc32
        : undefined);

    const check = async (entry: PlanEntry): Promise<FileCheck> => {
      const base = { imageKey: entry.imageKey, component: entry.component?.id, key: entry.key };
      let head;
      try {
        head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: entry.key, ChecksumMode: 'ENABLED' }));
      } catch {
        return { ...base, ok: false, problem: 'missing from the bucket' };
      }
      const object = {
        ...base,
        storageClass: head.StorageClass ?? 'STANDARD',
        versionId: head.VersionId,
        etag: head.ETag?.replaceAll('"', ''),
        ...lockOf(head),
      };
      if (head.ContentLength !== entry.size)
        return { ...object, ok: false, problem: `size ${head.ContentLength}, original ${entry.size}` };
      // A component SmugMug gives no MD5 for is checked by size and checksum chain only (and its image held).
      if (entry.md5 && head.Metadata?.['source-md5'] !== entry.md5)
        return {
          ...object,
          ok: false,
          problem: `recorded MD5 ${head.Metadata?.['source-md5']}, original ${entry.md5}`,
        };
      const checksum = storedChecksumOf(head);
      if (!checksum) return { ...object, ok: false, problem: 'no S3 checksum stored' };
      const recorded = await recordedCrc32(entry, head);
      if (recorded && head.ChecksumCRC32 !== recorded)
        return {
          ...object,
          ok: false,
          checksum,
          problem: `${entry.fileName}: the checksum S3 stored (CRC32 ${head.ChecksumCRC32 ?? 'none'}) differs from the one computed while copying (${recorded})`,
        };
      const proven = { ...object, ok: true, checksum };
      // An archived object is never read (S3 would refuse): its stored checksum proves it.
      if (deepKeys.has(fileIdOf(entry)) && !isArchived(head)) {
        const readBack = await readBackCheck(entry);
        if (readBack !== 'archived') return { ...proven, ...readBack, checksum, provenBy: 'read-back' };
      }
      if (recorded) return { ...proven, provenBy: 'checksum-chain' };
      if (isArchived(head))
        return {
          ...object,
          ok: false,
          checksum,
          problem: 'archived, and copied before checksums were recorded: it cannot be proven without a restore',
        };
      return { ...proven, provenBy: 'stored-checksum' };
    };

    /** Reads a copy back whole: its MD5 must be the original's; a file that does not open is a warning. */
    const readBackCheck = async (
      entry: PlanEntry,
    ): Promise<Pick<FileCheck, 'ok' | 'problem' | 'warning' | 'deep'> | 'archived'> => {
      let object;
      try {
        object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: entry.key }));
      } catch (err) {
        // Archived since the HEAD (a lifecycle rule, or a tier HEAD did not name): archived, not corrupt.
        if (isArchivedRefusal(err)) return 'archived';
        throw err;
      }
      const hash = createHash('md5');
      const probe = new MediaProbe(entry.format, entry.size);
      for await (const chunk of object.Body as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        probe.update(chunk);
      }
      const md5 = hash.digest('hex');
      if (entry.md5 && md5 !== entry.md5)
        return { ok: false, problem: `bytes read back have MD5 ${md5}, original ${entry.md5}`, deep: true };
      // The bytes are SmugMug's own (MD5 equal): a file that does not open is a fact about the
      // original, not a failed copy. Its copy is faithful; it is held back from deletion.
      const opens = probe.finish();
      if (opens) return { ok: true, deep: true, warning: `the original itself does not open: ${opens}` };
      return { ok: true, deep: true };
    };

    const limit = pLimit(16);
    let done = 0;
    const results = await withHeartbeats(
      () => ({ checked: done }),
      () =>
        Promise.all(
          entries.map((e) =>
            limit(async () => {
              const r = await check(e);
              done += 1;
              return r;
            }),
          ),
        ),
    );
    const byKey = new Map(results.map((r) => [fileIdOf(r), r]));
    // A component (a RAW) not copied fails nothing: its image is held on SmugMug, the album goes on.
    const failed = results.filter((r) => !r.ok && r.component === undefined);
    const verified = results.filter((r) => r.ok).length;
    const { filesVerified } = migrationMetrics();
    filesVerified.add(verified, { result: 'ok' });
    if (results.length > verified) filesVerified.add(results.length - verified, { result: 'failed' });
    const checkedAt = new Date().toISOString();

    const reportKey = verificationKey(input.planPrefix);
    const entryOf = new Map(entries.map((e) => [fileIdOf(e), e]));
    const warnings = results
      .filter((r) => r.warning)
      .map((r) => ({ imageKey: r.imageKey, fileName: entryOf.get(fileIdOf(r))!.fileName, warning: r.warning! }));
    const doesNotOpen = warnings.map((w) => ({
      imageKey: w.imageKey,
      fileName: w.fileName,
      kind: 'does-not-open' as const,
      reason: w.warning,
    }));
    const held = heldItemsOf(entries, { held: doesNotOpen, unavailable: plan.unavailable, results });
    await store.put(reportKey, AlbumVerificationReport, {
      album: plan.album,
      checkedAt,
      passed: failed.length === 0,
      verified,
      failed,
      deep: input.verification,
      unavailable: plan.unavailable,
      results,
      warnings,
      held,
      protection: protectionOf(results),
    });

    // Sidecars go with the copies, and are rewritten whenever the metadata changed (sync); not verified as media.
    const sidecars =
      input.sidecars === 'none' ? undefined : await writeSidecars(s3, input.target, plan.albumFolderKey, entries);
    const manifestKey = joinKey(plan.albumFolderKey, MANIFEST_NAME);
    const componentsOf = new Map<string, ManifestComponent[]>();
    for (const e of entries.filter((entry) => entry.component)) {
      const check = byKey.get(fileIdOf(e));
      componentsOf.set(e.imageKey, [
        ...(componentsOf.get(e.imageKey) ?? []),
        {
          ...e.component!,
          fileName: e.fileName,
          s3Key: e.key,
          size: e.size,
          md5: e.md5,
          ...objectFacts(check),
          problem: check?.problem,
        },
      ]);
    }
    await store.put(
      manifestKey,
      AlbumManifest,
      {
        album: plan.album,
        migratedAt: checkedAt,
        verified: failed.length === 0,
        images: entries
          .filter((e) => !e.component)
          .map((e) => ({
            imageKey: e.imageKey,
            serial: e.serial,
            fileName: e.fileName,
            s3Key: e.key,
            size: e.size,
            md5: e.md5!,
            source: e.source,
            identicalToOriginal: e.source === 'original',
            format: e.format,
            isVideo: e.isVideo,
            ...e.metadata,
            ...objectFacts(byKey.get(fileIdOf(e))),
            warning: byKey.get(fileIdOf(e))?.warning,
            sidecarKey: sidecars?.keys.get(e.imageKey),
            components: componentsOf.get(e.imageKey),
          })),
        unavailable: plan.unavailable,
      },
      { pretty: true },
    );

    return {
      reportKey,
      manifestKey,
      verified,
      failed: failed.length,
      unavailable: plan.unavailable.length,
      deepChecked: results.filter((r) => r.deep).length,
      passed: failed.length === 0,
      held: held.length,
      warnings: warnings.length,
    };
  };
}

/** What a manifest keeps of a file's check: how it was proven, and the object as verified. */
function objectFacts(check: FileCheck | undefined) {
  return {
    s3Checksum: check?.checksum,
    provenBy: check?.provenBy,
    storageClass: check?.storageClass,
    versionId: check?.versionId,
    etag: check?.etag,
    lockMode: check?.lockMode,
    retainUntil: check?.retainUntil,
    verified: check?.ok ?? false,
  };
}
