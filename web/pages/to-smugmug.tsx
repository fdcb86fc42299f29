import type { ArchiveRef } from '../../service/archive-index';
import type { SmugMugRestoreDetails } from '../../service/records';
import { CsrfField, Layout, type PageContext, Problem } from '../layout';
import { ArchiveFields, archiveHref } from './archive';

/** What no restore brings back as it was, in the photographer's words (the report lists them too). */
const NOT_AS_IT_WAS =
  'New image keys (old links to images and SmugMug shares do not follow), upload dates (the restore’s), comments and statistics, manual sort order; videos are re-encoded and HEIC converted to JPEG by SmugMug, RAW files stay in the archive.';

/** Choosing where albums go back to on SmugMug: the account and the folder, then the restore starts. */
export function ToSmugMugPage(props: {
  page: PageContext;
  archive: ArchiveRef;
  albums: Array<{ albumKey: string; name: string; images: number; archived: number }>;
  accounts: string[];
  /** What the person entered, shown again with a refusal. */
  account?: string;
  under?: string;
  problem?: string;
}) {
  const archived = props.albums.reduce((n, a) => n + a.archived, 0);
  return (
    <Layout title="Put back on SmugMug" page={props.page}>
      <Problem message={props.problem} />
      <p id="to-smugmug-summary">
        {`${props.albums.map((a) => `${a.name} (${a.images} items)`).join(', ')}: each goes back as an album of the same name in the same folders, with titles, captions, keywords, GPS and hidden flags as archived.`}
      </p>
      {archived > 0 && (
        <p>{`${archived} originals are in an archive class: S3 restores them first (hours to days), then they are uploaded.`}</p>
      )}
      <p>{`Not as it was: ${NOT_AS_IT_WAS}`}</p>
      {props.accounts.length === 0 && (
        <p class="hint">
          No SmugMug account is connected here: <a href="/app/setup">connect one</a>, or name the account whose token
          the workers hold.
        </p>
      )}
      <form method="post" action="/app/archive/to-smugmug">
        <CsrfField token={props.page.csrfToken} />
        <ArchiveFields archive={props.archive} />
        {props.albums.map((a) => (
          <input type="hidden" name="album" value={a.albumKey} />
        ))}
        <label for="to-smugmug-account">SmugMug account (nickname)</label>
        <input
          type="text"
          id="to-smugmug-account"
          name="account"
          value={props.account ?? props.accounts[0] ?? ''}
          list="to-smugmug-accounts"
          required
        />
        <datalist id="to-smugmug-accounts">
          {props.accounts.map((a) => (
            <option value={a} />
          ))}
        </datalist>
        <label for="to-smugmug-under">Under the SmugMug folder (empty: the top of the account)</label>
        <input id="to-smugmug-under" name="under" value={props.under ?? ''} placeholder="Restored/2026" />
        <button type="submit">Put back on SmugMug</button>
      </form>
    </Layout>
  );
}

const phaseWords = (r: SmugMugRestoreDetails) =>
  r.status === 'RUNNING'
    ? 'putting albums back'
    : r.phase === 'completed'
      ? 'done: every album is back'
      : r.phase === 'completed-with-problems'
        ? 'done, with problems: see the albums below'
        : `ended ${r.status.toLowerCase()}`;

/** The restores to SmugMug, newest first. */
export function ToSmugMugListPage(props: { page: PageContext; restores: SmugMugRestoreDetails[] }) {
  return (
    <Layout title="Back on SmugMug" page={props.page}>
      {props.restores.length === 0 ? (
        <p>Nothing put back yet. Pick albums in the archive to put them back on SmugMug.</p>
      ) : (
        <ul id="to-smugmug-restores">
          {props.restores.map((r) => (
            <li>
              <a href={`/app/archive/to-smugmug/${encodeURIComponent(r.id)}`}>
                {`${r.account} · s3://${r.bucket}/${r.prefix} · ${r.startedAt.slice(0, 16).replace('T', ' ')}`}
              </a>
              {` · ${phaseWords(r)}`}
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

/** How often an open restore page asks again while albums go back. */
const REFRESH = 'every 5s';

export function ToSmugMugRestorePage(props: { page: PageContext; restore: SmugMugRestoreDetails }) {
  return (
    <Layout title="Back on SmugMug" page={props.page}>
      <ToSmugMugBody restore={props.restore} />
      <p>
        <a href={props.restore.uiUrl}>This restore in the Temporal UI</a>
      </p>
    </Layout>
  );
}

/** Each album: where it went, how its images came back; asking again by itself until done. */
export function ToSmugMugBody({ restore }: { restore: SmugMugRestoreDetails }) {
  const archive = { bucket: restore.bucket, prefix: restore.prefix };
  const progress = restore.progress;
  const running = restore.status === 'RUNNING';
  return (
    <div
      id="to-smugmug-body"
      {...(running
        ? {
            'hx-get': `/app/archive/to-smugmug/${encodeURIComponent(restore.id)}/body`,
            'hx-trigger': REFRESH,
            'hx-swap': 'outerHTML',
          }
        : {})}
    >
      <p id="to-smugmug-phase" role="status">
        {`${phaseWords(restore)}${progress ? ` (${progress.done.length + progress.failed.length} of ${progress.albums} albums)` : ''}`}
      </p>
      <div class="table-scroll">
        <table id="to-smugmug-albums">
          <caption>Albums</caption>
          <thead>
            <tr>
              <th scope="col">Album</th>
              <th scope="col">On SmugMug as</th>
              <th scope="col">Identical</th>
              <th scope="col">Videos re-encoded</th>
              <th scope="col">HEIC converted</th>
              <th scope="col">Not as archived</th>
            </tr>
          </thead>
          <tbody>
            {(progress?.done ?? []).map((a) => (
              <tr>
                <th scope="row">
                  <a href={archiveHref('/album', archive, { album: a.albumKey })}>{a.path.join(' / ')}</a>
                </th>
                <td>
                  {a.targets
                    .map(
                      (t) =>
                        `${t.name}${t.urlNameWanted ? ` (web name ${t.urlName}: ${t.urlNameWanted} was taken)` : ''}`,
                    )
                    .join(', ')}
                </td>
                <td>{String(a.counts.identical)}</td>
                <td>{String(a.counts['re-encoded'])}</td>
                <td>{String(a.counts.converted)}</td>
                <td>{String(a.counts.missing + a.counts.refused + a.counts.differs)}</td>
              </tr>
            ))}
            {(progress?.failed ?? []).map((a) => (
              <tr>
                <th scope="row">{a.name}</th>
                <td colspan={5}>{`Failed: ${a.error}`}</td>
              </tr>
            ))}
            {(progress?.running ?? []).map((a) => (
              <tr>
                <th scope="row">{a.name}</th>
                <td colspan={5}>going back now…</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {progress?.reportKey && <p>{`The full report: s3://${restore.bucket}/${progress.reportKey}`}</p>}
    </div>
  );
}
