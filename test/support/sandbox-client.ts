import { randomUUID } from 'node:crypto';
import { startSandbox, type RunningSandbox, type SandboxOptions } from '../../smugmug-sandbox/server';
import { type OAuthToken, oauthSigner, signedFetch } from './signed-fetch';
import { testStack } from './test-stack';

/**
 * A sandbox of this test file's own (real HTTP on a free port, the run's shared media folder),
 * so faults, deletions and counters of one file never touch another's. Its photographer has a
 * nickname of its own unless the test names one: an account has one desk (and one migration at a
 * time) in the whole Temporal namespace, which test files share.
 */
export function startPrivateSandbox(options: Omit<SandboxOptions, 'mediaDir' | 'port'> = {}): Promise<RunningSandbox> {
  const library = { nickname: `photographer-${randomUUID().slice(0, 8)}`, ...options.library };
  return startSandbox({ ...options, library, port: 0, mediaDir: testStack().sandbox.mediaDir });
}

/** A library of two small albums (two photos each, in one folder), for tests about what happens around a migration. */
export const smallLibrary = (seed: string, nickname: string) => ({
  seed,
  nickname,
  albums: 2,
  folders: 1,
  photosPerAlbum: 2,
  videos: 0,
  trickyCases: false,
});

export interface Envelope {
  Code: number;
  Message: string;
  Response: Record<string, unknown> & { Locator: string; Pages?: Record<string, unknown> };
}

/** Signed GETs and DELETEs against a sandbox, as one user token. */
export function sandboxClient(sandbox: RunningSandbox, token: OAuthToken | undefined = sandbox.credentials.fullModify) {
  const signer = oauthSigner(sandbox.credentials.consumerKey, sandbox.credentials.consumerSecret);
  const url = (pathOrUrl: string) => (pathOrUrl.startsWith('http') ? pathOrUrl : `${sandbox.url}${pathOrUrl}`);
  return {
    fetch: (pathOrUrl: string, init: RequestInit = {}) => signedFetch(signer, url(pathOrUrl), token, init),
    async json(
      pathOrUrl: string,
      init: RequestInit = {},
    ): Promise<{ status: number; body: Envelope; headers: Headers }> {
      const res = await signedFetch(signer, url(pathOrUrl), token, init);
      return { status: res.status, body: (await res.json()) as Envelope, headers: res.headers };
    },
    /** Every item of a paged list, following NextPage until it is absent. */
    async all<T = Record<string, unknown>>(path: string): Promise<T[]> {
      const items: T[] = [];
      let next: string | undefined = path;
      while (next) {
        const { status, body } = await this.json(next);
        if (status !== 200) throw new Error(`${next}: ${status} ${body.Message}`);
        items.push(...((body.Response[body.Response.Locator] as T[] | undefined) ?? []));
        next = body.Response.Pages?.NextPage as string | undefined;
      }
      return items;
    },
  };
}
