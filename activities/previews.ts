import { paginateListObjectsV2, PutObjectCommand } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { createHash } from 'node:crypto';
import pLimit from 'p-limit';
import type { MigrationTarget } from '../common/migration-input';
import type { PlanEntry } from '../state/documents';
import { previewKey, previewsPrefix } from '../state/layout';
import type { ActivityDeps } from './deps';
import { smugmugOfThisRun } from './smugmug-of-run';

/** A rendition larger than this is not a preview (SmugMug's Medium is tens of kilobytes): not kept. */
const PREVIEW_MAX_BYTES = 4 * 2 ** 20;

/**
 * Each image's preview (SmugMug's Medium rendition, a video's poster frame) in STANDARD under the
 * album's previews folder, for browsing the archive: copied once (the folder is listed first, so a
 * sync or a retried verification copies only what is missing). A preview is never an original: it
 * is not verified as one, not counted, and nothing about deletion reads it. A rendition SmugMug no
 * longer has is left out. Returns each image's preview key.
 */
export async function writePreviews(
  deps: Pick<ActivityDeps, 's3' | 'smugmug' | 'fileSlots'>,
  target: MigrationTarget,
  albumKey: string,
  entries: PlanEntry[],
): Promise<Map<string, string>> {
  const wanted = entries.filter((e) => !e.component && e.preview);
  const keys = new Map<string, string>();
  if (wanted.length === 0) return keys;
  const existing = new Set<string>();
  const listing = { Bucket: target.bucket, Prefix: previewsPrefix(target.prefix, albumKey) };
  for await (const page of paginateListObjectsV2({ client: deps.s3 }, listing))
    for (const o of page.Contents ?? []) existing.add(o.Key!);
  const missing: PlanEntry[] = [];
  for (const e of wanted) {
    const key = previewKey(target.prefix, e);
    if (existing.has(key)) keys.set(e.imageKey, key);
    else missing.push(e);
  }
  if (missing.length === 0) return keys;
  const smugmug = await smugmugOfThisRun(deps);
  // Previews are small and few beside the originals: as many at once as the originals' files now.
  const limit = pLimit(deps.fileSlots.limit);
  await Promise.all(
    missing.map((entry) =>
      limit(async () => {
        const body = await download(smugmug, entry.preview!.url);
        if (!body) return;
        const key = previewKey(target.prefix, entry);
        await deps.s3.send(
          new PutObjectCommand({
            Bucket: target.bucket,
            Key: key,
            Body: body,
            ContentType: 'image/jpeg',
            ContentMD5: createHash('md5').update(body).digest('base64'),
            StorageClass: 'STANDARD',
          }),
        );
        keys.set(entry.imageKey, key);
      }),
    ),
  );
  return keys;
}

/** The rendition's bytes; undefined when SmugMug no longer has it or it is too large to be a preview. */
async function download(smugmug: Awaited<ReturnType<typeof smugmugOfThisRun>>, url: string) {
  try {
    const res = await smugmug.download(url);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > PREVIEW_MAX_BYTES) {
        res.body.destroy();
        return undefined;
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  } catch (err) {
    if (err instanceof ApplicationFailure && err.type === 'OriginalNotFound') return undefined;
    throw err;
  }
}
