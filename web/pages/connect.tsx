import type { Connection } from '../../service/smugmug-connection';
import { CsrfField, Layout, type PageContext, Problem } from '../layout';

export function ConnectPage({
  page,
  connection,
  configured,
  problem,
  connected,
}: {
  page: PageContext;
  connection?: Connection;
  configured: boolean;
  problem?: string;
  connected?: boolean;
}) {
  const canDelete = connection?.permissions === 'Modify';
  return (
    <Layout title="Your SmugMug account" page={page}>
      <Problem message={problem ?? connection?.problem} />
      {connected && (
        <p class="notice" role="status">
          SmugMug is connected.
        </p>
      )}
      {connection?.account ? (
        <>
          <p>
            Connected to <strong id="connected-account">{connection.account}</strong>
            {connection.access && (
              <>
                {' '}
                with{' '}
                {connection.access === 'Full' ? 'full access (every album, private ones too)' : 'public access only'}
                {', '}
                {canDelete ? 'allowed to delete originals after your approval' : 'read only'}.
              </>
            )}
          </p>
          {!canDelete && (
            <p class="problem" role="alert">
              Deleting your originals on SmugMug after the copy is verified needs permission to modify your account.
              Connect again and allow it if you want that step.
            </p>
          )}
          <p class="hint">Workers read a new connection when they start: after connecting, restart them.</p>
        </>
      ) : (
        <p>No SmugMug account is connected yet.</p>
      )}
      {configured ? (
        <form method="post" action="/app/connect">
          <CsrfField token={page.csrfToken} />
          <label class="choice">
            <input type="checkbox" name="allowDeletion" value="yes" checked /> Allow deleting originals on SmugMug, only
            after I approve a verified copy
          </label>
          <p>
            <button type="submit">{connection?.account ? 'Connect again' : 'Connect SmugMug'}</button>
          </p>
          <p class="hint">You will sign in on SmugMug and come back here.</p>
        </form>
      ) : (
        <p class="problem" role="alert">
          This service has no SmugMug app key: its administrator sets SMUGMUG_API_KEY and SMUGMUG_API_SECRET.
        </p>
      )}
    </Layout>
  );
}
