import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The comparison tools come from Debian's packages (`aws` 2.x is /usr/bin/aws there). */
export function benchTool(name: 'aws' | 'rclone' | 'curl'): string {
  const debian = `/usr/bin/${name}`;
  if (existsSync(debian)) return debian;
  throw new Error(`${name} is missing: install Debian's ${name === 'aws' ? 'awscli' : name} package (npm run bench installs it when run as root)`);
}

/** Installs awscli and rclone with apt-get when they are missing (CI and the bench run as root). */
export function ensureBenchTools(log: (line: string) => void): void {
  const missing = [['aws', 'awscli'], ['rclone', 'rclone'], ['curl', 'curl']].filter(([bin]) => !existsSync(`/usr/bin/${bin}`)).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  log(`Installing ${missing.join(', ')} from Debian's packages...`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

/** Runs a command to completion; its output is kept and shown only if it fails. An `undefined` in `env` unsets that variable. */
export function run(command: string, args: string[], env: Record<string, string | undefined> = {}): Promise<void> {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete merged[k];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`))));
  });
}
