import {
  GetObjectLockConfigurationCommand,
  HeadObjectCommand,
  type ObjectVersion,
  type DeleteMarkerEntry,
  ListObjectVersionsCommand,
  type ListObjectVersionsCommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import type { AuditFinding, AuditInput, AuditSummary } from '../common/audit';
import { storedChecksumOf } from '../s3/archive';
import { MANIFEST_NAME } from '../s3/keys';
import { AlbumManifest, AuditReport } from '../state/documents';
import { auditBatchManifestKey, auditExpectedChecksumsKey, auditReportKey } from '../state/layout';
import { batchManifestCsv, type ExpectedChecksum } from '../s3/batch-checksum';
import { StateStore } from '../state/store';
import type { ActivityDeps } from './deps';
import { withHeartbeats } from './keep-alive';

/** Findings kept in the report (all are counted): an archive gone whole would otherwise fill the worker's memory. */
const MAX_FINDINGS_KEPT = 100_000;
/** Findings carried in the summary (the API, the webhook, the workflow's result): the report has them all. */
export const FINDINGS_IN_SUMMARY = 20;
/** HEAD requests in flight, where a listing cannot prove enough. */
const HEAD_CONCURRENCY = 16;

/** An original the deep audit re-hashes: where it is, the MD5 it must have, and whose it is. */
export type ExpectedObject = ExpectedChecksum &
  Pick<AuditFinding, 'albumKey' | 'album' | 'imageKey' | 'fileName'> & { versionId: string };

/** One entry of a key's listing: a version, or a delete marker. */
export interface ListedVersion {
  key: string;
  versionId: string;
  isLatest: boolean;
  deleteMarker: boolean;
  size?: number;
  etag?: string;
  storageClass?: string;
}

type ManifestImage = AlbumManifest['images'][number];

/**
 * The verified files of a manifest's images, each image's components (its RAW) as files of their
 * own: checked at rest the same way, under their image's key and name.
 */
export function verifiedFiles(images: ManifestImage[]): ManifestImage[] {
  return images
    .flatMap((image) => [
      image,
      ...(image.components ?? []).map((c) => ({
        ...image,
        fileName: c.fileName,
        s3Key: c.s3Key,
        size: c.size,
        md5: c.md5 ?? '',
        s3Checksum: c.s3Checksum,
        storageClass: c.storageClass,
        versionId: c.versionId,
        etag: c.etag,
        verified: c.verified,
        sidecarKey: undefined,
        components: undefined,
      })),
    ])
    .filter((file) => file.verified);
}

/** A file a listing cannot prove alone: no version or ETag was recorded, or the bucket holds a lock. */
export interface HeadNeeded {
  image: ManifestImage;
  versionId: string;
}

const asListed = (v: ObjectVersion | DeleteMarkerEntry, deleteMarker: boolean): ListedVersion => ({
  key: v.Key!,
  versionId: v.VersionId ?? 'null',
  isLatest: v.IsLatest ?? false,
  deleteMarker,
  size: 'Size' in v ? v.Size : undefined,
  etag: 'ETag' in v ? v.ETag?.replaceAll('"', '') : undefined,
  storageClass: 'StorageClass' in v ? (v.StorageClass ?? 'STANDARD') : undefined,
});

/**
 * What the listing of an album's folder says about its manifest's files: each original present as
 * the version verified (same version id, or size and ETag where the bucket is unversioned), in the
 * class it was verified in; each sidecar present. Files a listing cannot prove are returned to be
 * asked with HeadObject.
 */
export function albumFindings(
  manifest: Pick<AlbumManifest, 'album' | 'images'>,
  versions: Map<string, ListedVersion[]>,
  opts: { locked: boolean },
): { findings: AuditFinding[]; headNeeded: HeadNeeded[] } {
  const findings: AuditFinding[] = [];
  const headNeeded: HeadNeeded[] = [];
  const album = { albumKey: manifest.album.albumKey, album: manifest.album.path.join(' / ') };
  const latestOf = (key: string) => versions.get(key)?.find((v) => v.isLatest);
  for (const image of verifiedFiles(manifest.images)) {
    const about = { ...album, imageKey: image.imageKey, fileName: image.fileName };
    const latest = latestOf(image.s3Key);
    const finding = (kind: AuditFinding['kind'], detail: string) =>
      findings.push({ kind, object: 'original', key: image.s3Key, ...about, detail });
    if (!latest) finding('missing', 'not in the bucket: no version of it is left');
    else if (latest.deleteMarker)
      finding('missing', 'deleted: a delete marker is its current version (earlier versions may still be restored)');
    else {
      const sameBytes = latest.size === image.size && (!image.etag || latest.etag === image.etag);
      const newerVersion = Boolean(
        image.versionId && image.versionId !== 'null' && latest.versionId !== image.versionId,
      );
      const classMoved = Boolean(image.storageClass && latest.storageClass !== image.storageClass);
      // A copy in place that only changes the class writes a new version of the same bytes: a class change.
      if (sameBytes && classMoved)
        finding(
          'changed-class',
          `storage class ${latest.storageClass}, verified in ${image.storageClass}` +
            (newerVersion ? ` (by a copy: version ${latest.versionId})` : ''),
        );
      else if (newerVersion)
        finding('overwritten', `version ${latest.versionId} was written over the verified version ${image.versionId}`);
      else if (latest.size !== image.size) finding('overwritten', `size ${latest.size}, verified ${image.size}`);
      else if (!sameBytes) finding('overwritten', `ETag ${latest.etag}, verified ${image.etag}`);
      else if (opts.locked || !image.etag) headNeeded.push({ image, versionId: latest.versionId });
    }
    if (image.sidecarKey) {
      const sidecar = latestOf(image.sidecarKey);
      if (!sidecar || sidecar.deleteMarker)
        findings.push({
          kind: 'missing',
          object: 'sidecar',
          key: image.sidecarKey,
          ...about,
          detail: sidecar ? 'deleted: a delete marker is its current version' : 'not in the bucket',
        });
    }
  }
  return { findings, headNeeded };
}

/** What a HEAD says about a file the listing could not prove: its stored checksum, its lock. */
export function headFindings(
  image: ManifestImage,
  head: { checksum?: string; retainUntil?: Date; legalHold?: string },
  opts: { locked: boolean; now: Date },
): Array<Pick<AuditFinding, 'kind' | 'detail'>> {
  const findings: Array<Pick<AuditFinding, 'kind' | 'detail'>> = [];
  if (image.s3Checksum && head.checksum !== image.s3Checksum)
    findings.push({
      kind: 'checksum-differs',
      detail: `stored checksum ${head.checksum ?? 'none'}, recorded ${image.s3Checksum}`,
    });
  if (opts.locked && head.legalHold !== 'ON' && !(head.retainUntil && head.retainUntil > opts.now))
    findings.push({
      kind: 'lock-gone',
      detail: head.retainUntil
        ? `retention ended ${head.retainUntil.toISOString()}`
        : 'no retention and no legal hold on the current version',
    });
  return findings;
}

async function bucketUsesObjectLock(s3: S3Client, bucket: string): Promise<boolean> {
  try {
    const { ObjectLockConfiguration } = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
    return ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled';
  } catch {
    return false;
  }
}

/** Every page of a prefix's versions and delete markers (the SDK has no paginator for ListObjectVersions). */
async function* listVersions(s3: S3Client, bucket: string, prefix: string | undefined) {
  let markers: { KeyMarker?: string; VersionIdMarker?: string } = {};
  for (;;) {
    const page: ListObjectVersionsCommandOutput = await s3.send(
      new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, ...markers }),
    );
    yield page;
    if (!page.IsTruncated) return;
    markers = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
  }
}

const folderOf = (key: string) => key.slice(0, key.lastIndexOf('/'));

/**
 * Audits an archive at rest without downloading anything: one pass of ListObjectVersions over the
 * prefix (an album's keys come together, so one album's versions are held at a time), a GET of
 * each album's manifest, and HeadObject only where the listing cannot prove a file. Writes the
 * report (every finding, with its album) into the bucket and returns the summary.
 */
export function auditArchive({ s3 }: ActivityDeps) {
  return async function auditArchive(input: AuditInput & { auditId: string }): Promise<AuditSummary> {
    const { auditId } = input;
    const store = new StateStore(s3, input.bucket);
    const locked = await bucketUsesObjectLock(s3, input.bucket);
    const now = new Date();
    const findings: AuditFinding[] = [];
    const byKind: Record<string, number> = {};
    const requests = { list: 0, get: 0, head: 0 };
    let albums = 0;
    let files = 0;
    const record = (found: AuditFinding[]) => {
      for (const f of found) {
        byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
        if (findings.length < MAX_FINDINGS_KEPT) findings.push(f);
      }
    };
    const limit = pLimit(HEAD_CONCURRENCY);
    /** The deep audit's objects and the MD5 each must hash to. */
    const expected: ExpectedObject[] = [];

    /** One folder's versions, complete: an album folder when it holds a manifest, passed over otherwise. */
    const auditFolder = async (folder: string, versions: Map<string, ListedVersion[]>) => {
      const manifestKey = `${folder}/${MANIFEST_NAME}`;
      const manifestVersions = versions.get(manifestKey);
      if (!manifestVersions) return;
      // The newest manifest that is not a delete marker: a deleted manifest is a finding, its files still checked.
      const readable =
        manifestVersions.find((v) => !v.deleteMarker && v.isLatest) ?? manifestVersions.find((v) => !v.deleteMarker);
      if (!readable) return;
      requests.get += 1;
      const manifest = await store.get(manifestKey, AlbumManifest, readable.versionId);
      if (!manifest) return;
      albums += 1;
      files += verifiedFiles(manifest.images).length;
      const album = {
        albumKey: manifest.album.albumKey,
        album: manifest.album.path.join(' / '),
      };
      if (!readable.isLatest)
        record([
          {
            kind: 'missing',
            object: 'manifest',
            key: manifestKey,
            ...album,
            detail: 'deleted: a delete marker is its current version',
          },
        ]);
      const listed = albumFindings(manifest, versions, { locked });
      record(listed.findings);
      if (input.deep)
        for (const image of verifiedFiles(manifest.images).filter((i) => i.md5)) {
          const latest = versions.get(image.s3Key)?.find((v) => v.isLatest && !v.deleteMarker);
          if (latest)
            expected.push({
              key: image.s3Key,
              versionId: latest.versionId,
              md5: image.md5,
              ...album,
              imageKey: image.imageKey,
              fileName: image.fileName,
            });
        }
      await Promise.all(
        listed.headNeeded.map(({ image, versionId }) =>
          limit(async () => {
            requests.head += 1;
            const head = await s3.send(
              new HeadObjectCommand({
                Bucket: input.bucket,
                Key: image.s3Key,
                VersionId: versionId === 'null' ? undefined : versionId,
                ChecksumMode: 'ENABLED',
              }),
            );
            const checksum = storedChecksumOf(head);
            const found = headFindings(
              image,
              { checksum, retainUntil: head.ObjectLockRetainUntilDate, legalHold: head.ObjectLockLegalHoldStatus },
              { locked, now },
            );
            record(
              found.map((f) => ({
                ...f,
                object: 'original' as const,
                key: image.s3Key,
                ...album,
                imageKey: image.imageKey,
                fileName: image.fileName,
              })),
            );
          }),
        ),
      );
    };

    await withHeartbeats(
      () => ({ albums, files, findings: findings.length }),
      async () => {
        const open = new Map<string, Map<string, ListedVersion[]>>();
        const flush = async (keep?: string) => {
          for (const [folder, versions] of open) {
            if (folder === keep) continue;
            open.delete(folder);
            await auditFolder(folder, versions);
          }
        };
        for await (const page of listVersions(s3, input.bucket, input.prefix ? `${input.prefix}/` : undefined)) {
          requests.list += 1;
          const entries = [
            ...(page.Versions ?? []).map((v) => asListed(v, false)),
            ...(page.DeleteMarkers ?? []).map((m) => asListed(m, true)),
          ];
          for (const entry of entries) {
            const folder = folderOf(entry.key);
            const versions = open.get(folder) ?? new Map<string, ListedVersion[]>();
            open.set(folder, versions);
            versions.set(entry.key, [...(versions.get(entry.key) ?? []), entry]);
          }
          // Keys come in order, so every folder but the one the next page continues is complete.
          await flush(page.IsTruncated && page.NextKeyMarker ? folderOf(page.NextKeyMarker) : undefined);
        }
        await flush();
      },
    );

    const total = Object.values(byKind).reduce((a, b) => a + b, 0);
    const report = {
      auditId,
      bucket: input.bucket,
      prefix: input.prefix,
      checkedAt: now.toISOString(),
      passed: total === 0,
      albums,
      files,
      findings,
      findingsNotListed: total - findings.length,
      byKind,
      objectLock: locked,
      requests,
    };
    if (input.deep) {
      // What the Batch Operations job re-hashes, and what each must hash to (activities/deep-audit.ts).
      await store.putText(
        auditBatchManifestKey(input.prefix, auditId),
        batchManifestCsv(input.bucket, expected),
        'text/csv',
      );
      await store.putText(
        auditExpectedChecksumsKey(input.prefix, auditId),
        expected.map((e) => JSON.stringify(e)).join('\n'),
        'application/x-ndjson',
      );
    }
    const reportKey = auditReportKey(input.prefix, auditId);
    const digest = await store.putWithDigest(reportKey, AuditReport, report);
    return {
      auditId,
      bucket: input.bucket,
      prefix: input.prefix,
      passed: report.passed,
      checkedAt: report.checkedAt,
      albums,
      files,
      findings: total,
      byKind,
      firstFindings: findings.slice(0, FINDINGS_IN_SUMMARY),
      requests,
      reportKey,
      digest,
    };
  };
}
