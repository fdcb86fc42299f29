import { access, constants, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toolsCacheDir } from './paths';
import { run } from './processes';

/** The Python test tools, pinned here and nowhere else: an S3 double for what MinIO lacks, and the API fuzzer. */
export const PYTHON_TOOLS = { 'moto[server]': '5.2.5', schemathesis: '4.32.5' } as const;
const VENV_NAME = `python-${Object.entries(PYTHON_TOOLS)
  .map(([p, v]) => `${p.replace(/\W/g, '')}-${v}`)
  .join('-')}`;

export const pythonToolsDir = () => join(toolsCacheDir(), VENV_NAME);

/**
 * The `moto_server` and `st` (schemathesis) commands from a virtualenv in the tools cache, made
 * with pip from PyPI the first time.
 */
export async function resolvePythonTools(
  log: (line: string) => void = console.log,
): Promise<{ motoServer: string; schemathesis: string }> {
  const dir = pythonToolsDir();
  const tools = { motoServer: join(dir, 'bin', 'moto_server'), schemathesis: join(dir, 'bin', 'st') };
  // Written last: a venv without it is a broken install, made again.
  const complete = join(dir, 'installed');
  if (
    await access(complete, constants.R_OK).then(
      () => true,
      () => false,
    )
  )
    return tools;
  await mkdir(toolsCacheDir(), { recursive: true });
  log(
    `Installing ${Object.entries(PYTHON_TOOLS)
      .map(([p, v]) => `${p}==${v}`)
      .join(' ')} with pip into ${dir}`,
  );
  try {
    // Made in place (a venv's scripts carry its absolute path), so a broken one is removed first.
    await rm(dir, { recursive: true, force: true });
    await run('python3', ['-m', 'venv', dir]);
    await run(join(dir, 'bin', 'pip'), [
      'install',
      '--quiet',
      '--disable-pip-version-check',
      ...Object.entries(PYTHON_TOOLS).map(([p, v]) => `${p}==${v}`),
    ]);
    await writeFile(complete, `${new Date().toISOString()}\n`);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(
      `Could not install the Python test tools (needs python3 with venv, and PyPI): ${(err as Error).message}`,
    );
  }
  return tools;
}
