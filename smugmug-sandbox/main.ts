import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseFaultFlag } from './faults';
import { DEFAULT_RAW_COMPONENTS } from './library';
import { startSandbox } from './server';
import { localStackDataDir } from '../local-stack/paths';

const USAGE = `npm run sandbox -- [options]
  --port N                 listen port (default 8467; 0 picks a free one)
  --host ADDR              listen address (default 127.0.0.1)
  --media-dir DIR          where generated originals are kept (default .local-stack/sandbox-media)
  --seed TEXT              library seed (default smugmug-sandbox)
  --albums N --folders N --photos-per-album N --videos N
  --photo-bytes MIN-MAX --video-bytes MIN-MAX
  --raw-components N --raw-bytes MIN-MAX
                           photos with a RAW file (SmugMug Source; default 3), and its size
  --no-tricky-cases        leave out the edge-case albums
  --max-page-size N        server-side cap on count (default 100)
  --rate-limit N/SECONDS   requests per user and app per window
  --open-media             serve originals without an OAuth signature
  --fault SPEC             arm a fault: kind[:times][@api|media|any][~pathContains], repeatable
                           kinds: rate-limit server-error html-error not-found reset truncate corrupt`;

function range(value: string | undefined, flag: string) {
  if (value === undefined) return undefined;
  const m = /^(\d+)-(\d+)$/.exec(value);
  if (!m) throw new Error(`${flag} expects MIN-MAX in bytes, e.g. 1000000-8000000`);
  return { min: Number(m[1]), max: Number(m[2]) };
}

function int(value: string | undefined, flag: string) {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`${flag} expects a whole number, got "${value}"`);
  return Number(value);
}

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'media-dir': { type: 'string' },
      seed: { type: 'string' },
      albums: { type: 'string' },
      folders: { type: 'string' },
      'photos-per-album': { type: 'string' },
      videos: { type: 'string' },
      'photo-bytes': { type: 'string' },
      'video-bytes': { type: 'string' },
      'raw-components': { type: 'string' },
      'raw-bytes': { type: 'string' },
      'no-tricky-cases': { type: 'boolean' },
      'max-page-size': { type: 'string' },
      'rate-limit': { type: 'string' },
      'open-media': { type: 'boolean' },
      fault: { type: 'string', multiple: true },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return console.log(USAGE);
  const rate = values['rate-limit'] ? /^(\d+)\/(\d+)$/.exec(values['rate-limit']) : undefined;
  if (values['rate-limit'] && !rate) throw new Error('--rate-limit expects N/SECONDS, e.g. 100/60');
  const sandbox = await startSandbox({
    port: int(values.port, '--port') ?? Number(process.env.SANDBOX_PORT ?? 8467),
    host: values.host,
    mediaDir: values['media-dir'] ?? join(localStackDataDir(), 'sandbox-media'),
    library: {
      seed: values.seed,
      albums: int(values.albums, '--albums'),
      folders: int(values.folders, '--folders'),
      photosPerAlbum: int(values['photos-per-album'], '--photos-per-album'),
      videos: int(values.videos, '--videos'),
      photoBytes: range(values['photo-bytes'], '--photo-bytes'),
      videoBytes: range(values['video-bytes'], '--video-bytes'),
      rawComponents: int(values['raw-components'], '--raw-components') ?? DEFAULT_RAW_COMPONENTS,
      rawBytes: range(values['raw-bytes'], '--raw-bytes'),
      trickyCases: !values['no-tricky-cases'],
    },
    maxPageSize: int(values['max-page-size'], '--max-page-size'),
    rateLimit: rate ? { requests: Number(rate[1]), windowSeconds: Number(rate[2]) } : undefined,
    requireSignedMedia: !values['open-media'],
    faults: (values.fault ?? []).map(parseFaultFlag),
  });
  const { credentials: c, library } = sandbox;
  console.log(`SmugMug sandbox on ${sandbox.url} (user ${library.nickname}: ${library.albums.size} albums, ${library.images.size} images)
  SMUGMUG_API_BASE_URL=${sandbox.url}
  SMUGMUG_API_KEY=${c.consumerKey}
  SMUGMUG_API_SECRET=${c.consumerSecret}
  SMUGMUG_ACCESS_TOKEN=${c.fullModify.token}          (Access=Full, Permissions=Modify)
  SMUGMUG_ACCESS_TOKEN_SECRET=${c.fullModify.secret}
  read-only token: ${c.fullRead.token} / ${c.fullRead.secret}; public token: ${c.publicRead.token} / ${c.publicRead.secret}
  admin: ${sandbox.url}/__sandbox/info, /__sandbox/counters, /__sandbox/faults`);
  const stop = () => void sandbox.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    console.error(USAGE);
    process.exit(1);
  });
}
