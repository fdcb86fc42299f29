import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { setTimeout as delay } from 'node:timers/promises';
import pLimit from 'p-limit';
import { errorType } from '../common/error-types';
import {
  type AlbumRestoreInput,
  partName,
  partsFor,
  privacyFor,
  type RestoreTarget,
  urlNameCandidates,
  urlNameFor,
} from '../common/smugmug-restore';
import { isArchiveClass, isArchived } from '../s3/archive';
import type { SmugMugClient } from '../smugmug/client';
import { UnconfirmedWrite } from '../smugmug/client';
import type { Node, NodePrivacy } from '../smugmug/schemas';
import { restoreJournalKey } from '../state/layout';
import { AlbumManifest, RestoreJournal } from '../state/documents';
import { StateStore } from '../state/store';
import type { ActivityDeps } from './deps';
import { smugmugOfThisRun } from './smugmug-of-run';

/** HEADs at once when looking for archived originals not yet readable. */
const HEADS_AT_ONCE = 16;
/** Tries of one new folder or album whose answer did not come, each looked for before the next. */
const CREATE_ATTEMPTS = 5;

/** An album's images to restore, in the manifest's order: all of them, or those picked. */
export async function restoreImagesOf(store: StateStore, input: AlbumRestoreInput) {
  const manifest = await store.get(input.album.manifestKey, AlbumManifest);
  if (!manifest)
    throw ApplicationFailure.nonRetryable(
      `The manifest of album ${input.album.name} (${input.album.manifestKey}) is not in bucket ${input.bucket}`,
      errorType('ManifestMissing'),
    );
  const picked = input.album.imageKeys && new Set(input.album.imageKeys);
  return { manifest, images: manifest.images.filter((i) => !picked || picked.has(i.imageKey)) };
}

/**
 * What an album's restore needs to know first: how many images, in how many SmugMug albums, and
 * how many of their files S3 cannot serve yet (in GLACIER or DEEP_ARCHIVE and not restored).
 */
export function prepareAlbumRestore({ s3 }: Pick<ActivityDeps, 's3'>) {
  return async function prepareAlbumRestore(
    input: AlbumRestoreInput,
  ): Promise<{ images: number; parts: number; unreadable: number }> {
    const { images } = await restoreImagesOf(new StateStore(s3, input.bucket), input);
    const archived = images.filter((i) => isArchiveClass(i.storageClass));
    const limit = pLimit(HEADS_AT_ONCE);
    const unreadable = await Promise.all(
      archived.map((i) =>
        limit(async () =>
          isArchived(
            await s3.send(new HeadObjectCommand({ Bucket: input.bucket, Key: i.s3Key, VersionId: i.versionId })),
          ),
        ),
      ),
    );
    return { images: images.length, parts: partsFor(images.length), unreadable: unreadable.filter(Boolean).length };
  };
}

/**
 * The album's folders (found by name, made where missing) and its album(s) on SmugMug: one per
 * MAX_ALBUM_IMAGES images, "Name", "Name (2)"… A UrlName a sibling holds gets the next free one
 * (`-2`, `-3`…), recorded. Each album made is written to the restore's journal, and the UrlName
 * about to be asked for before it, so a retried attempt neither makes an album twice nor loses one
 * SmugMug made but did not confirm.
 */
export function makeRestoreAlbums(deps: Pick<ActivityDeps, 's3' | 'smugmug'>) {
  return async function makeRestoreAlbums(input: AlbumRestoreInput & { parts: number }): Promise<RestoreTarget[]> {
    const client = await smugmugOfThisRun(deps);
    const store = new StateStore(deps.s3, input.bucket);
    const journalKey = restoreJournalKey(input.prefix, input.restoreId, input.album.albumKey);
    const journal: RestoreJournal = (await store.get(journalKey, RestoreJournal)) ?? { targets: [] };
    const { manifest } = await restoreImagesOf(store, input);
    const privacy = privacyFor(manifest.album.privacy);

    const root = (await client.authUser()).Uris.Node.Uri;
    let parent = root;
    for (const folder of [...input.under, ...input.album.path.slice(0, -1)])
      parent = await folderUnder(client, parent, folder, privacy);

    for (let part = 1; part <= input.parts; part++) {
      if (journal.targets.some((t) => t.part === part)) continue;
      const name = partName(manifest.album.name, part);
      const wanted = urlNameFor(name, part === 1 ? manifest.album.urlName : undefined);
      const siblings = await childrenOf(client, parent);
      const adopted =
        journal.pending?.part === part && journal.pending.parentNodeUri === parent
          ? siblings.find((n) => n.UrlName === journal.pending!.urlName && n.Name === name)
          : undefined;
      const album = { Type: 'Album' as const, Name: name, Privacy: privacy };
      const node =
        adopted ??
        (await makeNode(client, parent, siblings, album, wanted, async (urlName) => {
          journal.pending = { part, parentNodeUri: parent, urlName };
          await store.put(journalKey, RestoreJournal, journal);
        }));
      journal.targets.push(targetOf(node, part, wanted));
      journal.pending = undefined;
      await store.put(journalKey, RestoreJournal, journal);
    }
    return journal.targets.sort((a, b) => a.part - b.part);
  };
}

function targetOf(node: Node, part: number, wanted: string): RestoreTarget {
  const albumUri = node.Uris.Album?.Uri;
  if (!albumUri || !node.UrlName)
    throw ApplicationFailure.nonRetryable(
      `SmugMug made ${node.Name} without an album`,
      errorType('SmugMugRefusedWrite'),
    );
  return {
    part,
    name: node.Name,
    urlName: node.UrlName,
    urlNameWanted: node.UrlName === wanted ? undefined : wanted,
    albumUri,
    nodeUri: node.Uri,
    webUri: typeof node.WebUri === 'string' ? node.WebUri : undefined,
  };
}

/** Every child of a folder, every page. */
async function childrenOf(client: SmugMugClient, nodeUri: string): Promise<Node[]> {
  const children: Node[] = [];
  for await (const page of client.nodeChildren(nodeUri)) children.push(...page);
  return children;
}

/** The folder of this name under `parent`, made when there is none. */
async function folderUnder(client: SmugMugClient, parent: string, name: string, privacy: NodePrivacy) {
  const siblings = await childrenOf(client, parent);
  const existing = siblings.find((n) => n.Type === 'Folder' && n.Name === name);
  if (existing) return existing.Uri;
  const folder = { Type: 'Folder' as const, Name: name, Privacy: privacy };
  const made = await makeNode(client, parent, siblings, folder, urlNameFor(name));
  return made.Uri;
}

/**
 * A new child under `parent` with the first free UrlName from `wanted` on. An unconfirmed write is
 * looked for (by its UrlName and name) before it is asked again; `beforeAsking` records each
 * UrlName before it is asked for.
 */
async function makeNode(
  client: SmugMugClient,
  parent: string,
  /** The parent's children as just listed: their UrlNames are taken. */
  siblings: Node[],
  child: { Type: 'Folder' | 'Album'; Name: string; Privacy: NodePrivacy },
  wanted: string,
  beforeAsking?: (urlName: string) => Promise<void>,
): Promise<Node> {
  const taken = new Set(siblings.map((n) => (n.UrlName ?? '').toLowerCase()));
  const candidates = urlNameCandidates(wanted);
  let urlName = candidates.next().value!;
  let unconfirmed = 0;
  for (;;) {
    while (taken.has(urlName.toLowerCase())) urlName = candidates.next().value!;
    await beforeAsking?.(urlName);
    try {
      const made = await client.createChildNode(parent, { ...child, UrlName: urlName });
      if (made !== 'taken') return made.node;
      taken.add(urlName.toLowerCase());
    } catch (err) {
      if (!(err instanceof UnconfirmedWrite)) throw err;
      const landed = (await childrenOf(client, parent)).find((n) => n.UrlName === urlName && n.Name === child.Name);
      if (landed) return landed;
      if (++unconfirmed >= CREATE_ATTEMPTS)
        throw ApplicationFailure.retryable(err.message, errorType('SmugMugUnavailable'));
      await delay(1000 * 2 ** unconfirmed);
    }
  }
}
