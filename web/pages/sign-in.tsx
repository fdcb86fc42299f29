import { Layout, type PageContext, Problem } from '../layout';

export const SignInPage = ({ page, problem, next }: { page: PageContext; problem?: string; next: string }) => (
  <Layout title="Sign in" page={page}>
    <Problem message={problem} />
    <form method="post" action="/app/sign-in">
      <input type="hidden" name="next" value={next} />
      <label for="token">Access key</label>
      <p class="hint" id="token-hint">
        The key your administrator gave you for this service (its API token).
      </p>
      <input
        type="password"
        id="token"
        name="token"
        autocomplete="current-password"
        aria-describedby="token-hint"
        required
      />
      <p>
        <button type="submit">Sign in</button>
      </p>
    </form>
  </Layout>
);
