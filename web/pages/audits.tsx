import type { AuditDetails, AuditReport } from '../../service/records';
import { CsrfField, Layout, type PageContext, Problem } from '../layout';

export interface AuditForm {
  bucket?: string;
  prefix?: string;
}

/** A finding's kind as a photographer reads it. */
const KIND_WORDS: Record<string, string> = {
  missing: 'Missing',
  overwritten: 'Written over',
  'changed-class': 'Moved to another storage class',
  'checksum-differs': 'Checksum differs',
  'lock-gone': 'No longer locked',
};

const outcome = (a: AuditDetails) =>
  a.phase === 'auditing'
    ? a.status === 'RUNNING'
      ? 'checking…'
      : `ended ${a.status.toLowerCase()}`
    : a.phase === 'passed'
      ? 'passed: everything is there, unchanged'
      : a.summary
        ? `FAILED: ${a.summary.findings} problem(s) found`
        : 'FAILED: problems found, open it to see them';

/** The audits of the archive: start one, see each one's outcome; a failed one stands out. */
export function AuditsPage(props: { page: PageContext; audits: AuditDetails[]; form: AuditForm; problem?: string }) {
  return (
    <Layout title="Check the archive" page={props.page}>
      <p>
        An audit checks, without downloading anything, that every photo and video copied is still in your bucket,
        unchanged, in the storage class it was copied into, with its sidecar and album file.
      </p>
      <Problem message={props.problem} />
      <form method="post" action="/app/audits">
        <CsrfField token={props.page.csrfToken} />
        <label for="audit-bucket">Bucket</label>
        <input id="audit-bucket" name="bucket" required value={props.form.bucket ?? ''} />
        <label for="audit-prefix">Folder in the bucket (optional)</label>
        <input id="audit-prefix" name="prefix" value={props.form.prefix ?? ''} />
        <button type="submit">Check now</button>
      </form>
      {props.audits.length === 0 ? (
        <p>No audit yet.</p>
      ) : (
        <div class="table-scroll">
          <table id="audits">
            <caption>Audits, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Bucket</th>
                <th scope="col">Started</th>
                <th scope="col">Outcome</th>
              </tr>
            </thead>
            <tbody>
              {props.audits.map((a) => (
                <tr class={a.phase === 'failed' ? 'failed' : undefined}>
                  <th scope="row">
                    <a href={`/app/audits/${encodeURIComponent(a.id)}`}>{`s3://${a.bucket}/${a.prefix}`}</a>
                  </th>
                  <td>{a.startedAt}</td>
                  <td>{outcome(a)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Layout>
  );
}

/** One audit: its outcome and, when it found anything, each finding with its album. */
export function AuditPage(props: { page: PageContext; audit: AuditDetails; report?: AuditReport }) {
  const { audit, report } = props;
  return (
    <Layout title={`Audit of s3://${audit.bucket}/${audit.prefix}`} page={props.page}>
      {audit.status === 'RUNNING' ? <meta http-equiv="refresh" content="2" /> : null}
      <p id="audit-outcome" role="status">
        {outcome(audit)}
      </p>
      {audit.summary ? (
        <p>{`${audit.summary.albums} albums, ${audit.summary.files} files checked on ${audit.summary.checkedAt}. Report: s3://${audit.summary.bucket}/${audit.summary.reportKey}`}</p>
      ) : null}
      {report && report.findings.length > 0 ? (
        <div class="table-scroll">
          <table id="findings">
            <caption>What was found</caption>
            <thead>
              <tr>
                <th scope="col">Album</th>
                <th scope="col">File</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {report.findings.map((f) => (
                <tr>
                  <th scope="row">{f.album}</th>
                  <td>{`${f.fileName ?? f.key}${f.object === 'original' ? '' : ` (${f.object})`}`}</td>
                  <td>{`${KIND_WORDS[f.kind] ?? f.kind}: ${f.detail}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <p>
        <a href={audit.uiUrl}>In the Temporal UI</a>
      </p>
    </Layout>
  );
}
