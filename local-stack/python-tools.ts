import { spawn } from 'node:child_process';
import { access, constants, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toolsCacheDir } from './paths';

/** The Python test tools, pinned here and nowhere else: an S3 double for what MinIO lacks, and the API fuzzer. */
export const PYTHON_TOOLS = { 'moto[server]': '5.2.5', schemathesis: '4.32.5' } as const;
const VENV_NAME = `python-${Object.entries(PYTHON_TOOLS).map(([p, v]) => `${p.replace(/\W/g, '')}-${v}`).join('-')}`;

export const pythonToolsDir = () => join(toolsCacheDir(), VENV_NAME);

function run(command: string, args: string[], log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else {
        log(output.slice(-4000));
        reject(new Error(`${command} ${args.join(' ')} failed with exit code ${code}`));
      }
    });
  });
}

/**
 * The `moto_server` and `st` (schemathesis) commands from a virtualenv in the tools cache, made
 * with pip from PyPI the first time.
 */
export async function resolvePythonTools(log: (line: string) => void = console.log): Promise<{ motoServer: string; schemathesis: string }> {
  const dir = pythonToolsDir();
  const tools = { motoServer: join(dir, 'bin', 'moto_server'), schemathesis: join(dir, 'bin', 'st') };
  // Written last: a venv without it is a broken install, made again.
  const complete = join(dir, 'installed');
  if (await access(complete, constants.R_OK).then(() => true, () => false)) return tools;
  await mkdir(toolsCacheDir(), { recursive: true });
  log(`Installing ${Object.entries(PYTHON_TOOLS).map(([p, v]) => `${p}==${v}`).join(' ')} with pip into ${dir}`);
  try {
    // Made in place (a venv's scripts carry its absolute path), so a broken one is removed first.
    await rm(dir, { recursive: true, force: true });
    await run('python3', ['-m', 'venv', dir], log);
    await run(join(dir, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', ...Object.entries(PYTHON_TOOLS).map(([p, v]) => `${p}==${v}`)], log);
    await writeFile(complete, `${new Date().toISOString()}\n`);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(`Could not install the Python test tools (needs python3 with venv, and PyPI): ${(err as Error).message}`);
  }
  return tools;
}
