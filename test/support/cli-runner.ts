import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { projectRoot } from '../../local-stack/paths';
import { TEST_API_TOKEN } from './api-harness';

/** Runs the installed `smugmug-s3` command against an API as a user would, its output a pipe (not a terminal). */
export function cliAgainst(apiUrl: string) {
  return function cli(args: string[], input?: string) {
    const child = spawn(process.execPath, ['cli/smugmug-s3.cjs', ...args], {
      cwd: projectRoot,
      env: { ...process.env, SMUGMUG_S3_API_URL: apiUrl, SMUGMUG_S3_API_TOKEN: TEST_API_TOKEN },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    if (input !== undefined) child.stdin.end(input);
    return {
      child,
      output: () => output,
      done: once(child, 'exit').then(([code]) => ({ code: code as number, output })),
    };
  };
}
