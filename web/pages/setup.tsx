import type { BucketChoice, S3AccessChoice } from '../../service/s3-access';
import { type Connection, SMUGMUG_API_KEY_PAGE } from '../../service/smugmug-connection';
import { CsrfField, Layout, type PageContext, Problem } from '../layout';
import { BucketCheck, CHECK_WORDS } from './bucket-check';

/** A safe setting in the words of its check, where it has one. */
const settingWords = (setting: string) => CHECK_WORDS[setting as keyof typeof CHECK_WORDS] ?? setting;

/** Which step a problem or a notice belongs to, so it shows beside that step's form. */
export type SetupStep = 'app' | 'accounts' | 's3' | 'bucket';

export interface SetupView {
  app?: { key: string; source: Connection['source'] };
  accounts: Connection[];
  s3: S3AccessChoice;
  bucket?: BucketChoice;
  problem?: { step: SetupStep; message: string };
  notice?: { step: SetupStep; message: string };
}

const Said = ({ view, step }: { view: SetupView; step: SetupStep }) => (
  <>
    <Problem message={view.problem?.step === step ? view.problem.message : undefined} />
    {view.notice?.step === step && (
      <p class="notice" role="status">
        {view.notice.message}
      </p>
    )}
  </>
);

function AppStep({ page, view }: { page: PageContext; view: SetupView }) {
  return (
    <section aria-labelledby="step-app" id="setup-app">
      <h2 id="step-app">1. Your SmugMug API key</h2>
      <Said view={view} step="app" />
      {view.app ? (
        <p>
          SmugMug API key <code id="app-key">{view.app.key}</code>{' '}
          {view.app.source === 'environment' ? "from the service's environment" : 'entered here'}.
        </p>
      ) : (
        <p>
          SmugMug gives each person who asks an API key and its secret, at{' '}
          <a href={SMUGMUG_API_KEY_PAGE}>{SMUGMUG_API_KEY_PAGE}</a>. Copy both here.
        </p>
      )}
      {view.app?.source !== 'environment' && (
        <form method="post" action="/app/setup/smugmug-app">
          <CsrfField token={page.csrfToken} />
          <label for="app-key-input">API key</label>
          <input type="text" id="app-key-input" name="key" autocomplete="off" required />
          <label for="app-secret-input">API secret</label>
          <input type="password" id="app-secret-input" name="secret" autocomplete="off" required />
          <p>
            <button type="submit">{view.app ? 'Replace the key' : 'Check and save the key'}</button>
          </p>
        </form>
      )}
    </section>
  );
}

function AccountsStep({ page, view }: { page: PageContext; view: SetupView }) {
  return (
    <section aria-labelledby="step-accounts" id="setup-accounts">
      <h2 id="step-accounts">2. Your SmugMug account</h2>
      <Said view={view} step="accounts" />
      {view.accounts.length === 0 ? (
        <p>No SmugMug account is connected yet.</p>
      ) : (
        <ul id="connected-accounts">
          {view.accounts.map((a) => (
            <li>
              {a.account ? <strong class="connected-account">{a.account}</strong> : 'An account'}
              {a.problem ? `: ${a.problem}` : accessWords(a)}
              {a.source === 'environment' ? " (set in the service's environment)" : ''}
              {a.source === 'web app' && a.account && (
                <form method="post" action="/app/setup/disconnect" class="inline">
                  <CsrfField token={page.csrfToken} />
                  <input type="hidden" name="account" value={a.account} />{' '}
                  <button type="submit" class="link" aria-label={`Disconnect ${a.account}`}>
                    Disconnect
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
      {view.app ? (
        <form method="post" action="/app/connect">
          <CsrfField token={page.csrfToken} />
          <label class="choice">
            <input type="checkbox" name="allowDeletion" value="yes" checked /> Allow deleting originals on SmugMug, only
            after I approve a verified copy
          </label>
          <p>
            <button type="submit">{view.accounts.length > 0 ? 'Connect another account' : 'Connect SmugMug'}</button>
          </p>
          <p class="hint">You will sign in on SmugMug and come back here. A studio may connect several accounts.</p>
        </form>
      ) : (
        <p class="hint">Enter the API key first.</p>
      )}
    </section>
  );
}

function accessWords(a: Connection): string {
  if (!a.access) return '';
  const reach = a.access === 'Full' ? 'full access (every album, private ones too)' : 'public access only';
  const deletion = a.permissions === 'Modify' ? 'allowed to delete originals after your approval' : 'read only';
  return ` with ${reach}, ${deletion}.`;
}

function S3Step({ page, view }: { page: PageContext; view: SetupView }) {
  const { aws, profiles, source } = view.s3;
  const chosen = aws?.keys ? 'keys' : aws?.profile ? `profile:${aws.profile}` : 'chain';
  return (
    <section aria-labelledby="step-s3" id="setup-s3">
      <h2 id="step-s3">3. Amazon S3</h2>
      <Said view={view} step="s3" />
      {aws && (
        <p id="s3-choice">
          Using {source}, region {aws.region}.
        </p>
      )}
      <form method="post" action="/app/setup/s3">
        <CsrfField token={page.csrfToken} />
        <fieldset>
          <legend>Which AWS credentials</legend>
          <label class="choice">
            <input type="radio" name="credentials" value="chain" checked={chosen === 'chain'} /> This computer's AWS
            configuration (environment, default profile or role)
          </label>
          {profiles.map((p) => (
            <label class="choice">
              <input type="radio" name="credentials" value={`profile:${p}`} checked={chosen === `profile:${p}`} /> The
              profile "{p}"
            </label>
          ))}
          <label class="choice">
            <input type="radio" name="credentials" value="keys" checked={chosen === 'keys'} /> An access key, entered
            here (kept encrypted on this computer)
          </label>
          <label for="access-key-id">Access key ID</label>
          <input type="text" id="access-key-id" name="accessKeyId" autocomplete="off" />
          <label for="secret-access-key">Secret access key</label>
          <input type="password" id="secret-access-key" name="secretAccessKey" autocomplete="off" />
        </fieldset>
        <label for="region">Region</label>
        <input type="text" id="region" name="region" value={aws?.region ?? 'us-east-1'} required />
        <p>
          <button type="submit">Check and save</button>
        </p>
      </form>
    </section>
  );
}

function BucketStep({ page, view }: { page: PageContext; view: SetupView }) {
  const choice = view.bucket;
  return (
    <section aria-labelledby="step-bucket" id="setup-bucket">
      <h2 id="step-bucket">4. The bucket</h2>
      <Said view={view} step="bucket" />
      <form method="post" action="/app/setup/bucket">
        <CsrfField token={page.csrfToken} />
        <label for="bucket-name">Bucket name</label>
        <input type="text" id="bucket-name" name="bucket" value={choice?.bucket ?? view.s3.bucket ?? ''} required />
        <p>
          <button type="submit">Check the bucket</button>
        </p>
      </form>
      {choice && !choice.exists && (
        <form method="post" action="/app/setup/bucket/create" id="create-bucket">
          <CsrfField token={page.csrfToken} />
          <input type="hidden" name="bucket" value={choice.bucket} />
          <p>
            There is no bucket <strong>{choice.bucket}</strong> yet. Make it now, with versioning, default encryption,
            all public access blocked, plain HTTP refused and unfinished uploads cleaned up after 7 days?
          </p>
          <p>
            <button type="submit">Create bucket {choice.bucket}</button>
          </p>
        </form>
      )}
      {choice?.exists && choice.notApplied && choice.notApplied.length > 0 && (
        <p class="problem" role="alert" id="not-applied">
          This storage did not take every safe setting:{' '}
          {choice.notApplied.map((n) => `${settingWords(n.setting)}: ${n.why}`).join('; ')}.
        </p>
      )}
      {choice?.exists && <BucketCheck bucket={choice.bucket} checks={choice.checks} />}
    </section>
  );
}

/** First-run setup, in the order a person meets it: the SmugMug key, the account, S3, the bucket; then the plan. */
export function SetupPage({ page, view }: { page: PageContext; view: SetupView }) {
  const ready = view.app && view.accounts.some((a) => a.account) && view.s3.bucket;
  return (
    <Layout title="Set up" page={page}>
      <AppStep page={page} view={view} />
      <AccountsStep page={page} view={view} />
      <S3Step page={page} view={view} />
      <BucketStep page={page} view={view} />
      <p>
        {ready ? (
          <a href="/app/migrations" id="setup-next">
            Next: plan your migration
          </a>
        ) : (
          'Once these four are done, plan your migration on the Migrations page.'
        )}
      </p>
    </Layout>
  );
}
