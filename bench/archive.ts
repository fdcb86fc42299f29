import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pLimit from 'p-limit';
import { minioClient } from '../local-stack/minio-server';
import { projectRoot } from '../local-stack/paths';
import { ServerConfig } from '../server/config';
import { startHttpServer } from '../server/server';
import { type AlbumManifest, AlbumIndexEntry } from '../state/documents';
import { albumIndexKey, albumIndexPrefix } from '../state/layout';
import { startBenchStack } from './bench-stack';

/** Objects written at once while the archive is laid out. */
const WRITE_CONCURRENCY = 32;
/** Requests of each page, one after another, for its median and 95th percentile. */
const REQUESTS_PER_PAGE = 40;
/** The access key the bench's API takes. */
const ACCESS_KEY = 'bench-archive-access-key-0123456789';
const KEYWORDS = ['family', 'travel', 'beach', 'snow', 'birthday', 'garden', 'city', 'night'];

/**
 * `npm run bench:archive`: the archive's pages on an archive of 100,000 images (manifests and index
 * entries as migrations leave them, on the bench stack's MinIO), served by the API with the web
 * app, asked over HTTP with a session: the first page (the index loaded), then each page's median
 * and 95th percentile. The baseline, measured in the same run: what one page would take without the
 * index, reading every manifest of the archive.
 */
async function main() {
  const { values } = parseArgs({
    options: {
      images: { type: 'string', default: '100000' },
      albums: { type: 'string', default: '500' },
      out: { type: 'string' },
    },
  });
  const images = Number(values.images);
  const albums = Number(values.albums);
  if (![images, albums].every((n) => Number.isInteger(n) && n > 0) || images % albums !== 0)
    throw new Error('--images and --albums take positive whole numbers, and --images must be a multiple of --albums');
  const log = (line: string) => console.log(`[archive] ${line}`);

  const bench = await startBenchStack(log);
  const { stack } = bench;
  const s3 = minioClient(stack.minio);
  const bucket = 'archive-bench';
  const prefix = 'library';
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    log(`writing the manifests of ${images} images in ${albums} albums`);
    await layOutArchive(s3, bucket, prefix, images / albums, albums);

    // The baseline: every manifest read, as a page without an index would have to.
    const scanStarted = performance.now();
    await readEveryManifest(s3, bucket, prefix);
    const scanMs = performance.now() - scanStarted;

    for (const [name, value] of Object.entries({
      AWS_ACCESS_KEY_ID: stack.minio.accessKeyId,
      AWS_SECRET_ACCESS_KEY: stack.minio.secretAccessKey,
    }))
      process.env[name] = value;
    const api = await startHttpServer(
      ServerConfig.parse({
        API_PORT: '0',
        API_TOKEN: ACCESS_KEY,
        TEMPORAL_ADDRESS: stack.temporal.address,
        TEMPORAL_NAMESPACE: stack.temporal.namespace,
        AWS_REGION: stack.minio.region,
        AWS_ENDPOINT_URL_S3: stack.minio.endpoint,
        PAYLOAD_ENCRYPTION_KEYS: stack.payloadKeys,
        CREDENTIALS_STORE: join(bench.dataDir, 'credentials.enc'),
      }),
      () => undefined,
    );
    try {
      const cookie = await signIn(api.url);
      const get = async (path: string) => {
        const started = performance.now();
        const res = await fetch(`${api.url}${path}`, { headers: { cookie } });
        const body = await res.text();
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${body.slice(0, 300)}`);
        return { ms: performance.now() - started, body };
      };
      const archive = `bucket=${bucket}&prefix=${prefix}`;
      const heapBefore = heapAfterCollection();
      const first = await get(`/app/archive?${archive}`);
      const indexHeapMb = Math.round((heapAfterCollection() - heapBefore) / 1e6);
      if (!first.body.includes(`${albums} albums, ${images} photos and videos`))
        throw new Error('the archive page does not count the archive');
      const pages = {
        folder: `/app/archive?${archive}&f=Folder%207`,
        album: `/app/archive/album?${archive}&album=A250`,
        image: `/app/archive/image?${archive}&album=A250&image=I250x17`,
        searchKeyword: `/app/archive/search?${archive}&keyword=Beach`,
        searchText: `/app/archive/search?${archive}&q=sunset+day+3`,
        searchDates: `/app/archive/search?${archive}&from=2019-03-01&to=2019-03-31`,
      };
      const timings: Record<string, { medianMs: number; p95Ms: number; bytes: number }> = {};
      for (const [name, path] of Object.entries(pages)) {
        const ms: number[] = [];
        let bytes = 0;
        for (let i = 0; i < REQUESTS_PER_PAGE; i++) {
          const { ms: took, body } = await get(path);
          ms.push(took);
          bytes = body.length;
        }
        ms.sort((a, b) => a - b);
        timings[name] = {
          medianMs: round(ms[Math.floor(ms.length / 2)]),
          p95Ms: round(ms[Math.floor(ms.length * 0.95)]),
          bytes,
        };
        log(`${name}: median ${timings[name].medianMs} ms, p95 ${timings[name].p95Ms} ms`);
      }
      const slowestMedian = Math.max(...Object.values(timings).map((t) => t.medianMs));
      const report = {
        bench: 'archive-pages',
        date: new Date().toISOString(),
        machine: { cpus: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30) },
        images,
        albums,
        firstPageMs: round(first.ms),
        pages: timings,
        baseline: { what: 'every manifest of the archive read once (a page without the index)', ms: round(scanMs) },
        baselineOverSlowestPage: round(scanMs / slowestMedian),
        indexHeapMb,
      };
      log(JSON.stringify(report));
      const out = values.out ?? join(projectRoot, 'bench-results');
      await mkdir(out, { recursive: true });
      await writeFile(join(out, `archive-${images}.json`), `${JSON.stringify(report, null, 2)}\n`);
    } finally {
      await api.close();
    }
  } finally {
    s3.destroy();
    await bench.stop();
  }
}

const round = (n: number) => Number(n.toFixed(1));

/** The JavaScript heap in use after a full collection (V8's own, exposed at run time): what the index holds. */
function heapAfterCollection(): number {
  setFlagsFromString('--expose_gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

async function signIn(apiUrl: string): Promise<string> {
  const page = await fetch(`${apiUrl}/app/sign-in`);
  const csrfCookie = page.headers.getSetCookie().map((c) => c.split(';')[0]);
  const res = await fetch(`${apiUrl}/app/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: apiUrl,
      cookie: csrfCookie.join('; '),
    },
    body: new URLSearchParams({ token: ACCESS_KEY, next: '/app/archive' }),
  });
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0]);
  if (res.status !== 303 || cookies.length === 0) throw new Error(`signing in answered ${res.status}`);
  return cookies.join('; ');
}

/** Albums of photos as migrations record them: each album's manifest and its index entry (no originals: pages never read them). */
async function layOutArchive(s3: S3Client, bucket: string, prefix: string, perAlbum: number, albums: number) {
  const limit = pLimit(WRITE_CONCURRENCY);
  await Promise.all(
    Array.from({ length: albums }, (_, a) =>
      limit(async () => {
        const path = [`Folder ${Math.floor(a / 25)}`, `Album ${a}`];
        const folder = `${prefix}/${path.join('/')}`;
        const manifest: AlbumManifest = {
          album: { albumKey: `A${a}`, name: path[1], path, nodeId: `N${a}` },
          migratedAt: new Date().toISOString(),
          verified: true,
          images: Array.from({ length: perAlbum }, (_, i) => {
            const day = new Date(Date.UTC(2015, 0, 1) + ((a * perAlbum + i) % 3650) * 86_400_000);
            const fileName = `IMG_${String(i).padStart(5, '0')}.JPG`;
            return {
              imageKey: `I${a}x${i}`,
              serial: 0,
              fileName,
              s3Key: `${folder}/${fileName}`,
              size: 3_000_000 + i,
              md5: '0'.repeat(32),
              source: 'original' as const,
              identicalToOriginal: true,
              format: 'JPG',
              isVideo: false,
              title: `Photo ${i} of album ${a}`,
              caption: `A ${KEYWORDS[(a + i) % KEYWORDS.length]} day ${i % 10}, sunset`,
              keywords: [KEYWORDS[i % KEYWORDS.length], KEYWORDS[(a + 3) % KEYWORDS.length]],
              captured: `${day.toISOString().slice(0, 10)}T12:00:00-08:00`,
              hidden: false,
              latitude: 47.6,
              longitude: -122.3,
              storageClass: 'STANDARD',
              verified: true,
              provenBy: 'read-back' as const,
              previewKey: `${prefix}/_smugmug-s3-migration/_previews/A${a}/I${a}x${i}-0.jpg`,
            };
          }),
          unavailable: [],
        };
        const manifestKey = `${folder}/album.json`;
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: manifestKey, Body: JSON.stringify(manifest) }));
        const entry: AlbumIndexEntry = { manifestKey, writtenAt: new Date().toISOString() };
        await s3.send(
          new PutObjectCommand({ Bucket: bucket, Key: albumIndexKey(prefix, `A${a}`), Body: JSON.stringify(entry) }),
        );
      }),
    ),
  );
}

/** Every manifest of the archive read once, through the index entries: what a page would cost without the index kept. */
async function readEveryManifest(s3: S3Client, bucket: string, prefix: string) {
  const { StateStore } = await import('../state/store');
  const store = new StateStore(s3, bucket);
  const limit = pLimit(16);
  const reads: Array<Promise<unknown>> = [];
  for await (const key of store.keys(albumIndexPrefix(prefix)))
    reads.push(
      limit(async () => {
        const entry = await store.get(key, AlbumIndexEntry);
        const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: entry!.manifestKey }));
        return JSON.parse(await object.Body!.transformToString());
      }),
    );
  await Promise.all(reads);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
