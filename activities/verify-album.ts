import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import type { MigrationInput, MigrationTarget } from '../common/migration-input';
import type { VerificationSummary } from '../common/migration-types';
import {
  AlbumManifest,
  AlbumVerificationReport,
  type FileCheck,
  heldItemsOf,
  type PlanEntry,
} from '../state/documents';
import { writeSidecars } from '../metadata/xmp-sidecar';
import { joinKey, MANIFEST_NAME } from '../s3/keys';
import { verificationKey } from '../state/layout';
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
 * Proves an album: every planned file is in the bucket with the original's size and MD5 and a
 * stored S3 checksum; a sample (or all) is read back whole, hashed, and checked to open. Writes the
 * report and the album's album.json manifest; returns only the totals.
 */
export function verifyAlbum({ s3 }: ActivityDeps) {
  return async function verifyAlbum(input: VerifyAlbumInput): Promise<VerificationSummary> {
    const { bucket } = input.target;
    const store = new StateStore(s3, bucket);
    const { record: plan, entries } = await store.plan(input.planPrefix);

    const deepKeys = new Set(
      input.verification.deep === 'all'
        ? entries.map((e) => e.imageKey)
        : input.verification.deep === 'sample'
          ? [...entries]
              .filter((e) => e.size <= SAMPLE_MAX_BYTES)
              .sort((a, b) => a.md5.localeCompare(b.md5))
              .slice(0, input.verification.sampleSize)
              .map((e) => e.imageKey)
          : [],
    );

    const check = async (entry: PlanEntry): Promise<FileCheck> => {
      const base = { imageKey: entry.imageKey, key: entry.key };
      let head;
      try {
        head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: entry.key, ChecksumMode: 'ENABLED' }));
      } catch {
        return { ...base, ok: false, problem: 'missing from the bucket' };
      }
      if (head.ContentLength !== entry.size)
        return { ...base, ok: false, problem: `size ${head.ContentLength}, original ${entry.size}` };
      if (head.Metadata?.['source-md5'] !== entry.md5)
        return { ...base, ok: false, problem: `recorded MD5 ${head.Metadata?.['source-md5']}, original ${entry.md5}` };
      const checksum =
        head.ChecksumCRC32 ?? head.ChecksumCRC32C ?? head.ChecksumCRC64NVME ?? head.ChecksumSHA256 ?? head.ChecksumSHA1;
      if (!checksum) return { ...base, ok: false, problem: 'no S3 checksum stored' };
      if (!deepKeys.has(entry.imageKey)) return { ...base, ok: true, checksum };
      const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: entry.key }));
      const hash = createHash('md5');
      const probe = new MediaProbe(entry.format, entry.size);
      for await (const chunk of object.Body as AsyncIterable<Uint8Array>) {
        hash.update(chunk);
        probe.update(chunk);
      }
      const md5 = hash.digest('hex');
      if (md5 !== entry.md5)
        return { ...base, ok: false, problem: `bytes read back have MD5 ${md5}, original ${entry.md5}`, deep: true };
      // The bytes are SmugMug's own (MD5 equal): a file that does not open is a fact about the
      // original, not a failed copy. Its copy is faithful; it is held back from deletion.
      const opens = probe.finish();
      if (opens)
        return { ...base, ok: true, checksum, deep: true, warning: `the original itself does not open: ${opens}` };
      return { ...base, ok: true, checksum, deep: true };
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
    const byKey = new Map(results.map((r) => [r.imageKey, r]));
    const failed = results.filter((r) => !r.ok);
    const { filesVerified } = migrationMetrics();
    filesVerified.add(results.length - failed.length, { result: 'ok' });
    if (failed.length > 0) filesVerified.add(failed.length, { result: 'failed' });
    const checkedAt = new Date().toISOString();

    const reportKey = verificationKey(input.planPrefix);
    const entryOf = new Map(entries.map((e) => [e.imageKey, e]));
    const warnings = results
      .filter((r) => r.warning)
      .map((r) => ({ imageKey: r.imageKey, fileName: entryOf.get(r.imageKey)!.fileName, warning: r.warning! }));
    const doesNotOpen = warnings.map((w) => ({
      imageKey: w.imageKey,
      fileName: w.fileName,
      kind: 'does-not-open' as const,
      reason: w.warning,
    }));
    const held = heldItemsOf(entries, { held: doesNotOpen, unavailable: plan.unavailable });
    await store.put(reportKey, AlbumVerificationReport, {
      album: plan.album,
      checkedAt,
      passed: failed.length === 0,
      verified: results.length - failed.length,
      failed,
      deep: input.verification,
      unavailable: plan.unavailable,
      results,
      warnings,
      held,
    });

    // Sidecars go with the copies, and are rewritten whenever the metadata changed (sync); not verified as media.
    const sidecars =
      input.sidecars === 'none' ? undefined : await writeSidecars(s3, input.target, plan.albumFolderKey, entries);
    const manifestKey = joinKey(plan.albumFolderKey, MANIFEST_NAME);
    await store.put(
      manifestKey,
      AlbumManifest,
      {
        album: plan.album,
        migratedAt: checkedAt,
        verified: failed.length === 0,
        images: entries.map((e) => ({
          imageKey: e.imageKey,
          serial: e.serial,
          fileName: e.fileName,
          s3Key: e.key,
          size: e.size,
          md5: e.md5,
          source: e.source,
          identicalToOriginal: e.source === 'original',
          format: e.format,
          isVideo: e.isVideo,
          ...e.metadata,
          s3Checksum: byKey.get(e.imageKey)?.checksum,
          verified: byKey.get(e.imageKey)?.ok ?? false,
          warning: byKey.get(e.imageKey)?.warning,
          sidecarKey: sidecars?.keys.get(e.imageKey),
        })),
        unavailable: plan.unavailable,
      },
      { pretty: true },
    );

    return {
      reportKey,
      manifestKey,
      verified: results.length - failed.length,
      failed: failed.length,
      unavailable: plan.unavailable.length,
      deepChecked: results.filter((r) => r.deep).length,
      passed: failed.length === 0,
      held: held.length,
      warnings: warnings.length,
    };
  };
}
