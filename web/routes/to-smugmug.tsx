import { type Context, Hono } from 'hono';
import type { ArchiveRef } from '../../service/archive-index';
import { list, pageOf, refusalShown, text, type WebContext } from '../context';
import { ToSmugMugBody, ToSmugMugListPage, ToSmugMugPage, ToSmugMugRestorePage } from '../pages/to-smugmug';

/** Restores to SmugMug listed on their page. */
const RESTORES_SHOWN = 50;

/**
 * The way back (/app/archive/to-smugmug…): albums picked in the archive put back on a connected
 * SmugMug account, under a folder of it; then where each album stands.
 */
export function toSmugMugPages({ services: { archive, toSmugMug, smugmug } }: WebContext) {
  const app = new Hono();

  app.get('/archive/to-smugmug', async (c) => {
    const ref = (await archive.index({ bucket: c.req.query('bucket') ?? '', prefix: c.req.query('prefix') ?? '' }))
      .archive;
    return choose(c, ref, c.req.queries('album') ?? []);
  });

  app.post('/archive/to-smugmug', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const ref = { bucket: text(form.bucket), prefix: text(form.prefix) };
    const albumKeys = list(form.album);
    try {
      const started = await toSmugMug.start({
        ...ref,
        account: text(form.account),
        albums: albumKeys.map((albumKey) => ({ albumKey })),
        under: text(form.under),
      });
      return c.redirect(`/app/archive/to-smugmug/${encodeURIComponent(started.id)}`, 303);
    } catch (err) {
      return choose(c, ref, albumKeys, refusalShown(err), { account: text(form.account), under: text(form.under) });
    }
  });

  app.get('/archive/to-smugmug/all', async (c) => {
    const { restores } = await toSmugMug.list(1, RESTORES_SHOWN);
    return c.html(<ToSmugMugListPage page={pageOf(c)} restores={restores} />);
  });
  app.get('/archive/to-smugmug/:id', async (c) => {
    return c.html(<ToSmugMugRestorePage page={pageOf(c)} restore={await toSmugMug.details(c.req.param('id'))} />);
  });
  app.get('/archive/to-smugmug/:id/body', async (c) => {
    return c.html(<ToSmugMugBody restore={await toSmugMug.details(c.req.param('id'))} />);
  });

  async function choose(
    c: Context,
    ref: ArchiveRef,
    albumKeys: string[],
    problem?: { status: ReturnType<typeof refusalShown>['status']; message: string },
    entered: { account?: string; under?: string } = {},
  ) {
    const albums = await toSmugMug.picked(ref, albumKeys);
    const accounts = (await smugmug.accounts()).flatMap((a) => (a.account && !a.problem ? [a.account] : []));
    return c.html(
      <ToSmugMugPage
        page={pageOf(c)}
        archive={ref}
        albums={albums}
        accounts={accounts}
        {...entered}
        problem={problem?.message}
      />,
      problem?.status ?? 200,
    );
  }

  return app;
}
