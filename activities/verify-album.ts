import { GetObjectCommand, HeadObjectCommand, type HeadObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import { errorType } from '../common/error-types';
import { transientTypeOf } from '../common/failure-classes';
import type { MigrationInput, MigrationTarget } from '../common/migration-input';
import type { VerificationSummary } from '../common/migration-types';
import {
  AlbumIndexEntry,
  AlbumManifest,
  ChecksumRecord,
  AlbumVerificationReport,
  FileCheck,
  fileIdOf,
  heldItemsOf,
  type ManifestComponent,
  type PlanEntry,
  protectionOf,
} from '../state/documents';
import { writeSidecars } from '../metadata/xmp-sidecar';
import { joinKey, MANIFEST_NAME } from '../s3/keys';
import { albumIndexKey, checksumRecordKey, verificationKey } from '../state/layout';
import { isArchived, isArchivedRefusal, storedChecksumOf } from '../s3/archive';
import { lockOf } from '../s3/object-lock';
import { RECORDED_CRC32 } from '../s3/object-settings';
import { StateStore } from '../state/store';
import { MediaProbe } from '../transfer/media-probe';
import type { ActivityDeps } from './deps';
import { writePreviews } from './previews';
import { withHeartbeats } from './keep-alive';
import { migrationMetrics } from './migration-metrics';

/**
 * The sample reads files back whole; it leaves out the large ones, whose bytes were hashed end to
 * end while streaming and checked part by part by S3 (deep: 'all' reads them too).
 */
const SAMPLE_MAX_BYTES = 64 * 2 ** 20;

/** A bucket with the client that reaches it: the migration's, or its replica's. */
interface ObjectStore {
  s3: S3Client;
  bucket: string;
}

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
 * and the chain proves. With a replica, each file's copy there is proven the same way. The report
 * says how each file was proven. Writes the report and the album's album.json manifest; returns
 * only the totals.
 */
export function verifyAlbum(deps: ActivityDeps) {
  const { s3, config, replicas } = deps;
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

    /** One copy's check in one bucket (the migration's, or its replica's), with the object's HEAD when there. */
    const checkAt = async (
      at: ObjectStore,
      entry: PlanEntry,
    ): Promise<{ check: FileCheck; head?: HeadObjectCommandOutput }> => {
      const base = { imageKey: entry.imageKey, component: entry.component?.id, key: entry.key };
      let head;
      try {
        head = await at.s3.send(new HeadObjectCommand({ Bucket: at.bucket, Key: entry.key, ChecksumMode: 'ENABLED' }));
      } catch (err) {
        // An outage (of the replica's store, say) is waited out; only a missing object is a finding.
        if (transientTypeOf(err)) throw err;
        return { check: { ...base, ok: false, problem: 'missing from the bucket' } };
      }
      return { check: await checkHead(at, entry, base, head), head };
    };

    const checkHead = async (
      at: ObjectStore,
      entry: PlanEntry,
      base: Pick<FileCheck, 'imageKey' | 'component' | 'key'>,
      head: HeadObjectCommandOutput,
    ): Promise<FileCheck> => {
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
        const readBack = await readBackCheck(at, entry);
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
      at: ObjectStore,
      entry: PlanEntry,
    ): Promise<Pick<FileCheck, 'ok' | 'problem' | 'warning' | 'deep'> | 'archived'> => {
      let object;
      try {
        object = await at.s3.send(new GetObjectCommand({ Bucket: at.bucket, Key: entry.key }));
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

    const replica = input.target.replica;
    const replicaAt = replica && { s3: replicas.get(replica.connection), bucket: replica.bucket };
    const replicaName = replica && `replica "${replica.connection}" (s3://${replica.bucket})`;
    let replicationPending = 0;

    /**
     * A file's check: its copy in the bucket, then (when that holds) its copy in the replica, which
     * must hold exactly the same (size, MD5, stored checksum); a replica that differs fails the file
     * naming the replica. Where S3 replication writes the replica, the bucket's object must say its
     * replication COMPLETED first.
     */
    const check = async (entry: PlanEntry): Promise<FileCheck> => {
      const { check: primary, head } = await checkAt({ s3, bucket }, entry);
      if (!replicaAt || !primary.ok) return primary;
      if (replica.by === 'replication' && head?.ReplicationStatus !== 'COMPLETED') {
        if (head?.ReplicationStatus === 'PENDING') {
          replicationPending += 1;
          return primary;
        }
        const status = head?.ReplicationStatus ?? 'none: no replication rule covers it';
        return { ...primary, ok: false, problem: `${replicaName}: S3 replication status ${status}` };
      }
      const { check: copy } = await checkAt(replicaAt, entry);
      const facts = replicaFacts(copy);
      if (!copy.ok) return { ...primary, ok: false, problem: `${replicaName}: ${copy.problem}`, replica: facts };
      return { ...primary, replica: facts };
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
    // Checked again on the next attempt, as an outage is: S3 replicates within minutes, or says FAILED.
    if (replicationPending > 0)
      throw ApplicationFailure.retryable(
        `${replicationPending} file(s) not yet copied by S3 replication to ${replicaName} (status PENDING): verification waits for them`,
        errorType('ReplicationPending'),
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
      protection: protectionOf(results, replica),
    });

    // Sidecars go with the copies, and are rewritten whenever the metadata changed (sync); not verified as media.
    const sidecars =
      input.sidecars === 'none' ? undefined : await writeSidecars(s3, input.target, plan.albumFolderKey, entries);
    const previews = await writePreviews(deps, input.target, plan.album.albumKey, entries);
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
            previewKey: previews.get(e.imageKey),
            components: componentsOf.get(e.imageKey),
          })),
        unavailable: plan.unavailable,
      },
      { pretty: true },
    );
    // The archive's pages find the manifest by its index entry, never by listing the library.
    await store.put(albumIndexKey(input.target.prefix, plan.album.albumKey), AlbumIndexEntry, {
      manifestKey,
      writtenAt: checkedAt,
    });

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
    replica: check?.replica,
  };
}

/** What a file's check keeps of its copy in the replica: the object as verified, and how it was proven. */
function replicaFacts(copy: FileCheck): NonNullable<FileCheck['replica']> {
  // The replica record's own schema picks its fields, so the two cannot drift apart.
  return FileCheck.shape.replica.unwrap().parse(copy);
}
