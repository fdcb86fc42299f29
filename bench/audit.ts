import {
  CreateBucketCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pLimit from 'p-limit';
import { auditArchive } from '../activities/audit-archive';
import type { ActivityDeps } from '../activities/deps';
import type { AuditSummary } from '../common/audit';
import { minioClient } from '../local-stack/minio-server';
import { projectRoot } from '../local-stack/paths';
import { BUILT_IN_PRICES } from '../plans/s3-prices';
import type { AlbumManifest } from '../state/documents';
import { startBenchStack } from './bench-stack';

/** Objects written at once while the archive is laid out (MinIO on the bench machine takes this many well). */
const WRITE_CONCURRENCY = 64;
/** HEAD requests in flight for the baseline: as many as the audit's own HEADs would use. */
const HEAD_BASELINE_CONCURRENCY = 16;
/** AWS's request prices (us-east-1, the price table's date): LIST like PUT; GET and HEAD per 1,000. */
const GET_PER_1000 = 0.0004;

/**
 * `npm run bench:audit`: an archive as migrations leave it (albums of originals, each with its XMP
 * sidecar and the album's manifest, in a versioned bucket on the bench stack's MinIO), audited at
 * rest by the audit activity itself. Reports wall time, the requests it made by kind, and what
 * those requests would cost on AWS. Nothing is downloaded, so the files' sizes do not matter: they
 * are a few bytes each.
 */
async function main() {
  const { values } = parseArgs({
    options: {
      files: { type: 'string', default: '100000' },
      albums: { type: 'string', default: '100' },
      out: { type: 'string' },
    },
  });
  const files = Number(values.files);
  const albums = Number(values.albums);
  if (![files, albums].every((n) => Number.isInteger(n) && n > 0) || files % albums !== 0)
    throw new Error('--files and --albums take positive whole numbers, and --files must be a multiple of --albums');
  const log = (line: string) => console.log(`[audit] ${line}`);

  const bench = await startBenchStack(log);
  const s3 = minioClient(bench.stack.minio);
  try {
    const bucket = 'audit-bench';
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    log(`writing ${files} files, their sidecars and ${albums} manifests`);
    const laidOut = Date.now();
    await layOutArchive(s3, bucket, files / albums, albums);
    log(`laid out in ${((Date.now() - laidOut) / 1000).toFixed(0)} s; auditing`);

    const started = process.hrtime.bigint();
    const summary: AuditSummary = await new MockActivityEnvironment().run(auditArchive({ s3 } as ActivityDeps), {
      auditId: 'bench',
      bucket,
      prefix: 'library',
      deep: false,
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (!summary.passed || summary.files !== files)
      throw new Error(`the audit did not pass: ${JSON.stringify(summary)}`);
    // The baseline, measured in the same run: one HeadObject per file, as an audit without listings would.
    log('baseline: one HeadObject per file');
    const headStarted = process.hrtime.bigint();
    const limit = pLimit(HEAD_BASELINE_CONCURRENCY);
    await Promise.all(
      keysOf(files / albums, albums).map((key) =>
        limit(() => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))),
      ),
    );
    const headSeconds = Number(process.hrtime.bigint() - headStarted) / 1e9;
    const listPrice = BUILT_IN_PRICES.regions['us-east-1'].STANDARD.putPer1000;
    const awsUsd =
      (summary.requests.list / 1000) * listPrice +
      ((summary.requests.get + summary.requests.head) / 1000) * GET_PER_1000;
    const report = {
      bench: 'audit',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30) },
      files,
      albums,
      objects: files * 2 + albums,
      seconds: Number(seconds.toFixed(1)),
      filesPerSecond: Math.round(files / seconds),
      requests: summary.requests,
      baseline: {
        what: 'one HeadObject per file (no listing), the same files',
        seconds: Number(headSeconds.toFixed(1)),
        requests: files,
        awsRequestsUsd: Number(((files / 1000) * GET_PER_1000).toFixed(5)),
      },
      speedupOverBaseline: Number((headSeconds / seconds).toFixed(1)),
      awsRequestsUsd: Number(awsUsd.toFixed(5)),
      prices: {
        source: BUILT_IN_PRICES.source,
        date: BUILT_IN_PRICES.date,
        listPer1000: listPrice,
        getPer1000: GET_PER_1000,
      },
    };
    log(JSON.stringify(report));
    const out = values.out ?? join(projectRoot, 'bench-results');
    await mkdir(out, { recursive: true });
    await writeFile(join(out, `audit-${files}.json`), `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    s3.destroy();
    await bench.stop();
  }
}

const folderOf = (a: number) => `library/Folder ${Math.floor(a / 10)}/Album ${a}`;
const keyOf = (a: number, i: number) => `${folderOf(a)}/IMG_${String(i).padStart(5, '0')}.JPG`;
const keysOf = (perAlbum: number, albums: number) =>
  Array.from({ length: albums }, (_, a) => Array.from({ length: perAlbum }, (_, i) => keyOf(a, i))).flat();

/** Albums of tiny originals as a migration leaves them: each file, its sidecar, and the album's manifest naming them. */
async function layOutArchive(s3: S3Client, bucket: string, perAlbum: number, albums: number) {
  const limit = pLimit(WRITE_CONCURRENCY);
  for (let a = 0; a < albums; a++) {
    const folder = folderOf(a);
    const images = await Promise.all(
      Array.from({ length: perAlbum }, (_, i) =>
        limit(async () => {
          const body = Buffer.from(`album ${a} image ${i}`);
          const md5 = createHash('md5').update(body).digest('hex');
          const key = keyOf(a, i);
          const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
          await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `${key}.xmp`, Body: Buffer.from('<x:xmpmeta/>') }));
          return {
            imageKey: `I${a}x${i}`,
            serial: i,
            fileName: key.split('/').pop()!,
            s3Key: key,
            size: body.length,
            md5,
            source: 'original' as const,
            identicalToOriginal: true,
            format: 'JPG',
            isVideo: false,
            title: '',
            caption: '',
            keywords: [],
            hidden: false,
            provenBy: 'checksum-chain' as const,
            storageClass: 'STANDARD',
            versionId: put.VersionId,
            etag: put.ETag?.replaceAll('"', ''),
            verified: true,
            sidecarKey: `${key}.xmp`,
          };
        }),
      ),
    );
    const manifest: AlbumManifest = {
      album: { albumKey: `A${a}`, name: `Album ${a}`, path: [`Folder ${Math.floor(a / 10)}`], nodeId: `N${a}` },
      migratedAt: new Date().toISOString(),
      verified: true,
      images,
      unavailable: [],
    };
    await s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: `${folder}/album.json`, Body: JSON.stringify(manifest) }),
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
