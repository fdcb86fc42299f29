import type { MigrationDetails } from '../../service/records';
import { albumPath, size, timeLeft } from '../format';
import { CsrfField, Layout, type PageContext, Problem } from '../layout';
import { phaseInWords } from './migrations';

export interface FailedAlbum {
  albumKey: string;
  path?: string[];
  error?: string;
}

/** The progress part of the page, fetched again every few seconds by htmx (or by the refresh link). */
export function Progress({
  migration,
  failed,
  page,
}: {
  migration: MigrationDetails;
  failed: FailedAlbum[];
  page: PageContext;
}) {
  const k = migration.counts;
  const running = migration.status === 'RUNNING';
  const base = `/app/migrations/${encodeURIComponent(migration.id)}`;
  return (
    <div
      id="progress"
      hx-get={running ? `${base}/progress` : undefined}
      hx-trigger={running ? 'every 2s' : undefined}
      hx-swap="outerHTML"
    >
      <p id="phase">
        <strong>{phaseInWords(migration.phase)}</strong>
      </p>
      {migration.notice && <p class="notice">No worker is answering right now: progress resumes when one runs.</p>}
      {migration.failure && <Problem message={`Why it stopped: ${migration.failure}`} />}
      {k && (
        <>
          <label for="overall">
            {`${k.albumsDone + k.albumsFailed} of ${k.albumsTotal} albums, ${k.albumsFailed} failed`}
          </label>
          <progress id="overall" max={Math.max(1, k.albumsTotal)} value={k.albumsDone + k.albumsFailed}>
            {`${k.albumsDone + k.albumsFailed} of ${k.albumsTotal}`}
          </progress>
          <p>
            {`${size(k.copiedBytes ?? k.transferredBytes)} copied`}
            {migration.phase === 'migrating' &&
              migration.bytesPerSecond !== undefined &&
              `, ${size(migration.bytesPerSecond)} per second`}
            {migration.phase === 'migrating' && `, time left: ${timeLeft(migration.etaSeconds)}`}
          </p>
        </>
      )}
      {(migration.inFlightAlbums?.length ?? 0) > 0 && (
        <section aria-labelledby="albums-now">
          <h2 id="albums-now">Albums being copied</h2>
          <ul class="albums">
            {migration.inFlightAlbums!.map((a) => (
              <li>
                <span class="album-name">{albumPath(a.path, a.albumKey)}</span>
                {`: ${a.doneFiles} of ${a.files} files (${a.phase}${a.concurrency ? `, ${a.concurrency} files at once` : ''})`}
              </li>
            ))}
          </ul>
        </section>
      )}
      {failed.length > 0 && (
        <section aria-labelledby="failed-albums">
          <h2 id="failed-albums">Albums that failed</h2>
          <ul class="albums">
            {failed.map((a) => (
              <li>
                <strong>{albumPath(a.path, a.albumKey)}</strong>: {a.error ?? 'failed'}{' '}
                <form method="post" action={`${base}/albums/${encodeURIComponent(a.albumKey)}/retry`} class="inline">
                  <CsrfField token={page.csrfToken} />
                  <button type="submit">
                    Try again<span class="visually-hidden">{` ${albumPath(a.path, a.albumKey)}`}</span>
                  </button>
                </form>
              </li>
            ))}
          </ul>
        </section>
      )}
      {migration.report && (
        <p>
          <a href={`${base}/review`}>
            Review the verified copy{migration.deletion?.enabled ? ' and approve deletion' : ''}
          </a>
        </p>
      )}
      {migration.deletion && migration.deletion.albumsApproved > 0 && (
        <p id="deletion-counts">
          {`Deleted on SmugMug: ${migration.deletion.imagesDeleted} originals (${migration.deletion.imagesAlreadyGone} were already gone) from ${migration.deletion.albumsDeleted} of ${migration.deletion.albumsApproved} approved albums. `}
          <a href={`${base}/deletions`}>The deletion record of each album</a>
        </p>
      )}
      {running && (
        <p class="hint">
          This page updates itself. <a href={base}>Refresh</a>
        </p>
      )}
    </div>
  );
}

export function MigrationPage(props: {
  migration: MigrationDetails;
  failed: FailedAlbum[];
  page: PageContext;
  problem?: string;
  notice?: string;
}) {
  return (
    <Layout title={`Migration ${props.migration.id}`} page={props.page}>
      <Problem message={props.problem} />
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      <Progress migration={props.migration} failed={props.failed} page={props.page} />
      <p class="hint">
        For operators: <a href={props.migration.uiUrl}>this run in the Temporal UI</a>
      </p>
    </Layout>
  );
}
