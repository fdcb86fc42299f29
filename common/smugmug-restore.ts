import { z } from 'zod';
import { AlbumSelection, ArchiveRef, RestoreTier } from './archive';
import { duration } from './migration-input';
import { Nickname } from './records';

/**
 * The way back: albums of the archive put back on SmugMug, with their folders and metadata.
 * Records defined once, here; SmugMug's limits as it states them.
 */

/** What SmugMug puts in one album at most: a bigger album goes back as "Name", "Name (2)"… */
export const MAX_ALBUM_IMAGES = 5_000;
/** How deep SmugMug nests folders (albums do not count). */
export const MAX_FOLDER_DEPTH = 5;
/** The longest UrlName SmugMug takes. */
const MAX_URL_NAME = 60;
/** Albums in one restore: each is a child run, and the list rides in the restore's input. */
export const MAX_RESTORE_ALBUMS = 1_000;

/** A folder path as people write it (`Travel/2019`), or its names: the names, without empty ones. */
const FolderPath = z
  .union([z.string().max(1000), z.array(z.string().max(254)).max(20)])
  .transform((p) => (typeof p === 'string' ? p.split('/') : p).map((n) => n.trim()).filter(Boolean));

/** What a person asks to put back: albums (or images picked in them), or every album under a folder of the archive. */
export const SmugMugRestoreRequest = ArchiveRef.extend({
  /** The connected SmugMug account the albums go to. */
  account: Nickname,
  albums: z.array(AlbumSelection).min(1).max(MAX_RESTORE_ALBUMS).optional(),
  /** A folder of the archive (`Travel/2019`): every album under it; `/` for the whole archive. */
  folder: FolderPath.optional(),
  /** The SmugMug folder they go under (made where missing); the top of the account by default. */
  under: FolderPath.default([]),
  /** For originals in GLACIER or DEEP_ARCHIVE: the S3 restore's tier and how long its copies last. */
  tier: RestoreTier.default('Bulk'),
  days: z.number().int().min(1).max(30).default(3),
  /** How often a wait for S3's restore looks again; by the tier when not given. */
  checkEvery: duration.optional(),
}).refine((r) => (r.albums === undefined) !== (r.folder === undefined), {
  message: 'name albums or a folder of the archive (one of the two)',
  path: ['albums'],
});
export type SmugMugRestoreRequest = z.input<typeof SmugMugRestoreRequest>;

/** An album of a restore: where its manifest is, and where it was (folder names, then its name). */
export const RestoreAlbumRef = AlbumSelection.extend({
  manifestKey: z.string(),
  name: z.string(),
  path: z.array(z.string()),
});
export type RestoreAlbumRef = z.infer<typeof RestoreAlbumRef>;

/** The restore's input: the request with its albums found and its id. */
export const SmugMugRestoreInput = ArchiveRef.extend({
  restoreId: z.string(),
  account: Nickname,
  under: z.array(z.string()),
  tier: RestoreTier,
  days: z.number().int(),
  /** How often a wait for S3's restore looks again. */
  checkEvery: z.string(),
  albums: z.array(RestoreAlbumRef),
});
export type SmugMugRestoreInput = z.output<typeof SmugMugRestoreInput>;

/** One album's run: the restore's settings and the album. */
export type AlbumRestoreInput = Omit<SmugMugRestoreInput, 'albums'> & { album: RestoreAlbumRef };

/** An album made on SmugMug for (a part of) an archived album. */
export const RestoreTarget = z.object({
  /** 1 for the album itself, 2… for its overflow parts ("Name (2)"). */
  part: z.number().int().min(1),
  name: z.string(),
  urlName: z.string(),
  /** The UrlName it had, when a sibling held it and the next free one was taken. */
  urlNameWanted: z.string().optional(),
  albumUri: z.string(),
  nodeUri: z.string(),
  webUri: z.string().optional(),
});
export type RestoreTarget = z.infer<typeof RestoreTarget>;

/**
 * How an image came back: `identical` (SmugMug's ArchivedMD5 is the archive's), `re-encoded` (a
 * video: SmugMug re-encodes every one), `converted` (HEIC, stored as JPEG), `missing` (not found
 * after its upload), `refused` (the Uploader's code says why), `differs` (bytes or metadata not as archived).
 */
export const RestoreCheck = z.enum(['identical', 're-encoded', 'converted', 'missing', 'refused', 'differs']);
export type RestoreCheck = z.infer<typeof RestoreCheck>;

/** Checks that mean the image is back as SmugMug keeps such a file. */
export const RESTORED_CHECKS: RestoreCheck[] = ['identical', 're-encoded', 'converted'];

/** An album's outcome in the restore's history and report: small; the image by image list is in the bucket. */
export const AlbumRestoreOutcome = z.object({
  albumKey: z.string(),
  name: z.string(),
  path: z.array(z.string()),
  targets: z.array(RestoreTarget),
  images: z.number().int(),
  counts: z.record(RestoreCheck, z.number().int()),
  /** Every image back (identical, re-encoded or converted) with its metadata as archived. */
  ok: z.boolean(),
  reportKey: z.string(),
  /** Files S3 restored out of an archive class first. */
  thawed: z.number().int().optional(),
});
export type AlbumRestoreOutcome = z.infer<typeof AlbumRestoreOutcome>;

/** Where an album's run stands (its run-state search attribute, and the restore's progress). */
export const AlbumRestorePhase = z.enum(['thawing', 'structure', 'uploading', 'checking', 'done', 'failed']);
export type AlbumRestorePhase = z.infer<typeof AlbumRestorePhase>;

/** Where a restore stands. */
export const SmugMugRestorePhase = z.enum(['restoring', 'completed', 'completed-with-problems']);
export type SmugMugRestorePhase = z.infer<typeof SmugMugRestorePhase>;

export const SmugMugRestoreProgress = z.object({
  restoreId: z.string(),
  account: z.string(),
  phase: SmugMugRestorePhase,
  albums: z.number().int(),
  done: z.array(AlbumRestoreOutcome),
  failed: z.array(z.object({ albumKey: z.string(), name: z.string(), error: z.string() })),
  running: z.array(z.object({ albumKey: z.string(), name: z.string() })),
  reportKey: z.string().optional(),
});
export type SmugMugRestoreProgress = z.infer<typeof SmugMugRestoreProgress>;

/** The name of an album's part: the album's own, then "Name (2)", "Name (3)"… */
export const partName = (name: string, part: number) => (part === 1 ? name : `${name} (${part})`);

/** How many albums an album of `images` images needs on SmugMug (an empty one still gets one). */
export const partsFor = (images: number) => Math.max(1, Math.ceil(images / MAX_ALBUM_IMAGES));

/**
 * A UrlName as SmugMug takes it, from the one recorded or the name: ASCII letters, digits and
 * dashes, starting with a capital letter or a digit, at most 60 characters.
 */
export function urlNameFor(name: string, recorded?: string): string {
  const source = recorded && /^[A-Za-z0-9-]+$/.test(recorded) ? recorded : name;
  const ascii = source
    .normalize('NFKD')
    .replace(/[^\x00-\x7f]/g, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_URL_NAME)
    .replace(/-+$/, '');
  const base = ascii || 'Album';
  return base[0].toUpperCase() + base.slice(1);
}

/** The UrlNames to try in turn: the wanted one, then `-2`, `-3`… (cut to fit 60 characters). */
export function* urlNameCandidates(wanted: string): Generator<string> {
  yield wanted;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    yield `${wanted.slice(0, MAX_URL_NAME - suffix.length).replace(/-+$/, '')}${suffix}`;
  }
}

/** SmugMug's privacy as recorded, else Private: a restore never shows more than the archive recorded. */
export function privacyFor(recorded: string | undefined): 'Public' | 'Unlisted' | 'Private' {
  return recorded === 'Public' || recorded === 'Unlisted' ? recorded : 'Private';
}
