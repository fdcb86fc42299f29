import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { run, type ServerProcess, spawnServer, waitUntilReady } from './processes';

/** Debian's packages put the server programs here, one folder per major version. */
const DEBIAN_POSTGRES_DIR = '/usr/lib/postgresql';

export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  password: string;
  process: ServerProcess;
}

/** The folder of `initdb` and `postgres`: POSTGRES_BIN_DIR, else Debian's newest, else PATH. */
function postgresBinDir(): string {
  if (process.env.POSTGRES_BIN_DIR) return process.env.POSTGRES_BIN_DIR;
  const versions = existsSync(DEBIAN_POSTGRES_DIR)
    ? readdirSync(DEBIAN_POSTGRES_DIR).sort((a, b) => Number(b) - Number(a))
    : [];
  for (const v of versions)
    if (existsSync(join(DEBIAN_POSTGRES_DIR, v, 'bin', 'initdb'))) return join(DEBIAN_POSTGRES_DIR, v, 'bin');
  try {
    return dirname(execFileSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim());
  } catch {
    throw new Error(
      'PostgreSQL is not installed: `apt-get install postgresql` (Debian), or set POSTGRES_BIN_DIR to the folder of initdb and postgres',
    );
  }
}

/**
 * PostgreSQL refuses to run as root: as root, its files belong to Debian's `postgres` user and the
 * server runs as that user (the folders above the data stay root's; those closed to others are opened for traversal only).
 */
async function serverUser(dataDir: string): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  const user = { uid: id('-u'), gid: id('-g') };
  for (let dir = dirname(dataDir); dir !== dirname(dir); dir = dirname(dir)) {
    const { mode } = await stat(dir);
    if (!(mode & 0o001)) await chmod(dir, (mode & 0o7777) | 0o001);
  }
  return user;
}

/**
 * A PostgreSQL server of the run's own on 127.0.0.1: `dataDir` is made with initdb the first time
 * (password authentication, one superuser), and reused by a restart.
 */
export async function startPostgres(opts: {
  dataDir: string;
  port: number;
  logFile: string;
  user: string;
  password: string;
}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const owner = await serverUser(opts.dataDir);
  const asOwner = owner ? { uid: owner.uid, gid: owner.gid } : {};
  if (!existsSync(join(opts.dataDir, 'PG_VERSION'))) {
    await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
    const passwordFile = join(opts.dataDir, '..', 'postgres-password');
    await writeFile(passwordFile, opts.password, { mode: 0o600 });
    if (owner) {
      await chown(opts.dataDir, owner.uid, owner.gid);
      await chown(passwordFile, owner.uid, owner.gid);
    }
    await run(
      join(bin, 'initdb'),
      ['-D', opts.dataDir, '-U', opts.user, `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '-E', 'UTF8'],
      {},
      asOwner,
    );
  }
  const args = ['-D', opts.dataDir, '-p', String(opts.port), '-c', 'listen_addresses=127.0.0.1'];
  // The socket goes into the data folder: Debian's /var/run/postgresql may not exist or be writable.
  args.push('-c', `unix_socket_directories=${opts.dataDir}`);
  const proc = await spawnServer('PostgreSQL', join(bin, 'postgres'), args, { logFile: opts.logFile, ...asOwner });
  const server = { host: '127.0.0.1', port: opts.port, user: opts.user, password: opts.password, process: proc };
  await waitUntilReady(
    proc,
    () =>
      run(join(bin, 'pg_isready'), ['-h', server.host, '-p', String(server.port), '-U', server.user]).then(
        () => true,
        () => false,
      ),
    60_000,
  );
  return server;
}
