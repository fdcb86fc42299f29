import { type MigrationReport, protectionWords } from '../../state/documents';
import { albumPath } from '../format';
import { CsrfField, Layout, type PageContext, Problem } from '../layout';

/** The word a person types to confirm the one step that cannot be undone. */
export const CONFIRMATION_WORD = 'delete';

const HELD_WORDS: Record<string, string> = {
  transcode: "only SmugMug's re-encoded video exists, not your original",
  'does-not-open': 'your original itself does not open',
  'not-copied': 'nothing could be copied',
  // A component's own reason says which file ("its RAW file was not copied: …").
};

export function ReviewPage({
  page,
  migrationId,
  report,
  digest,
  deletionEnabled,
  problem,
  dryRunResult,
}: {
  page: PageContext;
  migrationId: string;
  report: MigrationReport;
  digest: string;
  deletionEnabled: boolean;
  problem?: string;
  dryRunResult?: string;
}) {
  const base = `/app/migrations/${encodeURIComponent(migrationId)}`;
  const passed = report.albums.filter((a) => a.passed);
  return (
    <Layout title="Review the copy" page={page}>
      <Problem message={problem} />
      {dryRunResult && (
        <p class="notice" role="status" id="dry-run-result">
          {dryRunResult}
        </p>
      )}
      <p>
        {`${report.totals.passed} of ${report.totals.albums} albums verified: ${report.totals.verifiedFiles} files in s3://${report.bucket}/${report.prefix} are byte for byte your originals.`}
      </p>
      <div class="table-scroll">
        <table id="report">
          <caption>Albums and what was checked</caption>
          <thead>
            <tr>
              <th scope="col">Album</th>
              <th scope="col">Verified</th>
              <th scope="col">Files checked</th>
              <th scope="col">Held back</th>
              <th scope="col">Protection</th>
              <th scope="col">Notes</th>
            </tr>
          </thead>
          <tbody>
            {report.albums.map((a) => (
              <tr>
                <th scope="row">{albumPath(a.path, a.albumKey)}</th>
                <td>{a.passed ? 'yes' : 'no'}</td>
                <td>{`${a.verified} verified${a.failed ? `, ${a.failed} differ` : ''}`}</td>
                <td>{a.held.length}</td>
                <td>{protectionWords(a.protection)}</td>
                <td>{[...a.warnings.map((w) => w.warning), ...a.problems.map((p) => p.problem ?? '')].join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="hint">
        Report fingerprint: <code id="digest">{digest}</code>
      </p>
      {deletionEnabled ? (
        <form method="post" action={`${base}/approve`}>
          <CsrfField token={page.csrfToken} />
          <input type="hidden" name="reportDigest" value={digest} />
          <h2>Delete the originals on SmugMug</h2>
          <fieldset>
            <legend>Albums whose verified originals go</legend>
            {passed.map((a) => (
              <label class="choice">
                <input type="checkbox" name="albums" value={a.albumKey} checked /> {albumPath(a.path, a.albumKey)}
              </label>
            ))}
          </fieldset>
          {report.held.length > 0 && (
            <fieldset>
              <legend>Held back: kept on SmugMug unless you tick them too</legend>
              {report.held.map((h) => (
                <label class="choice">
                  <input type="checkbox" name="includeHeld" value={h.imageKey} />{' '}
                  {`${h.fileName} in ${albumPath(h.path, h.albumKey)}: ${HELD_WORDS[h.kind] ?? h.reason}`}
                </label>
              ))}
            </fieldset>
          )}
          <label for="approvedBy">Your name</label>
          <input type="text" id="approvedBy" name="approvedBy" autocomplete="name" />
          <p>
            <button type="submit" name="action" value="dry-run">
              Show what would be deleted
            </button>
          </p>
          <label for="confirmation">{`To delete, type "${CONFIRMATION_WORD}"`}</label>
          <p class="hint" id="confirmation-hint">
            Deleting on SmugMug cannot be undone. Your copies in S3 stay.
          </p>
          <input
            type="text"
            id="confirmation"
            name="confirmation"
            autocomplete="off"
            aria-describedby="confirmation-hint"
          />
          <p>
            <button type="submit" name="action" value="approve" class="danger">
              Delete originals on SmugMug
            </button>
          </p>
        </form>
      ) : (
        <p>This migration was started without deletion: your originals stay on SmugMug.</p>
      )}
      <p>
        <a href={base}>Back to the migration</a>
      </p>
    </Layout>
  );
}
