import type { MigrationPhase } from '../../common/records';
import type { MigrationSummary } from '../../service/records';
import { CsrfField, Layout, type PageContext, Problem } from '../layout';

/** What the form was filled with, kept when the start was refused so nothing is typed twice. */
export interface StartForm {
  account?: string;
  bucket?: string;
  prefix?: string;
  storageClass?: string;
  include?: string;
  sse?: string;
  kmsKeyId?: string;
  /** A second copy: the replica connection (of those the service has) and its bucket. */
  replicaConnection?: string;
  replicaBucket?: string;
  deletion?: boolean;
}

const STORAGE_CLASSES: Array<[string, string]> = [
  ['STANDARD', 'Standard: read any time'],
  ['INTELLIGENT_TIERING', 'Intelligent-Tiering: cheaper when rarely read'],
  ['STANDARD_IA', 'Standard-IA: rarely read, 128 KB minimum per file'],
  ['GLACIER_IR', 'Glacier Instant Retrieval: archive, read in milliseconds'],
  ['DEEP_ARCHIVE', 'Glacier Deep Archive: cheapest, hours to read back'],
];

/**
 * A second copy of every original in another bucket (another region, another provider) through a
 * connection the service has: its bucket checked as the first one is; with deletion, required.
 */
function SecondCopyFields({ form, replicas }: { form: StartForm; replicas: string[] }) {
  return (
    <fieldset>
      <legend>A second copy elsewhere (optional)</legend>
      <label for="replicaConnection">Where</label>
      <select id="replicaConnection" name="replicaConnection">
        {replicas.map((name) => (
          <option value={name} selected={form.replicaConnection === name}>
            {name}
          </option>
        ))}
      </select>
      <label for="replicaBucket">Bucket there (empty: no second copy)</label>
      <input
        type="text"
        id="replicaBucket"
        name="replicaBucket"
        value={form.replicaBucket ?? ''}
        aria-describedby="replica-hint"
        hx-get="/app/bucket-check"
        hx-trigger="change"
        hx-include="#replicaConnection"
        hx-target="#replica-check"
        hx-swap="outerHTML"
      />
      <p class="hint" id="replica-hint">
        Every original is written there too, from the same download, and checked the same way; with deletion, an
        original goes only once both copies are proven.
      </p>
      <div id="replica-check" aria-live="polite"></div>
    </fieldset>
  );
}

export function MigrationsPage({
  page,
  migrations,
  form,
  problem,
  replicas,
  accounts,
}: {
  page: PageContext;
  migrations: MigrationSummary[];
  form: StartForm;
  problem?: string;
  /** The SmugMug accounts connected (setup), offered as the nickname's choices. */
  accounts: string[];
  /** The replica connections a second copy may use; none: the choice is not offered. */
  replicas: string[];
}) {
  return (
    <Layout title="Migrations" page={page}>
      <section aria-labelledby="new-migration">
        <h2 id="new-migration">Copy your SmugMug library to S3</h2>
        <Problem message={problem} />
        {accounts.length === 0 && (
          <p class="hint" id="setup-first">
            No SmugMug account is connected yet: <a href="/app/setup">set up</a> your SmugMug key, account and bucket
            first.
          </p>
        )}
        <form method="post" action="/app/migrations">
          <CsrfField token={page.csrfToken} />
          <label for="account">SmugMug nickname</label>
          <input
            type="text"
            id="account"
            name="account"
            value={form.account ?? ''}
            list="connected-nicknames"
            required
          />
          <datalist id="connected-nicknames">
            {accounts.map((a) => (
              <option value={a} />
            ))}
          </datalist>
          <label for="bucket">S3 bucket</label>
          <input
            type="text"
            id="bucket"
            name="bucket"
            value={form.bucket ?? ''}
            required
            hx-get="/app/bucket-check"
            hx-trigger="change"
            hx-target="#bucket-check"
            hx-swap="outerHTML"
          />
          <div id="bucket-check" aria-live="polite"></div>
          <label for="prefix">Folder in the bucket (optional)</label>
          <input type="text" id="prefix" name="prefix" value={form.prefix ?? ''} aria-describedby="prefix-hint" />
          <p class="hint" id="prefix-hint">
            Folder names joined by "/", for example photos/smugmug.
          </p>
          <label for="storageClass">Storage class</label>
          <select id="storageClass" name="storageClass">
            {STORAGE_CLASSES.map(([value, text]) => (
              <option value={value} selected={(form.storageClass ?? 'STANDARD') === value}>
                {text}
              </option>
            ))}
          </select>
          <label for="include">Only these albums (optional)</label>
          <input
            type="text"
            id="include"
            name="include"
            value={form.include ?? ''}
            aria-describedby="include-hint album-count"
            hx-get="/app/album-count"
            hx-trigger="input changed delay:400ms, change"
            hx-include="#account"
            hx-target="#album-count"
            hx-swap="outerHTML"
          />
          <p class="hint" id="include-hint">
            Folder and album names separated by commas; * matches anything, for example Travel/*.
          </p>
          <p id="album-count" aria-live="polite"></p>
          <label for="sse">Encryption</label>
          <select id="sse" name="sse">
            <option value="" selected={!form.sse}>
              The bucket's own default
            </option>
            <option value="AES256" selected={form.sse === 'AES256'}>
              S3-managed keys (SSE-S3)
            </option>
            <option value="aws:kms" selected={form.sse === 'aws:kms'}>
              A KMS key (SSE-KMS)
            </option>
          </select>
          <label for="kmsKeyId">KMS key (for SSE-KMS; empty: the account's default key)</label>
          <input type="text" id="kmsKeyId" name="kmsKeyId" value={form.kmsKeyId ?? ''} />
          {replicas.length > 0 && <SecondCopyFields form={form} replicas={replicas} />}
          <label class="choice">
            <input type="checkbox" name="deletion" value="yes" checked={form.deletion ?? false} /> After the copy is
            verified, let me approve deleting the originals on SmugMug
          </label>
          <p>
            <button type="submit" name="action" value="plan">
              Plan first: count and price, copy nothing
            </button>{' '}
            <button type="submit" name="action" value="start">
              Start copying
            </button>
          </p>
        </form>
      </section>
      <section aria-labelledby="past-migrations">
        <h2 id="past-migrations">Your migrations</h2>
        {migrations.length === 0 ? (
          <p>None yet.</p>
        ) : (
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Migration</th>
                  <th scope="col">Account</th>
                  <th scope="col">Where it is</th>
                  <th scope="col">Started</th>
                </tr>
              </thead>
              <tbody>
                {migrations.map((m) => (
                  <tr>
                    <td>
                      <a href={`/app/migrations/${encodeURIComponent(m.id)}`}>{m.id}</a>
                    </td>
                    <td>{m.account ?? ''}</td>
                    <td>{phaseInWords(m.phase)}</td>
                    <td>{new Date(m.startedAt).toUTCString()}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </Layout>
  );
}

const PHASE_WORDS: Record<MigrationPhase, string> = {
  preflight: 'checking the bucket',
  discovering: 'finding your albums',
  migrating: 'copying',
  'awaiting-approval': 'copied and verified: waiting for your approval to delete originals',
  completed: 'finished',
  'completed-with-failures': 'finished, some albums failed',
  failed: 'stopped by a problem',
  cancelled: 'cancelled',
};

/** How many albums the patterns match, as the migration's discovery will count them. */
export const AlbumCount = ({ count }: { count: { matching: number; total: number } | string }) => (
  <p id="album-count" aria-live="polite">
    {typeof count === 'string'
      ? count
      : `${count.matching} of ${count.total} albums match${count.matching === 0 ? ': nothing would be copied' : '.'}`}
  </p>
);

/** The migration's phase as a photographer would say it. */
export function phaseInWords(phase: MigrationPhase | undefined): string {
  return phase ? PHASE_WORDS[phase] : 'starting';
}
