import type { ApiClient, SmugMugRestoreBody, SmugMugRestoreRequestBody } from './api-client';

export interface RestoreOptions {
  account?: string;
  bucket?: string;
  prefix?: string;
  album?: string[];
  folder?: string;
  under?: string;
  tier?: string;
}

/** How often the CLI asks how the restore is going. */
const POLL_MS = 2_000;

/**
 * `smugmug-s3 restore --account NICK --bucket B (--album KEY… | --folder PATH) [--under PATH]`: puts
 * albums of the archive back on SmugMug, waits, and prints each album's check (exit 1 when an album
 * failed or an image is not back as archived, for scripts).
 */
export async function restoreCommand(
  api: ApiClient,
  options: RestoreOptions,
  print: (line: string) => void,
  fail: (message: string) => never,
): Promise<boolean> {
  const request: SmugMugRestoreRequestBody = {
    account: options.account ?? fail('restore needs --account NICK (the SmugMug account they go back to)'),
    bucket: options.bucket ?? fail('restore needs --bucket B'),
    prefix: options.prefix ?? '',
    ...(options.album?.length
      ? { albums: options.album.map((albumKey) => ({ albumKey })) }
      : { folder: options.folder ?? fail('restore needs --album KEY (one or more) or --folder PATH (/ for all)') }),
    under: options.under ?? '',
    ...(options.tier ? { tier: options.tier as SmugMugRestoreRequestBody['tier'] } : {}),
  };
  let restore = await api.call<SmugMugRestoreBody>('POST', '/v1/restores', request);
  print(`Putting ${restore.progress?.albums ?? 'the'} album(s) back on SmugMug (${restore.id}): ${restore.uiUrl}`);
  let shown = 0;
  while (restore.status === 'RUNNING') {
    await new Promise((r) => setTimeout(r, POLL_MS));
    restore = await api.call<SmugMugRestoreBody>('GET', `/v1/restores/${restore.id}`);
    const done = restore.progress?.done ?? [];
    for (const album of done.slice(shown)) print(albumLine(album));
    shown = Math.max(shown, done.length);
  }
  const progress = restore.progress ?? fail(`The restore ended ${restore.status}: see ${restore.uiUrl}`);
  for (const album of progress.done.slice(shown)) print(albumLine(album));
  for (const failed of progress.failed) print(`  FAILED ${failed.name}: ${failed.error}`);
  print(
    `${progress.phase === 'completed' ? 'DONE' : 'DONE WITH PROBLEMS'}: report at s3://${restore.bucket}/${progress.reportKey}`,
  );
  return progress.phase === 'completed';
}

function albumLine(album: NonNullable<SmugMugRestoreBody['progress']>['done'][number]): string {
  const c = album.counts;
  const renamed = album.targets
    .filter((t) => t.urlNameWanted)
    .map((t) => ` (${t.urlNameWanted} was taken: ${t.urlName})`);
  return (
    `  ${album.ok ? 'ok' : 'PROBLEMS'} ${album.path.join(' / ')} → ${album.targets.map((t) => t.name).join(', ')}${renamed.join('')}: ` +
    `${c.identical} identical, ${c['re-encoded']} videos re-encoded, ${c.converted} HEIC converted` +
    (c.missing + c.refused + c.differs > 0
      ? `, ${c.missing} missing, ${c.refused} refused, ${c.differs} not as archived`
      : '')
  );
}
