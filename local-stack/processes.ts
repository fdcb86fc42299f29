import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1, for servers that tests start. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Another user to run a program as (PostgreSQL's own, when the project runs as root). */
/** The lowest port `freeLowPort` tries: above the well-known and registered ones most services take. */
const LOW_PORT_MIN = 20_000;
/** Temporal stores membership ports in a signed 16-bit column: anything above fails its start. */
const LOW_PORT_MAX = 32_767;

/** A free TCP port on 127.0.0.1 below the ephemeral range (which `freePort` draws from). */
export async function freeLowPort(): Promise<number> {
  for (;;) {
    const port = LOW_PORT_MIN + Math.floor(Math.random() * (LOW_PORT_MAX - LOW_PORT_MIN));
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export interface RunAs {
  uid?: number;
  gid?: number;
}

export interface ServerProcess {
  name: string;
  child: ChildProcess;
  logFile: string;
  stop(): Promise<void>;
}

async function logTail(logFile: string, lines = 20): Promise<string> {
  const text = await readFile(logFile, 'utf8').catch(() => '');
  return text.split('\n').slice(-lines).join('\n');
}

/** Starts a server process whose output goes to `logFile`; `stop()` ends it (TERM, then KILL). */
export async function spawnServer(
  name: string,
  command: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; logFile: string } & RunAs,
): Promise<ServerProcess> {
  const log = createWriteStream(opts.logFile, { flags: 'a' });
  await once(log, 'open');
  const child = spawn(command, args, {
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', log, log],
    uid: opts.uid,
    gid: opts.gid,
  });
  const exited = once(child, 'exit');
  child.once('error', () => undefined);
  return {
    name,
    child,
    logFile: opts.logFile,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
      log.end();
    },
  };
}

/** Polls `ready` until it is true; fails early, with the log's tail, if the process dies first. */
export async function waitUntilReady(
  server: ServerProcess,
  ready: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(
        `${server.name} exited before it was ready (code ${server.child.exitCode ?? server.child.signalCode}). Log ${server.logFile}:\n${await logTail(server.logFile)}`,
      );
    }
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(
        `${server.name} was not ready after ${timeoutMs / 1000} s. Log ${server.logFile}:\n${await logTail(server.logFile)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs a command to completion; its output is kept and shown only if it fails. An `undefined` in `env` unsets that variable. */
export function run(
  command: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  runAs: RunAs = {},
): Promise<void> {
  const merged: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete merged[k];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: merged, stdio: ['ignore', 'pipe', 'pipe'], ...runAs });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    child.stderr.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-4000)));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`)),
    );
  });
}
