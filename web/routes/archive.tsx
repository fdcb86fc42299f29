import { type Context, Hono } from 'hono';
import { Readable } from 'node:stream';
import { attachment } from '../../service/archive';
import type { ArchiveRef } from '../../service/archive-index';
import { Refusal } from '../../service/refusals';
import { list, pageOf, refusalShown, text, type WebContext } from '../context';
import {
  AlbumPage,
  archiveHref,
  ArchivesPage,
  FolderPage,
  ImagePage,
  RestoreBody,
  RestorePage,
  RestoreQuotePage,
  RestoresPage,
  SearchPage,
  ShareMadePage,
  SharesPage,
} from '../pages/archive';

/** Restores listed on their page. */
const RESTORES_SHOWN = 50;

/**
 * The archive after the move (/app/archive…): folders, albums as grids of previews, one image with
 * its metadata, search across the archive; downloads (one original, or albums as a zip); share
 * links; restores out of Glacier. The archive is named by `bucket` and `prefix` in every address.
 */
export function archivePages({ services: { archive, shares, restores, s3Access } }: WebContext) {
  const app = new Hono();
  const archiveOf = (c: Context): ArchiveRef => ({
    bucket: c.req.query('bucket') ?? '',
    prefix: c.req.query('prefix') ?? '',
  });
  const refused = (c: Context, err: unknown) => {
    const { status, message } = refusalShown(err);
    return c.html(
      <ArchivesPage page={pageOf(c)} bucket={c.req.query('bucket')} prefixes={[]} problem={message} />,
      status,
    );
  };

  // The archive's top: the bucket's archives to choose from, or the folders of the one asked for.
  app.get('/archive', async (c) => {
    const bucket = c.req.query('bucket') ?? (await s3Access.chosenBucket());
    if (!bucket) return c.html(<ArchivesPage page={pageOf(c)} prefixes={[]} />);
    try {
      if (c.req.query('prefix') === undefined) {
        const prefixes = await archive.prefixesOf(bucket);
        if (prefixes.length !== 1) return c.html(<ArchivesPage page={pageOf(c)} bucket={bucket} prefixes={prefixes} />);
        return c.redirect(archiveHref('', { bucket, prefix: prefixes[0] }));
      }
      const index = await archive.index(archiveOf(c));
      return c.html(
        <FolderPage
          page={pageOf(c)}
          archive={index.archive}
          folder={index.folder(c.req.queries('f') ?? [])}
          total={index.size}
        />,
      );
    } catch (err) {
      return refused(c, err);
    }
  });

  app.get('/archive/album', async (c) => {
    const ref = archiveOf(c);
    const album = await archive.album((await archive.index(ref)).archive, c.req.query('album') ?? '');
    const pageNumber = Math.max(1, Number(c.req.query('page')) || 1);
    return c.html(<AlbumPage page={pageOf(c)} archive={ref} album={album} pageNumber={pageNumber} />);
  });

  app.get('/archive/image', async (c) => {
    const ref = (await archive.index(archiveOf(c))).archive;
    const album = await archive.album(ref, c.req.query('album') ?? '');
    const image = await archive.image(ref, album.manifest.album.albumKey, c.req.query('image') ?? '');
    const readability = (await archive.readability(ref, [image])).get(image.imageKey)!;
    return c.html(<ImagePage page={pageOf(c)} archive={ref} album={album} image={image} readability={readability} />);
  });

  app.get('/archive/search', async (c) => {
    const index = await archive.index(archiveOf(c));
    const search = {
      text: c.req.query('q') || undefined,
      keyword: c.req.query('keyword') || undefined,
      from: c.req.query('from') || undefined,
      to: c.req.query('to') || undefined,
    };
    return c.html(<SearchPage page={pageOf(c)} archive={index.archive} search={search} found={index.search(search)} />);
  });

  app.get('/archive/preview', async (c) => {
    const ref = (await archive.index(archiveOf(c))).archive;
    const preview = await archive.preview(ref, c.req.query('album') ?? '', c.req.query('image') ?? '');
    return c.body(Readable.toWeb(preview.body) as ReadableStream, 200, {
      'content-type': preview.contentType,
      'cache-control': 'private, max-age=3600',
      ...(preview.length !== undefined ? { 'content-length': String(preview.length) } : {}),
    });
  });

  // A download: a URL of S3's own, minted now and valid minutes, so the bucket stays private.
  app.get('/archive/download', async (c) => {
    const ref = (await archive.index(archiveOf(c))).archive;
    return c.redirect(await archive.originalUrl(ref, c.req.query('album') ?? '', c.req.query('image') ?? ''), 302);
  });

  app.get('/archive/zip', async (c) => {
    const ref = (await archive.index(archiveOf(c))).archive;
    const { stream, fileName } = await archive.zip(ref, c.req.queries('album') ?? []);
    return c.body(Readable.toWeb(stream) as ReadableStream, 200, {
      'content-type': 'application/zip',
      'content-disposition': attachment(fileName),
    });
  });

  app.post('/archive/shares', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const ref = { bucket: text(form.bucket), prefix: text(form.prefix) };
    const selected = text(form.selected) === 'yes';
    const images = list(form.image);
    const albums = list(form.album).map((albumKey) => ({
      albumKey,
      imageKeys: selected && images.length > 0 ? images : undefined,
    }));
    try {
      if (selected && images.length === 0) throw new Refusal('invalid_request', 'Select the items to share first');
      const made = await shares.create({
        ...ref,
        albums,
        title: text(form.title) || undefined,
        expiresInSeconds: Number(text(form.expiresInSeconds)) || undefined,
      });
      const link = new URL(made.path, c.req.url).toString();
      return c.html(<ShareMadePage page={pageOf(c)} link={link} share={made.share} />, 201);
    } catch (err) {
      const { status, message } = refusalShown(err);
      const album = await archive.album(ref, albums[0]?.albumKey ?? '');
      return c.html(
        <AlbumPage page={pageOf(c)} archive={ref} album={album} pageNumber={1} problem={message} />,
        status,
      );
    }
  });

  app.get('/archive/shares', async (c) => {
    const bucket = c.req.query('bucket') ?? (await s3Access.chosenBucket());
    return c.html(<SharesPage page={pageOf(c)} bucket={bucket} shares={bucket ? await shares.list(bucket) : []} />);
  });

  app.post('/archive/shares/revoke', async (c) => {
    const form = await c.req.parseBody();
    const bucket = text(form.bucket);
    await shares.revoke(bucket, text(form.id));
    return c.redirect(`/app/archive/shares?bucket=${encodeURIComponent(bucket)}`, 303);
  });

  // Restoring: first what it costs and takes, then the confirmation starts the workflow.
  app.get('/archive/restore', async (c) => {
    const ref = (await archive.index(archiveOf(c))).archive;
    const images = c.req.queries('image');
    const albums = (c.req.queries('album') ?? []).map((albumKey) => ({ albumKey, imageKeys: images }));
    return restoreQuote(c, ref, albums);
  });

  app.post('/archive/restores', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const ref = { bucket: text(form.bucket), prefix: text(form.prefix) };
    const images = list(form.image);
    const albums = list(form.album).map((albumKey) => ({ albumKey, imageKeys: images.length ? images : undefined }));
    try {
      const started = await restores.start({
        ...ref,
        albums,
        tier: text(form.tier),
        days: Number(text(form.days)) || undefined,
      });
      return c.redirect(`/app/archive/restores/${encodeURIComponent(started.id)}`, 303);
    } catch (err) {
      return restoreQuote(c, ref, albums, refusalShown(err));
    }
  });

  app.get('/archive/restores', async (c) => {
    const { restores: shown } = await restores.list(1, RESTORES_SHOWN);
    return c.html(<RestoresPage page={pageOf(c)} restores={shown} />);
  });

  app.get('/archive/restores/:id', async (c) => {
    return c.html(<RestorePage page={pageOf(c)} restore={await restores.details(c.req.param('id'))} />);
  });
  app.get('/archive/restores/:id/body', async (c) => {
    return c.html(<RestoreBody restore={await restores.details(c.req.param('id'))} />);
  });

  async function restoreQuote(
    c: Context,
    ref: ArchiveRef,
    albums: Array<{ albumKey: string; imageKeys?: string[] }>,
    problem?: { status: ReturnType<typeof refusalShown>['status']; message: string },
  ) {
    const quote = await restores.quote({ ...ref, albums });
    const named = await archive.selection(ref, albums);
    return c.html(
      <RestoreQuotePage
        page={pageOf(c)}
        archive={ref}
        albums={named.map(({ selection, album }) => ({ ...selection, name: album.manifest.album.name }))}
        quote={quote}
        problem={problem?.message}
      />,
      problem?.status ?? 200,
    );
  }

  return app;
}
