import { Hono } from 'hono';
import { Readable } from 'node:stream';
import { pageOf, type WebContext } from '../context';
import { SharedPage } from '../pages/archive';

/**
 * A share link's pages, open to anyone who has the link (/app/shared/<bucket>/<secret>): no session,
 * no form. The share's record is read at every request, so a revoked or expired link answers 410
 * at once; downloads are S3 URLs minted per click, never valid past the share.
 */
export function sharedPages({ services: { shares } }: WebContext) {
  const app = new Hono();

  app.get('/shared/:bucket/:secret', async (c) => {
    const { bucket, secret } = c.req.param();
    const { record, albums } = await shares.open(bucket, secret);
    c.header('cache-control', 'no-store');
    return c.html(
      <SharedPage
        page={pageOf(c)}
        base={`/app/shared/${bucket}/${secret}`}
        title={record.title}
        expiresAt={record.expiresAt}
        albums={albums}
      />,
    );
  });

  app.get('/shared/:bucket/:secret/preview/:album/:image', async (c) => {
    const { bucket, secret, album, image } = c.req.param();
    const preview = await shares.preview(bucket, secret, album, image);
    return c.body(Readable.toWeb(preview.body) as ReadableStream, 200, {
      'content-type': preview.contentType,
      'cache-control': 'no-store',
    });
  });

  app.get('/shared/:bucket/:secret/download/:album/:image', async (c) => {
    const { bucket, secret, album, image } = c.req.param();
    c.header('cache-control', 'no-store');
    return c.redirect(await shares.originalUrl(bucket, secret, album, image), 302);
  });

  return app;
}
