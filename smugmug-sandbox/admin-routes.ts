import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { SandboxContext } from './context';
import { emptyCounters, FaultRule } from './faults';
import { addPhoto } from './library';
import { readBody, type Responses } from './responses';

/** A change a user makes to an image's metadata on SmugMug (title, caption, keywords). */
const ImageEdit = z.object({
  title: z.string().optional(),
  caption: z.string().optional(),
  keywords: z.array(z.string()).optional(),
});

/** A photo a user uploads to an album. */
const NewImage = z.object({
  fileName: z.string().min(1),
  bytes: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31)
    .default(50_000),
});

/**
 * The tests' own controls (`/__sandbox/…`), no part of SmugMug: what the sandbox is, its counters,
 * faults armed at run time, a user's edits and uploads, and revoking a token.
 */
export class AdminRoutes {
  constructor(
    private readonly sandbox: SandboxContext,
    private readonly send: Responses,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const { sandbox } = this;
    const { library, options, faults, oauth } = sandbox;
    const json = (status: number, body: unknown) =>
      void this.send.buffer(res, status, Buffer.from(JSON.stringify(body, null, 2)), 'application/json', undefined, {});
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /__sandbox/info') {
      const images = [...library.images.values()];
      return json(200, {
        url: sandbox.baseUrl,
        nickname: library.nickname,
        rootNodeId: library.rootNodeId,
        credentials: sandbox.credentials,
        albums: library.albums.size,
        images: images.filter((i) => !i.deleted).length,
        originalBytes: images.reduce((sum, i) => sum + (i.original?.size ?? 0), 0),
        maxPageSize: options.maxPageSize,
        defaultPageSize: options.defaultPageSize,
      });
    }
    if (route === 'GET /__sandbox/counters') return json(200, sandbox.counters);
    if (route === 'POST /__sandbox/signed-in') {
      const nickname = url.searchParams.get('nickname') ?? '';
      if (nickname !== library.nickname && !options.otherAccounts.includes(nickname))
        return json(400, { Code: 400, Message: `No account ${nickname} here` });
      sandbox.signedIn = nickname === library.nickname ? undefined : nickname;
      return json(200, { signedIn: nickname });
    }
    if (route === 'POST /__sandbox/counters/reset') {
      sandbox.counters = emptyCounters();
      return json(200, sandbox.counters);
    }
    if (route === 'GET /__sandbox/faults') return json(200, faults.list());
    if (route === 'DELETE /__sandbox/faults') {
      faults.clear();
      return json(200, []);
    }
    if (route === 'POST /__sandbox/faults') {
      let input: unknown;
      try {
        input = JSON.parse(await readBody(req));
      } catch {
        return json(400, { Code: 400, Message: 'Body must be a JSON fault rule or an array of them' });
      }
      const parsed = z.array(FaultRule).safeParse(Array.isArray(input) ? input : [input]);
      if (!parsed.success) return json(400, { Code: 400, Message: z.prettifyError(parsed.error) });
      for (const rule of parsed.data) faults.add(rule);
      return json(200, faults.list());
    }
    const addImage = /^POST \/__sandbox\/albums\/([^/]+)\/images$/.exec(route);
    if (addImage) {
      const album = library.albums.get(addImage[1]);
      if (!album) return json(404, { Code: 404, Message: 'Not Found' });
      const parsed = NewImage.safeParse(JSON.parse((await readBody(req)) || '{}'));
      if (!parsed.success) return json(400, { Code: 400, Message: z.prettifyError(parsed.error) });
      const image = await addPhoto(library, album, parsed.data.fileName, parsed.data.bytes, options.mediaDir);
      return json(200, { imageKey: image.imageKey, size: image.original!.size, md5: image.original!.md5 });
    }
    const editImage = /^PATCH \/__sandbox\/images\/([^/]+)$/.exec(route);
    if (editImage) {
      const image = library.images.get(editImage[1]);
      if (!image) return json(404, { Code: 404, Message: 'Not Found' });
      const parsed = ImageEdit.safeParse(JSON.parse((await readBody(req)) || '{}'));
      if (!parsed.success) return json(400, { Code: 400, Message: z.prettifyError(parsed.error) });
      Object.assign(image, parsed.data, { lastUpdated: new Date().toISOString().replace(/\.\d{3}Z$/, '+00:00') });
      return json(200, {
        imageKey: image.imageKey,
        title: image.title,
        caption: image.caption,
        keywords: image.keywords,
      });
    }
    if (route === 'POST /__sandbox/revoke') {
      const token = url.searchParams.get('token') ?? '';
      return json(oauth.revokeAccessToken(token) ? 200 : 404, { revoked: token });
    }
    return json(404, { Code: 404, Message: 'Not Found' });
  }
}
