import type { Child } from 'hono/jsx';
import { SHARE_MAX_SECONDS } from '../../common/archive';
import type {
  ArchiveRef,
  ArchiveSearch,
  IndexedAlbum,
  ArchivedImage,
  ArchiveFolder,
} from '../../service/archive-index';
import { type Readability, restoreWords, storageClassWords } from '../../service/archive';
import type { RestoreDetails, RestoreQuote, ShareDetails } from '../../service/records';
import { size } from '../format';
import { CsrfField, Layout, type PageContext, Problem } from '../layout';

/** The archive's address in the app: its bucket and prefix, then what the page needs. */
export function archiveHref(
  page: string,
  archive: ArchiveRef,
  more: Record<string, string | string[] | undefined> = {},
) {
  const query = new URLSearchParams({ bucket: archive.bucket, prefix: archive.prefix });
  for (const [name, value] of Object.entries(more))
    for (const v of value === undefined ? [] : Array.isArray(value) ? value : [value]) query.append(name, v);
  return `/app/archive${page}?${query}`;
}

const previewSrc = (archive: ArchiveRef, albumKey: string, imageKey: string) =>
  archiveHref('/preview', archive, { album: albumKey, image: imageKey });

const describe = (image: ArchivedImage) => image.title || image.caption || image.fileName;

/** The archive's hidden fields, for the forms that act on it. */
export const ArchiveFields = ({ archive }: { archive: ArchiveRef }) => (
  <>
    <input type="hidden" name="bucket" value={archive.bucket} />
    <input type="hidden" name="prefix" value={archive.prefix} />
  </>
);

/** Where the page is: the archive, then each folder down to here. */
function Trail({ archive, path, last }: { archive: ArchiveRef; path: string[]; last?: string }) {
  return (
    <nav aria-label="Where you are" class="trail">
      <a href={archiveHref('', archive)}>{`s3://${archive.bucket}/${archive.prefix}`}</a>
      {path.map((name, i) => (
        <>
          {' › '}
          <a href={archiveHref('', archive, { f: path.slice(0, i + 1) })}>{name}</a>
        </>
      ))}
      {last && <>{` › ${last}`}</>}
    </nav>
  );
}

function SearchForm({ archive, search }: { archive: ArchiveRef; search?: ArchiveSearch }) {
  return (
    <form method="get" action="/app/archive/search" role="search" class="search">
      <ArchiveFields archive={archive} />
      <label for="search-text">Words in the title, caption or file name</label>
      <input id="search-text" name="q" value={search?.text ?? ''} />
      <label for="search-keyword">Keyword</label>
      <input id="search-keyword" name="keyword" value={search?.keyword ?? ''} />
      <label for="search-from">Taken from</label>
      <input id="search-from" name="from" type="date" value={search?.from ?? ''} />
      <label for="search-to">Taken until</label>
      <input id="search-to" name="to" type="date" value={search?.to ?? ''} />
      <button type="submit">Search</button>
    </form>
  );
}

/** Previews in a grid, each a link to its image's page. */
function Grid({
  archive,
  items,
  pick,
}: {
  archive: ArchiveRef;
  items: Array<{ albumKey: string; image: ArchivedImage }>;
  /** A checkbox per image, for the selection form this grid is in. */
  pick?: boolean;
}) {
  return (
    <ul class="grid" id="grid">
      {items.map(({ albumKey, image }) => (
        <li>
          <a href={archiveHref('/image', archive, { album: albumKey, image: image.imageKey })}>
            {image.previewKey ? (
              <img src={previewSrc(archive, albumKey, image.imageKey)} alt={describe(image)} loading="lazy" />
            ) : (
              <span class="no-preview">{image.isVideo ? 'Video' : 'Photo'} without preview</span>
            )}
            <span class="caption">{image.fileName}</span>
          </a>
          {pick && (
            <label class="pick">
              <input type="checkbox" name="image" value={image.imageKey} /> {`Select ${image.fileName}`}
            </label>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The archives a person can open: the bucket's prefixes that hold one, or a bucket to type. */
export function ArchivesPage(props: { page: PageContext; bucket?: string; prefixes: string[]; problem?: string }) {
  return (
    <Layout title="Your archive" page={props.page}>
      <Problem message={props.problem} />
      {props.bucket && props.prefixes.length > 0 && (
        <ul id="archives">
          {props.prefixes.map((prefix) => (
            <li>
              <a href={archiveHref('', { bucket: props.bucket!, prefix })}>{`s3://${props.bucket}/${prefix}`}</a>
            </li>
          ))}
        </ul>
      )}
      {props.bucket && props.prefixes.length === 0 && (
        <p>{`Nothing migrated is in bucket ${props.bucket} yet (an album shows here once it is verified).`}</p>
      )}
      <form method="get" action="/app/archive">
        <label for="archive-bucket">Bucket</label>
        <input id="archive-bucket" name="bucket" required value={props.bucket ?? ''} />
        <label for="archive-prefix">Folder in the bucket (optional)</label>
        <input id="archive-prefix" name="prefix" />
        <button type="submit">Open</button>
      </form>
      <p>
        <a href="/app/archive/shares">Shares</a> · <a href="/app/archive/restores">Restores</a> ·{' '}
        <a href="/app/archive/to-smugmug/all">Back on SmugMug</a>
      </p>
    </Layout>
  );
}

/** A folder: its sub folders, its albums (pick some to download or restore), and search. */
export function FolderPage(props: {
  page: PageContext;
  archive: ArchiveRef;
  folder: ArchiveFolder;
  total: { albums: number; images: number };
}) {
  const { archive, folder } = props;
  const title = folder.path.length ? folder.path[folder.path.length - 1] : 'Your archive';
  return (
    <Layout title={title} page={props.page}>
      <Trail archive={archive} path={folder.path} />
      <p>{`${props.total.albums} albums, ${props.total.images} photos and videos in this archive.`}</p>
      <SearchForm archive={archive} />
      {folder.folders.length > 0 && (
        <section aria-labelledby="folders-heading">
          <h2 id="folders-heading">Folders</h2>
          <ul id="folders" class="folders">
            {folder.folders.map((f) => (
              <li>
                <a href={archiveHref('', archive, { f: [...folder.path, f.name] })}>{f.name}</a>
                {` (${f.albums} albums, ${f.images} items)`}
              </li>
            ))}
          </ul>
        </section>
      )}
      {folder.albums.length > 0 && (
        <section aria-labelledby="albums-heading">
          <h2 id="albums-heading">Albums</h2>
          <form method="get" action="/app/archive/zip">
            <ArchiveFields archive={archive} />
            <ul id="albums" class="albums">
              {folder.albums.map((a) => (
                <li>
                  <input
                    type="checkbox"
                    name="album"
                    value={a.manifest.album.albumKey}
                    id={`pick-${a.manifest.album.albumKey}`}
                    aria-label={`Select ${a.manifest.album.name}`}
                  />{' '}
                  <a href={archiveHref('/album', archive, { album: a.manifest.album.albumKey })}>
                    {a.manifest.album.name}
                  </a>
                  {` (${a.images.length} items${a.manifest.verified ? '' : ', not verified'})`}
                </li>
              ))}
            </ul>
            <button type="submit">Download selected as zip</button>{' '}
            <button type="submit" formaction="/app/archive/restore">
              Restore selected from Glacier…
            </button>{' '}
            <button type="submit" formaction="/app/archive/to-smugmug">
              Put selected back on SmugMug…
            </button>
          </form>
        </section>
      )}
    </Layout>
  );
}

/** The albums' page size: a screenful of previews loads in well under a second. */
export const ALBUM_PAGE = 120;

/** An album: a grid of previews, a page at a time; share, download or restore it. */
export function AlbumPage(props: {
  page: PageContext;
  archive: ArchiveRef;
  album: IndexedAlbum;
  pageNumber: number;
  problem?: string;
}) {
  const { archive, album, pageNumber } = props;
  const { albumKey, name, path, description } = album.manifest.album;
  const images = album.manifest.images.slice((pageNumber - 1) * ALBUM_PAGE, pageNumber * ALBUM_PAGE);
  const pages = Math.max(1, Math.ceil(album.manifest.images.length / ALBUM_PAGE));
  return (
    <Layout title={name} page={props.page}>
      <Trail archive={archive} path={path.slice(0, -1)} last={name} />
      <Problem message={props.problem} />
      {description && <p>{description}</p>}
      <p>
        {`${album.manifest.images.length} items, migrated ${album.manifest.migratedAt.slice(0, 10)}, ${album.manifest.verified ? 'verified' : 'NOT verified'}.`}{' '}
        <a href={archiveHref('/zip', archive, { album: albumKey })}>Download the album as zip</a> ·{' '}
        <a href={archiveHref('/restore', archive, { album: albumKey })}>Restore from Glacier…</a> ·{' '}
        <a href={archiveHref('/to-smugmug', archive, { album: albumKey })}>Put back on SmugMug…</a>
      </p>
      <form method="post" action="/app/archive/shares">
        <CsrfField token={props.page.csrfToken} />
        <ArchiveFields archive={archive} />
        <input type="hidden" name="album" value={albumKey} />
        <Grid archive={archive} items={images.map((image) => ({ albumKey, image }))} pick />
        <ShareFields />
        <button type="submit">Share the album</button>{' '}
        <button type="submit" name="selected" value="yes">
          Share the selected items
        </button>
      </form>
      {pages > 1 && (
        <nav aria-label="Pages" class="pages">
          {pageNumber > 1 && (
            <a href={archiveHref('/album', archive, { album: albumKey, page: String(pageNumber - 1) })}>
              Previous page
            </a>
          )}
          {` Page ${pageNumber} of ${pages} `}
          {pageNumber < pages && (
            <a href={archiveHref('/album', archive, { album: albumKey, page: String(pageNumber + 1) })}>Next page</a>
          )}
        </nav>
      )}
    </Layout>
  );
}

const EXPIRIES: Array<[number, string]> = [
  [3600, '1 hour'],
  [24 * 3600, '1 day'],
  [3 * 24 * 3600, '3 days'],
  [SHARE_MAX_SECONDS, '7 days'],
];

function ShareFields() {
  return (
    <fieldset class="share">
      <legend>Share link</legend>
      <label for="share-title">Title (optional)</label>
      <input id="share-title" name="title" />
      <label for="share-expires">Works for</label>
      <select id="share-expires" name="expiresInSeconds">
        {EXPIRIES.map(([seconds, words]) => (
          <option value={String(seconds)} selected={seconds === 24 * 3600}>
            {words}
          </option>
        ))}
      </select>
    </fieldset>
  );
}

/** One image: its preview, what SmugMug knew of it, where and how it is kept, and its download. */
export function ImagePage(props: {
  page: PageContext;
  archive: ArchiveRef;
  album: IndexedAlbum;
  image: ArchivedImage;
  readability: Readability;
}) {
  const { archive, album, image, readability } = props;
  const { albumKey, path, name } = album.manifest.album;
  const rows: Array<[string, Child]> = [
    ['Title', image.title || '(none)'],
    ['Caption', image.caption || '(none)'],
    ['Keywords', image.keywords.length ? image.keywords.join(', ') : '(none)'],
    ['Taken', image.captured ?? 'unknown'],
    [
      'Location',
      image.latitude !== undefined && image.longitude !== undefined
        ? `${image.latitude}, ${image.longitude}${image.altitude !== undefined ? `, ${image.altitude} m` : ''}`
        : 'not recorded',
    ],
    ['File name', image.fileName],
    ['Size', size(image.size)],
    ['Storage class', storageClassWords(readability.storageClass)],
    ['Readable now', readability.readable ? 'yes' : `no: ${restoreWords(readability.restore)}`],
    ['Object Lock', image.lockMode ? `${image.lockMode} until ${image.retainUntil?.slice(0, 10) ?? '?'}` : 'none'],
    [
      'Verification',
      image.verified ? `identical to SmugMug's original (${image.provenBy ?? 'checked'})` : 'NOT verified',
    ],
    ['S3 key', image.s3Key],
  ];
  return (
    <Layout title={describe(image)} page={props.page}>
      <Trail archive={archive} path={path.slice(0, -1)} last={name} />
      <p>
        <a href={archiveHref('/album', archive, { album: albumKey })}>{`Back to ${name}`}</a>
      </p>
      {image.previewKey && (
        <img class="preview" src={previewSrc(archive, albumKey, image.imageKey)} alt={describe(image)} />
      )}
      <dl id="image-facts">
        {rows.map(([term, value]) => (
          <>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </>
        ))}
      </dl>
      {readability.readable ? (
        <p>
          <a id="download" href={archiveHref('/download', archive, { album: albumKey, image: image.imageKey })}>
            Download the original
          </a>
        </p>
      ) : (
        <p>
          <a href={archiveHref('/restore', archive, { album: albumKey, image: image.imageKey })}>
            Restore it from Glacier…
          </a>
        </p>
      )}
    </Layout>
  );
}

/** What a search found, the first SEARCH_PAGE of them. */
export function SearchPage(props: {
  page: PageContext;
  archive: ArchiveRef;
  search: ArchiveSearch;
  found: { total: number; images: Array<{ albumKey: string; image: ArchivedImage }> };
}) {
  const { archive, found } = props;
  return (
    <Layout title="Search the archive" page={props.page}>
      <Trail archive={archive} path={[]} last="Search" />
      <SearchForm archive={archive} search={props.search} />
      <p id="found" role="status">
        {found.total === 0
          ? 'Nothing found.'
          : found.total > found.images.length
            ? `${found.total} found; the first ${found.images.length} are shown (narrow the search to see others).`
            : `${found.total} found.`}
      </p>
      <Grid archive={archive} items={found.images} />
    </Layout>
  );
}

/** A share just made: its link, shown this once. */
export function ShareMadePage(props: { page: PageContext; link: string; share: ShareDetails }) {
  return (
    <Layout title="Share link made" page={props.page}>
      <p>Anyone with this link can see these photos and download the originals until it expires or you revoke it:</p>
      <p>
        <input id="share-link" aria-label="Share link" readonly value={props.link} class="wide" />
      </p>
      <p>{`Works until ${props.share.expiresAt.replace('T', ' ').slice(0, 16)} UTC. The link is shown only now: copy it.`}</p>
      <p>
        <a href={`/app/archive/shares?bucket=${encodeURIComponent(props.share.archive.bucket)}`}>All shares</a>
      </p>
    </Layout>
  );
}

/** The shares of a bucket, each revocable at once. */
export function SharesPage(props: { page: PageContext; bucket?: string; shares: ShareDetails[]; problem?: string }) {
  return (
    <Layout title="Shares" page={props.page}>
      <Problem message={props.problem} />
      <form method="get" action="/app/archive/shares">
        <label for="shares-bucket">Bucket</label>
        <input id="shares-bucket" name="bucket" required value={props.bucket ?? ''} />
        <button type="submit">Show</button>
      </form>
      {props.bucket && props.shares.length === 0 && <p>No share yet.</p>}
      {props.shares.length > 0 && (
        <div class="table-scroll">
          <table id="shares">
            <caption>Shares, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Made</th>
                <th scope="col">Until</th>
                <th scope="col">State</th>
                <th scope="col">Revoke</th>
              </tr>
            </thead>
            <tbody>
              {props.shares.map((s) => (
                <tr>
                  <th scope="row">{s.title}</th>
                  <td>{s.createdAt.slice(0, 16).replace('T', ' ')}</td>
                  <td>{s.expiresAt.slice(0, 16).replace('T', ' ')}</td>
                  <td>{s.state}</td>
                  <td>
                    {s.state === 'active' && (
                      <form method="post" action="/app/archive/shares/revoke" class="inline">
                        <CsrfField token={props.page.csrfToken} />
                        <input type="hidden" name="bucket" value={props.bucket} />
                        <input type="hidden" name="id" value={s.id} />
                        <button type="submit" aria-label={`Revoke ${s.title}`}>
                          Revoke
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

/** Restoring a selection out of Glacier: what it holds, each tier's cost and wait, and the confirmation. */
export function RestoreQuotePage(props: {
  page: PageContext;
  archive: ArchiveRef;
  albums: Array<{ albumKey: string; imageKeys?: string[]; name: string }>;
  quote: RestoreQuote;
  problem?: string;
}) {
  const { archive, quote } = props;
  return (
    <Layout title="Restore from Glacier" page={props.page}>
      <Problem message={props.problem} />
      <p id="restore-summary">
        {`${props.albums.map((a) => a.name).join(', ')}: ${quote.files} files (${size(quote.bytes)}); ${quote.archived.files} in ${quote.archived.classes.map(storageClassWords).join(' and ') || 'no archive class'} (${size(quote.archived.bytes)}); ${quote.readableNow} items readable now.`}
      </p>
      {quote.archived.files === 0 ? (
        <p>Nothing here needs restoring: download or share it now.</p>
      ) : (
        <form method="post" action="/app/archive/restores">
          <CsrfField token={props.page.csrfToken} />
          <ArchiveFields archive={archive} />
          {props.albums.map((a) => (
            <>
              <input type="hidden" name="album" value={a.albumKey} />
              {a.imageKeys?.map((k) => (
                <input type="hidden" name="image" value={k} />
              ))}
            </>
          ))}
          <fieldset>
            <legend>How fast</legend>
            {quote.tiers.map((t, i) => (
              <p>
                <input
                  type="radio"
                  name="tier"
                  id={`tier-${t.tier}`}
                  value={t.tier}
                  checked={i === quote.tiers.length - 1}
                />
                <label
                  for={`tier-${t.tier}`}
                >{`${t.tier}: ready ${t.wait}, ${t.usd === undefined ? `cost not in the price table for ${quote.region}` : `about $${t.usd.toFixed(2)} (${quote.region})`}`}</label>
              </p>
            ))}
          </fieldset>
          <label for="restore-days">Keep the restored copies for (days)</label>
          <input id="restore-days" name="days" type="number" min="1" max="30" value="7" />
          <button type="submit">Restore</button>
        </form>
      )}
    </Layout>
  );
}

const phaseWords = (r: RestoreDetails) =>
  r.phase === 'ready'
    ? 'ready: download or share them now'
    : r.status === 'RUNNING'
      ? 'waiting for S3'
      : `ended ${r.status.toLowerCase()}`;

/** The restores, newest first. */
export function RestoresPage(props: { page: PageContext; restores: RestoreDetails[] }) {
  return (
    <Layout title="Restores" page={props.page}>
      {props.restores.length === 0 ? (
        <p>No restore yet. Open an album of the archive to restore it.</p>
      ) : (
        <ul id="restores">
          {props.restores.map((r) => (
            <li>
              <a
                href={`/app/archive/restores/${encodeURIComponent(r.id)}`}
              >{`s3://${r.bucket}/${r.prefix} · ${r.startedAt.slice(0, 16).replace('T', ' ')}`}</a>
              {` · ${phaseWords(r)}`}
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

/** How often an open restore page asks again while S3 restores (each time one query of the workflow). */
const RESTORE_REFRESH = 'every 15s';

/** One restore: each album's files as S3 last said; downloads and a share once ready. */
export function RestorePage(props: { page: PageContext; restore: RestoreDetails }) {
  return (
    <Layout title="Restore from Glacier" page={props.page}>
      <RestoreBody restore={props.restore} />
      <p>
        <a href={props.restore.uiUrl}>This restore in the Temporal UI</a>
      </p>
    </Layout>
  );
}

/** The restore's state, asking again by itself until it is ready. */
export function RestoreBody({ restore }: { restore: RestoreDetails }) {
  const archive = { bucket: restore.bucket, prefix: restore.prefix };
  const albums = restore.progress?.albums ?? [];
  const waiting = restore.phase !== 'ready' && restore.status === 'RUNNING';
  return (
    <div
      id="restore-body"
      {...(waiting
        ? {
            'hx-get': `/app/archive/restores/${encodeURIComponent(restore.id)}/body`,
            'hx-trigger': RESTORE_REFRESH,
            'hx-swap': 'outerHTML',
          }
        : {})}
    >
      <p id="restore-phase" role="status">
        {phaseWords(restore)}
        {restore.progress?.checkedAt &&
          ` (S3 last asked ${restore.progress.checkedAt.slice(0, 19).replace('T', ' ')} UTC)`}
      </p>
      <div class="table-scroll">
        <table id="restore-albums">
          <caption>Albums</caption>
          <thead>
            <tr>
              <th scope="col">Album</th>
              <th scope="col">Readable</th>
              <th scope="col">Being restored</th>
              <th scope="col">Readable until</th>
            </tr>
          </thead>
          <tbody>
            {albums.map((a) => (
              <tr>
                <th scope="row">
                  <a href={archiveHref('/album', archive, { album: a.albumKey })}>{a.name}</a>
                </th>
                <td>{`${a.available} of ${a.files}`}</td>
                <td>{String(a.ongoing)}</td>
                <td>{a.expiresAt ? a.expiresAt.slice(0, 16).replace('T', ' ') : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {restore.phase === 'ready' && (
        <p>
          <a href={archiveHref('/zip', archive, { album: albums.map((a) => a.albumKey) })}>Download as zip</a> · Open an
          album to share it.
        </p>
      )}
    </div>
  );
}

/** A share opened by its link, without signing in: previews and the originals' downloads. */
export function SharedPage(props: {
  page: PageContext;
  base: string;
  title: string;
  expiresAt: string;
  albums: Array<{ album: IndexedAlbum; images: ArchivedImage[] }>;
}) {
  return (
    <Layout title={props.title} page={props.page}>
      <p>{`Shared with you until ${props.expiresAt.slice(0, 16).replace('T', ' ')} UTC.`}</p>
      {props.albums.map(({ album, images }) => (
        <section aria-label={album.manifest.album.name}>
          <h2>{album.manifest.album.name}</h2>
          <ul class="grid">
            {images.map((image) => (
              <li>
                {image.previewKey && (
                  <img
                    src={`${props.base}/preview/${album.manifest.album.albumKey}/${image.imageKey}`}
                    alt={describe(image)}
                    loading="lazy"
                  />
                )}
                <a class="caption" href={`${props.base}/download/${album.manifest.album.albumKey}/${image.imageKey}`}>
                  {`Download ${image.fileName}`}
                </a>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </Layout>
  );
}
