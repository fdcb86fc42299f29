import cliProgress from 'cli-progress';
import type { ApiClient, MigrationStatusBody } from './api-client';

const MB = 2 ** 20;
/** Width of the name column: an album's path, shortened at its start, where the folders are. */
const NAME_WIDTH = 34;
/** A terminal that does not say its width is taken as this wide. */
const DEFAULT_COLUMNS = 80;

type InFlightAlbum = NonNullable<MigrationStatusBody['inFlightAlbums']>[number];
/** What one row shows: the overall line, an album, or nothing (`empty`: a row an album has left). */
type Row = { label?: string; unit?: string; extra?: string; empty?: boolean };

function duration(seconds: number | undefined): string {
  if (seconds === undefined) return '–';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/** "Travel / 2019 / Paris", fitted to the name column: a long path keeps its end, the album's own name. */
export function albumName(album: Pick<InFlightAlbum, 'albumKey' | 'path'>): string {
  const name = album.path?.length ? album.path.join(' / ') : `album ${album.albumKey}`;
  const chars = [...name];
  return (chars.length <= NAME_WIDTH ? name : `…${chars.slice(-(NAME_WIDTH - 1)).join('')}`).padEnd(NAME_WIDTH);
}

/**
 * Live progress of a migration from the API: an overall line (albums, bytes, rate, ETA) and one line
 * per album in flight, named by its folder path, until the run stops running or reaches `until`.
 * Returns the last status. A row an album leaves is blanked and given to the next album, never
 * removed: the display only grows, so each frame is drawn over the last in place, and no line is
 * longer than the terminal is wide (a wrapped line would push the next frame down).
 */
export async function watchMigration(
  api: ApiClient,
  id: string,
  opts: { output?: NodeJS.WritableStream; intervalMs?: number; until?: (s: MigrationStatusBody) => boolean } = {},
): Promise<MigrationStatusBody> {
  const stream = opts.output ?? process.stderr;
  const tty = stream as NodeJS.WriteStream;
  // Lines for a pipe or a file are whole; a terminal's stop one short of its width.
  const width = () => (tty.isTTY ? (tty.columns || DEFAULT_COLUMNS) - 1 : Infinity);
  const bars = new cliProgress.MultiBar(
    {
      format: (options, params, row: Row) => {
        if (row.empty) return '';
        const bar = cliProgress.Format.BarFormat(params.progress, options);
        const percent = `${Math.floor(params.progress * 100)}%`.padStart(4);
        return `${row.label} |${bar}| ${percent} ${params.value}/${params.total} ${row.unit} ${row.extra}`.slice(
          0,
          width(),
        );
      },
      barsize: 20,
      hideCursor: true,
      clearOnComplete: false,
      stream,
      noTTYOutput: true,
      notTTYSchedule: 2000,
    },
    cliProgress.Presets.shades_classic,
  );
  const overall = bars.create(1, 0, { label: 'Overall'.padEnd(NAME_WIDTH), unit: 'albums', extra: '' } satisfies Row);
  const rows: { bar: cliProgress.SingleBar; workflowId?: string }[] = [];
  try {
    for (;;) {
      const s = await api.status(id);
      const k = s.counts;
      if (k) {
        overall.setTotal(Math.max(1, k.albumsTotal));
        overall.update(k.albumsDone + k.albumsFailed, {
          extra: `${s.phase} | ${(k.transferredBytes / MB).toFixed(1)} MB copied, ${((s.bytesPerSecond ?? 0) / MB).toFixed(1)} MB/s, ETA ${duration(s.etaSeconds)} | ${k.albumsFailed} failed`,
        });
      }
      showAlbums(s.inFlightAlbums ?? []);
      if (s.status !== 'RUNNING' || opts.until?.(s)) return s;
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 500));
    }
  } finally {
    bars.stop();
  }

  /** Each album keeps its row while in flight; rows of albums that left go to new ones, or are blanked. */
  function showAlbums(albums: InFlightAlbum[]) {
    const current = new Set(albums.map((a) => a.workflowId));
    for (const row of rows) if (row.workflowId && !current.has(row.workflowId)) row.workflowId = undefined;
    for (const album of albums) {
      const row =
        rows.find((r) => r.workflowId === album.workflowId) ??
        rows.find((r) => r.workflowId === undefined) ??
        rows[rows.push({ bar: bars.create(1, 0, { empty: true } satisfies Row) }) - 1];
      row.workflowId = album.workflowId;
      row.bar.setTotal(Math.max(1, album.files));
      row.bar.update(album.doneFiles, {
        label: albumName(album),
        unit: 'files',
        extra: `${album.phase} ${(album.doneBytes / MB).toFixed(1)}/${(album.bytes / MB).toFixed(1)} MB${album.concurrency ? `, ${album.concurrency} at once` : ''}`,
        empty: false,
      });
    }
    for (const row of rows) if (!row.workflowId) row.bar.update(0, { empty: true });
  }
}
