import cliProgress from 'cli-progress';
import type { ApiClient, MigrationStatusBody } from './api-client';

const MB = 2 ** 20;

function duration(seconds: number | undefined): string {
  if (seconds === undefined) return '–';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
}

/**
 * Live progress of a migration from the API: an overall bar (albums, bytes, rate, ETA) and one bar
 * per album in flight, until the run stops running or reaches `until`. Returns the last status.
 */
export async function watchMigration(
  api: ApiClient,
  id: string,
  opts: { output?: NodeJS.WritableStream; intervalMs?: number; until?: (s: MigrationStatusBody) => boolean } = {},
): Promise<MigrationStatusBody> {
  const bars = new cliProgress.MultiBar(
    {
      format: '{label} |{bar}| {percentage}% {value}/{total} {unit} {extra}',
      hideCursor: true,
      clearOnComplete: false,
      stream: opts.output ?? process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 2000,
    },
    cliProgress.Presets.shades_classic,
  );
  const overall = bars.create(1, 0, { label: 'Overall'.padEnd(22), unit: 'albums', extra: '' });
  const albumBars = new Map<string, cliProgress.SingleBar>();
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
      const current = new Set<string>();
      for (const album of s.inFlightAlbums ?? []) {
        current.add(album.workflowId);
        let bar = albumBars.get(album.workflowId);
        if (!bar) {
          bar = bars.create(1, 0, { label: `  album ${album.albumKey}`.padEnd(22), unit: 'files', extra: '' });
          albumBars.set(album.workflowId, bar);
        }
        bar.setTotal(Math.max(1, album.files));
        bar.update(album.doneFiles, {
          extra: `${album.phase} ${(album.doneBytes / MB).toFixed(1)}/${(album.bytes / MB).toFixed(1)} MB`,
        });
      }
      for (const [workflowId, bar] of albumBars) {
        if (!current.has(workflowId)) {
          bars.remove(bar);
          albumBars.delete(workflowId);
        }
      }
      if (s.status !== 'RUNNING' || opts.until?.(s)) return s;
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 500));
    }
  } finally {
    bars.stop();
  }
}
