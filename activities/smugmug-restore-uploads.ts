import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import pLimit from 'p-limit';
import { errorType } from '../common/error-types';
import { type AlbumRestoreInput, MAX_ALBUM_IMAGES, type RestoreTarget } from '../common/smugmug-restore';
import { imagePatchOf, keptAs, metadataDifferences, nameOnSmugMug } from '../metadata/smugmug-fields';
import { contentTypeOf } from '../s3/object-settings';
import { type SmugMugClient, UnconfirmedWrite } from '../smugmug/client';
import { AlbumImage } from '../smugmug/schemas';
import type { AlbumManifest } from '../state/documents';
import { StateStore } from '../state/store';
import type { ActivityDeps } from './deps';
import { withHeartbeats } from './keep-alive';
import { restoreImagesOf } from './smugmug-restore-structure';
import { smugmugOfThisRun } from './smugmug-of-run';

type ArchivedImage = AlbumManifest['images'][number];

/**
 * Uploads at once to one album: SmugMug processes each before it answers, so a few overlap that
 * wait; more would only meet its rate limit.
 */
const UPLOADS_AT_ONCE = 4;
/** Tries of one file within an attempt (a system error, a refusal for the rate, an unconfirmed upload looked for first). */
const UPLOAD_TRIES = 4;

/** What became of a part's uploads: sent now, found already there (sent by an earlier attempt), or refused by the Uploader. */
export interface UploadPartResult {
  uploaded: number;
  alreadyThere: number;
  refused: Array<{ imageKey: string; fileName: string; code: number; message: string }>;
}

/** An album's images on SmugMug by the name SmugMug shows, every page. */
export async function imagesByName(client: SmugMugClient, albumUri: string): Promise<Map<string, AlbumImage[]>> {
  const byName = new Map<string, AlbumImage[]>();
  for await (const page of client.pages(`${albumUri}!images`, AlbumImage))
    for (const image of page) byName.set(image.FileName, [...(byName.get(image.FileName) ?? []), image]);
  return byName;
}

/**
 * The image on SmugMug that is this archived one, and not already another's (`claimed`, by
 * ImageKey: an album may hold the same file twice): same name and, for a file SmugMug keeps byte for
 * byte, an ArchivedMD5 equal to the archive's MD5; a video or a HEIC (re-encoded, converted) by its name.
 * Claims what it finds.
 */
export function restoredCopyOf(
  image: ArchivedImage,
  byName: Map<string, AlbumImage[]>,
  claimed: Set<string>,
): AlbumImage | undefined {
  const found = (byName.get(nameOnSmugMug(image)) ?? []).find(
    (i) => !claimed.has(i.ImageKey) && (keptAs(image) !== 'as-is' || i.ArchivedMD5 === image.md5),
  );
  if (found) claimed.add(found.ImageKey);
  return found;
}

/** An image's own URI (what PATCH takes), from its album listing's entry. */
export const imageUriOf = (found: Pick<AlbumImage, 'ImageKey' | 'Serial'>) =>
  `/api/v2/image/${found.ImageKey}-${found.Serial}`;

/** The ImageKey in an Uploader's ImageUri (`/api/v2/image/<key>-<serial>`). */
const imageKeyIn = (imageUri: string) => /\/image\/([^/-]+)-\d+$/.exec(imageUri)?.[1] ?? imageUri;

/**
 * One part of an album (MAX_ALBUM_IMAGES images at most) uploaded to its SmugMug album, exactly
 * once: the album's images are listed first and any image already there (an earlier attempt's) is
 * not sent again; an upload SmugMug did not confirm (no answer, a 5xx, a reset) is looked for in the
 * album before it is sent again. Each file streams from S3 to the Uploader; its metadata follows by
 * PATCH (UTF-8 JSON, never headers), also for an image found there whose metadata differs.
 */
export function uploadRestorePart(deps: Pick<ActivityDeps, 's3' | 'smugmug'>) {
  return async function uploadRestorePart(
    input: AlbumRestoreInput & { target: RestoreTarget },
  ): Promise<UploadPartResult> {
    const client = await smugmugOfThisRun(deps);
    const { images } = await restoreImagesOf(new StateStore(deps.s3, input.bucket), input);
    const part = images.slice((input.target.part - 1) * MAX_ALBUM_IMAGES, input.target.part * MAX_ALBUM_IMAGES);
    let byName = await imagesByName(client, input.target.albumUri);
    const claimed = new Set<string>();
    const result: UploadPartResult = { uploaded: 0, alreadyThere: 0, refused: [] };
    // The first failure stops the others before the attempt ends: a retried attempt must not meet
    // this one's uploads still going (it would not find them yet, and send them again).
    const stop = new AbortController();
    const signal = AbortSignal.any([Context.current().cancellationSignal, stop.signal]);
    let failure: unknown;
    const limit = pLimit(UPLOADS_AT_ONCE);

    const lookAgain = async () => (byName = await imagesByName(client, input.target.albumUri));
    const restoreOne = async (image: ArchivedImage) => {
      const found = restoredCopyOf(image, byName, claimed);
      if (found) {
        result.alreadyThere += 1;
        if (metadataDifferences(image, found).length > 0)
          await client.patchImage(imageUriOf(found), imagePatchOf(image), signal);
        return;
      }
      const sent = await uploadOnce(
        client,
        deps,
        input,
        image,
        async () => restoredCopyOf(image, await lookAgain(), claimed),
        signal,
      );
      if ('refused' in sent) {
        result.refused.push({ imageKey: image.imageKey, fileName: image.fileName, ...sent.refused });
        return;
      }
      claimed.add(imageKeyIn(sent.imageUri));
      if (sent.uploaded) result.uploaded += 1;
      else result.alreadyThere += 1;
      await client.patchImage(sent.imageUri, imagePatchOf(image), signal);
    };
    await withHeartbeats(
      () => ({ ...result, refused: result.refused.length }),
      () =>
        Promise.all(
          part.map((image) =>
            limit(async () => {
              if (failure !== undefined) return;
              try {
                await restoreOne(image);
              } catch (err) {
                failure ??= err;
                stop.abort();
              }
            }),
          ),
        ),
    );
    if (failure !== undefined) throw failure;
    return result;
  };
}

/**
 * One file sent until the Uploader takes or refuses it. Nothing is sent twice: after an
 * unconfirmed try the album is listed again, and a copy found there is the upload.
 */
async function uploadOnce(
  client: SmugMugClient,
  { s3 }: Pick<ActivityDeps, 's3'>,
  input: AlbumRestoreInput & { target: RestoreTarget },
  image: ArchivedImage,
  findLanded: () => Promise<AlbumImage | undefined>,
  signal: AbortSignal,
): Promise<{ imageUri: string; uploaded: boolean } | { refused: { code: number; message: string } }> {
  let problem = '';
  for (let attempt = 1; attempt <= UPLOAD_TRIES; attempt++) {
    const object = await s3.send(
      new GetObjectCommand({ Bucket: input.bucket, Key: image.s3Key, VersionId: image.versionId }),
      { abortSignal: signal },
    );
    const body = object.Body as Readable;
    try {
      const answer = await client.upload({
        albumUri: input.target.albumUri,
        fileName: image.fileName,
        md5: image.md5,
        size: image.size,
        contentType: contentTypeOf(image.format, image.isVideo),
        body,
        signal,
      });
      if (answer.stat === 'ok') return { imageUri: answer.imageUri, uploaded: true };
      if (!answer.retryable) return { refused: { code: answer.code, message: answer.message } };
      problem = `the Uploader's code ${answer.code} (${answer.message})`;
    } catch (err) {
      if (!(err instanceof UnconfirmedWrite)) throw err;
      problem = err.message;
      const landed = await findLanded();
      if (landed) return { imageUri: imageUriOf(landed), uploaded: false };
    } finally {
      body.destroy();
    }
    await delay(1000 * 2 ** (attempt - 1), undefined, { signal });
  }
  throw ApplicationFailure.retryable(
    `${image.fileName} was not taken after ${UPLOAD_TRIES} tries: ${problem}`,
    errorType('UploadUnconfirmed'),
  );
}
