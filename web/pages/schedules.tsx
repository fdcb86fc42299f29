import type { ScheduleSummary } from '../../service/records';
import { CsrfField, Layout, type PageContext, Problem } from '../layout';

export interface ScheduleForm {
  account?: string;
  bucket?: string;
  prefix?: string;
  every?: string;
}

const ScheduleButton = ({
  page,
  id,
  action,
  label,
}: {
  page: PageContext;
  id: string;
  action: string;
  label: string;
}) => (
  <form method="post" action={`/app/schedules/${encodeURIComponent(id)}/${action}`} class="inline">
    <CsrfField token={page.csrfToken} />
    <button type="submit">
      {label}
      <span class="visually-hidden">{` ${id}`}</span>
    </button>{' '}
  </form>
);

export function SchedulesPage({
  page,
  schedules,
  form,
  problem,
}: {
  page: PageContext;
  schedules: ScheduleSummary[];
  form: ScheduleForm;
  problem?: string;
}) {
  return (
    <Layout title="Keep syncing" page={page}>
      <p>
        A schedule copies what is new or changed on SmugMug into your bucket, again and again. It never deletes anything
        on SmugMug.
      </p>
      <Problem message={problem} />
      {schedules.length === 0 ? (
        <p>No schedule yet.</p>
      ) : (
        <div class="table-scroll">
          <table id="schedules">
            <caption>Your schedules</caption>
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">Into</th>
                <th scope="col">How often</th>
                <th scope="col">Next</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            <tbody>
              {schedules.map((sc) => (
                <tr>
                  <th scope="row">{sc.account}</th>
                  <td>{`s3://${sc.target.bucket}/${sc.target.prefix}`}</td>
                  <td>{sc.every ? `every ${sc.every}` : `${sc.cron} (${sc.timeZone})`}</td>
                  <td>{sc.paused ? `paused${sc.note ? `: ${sc.note}` : ''}` : (sc.nextRuns[0] ?? '')}</td>
                  <td>
                    {sc.paused ? (
                      <ScheduleButton page={page} id={sc.id} action="resume" label="Resume" />
                    ) : (
                      <ScheduleButton page={page} id={sc.id} action="pause" label="Pause" />
                    )}
                    <ScheduleButton page={page} id={sc.id} action="delete" label="Delete" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2>New schedule</h2>
      <form method="post" action="/app/schedules">
        <CsrfField token={page.csrfToken} />
        <label for="s-account">SmugMug nickname</label>
        <input type="text" id="s-account" name="account" value={form.account ?? ''} required />
        <label for="s-bucket">S3 bucket</label>
        <input type="text" id="s-bucket" name="bucket" value={form.bucket ?? ''} required />
        <label for="s-prefix">Folder in the bucket (optional)</label>
        <input type="text" id="s-prefix" name="prefix" value={form.prefix ?? ''} />
        <label for="s-every">How often</label>
        <select id="s-every" name="every">
          {[
            ['1h', 'every hour'],
            ['6h', 'every 6 hours'],
            ['24h', 'every day'],
            ['168h', 'every week'],
          ].map(([value, text]) => (
            <option value={value} selected={(form.every ?? '24h') === value}>
              {text}
            </option>
          ))}
        </select>
        <p>
          <button type="submit">Create the schedule</button>
        </p>
      </form>
    </Layout>
  );
}
