import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The comparison tools come from Debian's packages (`aws` 2.x is /usr/bin/aws there). */
export function benchTool(name: 'aws' | 'rclone' | 'curl'): string {
  const debian = `/usr/bin/${name}`;
  if (existsSync(debian)) return debian;
  throw new Error(
    `${name} is missing: install Debian's ${name === 'aws' ? 'awscli' : name} package (npm run bench installs it when run as root)`,
  );
}

/** Installs awscli and rclone with apt-get when they are missing (CI and the bench run as root). */
export function ensureBenchTools(log: (line: string) => void): void {
  const missing = [
    ['aws', 'awscli'],
    ['rclone', 'rclone'],
    ['curl', 'curl'],
  ]
    .filter(([bin]) => !existsSync(`/usr/bin/${bin}`))
    .map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  log(`Installing ${missing.join(', ')} from Debian's packages...`);
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}
